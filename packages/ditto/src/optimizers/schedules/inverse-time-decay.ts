/** Keras's InverseTimeDecay. */
import { requireNonNegative } from './options.js';
import { type RateDecayOptions, RateDecaySchedule } from './rate-decay.js';

/** Options of {@link InverseTimeDecay} (Keras's arguments in camelCase; `decayRate` ≥ 0). */
export type InverseTimeDecayOptions = RateDecayOptions;

const fr = Math.fround;

/**
 * initialLearningRate / (1 + decayRate · step / decaySteps), the ratio floored when `staircase`, in
 * float32 as Keras computes it.
 *
 * @example
 * ```ts
 * const lr = new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
 * lr.at(2); // 0.05
 * ```
 */
export class InverseTimeDecay extends RateDecaySchedule {
  readonly className = 'InverseTimeDecay';

  constructor(options: InverseTimeDecayOptions) {
    super('InverseTimeDecay', options, requireNonNegative);
  }

  protected valueAt(step: number): number {
    return fr(fr(this.initialLearningRate) / fr(1 + fr(fr(this.decayRate) * this.progress(step))));
  }
}
