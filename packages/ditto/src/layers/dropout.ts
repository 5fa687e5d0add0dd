import { bernoulli, foldIn } from '../random/index.js';
import { allocate } from '../tensor/dtype.js';
import * as ops from '../tensor/ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions, describe, optionNames } from '../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

const DROPOUT_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/**
 * Inverted dropout: in training, zeroes each input with probability `rate` and scales the rest by
 * 1/(1 − rate); at inference it passes inputs through. Each training call draws its mask from
 * `foldIn(layerKey, callIndex)`, so masks are reproducible and independent of every other consumer.
 *
 * @example
 * ```ts
 * model.add(new Dropout(0.2, { seed: 7 }));
 * ```
 */
export class Dropout extends Layer {
  readonly rate: number;
  private calls = 0;

  constructor(rate: number, options: LayerOptions = {}) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`Dropout: rate must be a number in [0, 1), got ${describe(rate)}`);
    }
    checkOptions('Dropout', options, DROPOUT_OPTIONS);
    super(options);
    this.rate = rate;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(inputs: Tensor, options: { training: boolean }): Tensor {
    if (!options.training || this.rate === 0) return inputs;
    const keep = bernoulli(foldIn(this.key, this.calls++), inputs.size, 1 - this.rate);
    const scale = 1 / (1 - this.rate);
    const mask = allocate(inputs.dtype, inputs.size);
    for (let i = 0; i < mask.length; i++) mask[i] = keep[i] ? scale : 0;
    return ops.mul(inputs, new Tensor(mask, inputs.shape));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate };
  }
}
