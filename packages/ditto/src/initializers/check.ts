/**
 * Argument checks shared by the initializers, so a mistake made from plain JavaScript (a float
 * dimension, a misspelt option, a negative standard deviation) fails at the call with a message
 * that names the initializer and the value.
 *
 * @module
 */

import { describe } from '../random/check.js';
import type { DType } from '../tensor/dtype.js';

/** The one option check of the core (unknown keys fail with the nearest valid name). */
export { checkOptions } from '../validate/options.js';
export { describe };

/** Formats a shape for a message, whatever it contains. */
function formatShape(shape: readonly unknown[]): string {
  return `[${shape.map(describe).join(', ')}]`;
}

/**
 * Checks that `shape` is an array of non-negative safe integers whose product is a safe integer,
 * and returns that product (the number of elements).
 */
export function checkShape(fn: string, shape: unknown): number {
  if (!Array.isArray(shape)) {
    throw new Error(`${fn}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  let size = 1;
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new Error(
        `${fn}: shape must be an array of non-negative integers, got ${formatShape(shape)} (${describe(dim)} is not)`,
      );
    }
    size *= dim;
  }
  if (!Number.isSafeInteger(size)) {
    throw new Error(`${fn}: shape ${formatShape(shape)} has more than 2^53 − 1 elements`);
  }
  return size;
}

/** Checks that `dtype` is one of ditto's dtypes. */
export function checkDtype(fn: string, dtype: unknown): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new Error(`${fn}: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  }
}

/** Returns `value` if it is a finite number, else throws naming the option. */
export function finiteOption(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${fn}: ${name} must be a finite number, got ${describe(value)}`);
  }
  return value;
}
