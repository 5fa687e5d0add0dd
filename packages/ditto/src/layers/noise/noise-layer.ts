/**
 * What the noise layers share: each is a random consumer keyed exactly like Dropout — training call
 * c draws from foldIn(dropoutKey, c), the layer's key of the `dropout` source, through one effect
 * primitive that advances the counter at every replay. Their key and counter go into the training
 * state (model.getTrainingState) as every mask-drawing layer's do. At inference every one passes
 * inputs through.
 */
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import type { Key } from '../../random/index.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { allocate } from '../../tensor/dtype.js';
import * as ops from '../../tensor/ops/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkOptions, describe, optionNames } from '../../validate/index.js';
import { Dropout } from '../dropout.js';
import { LAYER_OPTIONS, type LayerOptions } from '../layer.js';

const NOISE_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/** A layer whose training calls draw noise: {@link drawNoise} writes one call's values. */
export abstract class NoiseLayer extends Dropout {
  constructor(rate: number, options: LayerOptions = {}) {
    // Checked here so that errors name this layer, not Dropout.
    const kind = new.target.name;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new RangeError(`${kind}: rate must be a number in [0, 1), got ${describe(rate)}`);
    }
    checkOptions(kind, options, NOISE_OPTIONS);
    super(rate, options);
  }

  /** Writes the noise of one training call, drawn from `key` (the layer's next call key). */
  abstract drawNoise(key: Key, out: FloatArray, shape: readonly number[]): void;

  /** Runs the noise primitive: a fresh buffer of `shape` filled by {@link drawNoise}. */
  protected noise(shape: readonly number[], dtype: Tensor['dtype'], tag: string): Tensor {
    const out = allocate(
      dtype,
      shape.reduce((p, d) => p * d, 1),
    );
    callKernel(noiseKernel, [out], 0, [this, [...shape]], {
      effect: true,
      signature: `noise:${tag}:${this.name}:${shape}`,
    });
    return new Tensor(out, shape);
  }

  /** Inputs times a mask of `maskShape` (broadcast), drawn per training call. */
  protected multiply(inputs: Tensor, maskShape: readonly number[], tag: string): Tensor {
    return ops.mul(inputs, this.noise(maskShape, inputs.dtype, tag));
  }
}

const noiseKernel = defineKernel('noise', (out: FloatArray, layer: NoiseLayer, shape: readonly number[]) => {
  layer.drawNoise(layer.nextMaskKey(), out, shape);
});
