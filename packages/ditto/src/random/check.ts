/**
 * Argument checks shared by the random modules. Every public function checks its inputs, so a
 * mistake made from plain JavaScript (a float count, a key from elsewhere) fails loudly at the call
 * instead of silently producing a different stream.
 *
 * @module
 */

import type { Key } from './key.js';

const TWO_32 = 4294967296;

/** A short, safe description of any value for error messages (never throws). */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of length ${value.length}`;
      return `an object (${Object.prototype.toString.call(value)})`;
  }
}

/** True for an integer in [0, 2^32). */
export function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < TWO_32;
}

/** Throws unless `value` is a key: two uint32 words. */
export function checkKey(fn: string, value: unknown): asserts value is Key {
  if (!Array.isArray(value) || value.length !== 2 || !isUint32(value[0]) || !isUint32(value[1])) {
    throw new Error(
      `${fn}: expected a key (two uint32 words from random.key, split or foldIn), got ${describe(value)}`,
    );
  }
}

/** Throws unless `value` is a non-negative safe integer (a count of draws or keys). */
export function checkCount(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${fn}: ${name} must be a non-negative integer, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a finite number. */
export function checkFinite(fn: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${fn}: ${name} must be a finite number, got ${describe(value)}`);
  }
}
