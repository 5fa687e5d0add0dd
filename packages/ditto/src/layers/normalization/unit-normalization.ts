import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

export interface UnitNormalizationOptions extends LayerOptions {
  /** The axis or axes of a batch whose L2 norm becomes 1 (default −1). */
  axis?: number | readonly number[];
}

const UNIT_NORMALIZATION_OPTIONS = optionNames<UnitNormalizationOptions>({ ...LAYER_OPTIONS, axis: true });

/**
 * Scales each sample to unit L2 norm over `axis` (Keras `UnitNormalization`):
 * y = x / √(max(Σ x², 1e-12)).
 *
 * @example
 * ```ts
 * model.add(new UnitNormalization()); // embeddings on the unit sphere
 * ```
 */
export class UnitNormalization extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly axis: readonly number[];

  constructor(options: UnitNormalizationOptions = {}) {
    checkOptions('UnitNormalization', options, UNIT_NORMALIZATION_OPTIONS);
    super(options);
    const axis = options.axis ?? -1;
    this.axis = typeof axis === 'number' ? [axis] : [...axis];
    if (this.axis.length === 0 || !this.axis.every((a) => Number.isInteger(a) && a !== 0)) {
      throw new RangeError(
        `UnitNormalization: axis must be a non-zero integer or a non-empty list of them (axis 0 is the batch), got ${JSON.stringify(axis)}`,
      );
    }
  }

  private batchAxes(sampleShape: readonly number[]): number[] {
    const rank = sampleShape.length + 1;
    const axes = this.axis.map((a) => (a < 0 ? a + rank : a));
    if (axes.some((a) => a < 1 || a >= rank) || new Set(axes).size !== axes.length) {
      throw new ShapeError(
        `${this.name}: axis ${JSON.stringify(this.axis)} does not name distinct sample axes of batches of ${formatShape(sampleShape)} (the batch is axis 0)`,
      );
    }
    return axes;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    this.batchAxes(inputShape);
    return [...inputShape];
  }

  call(inputs: Tensor): Tensor {
    const squares = ops.sum(ops.square(inputs), this.batchAxes(inputs.shape.slice(1)), { keepDims: true });
    return ops.div(inputs, ops.sqrt(ops.maximum(squares, scalar(1e-12, inputs.dtype))));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: [...this.axis] };
  }
}
