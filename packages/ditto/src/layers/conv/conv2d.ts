import type { Padding } from '../../tensor/ops/window.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { BaseConv, GROUPED_CONV_OPTIONS, type GroupedConvOptions } from './base-conv.js';
import type { SpatialValue } from './window-options.js';

/** Conv2D's options: padding 'valid' or 'same' (no 'causal'), and `groups`. */
export interface Conv2DOptions extends Omit<GroupedConvOptions, 'padding'> {
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
}

const CONV2D_OPTIONS = optionNames<Conv2DOptions>(GROUPED_CONV_OPTIONS);

/**
 * 2-D convolution over [height, width, channels] samples (Keras `Conv2D`): kernel
 * [kh, kw, inChannels / groups, filters], bias [filters], padding 'valid' or 'same', strides,
 * dilation, `groups`. Computed as unfold (im2col) + one matmul per group, in the reduction order of
 * docs/determinism.md.
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Conv2D(16, 3, { activation: 'relu', inputShape: [28, 28, 1] }),
 *   new MaxPooling2D(),
 *   new Flatten(),
 *   new Dense(10, { activation: 'softmax' }),
 * ]);
 * const grouped = new Conv2D(8, 3, { groups: 4 }); // inputs with 4, 8, 12, … channels
 * ```
 */
export class Conv2D extends BaseConv {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;

  constructor(filters: number, kernelSize: SpatialValue, options: Conv2DOptions = {}) {
    checkOptions('Conv2D', options, CONV2D_OPTIONS);
    super(2, filters, kernelSize, options);
  }
}
