/** ActivityRegularization: the identity, adding an L1/L2 penalty of its input to the loss (Keras). */
import * as ops from '../tensor/ops/index.js';
import { scalar, type Tensor } from '../tensor/tensor.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';
import { l1l2, type Regularizer } from './regularizers.js';

export interface ActivityRegularizationOptions extends LayerOptions {
  /** Factor of Σ|x| (≥ 0); default 0. */
  l1?: number;
  /** Factor of Σx² (≥ 0); default 0. */
  l2?: number;
}

const ACTIVITY_REGULARIZATION_OPTIONS = optionNames<ActivityRegularizationOptions>({
  ...LAYER_OPTIONS,
  l1: true,
  l2: true,
});

/**
 * Keras's `ActivityRegularization`: returns its input unchanged and adds
 * (l1·Σ|x| + l2·Σx²) / batchSize of that input to the loss — Keras 3 divides every activity
 * penalty by the batch size, so its strength does not depend on the batch size. The sums run over
 * the whole batch in row-major order (as every ditto regularizer); the penalty enters `fit`'s and
 * `evaluate`'s loss, after the mean loss, in layer order. A mask passes through unchanged.
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Dense(32, { activation: 'relu', inputShape: [10] }),
 *   new ActivityRegularization({ l1: 1e-4 }),
 *   new Dense(1),
 * ]);
 * ```
 */
export class ActivityRegularization extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly l1: number;
  readonly l2: number;
  private readonly regularizer: Regularizer;
  /** The penalty of the latest call's input, which `regularizationLosses` hands to the loss. */
  private penalty: Tensor | null = null;

  constructor(options: ActivityRegularizationOptions = {}) {
    checkOptions('ActivityRegularization', options, ACTIVITY_REGULARIZATION_OPTIONS);
    super(options);
    this.l1 = options.l1 ?? 0;
    this.l2 = options.l2 ?? 0;
    for (const [option, value] of [
      ['l1', this.l1],
      ['l2', this.l2],
    ] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(`${this.name}: ${option} must be a finite number >= 0, got ${String(value)}`);
      }
    }
    this.regularizer = l1l2({ l1: this.l1, l2: this.l2 });
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(inputs: Tensor): Tensor {
    if (this.l1 > 0 || this.l2 > 0) {
      const batch = inputs.rank === 0 ? 1 : inputs.shape[0];
      // Keras's divide_no_nan: an empty batch adds 0.
      this.penalty =
        batch === 0
          ? scalar(0, inputs.dtype)
          : ops.div(this.regularizer(inputs), scalar(batch, inputs.dtype));
    }
    return inputs;
  }

  /** The mask of the input, unchanged (Keras: supports_masking). */
  computeMask(_inputs: Tensor, mask: Tensor | null): Tensor | null {
    return mask;
  }

  override regularizationLosses(): Tensor[] {
    return this.penalty ? [this.penalty] : [];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}
