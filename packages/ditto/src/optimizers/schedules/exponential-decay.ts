/** Keras's ExponentialDecay. */
import { float32Power } from './float32-math.js';
import { requirePositive } from './options.js';
import { type RateDecayOptions, RateDecaySchedule } from './rate-decay.js';

/** Options of {@link ExponentialDecay} (Keras's arguments in camelCase; `decayRate` > 0). */
export type ExponentialDecayOptions = RateDecayOptions;

const fr = Math.fround;

/**
 * initialLearningRate · decayRate^(step / decaySteps), the exponent floored when `staircase`, as
 * Keras computes it in float32 (each operation rounded; the power by {@link float32Power}).
 *
 * @example
 * ```ts
 * const lr = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
 * lr.at(20); // 0.025
 * ```
 */
export class ExponentialDecay extends RateDecaySchedule {
  readonly className = 'ExponentialDecay';

  constructor(options: ExponentialDecayOptions) {
    super('ExponentialDecay', options, requirePositive);
  }

  protected valueAt(step: number): number {
    return fr(fr(this.initialLearningRate) * float32Power(fr(this.decayRate), this.progress(step)));
  }
}
