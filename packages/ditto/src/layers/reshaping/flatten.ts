import * as ops from '../../tensor/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

const FLATTEN_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/**
 * Flattens each sample into one axis, keeping the batch (Keras `Flatten`, channels-last: the
 * values in row-major order, no copy).
 *
 * @example
 * ```ts
 * model.add(new Flatten()); // [batch, 5, 5, 16] → [batch, 400]
 * ```
 */
export class Flatten extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;

  constructor(options: LayerOptions = {}) {
    checkOptions('Flatten', options, FLATTEN_OPTIONS);
    super(options);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((p, d) => p * d, 1)];
  }

  call(inputs: Tensor): Tensor {
    return ops.reshape(inputs, [inputs.shape[0], inputs.size / Math.max(inputs.shape[0], 1)]);
  }
}
