import { checkOptions, optionNames } from '../../validate/index.js';
import { BaseConv, GROUPED_CONV_OPTIONS, type GroupedConvOptions } from './base-conv.js';
import type { SpatialValue } from './window-options.js';

/** Conv1D's options: padding 'valid', 'same' or 'causal', and `groups`. */
export type Conv1DOptions = GroupedConvOptions;

const CONV1D_OPTIONS = optionNames<Conv1DOptions>(GROUPED_CONV_OPTIONS);

/**
 * 1-D convolution over [steps, channels] samples (Keras `Conv1D`): kernel
 * [kernelSize, inChannels / groups, filters]. The 2-D convolution over images of height 1 — same
 * bits. `padding: 'causal'` puts (kernelSize − 1)·dilationRate zeros before the first step only, so
 * output t depends on inputs 0…t (as Keras; for WaveNet-style models).
 *
 * @example
 * ```ts
 * const model = new Sequential([new Conv1D(8, 5, { activation: 'relu', inputShape: [100, 3] })]);
 * const causal = new Conv1D(4, 3, { padding: 'causal', dilationRate: 2, groups: 2 });
 * ```
 */
export class Conv1D extends BaseConv {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;

  constructor(filters: number, kernelSize: SpatialValue, options: Conv1DOptions = {}) {
    checkOptions('Conv1D', options, CONV1D_OPTIONS);
    super(1, filters, kernelSize, options);
  }
}
