/**
 * Distributions defined on a key's 32-bit words by fixed formulas. Every float operation is
 * rounded to float32 (Math.fround) one at a time, so results are the same in every engine.
 * docs/random.md states each formula and which ones match JAX bit for bit.
 *
 * @module
 */

import { erf, erfinv } from '../numeric/elementary.js';
import { checkCount, checkFinite, checkKey, describe } from './check.js';
import { bits, fillBits, type Key, streamWord } from './key.js';
import { KeyStream } from './stream.js';

const f32 = Math.fround;
const TWO_32 = 4294967296;
/** 2^-23, the spacing of float32 values in [1, 2). */
const ULP_ONE = 2 ** -23;
/** √2 rounded to float32, as JAX's `np.array(np.sqrt(2), float32)`. */
const SQRT2 = f32(Math.SQRT2);
/** The float32 just above −1 (nextafter(−1, 0)): the lower end of the uniform draw behind `normal`. */
const NORMAL_U_MIN = f32(-1 + 2 ** -24);
/** Keras's truncated normal keeps draws within this many standard deviations. */
const TRUNCATION = 2;

/**
 * The float32 in [0, 1) that JAX makes from a word w: the float with exponent 0 and mantissa
 * `w >>> 9` (the bit pattern `(w >>> 9) | 0x3f800000`, a value in [1, 2)), minus 1. The
 * subtraction is exact, so the result is `(w >>> 9) · 2^-23`, computed here without a bit cast.
 */
export function wordToUnitFloat(word: number): number {
  return (word >>> 9) * ULP_ONE;
}

/** Uniform float32 draws in [lo, hi), both bounds already float32: JAX's `_uniform`. */
function uniformFloat32(source: Key, n: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  // The words are generated into the output's own memory; each is read before its slot is
  // overwritten by the float made from it.
  const words = new Uint32Array(out.buffer);
  fillBits(source, 0, words);
  const span = f32(hi - lo);
  for (let i = 0; i < n; i++) {
    out[i] = Math.max(lo, f32(f32(wordToUnitFloat(words[i]) * span) + lo));
  }
  return out;
}

/**
 * `n` float32 values uniform in [minval, maxval), exactly as `jax.random.uniform(key, (n,),
 * float32, minval, maxval)`: u = (w >>> 9) · 2^-23 from each word w of {@link bits}, then
 * `max(minval, u · (maxval − minval) + minval)` with each operation rounded to float32.
 *
 * @example
 * ```ts
 * uniform(key(0), 1); // Float32Array [0.9476670026779175]
 * uniform(key(1), 3, { minval: -1, maxval: 1 });
 * ```
 */
export function uniform(
  source: Key,
  n: number,
  { minval = 0, maxval = 1 }: { minval?: number; maxval?: number } = {},
): Float32Array {
  checkKey('random.uniform', source);
  checkCount('random.uniform', 'n', n);
  checkFinite('random.uniform', 'minval', minval);
  checkFinite('random.uniform', 'maxval', maxval);
  const lo = f32(minval);
  const hi = f32(maxval);
  if (!(lo <= hi) || !Number.isFinite(f32(hi - lo))) {
    throw new Error(
      `random.uniform: need minval ≤ maxval with a finite float32 difference, got [${describe(minval)}, ${describe(maxval)})`,
    );
  }
  return uniformFloat32(source, n, lo, hi);
}

/** Applies `z · stddev + mean` in float32 to every value, as Keras does on JAX's standard draws. */
function scaleInPlace(values: Float32Array, mean: number, stddev: number): Float32Array {
  const m = f32(mean);
  const s = f32(stddev);
  for (let i = 0; i < values.length; i++) values[i] = f32(f32(values[i] * s) + m);
  return values;
}

function checkMoments(fn: string, mean: number, stddev: number): void {
  checkFinite(fn, 'mean', mean);
  checkFinite(fn, 'stddev', stddev);
  if (stddev < 0) throw new Error(`${fn}: stddev must be ≥ 0, got ${describe(stddev)}`);
}

/**
 * `n` float32 draws from a normal distribution with JAX's formula: u uniform in
 * (nextafter(−1, 0), 1) as {@link uniform} makes it, z = √2 · erfinv(u), then z · stddev + mean,
 * each operation rounded to float32. erfinv is ditto's own (double precision, rounded to float32),
 * so values can differ from JAX's (XLA's float32 erfinv) in the last bits.
 *
 * @example
 * ```ts
 * const weights = normal(key(7), 100, { stddev: 0.05 });
 * ```
 */
export function normal(
  source: Key,
  n: number,
  { mean = 0, stddev = 1 }: { mean?: number; stddev?: number } = {},
): Float32Array {
  checkKey('random.normal', source);
  checkCount('random.normal', 'n', n);
  checkMoments('random.normal', mean, stddev);
  const out = uniformFloat32(source, n, NORMAL_U_MIN, 1);
  for (let i = 0; i < n; i++) out[i] = f32(SQRT2 * f32(erfinv(out[i])));
  return scaleInPlace(out, mean, stddev);
}

/**
 * `n` float32 draws from a normal distribution truncated to two standard deviations around the
 * mean, as Keras's `TruncatedNormal` initializer defines it, by JAX's inverse-CDF formula for
 * `truncated_normal(key, −2, 2)`: with a = erf(−2/√2) and b = erf(2/√2), u uniform in [a, b) as
 * {@link uniform} makes it, z = √2 · erfinv(u), clamped into the open interval (−2, 2) (to
 * nextafter(−2, +∞) and nextafter(2, −∞)); then z · stddev + mean. Every operation is rounded to
 * float32. Each value costs one word; nothing is redrawn.
 *
 * @example
 * ```ts
 * const kernel = truncatedNormal(key(7), 100, { stddev: 0.05 }); // all within ±0.1
 * ```
 */
