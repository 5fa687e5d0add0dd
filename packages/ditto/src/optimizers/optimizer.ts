/** The optimizer interface: given each trainable variable's gradient, update the variables in place. */
import type { Variable } from '../layers/variable.js';
import type { FloatArray } from '../tensor/dtype.js';

/** One variable and its gradient for this step (same dtype and size). */
export interface GradientPair {
  readonly variable: Variable;
  readonly grad: FloatArray;
}

/** An optimizer's hyper-parameters; a learning-rate schedule appears as its `{ className, config }`. */
export type OptimizerConfig = Record<
  string,
  | number
  | boolean
  | string
  | { readonly className: string; readonly config: Readonly<Record<string, unknown>> }
>;

export interface Optimizer {
  /** Name as in Keras ('adam', 'sgd', …). */
  readonly name: string;
  /** Steps taken so far (Keras's `iterations`). */
  readonly iterations: number;
  /** Applies one update to every variable, in the order given, and counts one iteration. */
  applyGradients(pairs: readonly GradientPair[]): void;
  /** The hyper-parameters, for summaries and run records. */
  getConfig(): OptimizerConfig;
}
