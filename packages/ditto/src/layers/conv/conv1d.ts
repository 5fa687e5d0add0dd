import { checkOptions, optionNames } from '../../validate/index.js';
import { BaseConv, CONV_OPTIONS, type ConvOptions } from './base-conv.js';
import type { SpatialValue } from './window-options.js';

const CONV1D_OPTIONS = optionNames<ConvOptions>(CONV_OPTIONS);

/**
 * 1-D convolution over [steps, channels] samples (Keras `Conv1D`): kernel
 * [kernelSize, inChannels, filters]. The 2-D convolution over images of height 1 — same bits.
 *
 * @example
 * ```ts
 * const model = new Sequential([new Conv1D(8, 5, { activation: 'relu', inputShape: [100, 3] })]);
 * ```
 */
export class Conv1D extends BaseConv {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;

  constructor(filters: number, kernelSize: SpatialValue, options: ConvOptions = {}) {
    checkOptions('Conv1D', options, CONV1D_OPTIONS);
    super(1, filters, kernelSize, options);
  }
}
