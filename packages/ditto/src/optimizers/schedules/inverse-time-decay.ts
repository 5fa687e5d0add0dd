/** Keras's InverseTimeDecay. */
import { checkOptions, optionNames } from '../../validate/index.js';
import { requireBoolean, required, requireNonNegative, requireSteps } from './options.js';
import { LearningRateSchedule } from './schedule.js';

/** Options of {@link InverseTimeDecay} (Keras's arguments in camelCase). */
export interface InverseTimeDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** ≥ 0. */
  decayRate: number;
  /** Decay in whole periods of `decaySteps` (default false). */
  staircase?: boolean;
}

const OPTIONS = optionNames<InverseTimeDecayOptions>({
  initialLearningRate: true,
  decaySteps: true,
  decayRate: true,
  staircase: true,
});

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
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = 'InverseTimeDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(options: InverseTimeDecayOptions) {
    super();
    const name = 'InverseTimeDecay';
    checkOptions(name, options, OPTIONS);
    const o = required(name, 'options', options);
    this.initialLearningRate = requireNonNegative(
      name,
      'initialLearningRate',
      required(name, 'initialLearningRate', o.initialLearningRate),
    );
    this.decaySteps = requireSteps(name, 'decaySteps', required(name, 'decaySteps', o.decaySteps));
    this.decayRate = requireNonNegative(name, 'decayRate', required(name, 'decayRate', o.decayRate));
    this.staircase = requireBoolean(name, 'staircase', o.staircase ?? false);
  }

  protected valueAt(step: number): number {
    let p = fr(fr(step) / fr(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    return fr(fr(this.initialLearningRate) / fr(1 + fr(fr(this.decayRate) * p)));
  }

  getConfig(): InverseTimeDecayOptions & Record<string, number | boolean> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      decayRate: this.decayRate,
      staircase: this.staircase,
    };
  }
}
