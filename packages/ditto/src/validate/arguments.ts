/**
 * Argument checks for public functions: each failure names the function, the argument and what
 * it got (`fit: batchSize must be a positive integer, got 0.5`), before the value is used.
 *
 * @module
 */

import { describe } from '../random/check.js';
import { type Seed, seedToUint64 } from '../random/key.js';
import { didYouMean } from './suggest.js';

export { describe };

/** A number out of range is a RangeError; a value of the wrong type a TypeError. */
function fail(where: string, name: string, expected: string, value: unknown): never {
  const ErrorType = typeof value === 'number' ? RangeError : TypeError;
  throw new ErrorType(`${where}: ${name} must be ${expected}, got ${describe(value)}`);
}

/** Throws unless `value` is a safe integer ≥ `min` (and ≤ `max`). */
export function checkInteger(
  where: string,
  name: string,
  value: unknown,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : min === 0
            ? 'a non-negative integer'
            : `an integer ≥ ${min}`
        : `an integer in [${min}, ${max}]`;
    fail(where, name, range, value);
  }
}

/** Throws unless `value` is an integer ≥ 1 (a count of epochs, units, samples per batch). */
export function checkPositiveInteger(where: string, name: string, value: unknown): asserts value is number {
  checkInteger(where, name, value, 1);
}

/** Throws unless `value` is an integer ≥ 0. */
export function checkNonNegativeInteger(
  where: string,
  name: string,
  value: unknown,
): asserts value is number {
  checkInteger(where, name, value, 0);
}

/** Throws unless `value` is a finite number (not NaN, not ±Infinity). */
export function checkFiniteNumber(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, name, 'a finite number', value);
}

/** Throws unless `value` is true or false. */
export function checkBoolean(where: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') fail(where, name, 'true or false', value);
}

/** Throws unless `value` is a non-empty string. */
export function checkNonEmptyString(where: string, name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') fail(where, name, 'a non-empty string', value);
}

/** Throws unless `value` is a function. */
export function checkFunction(
  where: string,
  name: string,
  value: unknown,
): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') fail(where, name, 'a function', value);
}

/** Throws unless `value` is an array. */
export function checkArray(where: string, name: string, value: unknown): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) fail(where, name, 'an array', value);
}

/** Throws unless `value` is an object (not null, not an array). */
export function checkObject(where: string, name: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(where, name, 'an object', value);
}

/** Throws unless `value` is a seed `random.key` accepts, naming the function instead of `random.key`. */
export function checkSeed(where: string, name: string, value: unknown): asserts value is Seed {
  try {
    seedToUint64(value as Seed);
  } catch (error) {
    const ErrorType = error instanceof RangeError ? RangeError : TypeError;
    throw new ErrorType(`${where}: ${name} is not a valid seed (${(error as Error).message})`);
  }
}

/** Throws unless `value` is one of `choices`, suggesting the nearest for a misspelt string. */
export function checkOneOf<T extends string | number>(
  where: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): asserts value is T {
  if (!choices.includes(value as T)) {
    const hint = typeof value === 'string' ? didYouMean(value, choices.map(String)) : '';
    throw new (typeof value === 'number' ? RangeError : TypeError)(
      `${where}: ${name} must be one of ${choices.map((c) => describe(c)).join(', ')}, got ${describe(value)}${hint}`,
    );
  }
}
