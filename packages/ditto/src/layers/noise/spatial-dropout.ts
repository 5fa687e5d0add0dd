import { bernoulli, type Key } from '../../random/index.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { LayerOptions } from '../layer.js';
import { NoiseLayer } from './noise-layer.js';

abstract class SpatialDropout extends NoiseLayer {
  protected constructor(
    private readonly spatialRank: 1 | 2,
    rate: number,
    options: LayerOptions,
  ) {
    super(rate, options);
  }

  override computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== this.spatialRank + 1) {
      throw new ShapeError(
        `${this.name}: ${this.constructor.name} expects samples of rank ${this.spatialRank + 1} (channels last), got ${formatShape(inputShape)}`,
      );
    }
    return [...inputShape];
  }

  override call(inputs: Tensor, options: { training: boolean }): Tensor {
    if (!options.training || this.rate === 0) return inputs;
    // One draw per (sample, channel): whole feature maps are kept or dropped (Keras's noise shape).
    const shape = inputs.shape.map((d, i) => (i === 0 || i === inputs.rank - 1 ? d : 1));
    return this.multiply(inputs, shape, 'spatialDropout');
  }

  drawNoise(key: Key, out: FloatArray): void {
    const keep = bernoulli(key, out.length, 1 - this.rate);
    const scale = 1 / (1 - this.rate);
    for (let i = 0; i < out.length; i++) out[i] = keep[i] ? scale : 0;
  }
}

/**
 * Dropout of whole channels of [steps, channels] samples (Keras `SpatialDropout1D`): each
 * (sample, channel) is zeroed with probability `rate` at every step, the rest scaled by
 * 1/(1 − rate). Keyed as Dropout.
 *
 * @example
 * ```ts
 * model.add(new SpatialDropout1D(0.2, { seed: 3 }));
 * ```
 */
export class SpatialDropout1D extends SpatialDropout {
  /** Its `call` is built from ops and an effect primitive: the engine may trace and replay it. */
  static override readonly traceable = true;
  constructor(rate: number, options: LayerOptions = {}) {
    super(1, rate, options);
  }
}

/**
 * Dropout of whole feature maps of [height, width, channels] samples (Keras `SpatialDropout2D`).
 *
 * @example
 * ```ts
 * model.add(new SpatialDropout2D(0.1));
 * ```
 */
export class SpatialDropout2D extends SpatialDropout {
  /** Its `call` is built from ops and an effect primitive: the engine may trace and replay it. */
  static override readonly traceable = true;
  constructor(rate: number, options: LayerOptions = {}) {
    super(2, rate, options);
  }
}
