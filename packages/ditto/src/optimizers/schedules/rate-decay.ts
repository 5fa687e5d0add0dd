/**
 * The schedules parameterised as Keras's ExponentialDecay and InverseTimeDecay are — an initial
 * rate, a decay rate applied per `decaySteps`, optionally in whole periods — share their options,
 * checks and config; each defines only how the rate falls.
 */
import { checkOptions, optionNames } from '../../validate/index.js';
import { requireBoolean, required, requireNonNegative, requireSteps } from './options.js';
import { LearningRateSchedule } from './schedule.js';

/** Options of a rate-decay schedule (Keras's arguments in camelCase). */
export interface RateDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The decay rate (its allowed range depends on the schedule). */
  decayRate: number;
  /** Decay in whole periods of `decaySteps` (default false). */
  staircase?: boolean;
}

const OPTIONS = optionNames<RateDecayOptions>({
  initialLearningRate: true,
  decaySteps: true,
  decayRate: true,
  staircase: true,
});

/** The shared part of {@link ExponentialDecay} and {@link InverseTimeDecay}. */
export abstract class RateDecaySchedule extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  /** `checkDecayRate` is the schedule's own range check of `decayRate` (it throws naming it). */
  protected constructor(
    name: string,
    options: RateDecayOptions,
    checkDecayRate: (where: string, option: string, value: number) => number,
  ) {
    super();
    checkOptions(name, options, OPTIONS);
    const o = required(name, 'options', options);
    this.initialLearningRate = requireNonNegative(
      name,
      'initialLearningRate',
      required(name, 'initialLearningRate', o.initialLearningRate),
    );
    this.decaySteps = requireSteps(name, 'decaySteps', required(name, 'decaySteps', o.decaySteps));
    this.decayRate = checkDecayRate(name, 'decayRate', required(name, 'decayRate', o.decayRate));
    this.staircase = requireBoolean(name, 'staircase', o.staircase ?? false);
  }

  /** step / decaySteps in float32, floored when `staircase`: how far the decay has gone. */
  protected progress(step: number): number {
    const p = Math.fround(Math.fround(step) / Math.fround(this.decaySteps));
    return this.staircase ? Math.floor(p) : p;
  }

  getConfig(): RateDecayOptions & Record<string, number | boolean> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      decayRate: this.decayRate,
      staircase: this.staircase,
    };
  }
}
