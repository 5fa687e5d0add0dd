import { callKernel } from '../engine/kernels.js';
import { declareOpsOnly } from '../engine/twin.js';
import { defineKernel } from '../kernels/registry.js';
import { bernoulli } from '../random/index.js';
import type { FloatArray } from '../tensor/dtype.js';
import { allocate } from '../tensor/dtype.js';
import * as ops from '../tensor/ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions, describe, optionNames } from '../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';

const DROPOUT_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/**
 * Inverted dropout: in training, zeroes each input with probability `rate` and scales the rest by
 * 1/(1 − rate); at inference it passes inputs through. Training call c draws its mask from
 * `foldIn(dropoutKey, c)`, the layer's key of the `dropout` source (docs/random.md), so masks are
 * reproducible and independent of every other consumer — and of the weights' `init` stream.
 *
 * @example
 * ```ts
 * model.add(new Dropout(0.2, { seed: 7 }));
 * ```
 */
export class Dropout extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  /** Every field is part of the model's description (models/replay-description.ts). */
  static readonly buildOnlyFields: readonly string[] = [];
  static {
    declareOpsOnly(Dropout);
  }
  readonly rate: number;

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
    const mask = allocate(inputs.dtype, inputs.size);
    // One primitive with an effect: at every replay it draws the next call's mask from the layer's
    // key and counter, exactly as an eager call does.
    callKernel(dropoutMask, [mask], 0, [this], {
      effect: true,
      signature: `dropoutMask:${this.rate}:${mask.length}`,
      // Another model's program draws from its own layer's key and counter (engine/twin.ts).
      rebind: (binding) => [binding.get(this)],
    });
    return ops.mul(inputs, new Tensor(mask, inputs.shape));
  }

  /** A Dropout-like layer takes a `dropout` key at build time, whatever its rate (its consumer slot is fixed). */
  protected override drawsMasks(): boolean {
    return true;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** The mask of a Dropout layer's next training call: scale where kept, 0 where dropped. */
const dropoutMask = defineKernel('dropoutMask', (mask: FloatArray, layer: Dropout) => {
  const keep = bernoulli(layer.nextMaskKey(), mask.length, 1 - layer.rate);
  const scale = 1 / (1 - layer.rate);
  for (let i = 0; i < mask.length; i++) mask[i] = keep[i] ? scale : 0;
});
