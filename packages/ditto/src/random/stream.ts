/**
 * A lazy reader of a key's unbounded bit stream, for samplers that do not know in advance how
 * many words they need (rejection sampling).
 *
 * @module
 */

import { checkCount, checkKey } from './check.js';
import { fillBits, type Key } from './key.js';

/** Blocks grow by doubling up to this many words, so a long stream costs one call per 4096 words. */
const MAX_BLOCK = 4096;
/** Beyond 2^53 words the word index is no longer an exact integer. */
const MAX_POSITION = Number.MAX_SAFE_INTEGER;

/**
 * Hands out the words of `bits(key, ∞)` one at a time: the i-th call to {@link KeyStream.next}
 * returns exactly `bits(key, n)[i]` for any n > i. Words are computed in blocks; the block size
 * only affects speed, never the values.
 *
 * @example
 * ```ts
 * const stream = new KeyStream(key(0));
 * stream.next(); // 4070199207, the same as bits(key(0), 1)[0]
 * stream.position; // 1
 * ```
 */
export class KeyStream {
  /** The key whose words this stream reads. */
  readonly key: Key;
  #buffer: Uint32Array;
  /** Index, within the stream, of the buffer's first word. */
  #bufferStart = 0;
  /** Index, within the buffer, of the next word to hand out. */
  #cursor = 0;
  /** Words in the buffer that have been computed. */
  #filled = 0;

  /**
   * @param source The key whose stream to read.
   * @param firstBlock How many words to compute at the first call (a hint, for speed only).
   */
  constructor(source: Key, firstBlock = 64) {
    checkKey('random.KeyStream', source);
    checkCount('random.KeyStream', 'firstBlock', firstBlock);
    this.key = source;
    this.#buffer = new Uint32Array(Math.min(Math.max(firstBlock, 1), MAX_BLOCK));
  }

  /** How many words have been handed out so far (the index of the next word). */
  get position(): number {
    return this.#bufferStart + this.#cursor;
  }

  /** The next 32-bit word of the stream, as an unsigned integer. */
  next(): number {
    if (this.#cursor === this.#filled) this.#refill();
    return this.#buffer[this.#cursor++];
  }

  #refill(): void {
    const start = this.#bufferStart + this.#filled;
    if (start >= MAX_POSITION) throw new Error('random.KeyStream: stream exhausted (2^53 words)');
    if (this.#filled === this.#buffer.length && this.#buffer.length < MAX_BLOCK) {
      this.#buffer = new Uint32Array(Math.min(this.#buffer.length * 2, MAX_BLOCK));
    }
    fillBits(this.key, start, this.#buffer);
    this.#bufferStart = start;
    this.#cursor = 0;
    this.#filled = this.#buffer.length;
  }
}
