/**
 * Keys: immutable pairs of uint32 words, derived exactly as JAX (≥ 0.5, default
 * `jax_threefry_partitionable=True`) derives them with its threefry2x32 implementation.
 *
 * With T(k, (c0, c1)) = Threefry2x32-20 of counter (c0, c1) under key k, and a 64-bit index i
 * written as its high and low 32-bit words (hi(i), lo(i)):
 *
 * - key(s)        = [hi(s), lo(s)]                    (s as an unsigned 64-bit integer)
 * - split(k, n)   = [T(k, (hi(i), lo(i))) for i in 0..n-1]
 * - foldIn(k, d)  = T(k, (0, d))                      (d a uint32; equals split(k, n)[d])
 * - bits(k, n)[i] = T(k, (hi(i), lo(i)))[0] ^ T(k, (hi(i), lo(i)))[1]
 *
 * @module
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { checkCount, checkKey, describe, isUint32 } from './check.js';
import { threefry2x32 } from './threefry.js';

/** A random key: two uint32 words, frozen. Keys are values: copy them, compare them, store them. */
export type Key = readonly [number, number];

/** What {@link key} accepts: an integer of up to 64 bits, or a string hashed to one. */
export type Seed = number | bigint | string;

const TWO_32 = 4294967296;
const MIN_SEED = -(2n ** 63n);
const MAX_SEED_EXCLUSIVE = 2n ** 64n;

/** Scratch block for the output of one Threefry call; the random functions are synchronous. */
const block = new Uint32Array(2);

/** Freezes two words into a key. */
function makeKey(k0: number, k1: number): Key {
  return Object.freeze([k0 >>> 0, k1 >>> 0]) as Key;
}

/**
 * The unsigned 64-bit integer a seed stands for. Integers are taken modulo 2^64 (a negative
 * integer becomes its 64-bit two's complement, as JAX does for an int64 seed); a string becomes
 * the first 8 bytes, big-endian, of the SHA-256 digest of its UTF-8 encoding.
 */
export function seedToUint64(seed: Seed): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(
        `random.key: a number seed must be a safe integer (|seed| ≤ 2^53 − 1), got ${describe(seed)}`,
      );
    }
    return BigInt.asUintN(64, BigInt(seed));
  }
  if (typeof seed === 'bigint') {
    if (seed < MIN_SEED || seed >= MAX_SEED_EXCLUSIVE) {
      throw new Error(`random.key: a bigint seed must lie in [-2^63, 2^64), got ${describe(seed)}`);
    }
    return BigInt.asUintN(64, seed);
  }
  if (typeof seed === 'string') {
    const digest = sha256(utf8ToBytes(seed));
    let value = 0n;
    for (let i = 0; i < 8; i++) value = (value << 8n) | BigInt(digest[i]);
    return value;
  }
  throw new Error(
    `random.key: a seed must be an integer number, a bigint or a string, got ${describe(seed)}`,
  );
}

/**
 * Derives a key from a seed, as `jax.random.key(seed)` does: the seed's 64 bits split into
 * [high word, low word]. Number seeds must be safe integers, bigint seeds lie in [-2^63, 2^64)
 * (negative values are taken in 64-bit two's complement), and strings are hashed (SHA-256 of the
 * UTF-8 bytes; the first 8 bytes, big-endian, are the seed).
 *
 * @throws Error naming the value given, for anything else (NaN, 1.5, Infinity, 2^64, objects, …).
 * @example
 * ```ts
 * key(0);          // [0, 0]
 * key(42);         // [0, 42]
 * key(2 ** 32 + 5); // [1, 5]
 * key('experiment-3'); // a key derived from the string's SHA-256 digest
 * ```
 */
export function key(seed: Seed): Key {
  const value = seedToUint64(seed);
  return makeKey(Number(value >> 32n), Number(value & 0xffffffffn));
}

/**
 * Splits a key into `n` new, independent keys, as `jax.random.split(key, n)` does in JAX's
 * partitionable threefry mode: key i is Threefry2x32(key, counter (hi(i), lo(i))).
 *
 * @example
 * ```ts
 * const [k1, k2] = split(key(0));
 * const keys = split(key(1), 3); // three keys
 * ```
 */
export function split(parent: Key, n = 2): Key[] {
  checkKey('random.split', parent);
  checkCount('random.split', 'n', n);
  const keys: Key[] = new Array(n);
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < n; i++) {
    threefry2x32(parent[0], parent[1], hi, lo, block, 0);
    keys[i] = makeKey(block[0], block[1]);
    if (++lo === TWO_32) {
      lo = 0;
      hi++;
    }
  }
  return keys;
}

/**
 * Derives a new key from a key and a uint32, as `jax.random.fold_in(key, data)` does:
 * Threefry2x32(key, counter (0, data)). Different data give independent keys; the same data give
 * the same key (in JAX's partitionable mode, `foldIn(k, i)` equals `split(k, n)[i]`).
 *
 * @example
 * ```ts
 * const epochKey = foldIn(shuffleKey, epoch);
 * ```
 */
export function foldIn(parent: Key, data: number): Key {
  checkKey('random.foldIn', parent);
  if (!isUint32(data)) {
    throw new Error(`random.foldIn: data must be an integer in [0, 2^32), got ${describe(data)}`);
  }
  threefry2x32(parent[0], parent[1], 0, data, block, 0);
  return makeKey(block[0], block[1]);
}

/**
 * Fills `out` with words `start, start + 1, …` of the key's bit stream (see {@link bits}).
 * Word i depends only on the key and i, so any slice of the stream can be made on its own.
 */
export function fillBits(source: Key, start: number, out: Uint32Array): void {
  const k0 = source[0] | 0;
  const k1 = source[1] | 0;
  const n = out.length;
  let i = 0;
  // Runs of constant high counter word, so the inner loop stays on int32 values.
  while (i < n) {
    const index = start + i;
    const hi = Math.floor(index / TWO_32) | 0;
    const lo = index % TWO_32;
    const run = Math.min(n - i, TWO_32 - lo);
    const lo32 = lo | 0;
    for (let j = 0; j < run; j++) {
      threefry2x32(k0, k1, hi, (lo32 + j) | 0, block, 0);
      out[i + j] = block[0] ^ block[1];
    }
    i += run;
  }
}

/**
 * Word `index` (an integer in [0, 2^53)) of the bit stream of the key with words (k0, k1): the
 * value {@link fillBits} writes there, computed alone — for readers that take a few words at a time
 * and know neither how many they need nor want a buffer for them (a shuffle of a few rows).
 */
export function streamWord(k0: number, k1: number, index: number): number {
  const hi = index < TWO_32 ? 0 : Math.floor(index / TWO_32);
  threefry2x32(k0, k1, hi, index - hi * TWO_32, block, 0);
  return (block[0] ^ block[1]) >>> 0;
}

/**
 * `n` uniformly distributed 32-bit words, as `jax.random.bits(key, (n,))` gives them in JAX's
 * partitionable mode: word i is the xor of the two output words of Threefry2x32(key, (hi(i), lo(i))).
 * Word i is the same whatever `n` is (for n > i).
 *
 * @example
 * ```ts
 * bits(key(0), 1); // Uint32Array [4070199207]
 * ```
 */
export function bits(source: Key, n: number): Uint32Array {
  checkKey('random.bits', source);
  checkCount('random.bits', 'n', n);
  const out = new Uint32Array(n);
  fillBits(source, 0, out);
  return out;
}
