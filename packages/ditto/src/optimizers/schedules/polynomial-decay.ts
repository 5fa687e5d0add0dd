/** Keras's PolynomialDecay. */
import { checkOptions, optionNames } from '../../validate/index.js';
import { float32Power } from './float32-math.js';
import { requireBoolean, required, requireNonNegative, requireSteps } from './options.js';
import { LearningRateSchedule } from './schedule.js';

/** Options of {@link PolynomialDecay} (Keras's arguments in camelCase). */
export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The rate reached after `decaySteps` (default 0.0001). */
  endLearningRate?: number;
  /** The polynomial's power (default 1: linear). */
  power?: number;
  /** Start over after each period, the period grown to the next multiple of `decaySteps` (default false). */
  cycle?: boolean;
}

const OPTIONS = optionNames<PolynomialDecayOptions>({
  initialLearningRate: true,
  decaySteps: true,
  endLearningRate: true,
  power: true,
  cycle: true,
});

const fr = Math.fround;

/**
 * (initial − end) · (1 − step / decaySteps)^power + end, the step held at decaySteps afterwards
 * (or, with `cycle`, decaySteps multiplied by ⌈step / decaySteps⌉, 1 at step 0), in float32 as
 * Keras computes it.
 *
 * @example
 * ```ts
 * const lr = new PolynomialDecay({ initialLearningRate: 1, decaySteps: 4, endLearningRate: 0 });
 * lr.at(1); // 0.75
 * ```
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;

  constructor(options: PolynomialDecayOptions) {
    super();
    const name = 'PolynomialDecay';
    checkOptions(name, options, OPTIONS);
    const o = required(name, 'options', options);
    this.initialLearningRate = requireNonNegative(
      name,
      'initialLearningRate',
      required(name, 'initialLearningRate', o.initialLearningRate),
    );
    this.decaySteps = requireSteps(name, 'decaySteps', required(name, 'decaySteps', o.decaySteps));
    this.endLearningRate = requireNonNegative(name, 'endLearningRate', o.endLearningRate ?? 0.0001);
    this.power = requireNonNegative(name, 'power', o.power ?? 1);
    this.cycle = requireBoolean(name, 'cycle', o.cycle ?? false);
  }

  protected valueAt(step: number): number {
    const steps = fr(this.decaySteps);
    let global = fr(step);
    let period = steps;
    if (this.cycle) {
      const multiplier = step === 0 ? 1 : Math.ceil(fr(global / steps));
      period = fr(steps * multiplier);
    } else {
      global = Math.min(global, steps);
    }
    const p = fr(global / period);
    const initial = fr(this.initialLearningRate);
    const end = fr(this.endLearningRate);
    const scale = float32Power(fr(1 - p), fr(this.power));
    return fr(fr(fr(initial - end) * scale) + end);
  }

  getConfig(): PolynomialDecayOptions & Record<string, number | boolean> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      endLearningRate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
    };
  }
}
