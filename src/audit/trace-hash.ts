/**
 * A fast 64-bit fingerprint of a float array's bits, for the training trace: two MurmurHash3-style
 * 32-bit lanes over the values' IEEE-754 bit patterns, seeded by the dtype and the length.
 *
 * Its only job is to tell whether two runs produced the same bits for a tensor at a step; it is not
 * a cryptographic hash (`hashArrays`, SHA-256, remains the fingerprint of record for weights). The
 * value is defined on the bit patterns, so it is the same on every engine and byte order.
 *
 * @module
 */

import type { FloatArray } from '../tensor/dtype.js';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const D1 = 0x85ebca77;
const D2 = 0xc2b2ae3d;

/** Whether this host stores numbers least significant byte first (every mainstream one does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The 64-bit fingerprint of an array's values as 16 hex digits. A float32 array is read as its
 * 32-bit patterns; a float64 array as (low word, high word) pairs of its 64-bit patterns.
 *
 * @example
 * ```ts
 * traceHash(new Float32Array([1, 2])) === traceHash(new Float32Array([1, 2])); // true
 * traceHash(new Float32Array([0])) === traceHash(new Float32Array([-0])); // false: different bits
 * ```
 */
export function traceHash(values: FloatArray): string {
  const isF64 = values instanceof Float64Array;
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * (isF64 ? 2 : 1));
  let h1 = (0x9747b28c ^ values.length ^ (isF64 ? 0x6400 : 0x3200)) | 0;
  let h2 = (0x5bd1e995 ^ Math.imul(values.length, 0x27d4eb2d) ^ (isF64 ? 0x64 : 0x32)) | 0;
  const swap = isF64 && !LITTLE_ENDIAN;
  for (let i = 0; i < words.length; i++) {
    const word = swap ? words[i ^ 1] : words[i];
    let k1 = Math.imul(word, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, C2);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(word, D1);
    k2 = (k2 << 16) | (k2 >>> 16);
    h2 ^= Math.imul(k2, D2);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2, 9) + 0x38495ab5) | 0;
  }
  h1 ^= words.length;
  h2 ^= words.length;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  const a = fmix(h1);
  const b = fmix(h2);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
