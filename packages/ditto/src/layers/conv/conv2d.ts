import { checkOptions, optionNames } from '../../validate/index.js';
import { BaseConv, CONV_OPTIONS, type ConvOptions } from './base-conv.js';
import type { SpatialValue } from './window-options.js';

const CONV2D_OPTIONS = optionNames<ConvOptions>(CONV_OPTIONS);

/**
 * 2-D convolution over [height, width, channels] samples (Keras `Conv2D`): kernel
 * [kh, kw, inChannels, filters], bias [filters], padding 'valid' or 'same', strides, dilation.
 * Computed as unfold (im2col) + one matmul, in the reduction order of docs/determinism.md.
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Conv2D(16, 3, { activation: 'relu', inputShape: [28, 28, 1] }),
 *   new MaxPooling2D(),
 *   new Flatten(),
 *   new Dense(10, { activation: 'softmax' }),
 * ]);
 * ```
 */
export class Conv2D extends BaseConv {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;

  constructor(filters: number, kernelSize: SpatialValue, options: ConvOptions = {}) {
    checkOptions('Conv2D', options, CONV2D_OPTIONS);
    super(2, filters, kernelSize, options);
  }
}