export function truncatedNormal(
  source: Key,
  n: number,
  { mean = 0, stddev = 1 }: { mean?: number; stddev?: number } = {},
): Float32Array {
  checkKey('random.truncatedNormal', source);
  checkCount('random.truncatedNormal', 'n', n);
  checkMoments('random.truncatedNormal', mean, stddev);
  const lower = -TRUNCATION;
  const upper = TRUNCATION;
  const a = f32(erf(f32(lower / SQRT2)));
  const b = f32(erf(f32(upper / SQRT2)));
  // nextafter(±2, towards 0) in float32: the float32 spacing just below 2 is 2^-23.
  const zMin = lower + ULP_ONE;
  const zMax = upper - ULP_ONE;
  const out = uniformFloat32(source, n, a, b);
  for (let i = 0; i < n; i++) {
    const z = f32(SQRT2 * f32(erfinv(out[i])));
    out[i] = Math.min(Math.max(z, zMin), zMax);
  }
  return scaleInPlace(out, mean, stddev);
}

/**
 * `n` Bernoulli draws (1 with probability p, else 0), exactly as `jax.random.bernoulli(key, p,
 * (n,))` with a float32 p: value i is 1 when `uniform(key, n)[i] < float32(p)`.
 *
 * @example
 * ```ts
 * const keep = bernoulli(key(3), 10, 0.9); // a dropout mask
 * ```
 */
export function bernoulli(source: Key, n: number, p = 0.5): Uint8Array {
  checkKey('random.bernoulli', source);
  checkCount('random.bernoulli', 'n', n);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new Error(`random.bernoulli: p must be a probability in [0, 1], got ${describe(p)}`);
  }
  const threshold = f32(p);
  const words = bits(source, n);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = wordToUnitFloat(words[i]) < threshold ? 1 : 0;
  return out;
}

/**
 * An integer uniform in [0, range) from a stream, without modulo bias: words w ≥ 2^32 − (2^32 mod
 * range) are rejected (at most half of them, for any range), and the first accepted word gives
 * `w mod range`. `range` is an integer in [1, 2^32].
 *
 * @example
 * ```ts
 * const stream = new KeyStream(key(5));
 * const die = 1 + nextBelow(stream, 6);
 * ```
 */
export function nextBelow(stream: KeyStream, range: number): number {
  if (!Number.isInteger(range) || range < 1 || range > TWO_32) {
    throw new Error(`random.nextBelow: range must be an integer in [1, 2^32], got ${describe(range)}`);
  }
  return below(stream, range);
}

/** {@link nextBelow} for a range already checked. */
function below(stream: KeyStream, range: number): number {
  for (;;) {
    const word = stream.next();
    // The rejected words are the top 2^32 mod range < range of them: a word below 2^32 − range is
    // accepted without computing that remainder (a floating-point modulo, the slow part).
    if (word < TWO_32 - range || word < TWO_32 - (TWO_32 % range)) return word % range;
  }
}

/**
 * `n` integers uniform in [low, high), drawn without modulo bias by {@link nextBelow} from the
 * key's word stream (`bits(key, ∞)`), value after value. `low` and `high` are integers with
 * −2^31 ≤ low < high ≤ 2^31. This is ditto's own method; JAX's `randint` differs.
 *
 * @example
 * ```ts
 * randint(key(0), 5, 0, 10); // five digits
 * ```
 */
export function randint(source: Key, n: number, low: number, high: number): Int32Array {
  checkKey('random.randint', source);
  checkCount('random.randint', 'n', n);
  if (
    !Number.isInteger(low) ||
    !Number.isInteger(high) ||
    low < -(2 ** 31) ||
    high > 2 ** 31 ||
    low >= high
  ) {
    throw new Error(
      `random.randint: need integers −2^31 ≤ low < high ≤ 2^31, got low ${describe(low)}, high ${describe(high)}`,
    );
  }
  const range = high - low;
  const stream = new KeyStream(source, n + 8);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + below(stream, range);
  return out;
}

/**
 * A uniformly random permutation of 0, 1, …, n − 1 by Fisher–Yates: for i from n − 1 down to 1,
 * swap position i with position j = nextBelow(stream, i + 1), reading the key's word stream.
 * This is ditto's own method; JAX's `permutation` (sorting by random keys) differs.
 *
 * @example
 * ```ts
 * const order = permutation(foldIn(shuffleKey, epoch), 60000);
 * ```
 */
export function permutation(source: Key, n: number): Int32Array {
  checkKey('random.permutation', source);
  checkCount('random.permutation', 'n', n);
  if (n > 2 ** 31) throw new Error(`random.permutation: n must be at most 2^31, got ${describe(n)}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  // The words of the stream one at a time, as nextBelow reads them from a KeyStream (no stream
  // object or buffer: an epoch's shuffle of a few rows is otherwise mostly their set-up).
  const k0 = source[0];
  const k1 = source[1];
  let index = 0;
  for (let i = n - 1; i >= 1; i--) {
    const range = i + 1;
    let word = streamWord(k0, k1, index++);
    // nextBelow's test: accept below 2^32 − (2^32 mod range), the remainder computed only near the top.
    while (word >= TWO_32 - range && word >= TWO_32 - (TWO_32 % range)) word = streamWord(k0, k1, index++);
    const j = word % range;
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
