/** The optimizer interface: given each trainable variable's gradient, update the variables in place. */
import type { Variable } from '../layers/variable.js';
import type { FloatArray } from '../tensor/dtype.js';

/** One variable and its gradient for this step (same dtype and size). */
export interface GradientPair {
  readonly variable: Variable;
  readonly grad: FloatArray;
}

export interface Optimizer {
  /** Name as in Keras ('adam', 'sgd', …). */
  readonly name: string;
  /** Steps taken so far (Keras's `iterations`). */
  readonly iterations: number;
  /** Applies one update to every variable, in the order given, and counts one iteration. */
  applyGradients(pairs: readonly GradientPair[]): void;
  /** The hyper-parameters, for summaries and run records. */
  getConfig(): Record<string, number | boolean | string>;
}
