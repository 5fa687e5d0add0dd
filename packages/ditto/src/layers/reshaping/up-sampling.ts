import * as ops from '../../tensor/ops/index.js';
import { fill, type Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { checkSampleRank, type SpatialValue, spatialTuple } from '../conv/window-options.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

export interface UpSampling2DOptions extends LayerOptions {
  /** Repeats of each row and column (default 2). */
  size?: SpatialValue;
  /** 'nearest', the only one (Keras's default). */
  interpolation?: 'nearest';
}

const UP_SAMPLING_OPTIONS = optionNames<UpSampling2DOptions>({
  ...LAYER_OPTIONS,
  size: true,
  interpolation: true,
});

/**
 * Repeats each row `size[0]` times and each column `size[1]` times (Keras `UpSampling2D`,
 * nearest). Computed as a product with ones over broadcast axes, so its gradient is the sum of each
 * block, in row-major order.
 *
 * @example
 * ```ts
 * model.add(new UpSampling2D({ size: 2 })); // [batch, 7, 7, c] → [batch, 14, 14, c]
 * ```
 */
export class UpSampling2D extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly size: readonly number[];

  constructor(options: UpSampling2DOptions = {}) {
    checkOptions('UpSampling2D', options, UP_SAMPLING_OPTIONS);
    super(options);
    this.size = spatialTuple('UpSampling2D', 'size', options.size ?? 2, 2);
    if (options.interpolation !== undefined && options.interpolation !== 'nearest') {
      throw new TypeError(
        `UpSampling2D: interpolation must be 'nearest', got ${JSON.stringify(options.interpolation)}`,
      );
    }
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    checkSampleRank(this.name, 'UpSampling2D', inputShape, 3);
    return [inputShape[0] * this.size[0], inputShape[1] * this.size[1], inputShape[2]];
  }

  call(inputs: Tensor): Tensor {
    const [h, w, c] = this.computeOutputShape(inputs.shape.slice(1));
    const [n, height, width] = inputs.shape;
    const spread = ops.reshape(inputs, [n, height, 1, width, 1, c]);
    const repeat = fill([1, 1, this.size[0], 1, this.size[1], 1], 1, inputs.dtype);
    return ops.reshape(ops.mul(spread, repeat), [n, h, w, c]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], interpolation: 'nearest' };
  }
}
