/**
 * Learning-rate schedules, as keras.optimizers.schedules: pass one as `learningRate` to any
 * optimizer. docs/optimizers.md gives each formula.
 *
 * @module
 */
import { describe, didYouMean } from '../../validate/index.js';
import { CosineDecay } from './cosine-decay.js';
import { ExponentialDecay } from './exponential-decay.js';
import { InverseTimeDecay } from './inverse-time-decay.js';
import { PiecewiseConstantDecay } from './piecewise-constant-decay.js';
import { PolynomialDecay } from './polynomial-decay.js';
import { LearningRateSchedule, type ScheduleConfig } from './schedule.js';

export { CosineDecay, type CosineDecayOptions } from './cosine-decay.js';
export { ExponentialDecay, type ExponentialDecayOptions } from './exponential-decay.js';
export { float32Cos, float32Power } from './float32-math.js';
export { InverseTimeDecay, type InverseTimeDecayOptions } from './inverse-time-decay.js';
export { PiecewiseConstantDecay, type PiecewiseConstantDecayOptions } from './piecewise-constant-decay.js';
export { PolynomialDecay, type PolynomialDecayOptions } from './polynomial-decay.js';
export { LearningRateSchedule, type ScheduleConfig } from './schedule.js';

// biome-ignore lint/suspicious/noExplicitAny: each constructor checks its own options.
const SCHEDULES: Readonly<Record<string, new (options: any) => LearningRateSchedule>> = {
  CosineDecay,
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
};

/**
 * A schedule from {@link LearningRateSchedule.toConfig}'s `{ className, config }` (Keras's
 * `from_config`); a schedule instance is returned as it is.
 *
 * @throws TypeError naming the class for an unknown className (with the nearest valid one).
 * @example
 * ```ts
 * const lr = scheduleFromConfig({ className: 'InverseTimeDecay', config: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 1 } });
 * ```
 */
export function scheduleFromConfig(value: ScheduleConfig | LearningRateSchedule): LearningRateSchedule {
  if (value instanceof LearningRateSchedule) return value;
  if (typeof value !== 'object' || value === null || typeof value.className !== 'string') {
    throw new TypeError(`scheduleFromConfig: expected { className, config }, got ${describe(value)}`);
  }
  const names = Object.keys(SCHEDULES);
  const Schedule = Object.hasOwn(SCHEDULES, value.className) ? SCHEDULES[value.className] : undefined;
  if (Schedule === undefined) {
    throw new TypeError(
      `scheduleFromConfig: unknown schedule ${describe(value.className)}${didYouMean(value.className, names)}; valid: ${names.join(', ')}`,
    );
  }
  return new Schedule({ ...value.config });
}

/** True for a schedule instance or its `{ className, config }` form. */
export function isSchedule(value: unknown): value is LearningRateSchedule | ScheduleConfig {
  return (
    value instanceof LearningRateSchedule ||
    (typeof value === 'object' && value !== null && typeof (value as ScheduleConfig).className === 'string')
  );
}
