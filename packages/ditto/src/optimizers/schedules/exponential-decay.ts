/** Keras's ExponentialDecay. */
import { checkOptions, optionNames } from '../../validate/index.js';
import { float32Power } from './float32-math.js';
import { requireBoolean, required, requireNonNegative, requirePositive, requireSteps } from './options.js';
import { LearningRateSchedule } from './schedule.js';

/** Options of {@link ExponentialDecay} (Keras's arguments in camelCase). */
export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** > 0. */
  decayRate: number;
  /** Decay in whole periods of `decaySteps` (default false). */
  staircase?: boolean;
}

const OPTIONS = optionNames<ExponentialDecayOptions>({
  initialLearningRate: true,
  decaySteps: true,
  decayRate: true,
  staircase: true,
});

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
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(options: ExponentialDecayOptions) {
    super();
    const name = 'ExponentialDecay';
    checkOptions(name, options, OPTIONS);
    const o = required(name, 'options', options);
    this.initialLearningRate = requireNonNegative(
      name,
      'initialLearningRate',
      required(name, 'initialLearningRate', o.initialLearningRate),
    );
    this.decaySteps = requireSteps(name, 'decaySteps', required(name, 'decaySteps', o.decaySteps));
    this.decayRate = requirePositive(name, 'decayRate', required(name, 'decayRate', o.decayRate));
    this.staircase = requireBoolean(name, 'staircase', o.staircase ?? false);
  }

  protected valueAt(step: number): number {
    let p = fr(fr(step) / fr(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    return fr(fr(this.initialLearningRate) * float32Power(fr(this.decayRate), p));
  }

  getConfig(): ExponentialDecayOptions & Record<string, number | boolean> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      decayRate: this.decayRate,
      staircase: this.staircase,
    };
  }
}
