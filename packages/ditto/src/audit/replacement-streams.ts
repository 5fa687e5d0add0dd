/**
 * The keyed streams that stand in for `Math.random`, `crypto.getRandomValues` and friends in the
 * determinism guard's 'seed' mode, so third-party code that draws from them becomes reproducible.
 *
 * Each replaced source has its own stream, so how often one source is called never shifts
 * another's values. The stream of the source with id `i` is the bit stream (`bits`) of the key
 *
 *     Threefry2x32(key(seed), counter (1, i))
 *
 * The counter's high word 1 keeps these keys apart from every `foldIn(key(seed), d)` — which uses
 * counter (0, d) — and so from every key `nextKey()` hands out under the same seed.
 *
 * @module
 */

import { type Key, KeyStream, key, type Seed, threefry2x32 } from '../random/index.js';

/** The stream id of each source that 'seed' mode can replace (part of the documented format). */
export const STREAM_IDS = Object.freeze({
  'Math.random': 0, // determinism-ok: names the source, calls nothing
  'crypto.getRandomValues': 1, // determinism-ok: names the source, calls nothing
  'crypto.randomUUID': 2,
  'node:crypto.randomBytes': 3,
  'node:crypto.randomInt': 4,
  'node:crypto.randomUUID': 5,
} as const);

/** Names of the sources with a replacement stream. */
export type ReplaceableSource = keyof typeof STREAM_IDS;

const TWO_26 = 67108864;
const TWO_32 = 4294967296;
const TWO_48 = 281474976710656;
const TWO_NEG_53 = 2 ** -53;

/** The key of a replaced source's stream: Threefry2x32(key(seed), counter (1, id)). */
export function replacementKey(seed: Seed, id: number): Key {
  const root = key(seed);
  const out = new Uint32Array(2);
  threefry2x32(root[0], root[1], 1, id, out, 0);
  return Object.freeze([out[0], out[1]]) as Key;
}

/**
 * A double in [0, 1) from two words a, b: the top 27 bits of a and the top 26 bits of b make a
 * 53-bit integer m = (a >>> 5)·2^26 + (b >>> 6), and the value is m·2^-53 — exact, uniform on the
 * 2^53 multiples of 2^-53 below 1 (the construction of MT19937's `genrand_res53`).
 *
 * @example
 * ```ts
 * unitDoubleFromWords(0, 0); // 0
 * unitDoubleFromWords(0xffffffff, 0xffffffff); // 1 - 2^-53
 * ```
 */
export function unitDoubleFromWords(a: number, b: number): number {
  return ((a >>> 5) * TWO_26 + (b >>> 6)) * TWO_NEG_53;
}

/** Formats 16 bytes as an RFC 9562 version-4 UUID (setting the version and variant bits). */
export function uuidFromBytes(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One keyed stream per replaced source. The seed is resolved lazily, at the first draw, so a
 * program that calls `setSeed` inside the guarded function is seeded by then.
 */
export class ReplacementStreams {
  readonly #resolveSeed: () => Seed;
  #seed: Seed | undefined;
  readonly #streams = new Map<number, KeyStream>();

  /** @param resolveSeed Gives the run's seed; called once, at the first draw. */
  constructor(resolveSeed: () => Seed) {
    this.#resolveSeed = resolveSeed;
  }

  /** The seed the streams were derived from, once a draw has happened. */
  get seed(): Seed | undefined {
    return this.#seed;
  }

  #stream(source: ReplaceableSource): KeyStream {
    const id = STREAM_IDS[source];
    let stream = this.#streams.get(id);
    if (stream === undefined) {
      if (this.#seed === undefined) this.#seed = this.#resolveSeed();
      stream = new KeyStream(replacementKey(this.#seed, id));
      this.#streams.set(id, stream);
    }
    return stream;
  }

  /** The next double in [0, 1) of the source's stream ({@link unitDoubleFromWords} on two words). */
  unitDouble(source: ReplaceableSource): number {
    const stream = this.#stream(source);
    const a = stream.next();
    return unitDoubleFromWords(a, stream.next());
  }

  /**
   * `out.length` bytes from the source's stream: each word gives four bytes, least significant
   * first; a call takes ⌈n/4⌉ words (the unused bytes of the last word are dropped).
   */
  fillBytes(source: ReplaceableSource, out: Uint8Array): Uint8Array {
    const stream = this.#stream(source);
    for (let i = 0; i < out.length; i += 4) {
      const word = stream.next();
      for (let j = 0; j < 4 && i + j < out.length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** A version-4 UUID made from 16 bytes of the source's stream. */
  uuid(source: ReplaceableSource): string {
    return uuidFromBytes(this.fillBytes(source, new Uint8Array(16)));
  }

  /**
   * An integer uniform in [min, max) (max − min ≤ 2^48, as Node's `randomInt` allows): 48-bit draws
   * x = (w1 >>> 16)·2^32 + w2, redrawn while x ≥ 2^48 − (2^48 mod range), then min + x mod range.
   */
  intBetween(source: ReplaceableSource, min: number, max: number): number {
    const range = max - min;
    if (!(Number.isSafeInteger(min) && Number.isSafeInteger(max) && range >= 1 && range <= TWO_48)) {
      throw new RangeError(`intBetween: need safe integers with 1 ≤ max − min ≤ 2^48, got [${min}, ${max})`);
    }
    const stream = this.#stream(source);
    const limit = TWO_48 - (TWO_48 % range);
    for (;;) {
      const x = (stream.next() >>> 16) * TWO_32 + stream.next();
      if (x < limit) return min + (x % range);
    }
  }
}
