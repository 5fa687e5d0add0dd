import { type Key, normal } from '../../random/index.js';
import type { FloatArray } from '../../tensor/dtype.js';
import * as ops from '../../tensor/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkFiniteNumber, describe } from '../../validate/index.js';
import type { LayerOptions } from '../layer.js';
import { NoiseLayer } from './noise-layer.js';

/**
 * Adds zero-mean normal noise of standard deviation `stddev` in training (Keras `GaussianNoise`).
 * The noise of training call c is `normal(foldIn(layerKey, c), n)`·stddev (docs/random.md).
 *
 * @example
 * ```ts
 * model.add(new GaussianNoise(0.1, { seed: 5 }));
 * ```
 */
export class GaussianNoise extends NoiseLayer {
  /** Its `call` is built from ops and an effect primitive: the engine may trace and replay it. */
  static override readonly traceable = true;
  readonly stddev: number;

  constructor(stddev: number, options: LayerOptions = {}) {
    checkFiniteNumber('GaussianNoise', 'stddev', stddev);
    if (stddev < 0) throw new RangeError(`GaussianNoise: stddev must be ≥ 0, got ${describe(stddev)}`);
    // A Dropout of rate 0 underneath: the random consumer's key and counter, nothing else.
    super(0, options);
    this.stddev = stddev;
  }

  override call(inputs: Tensor, options: { training: boolean }): Tensor {
    if (!options.training || this.stddev === 0) return inputs;
    return ops.add(inputs, this.noise(inputs.shape, inputs.dtype, 'gaussianNoise'));
  }

  drawNoise(key: Key, out: FloatArray): void {
    const z = normal(key, out.length);
    for (let i = 0; i < out.length; i++) out[i] = z[i] * this.stddev;
  }

  override getConfig(): Record<string, unknown> {
    const { rate: _, ...config } = super.getConfig();
    return { ...config, stddev: this.stddev };
  }
}

/**
 * Multiplies inputs by normal noise of mean 1 and standard deviation √(rate / (1 − rate)) in
 * training (Keras `GaussianDropout`).
 *
 * @example
 * ```ts
 * model.add(new GaussianDropout(0.2));
 * ```
 */
export class GaussianDropout extends NoiseLayer {
  /** Its `call` is built from ops and an effect primitive: the engine may trace and replay it. */
  static override readonly traceable = true;

  override call(inputs: Tensor, options: { training: boolean }): Tensor {
    if (!options.training || this.rate === 0) return inputs;
    return this.multiply(inputs, inputs.shape, 'gaussianDropout');
  }

  drawNoise(key: Key, out: FloatArray): void {
    const z = normal(key, out.length);
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    for (let i = 0; i < out.length; i++) out[i] = 1 + z[i] * stddev;
  }
}
