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

// Scratch cells to read a value's bit pattern without allocating a view of the caller's array.
const f32Cell = new Float32Array(1);
const f32Bits = new Uint32Array(f32Cell.buffer);
const f64Cell = new Float64Array(1);
const f64Bits = new Uint32Array(f64Cell.buffer);
const LOW = LITTLE_ENDIAN ? 0 : 1;
const HIGH = 1 - LOW;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(w: number): string {
  return HEX[w >>> 24] + HEX[(w >>> 16) & 255] + HEX[(w >>> 8) & 255] + HEX[w & 255];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Writes the 64-bit fingerprint of an array's values as two 32-bit words at `out[offset]` and
 * `out[offset + 1]`. A float32 array is read as its 32-bit patterns; a float64 array as (low word,
 * high word) pairs of its 64-bit patterns. Allocates nothing, so a trace can call it for every
 * tensor at every step.
 */
export function traceHashInto(values: FloatArray, out: Uint32Array, offset: number): void {
  const isF64 = values instanceof Float64Array;
  const n = values.length;
  const words = isF64 ? 2 * n : n;
  let h1 = (0x9747b28c ^ n ^ (isF64 ? 0x6400 : 0x3200)) | 0;
  let h2 = (0x5bd1e995 ^ Math.imul(n, 0x27d4eb2d) ^ (isF64 ? 0x64 : 0x32)) | 0;
  for (let i = 0; i < words; i++) {
    let word: number;
    if (isF64) {
      f64Cell[0] = values[i >>> 1];
      word = f64Bits[(i & 1) === 0 ? LOW : HIGH];
    } else {
      f32Cell[0] = values[i];
      word = f32Bits[0];
    }
    // Two MurmurHash3-style lanes with different constants.
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
  h1 ^= words;
  h2 ^= words;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  out[offset] = fmix(h1);
  out[offset + 1] = fmix(h2);
}

/** The fingerprint stored at word pair `index` of `words`, as 16 hex digits. */
export function hashHex(words: Uint32Array, index: number): string {
  return hex32(words[2 * index]) + hex32(words[2 * index + 1]);
}

/** Parses 16 hex digits per fingerprint back into word pairs (the inverse of {@link hashHex} over all pairs). */
export function hashWordsFromHex(text: string): Uint32Array {
  if (text.length % 16 !== 0 || !/^[0-9a-f]*$/.test(text)) throw new Error('trace: malformed hash text');
  const out = new Uint32Array(text.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(8 * i, 8 * i + 8), 16);
  return out;
}

const single = new Uint32Array(2);

/**
 * The 64-bit fingerprint of an array's values as 16 hex digits (see {@link traceHashInto}).
 *
 * @example
 * ```ts
 * traceHash(new Float32Array([1, 2])) === traceHash(new Float32Array([1, 2])); // true
 * traceHash(new Float32Array([0])) === traceHash(new Float32Array([-0])); // false: different bits
 * ```
 */
export function traceHash(values: FloatArray): string {
  traceHashInto(values, single, 0);
  return hashHex(single, 0);
}
