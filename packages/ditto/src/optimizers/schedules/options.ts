/** Checks of schedule options: each failure names the schedule, the option and the value. */
import { requireBoolean, requireNonNegative, requirePositive } from '../hyperparameters.js';

export { requireBoolean, requireNonNegative, requirePositive };

/** Throws unless a required option was given. */
export function required<T>(owner: string, option: string, value: T | undefined): T {
  if (value === undefined) throw new TypeError(`${owner}: the option '${option}' is required`);
  return value;
}

/** Throws unless `value` is a positive integer (a number of steps). */
export function requireSteps(owner: string, option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${owner}: ${option} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
