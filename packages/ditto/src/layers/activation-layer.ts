import type { Tensor } from '../tensor/tensor.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { type ActivationFn, getActivation } from './activations.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

const ACTIVATION_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/**
 * Applies an activation function to its input.
 *
 * @example
 * ```ts
 * model.add(new Dense(10));
 * model.add(new Activation('relu'));
 * ```
 */
export class Activation extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly activation: { name: string; fn: ActivationFn };

  constructor(activation: string | ActivationFn, options: LayerOptions = {}) {
    checkOptions('Activation', options, ACTIVATION_OPTIONS);
    super(options);
    this.activation = getActivation(activation);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(inputs: Tensor): Tensor {
    return this.activation.fn(inputs);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }
}
