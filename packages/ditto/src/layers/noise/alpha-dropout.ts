import { bernoulli, type Key } from '../../random/index.js';
import type { FloatArray } from '../../tensor/dtype.js';
import * as ops from '../../tensor/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { NoiseLayer } from './noise-layer.js';

/** SELU's constants, as Keras writes them. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Dropout that keeps SELU's self-normalising mean and variance (Keras `AlphaDropout`): a dropped
 * input becomes α' = −α·scale, then y = a·x + b with a = ((1 − rate)(1 + rate·α'²))^(−1/2) and
 * b = −a·α'·rate. Computed as y = x·m + o with per-element m = a·keep and o = a·α'·(1 − keep) + b
 * from one Bernoulli draw per element (keyed as Dropout).
 *
 * @example
 * ```ts
 * model.add(new Dense(64, { activation: 'selu', kernelInitializer: 'lecunNormal' }));
 * model.add(new AlphaDropout(0.1));
 * ```
 */
export class AlphaDropout extends NoiseLayer {
  /** Its `call` is built from ops and an effect primitive: the engine may trace and replay it. */
  static override readonly traceable = true;

  override call(inputs: Tensor, options: { training: boolean }): Tensor {
    if (!options.training || this.rate === 0) return inputs;
    // One draw makes both halves: [multipliers | offsets].
    const both = this.noise([2, ...inputs.shape], inputs.dtype, 'alphaDropout');
    const [m, o] = ops.unstack(both, 0);
    return ops.add(ops.mul(inputs, m), o);
  }

  drawNoise(key: Key, out: FloatArray): void {
    const n = out.length / 2;
    const keep = bernoulli(key, n, 1 - this.rate);
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const a = 1 / Math.sqrt((1 - this.rate) * (1 + this.rate * alphaP * alphaP));
    const b = -a * alphaP * this.rate;
    const dropped = a * alphaP + b;
    for (let i = 0; i < n; i++) {
      out[i] = keep[i] ? a : 0;
      out[n + i] = keep[i] ? b : dropped;
    }
  }
}
