/**
 * The experiment seed: given (by the run options or the definition) or drawn once from the
 * system's entropy and recorded. It is kept as an unsigned 64-bit integer, since `key(seed)` equals
 * `key(seedToUint64(seed))` for every kind of seed (number, bigint or string).
 *
 * @module
 */

import { drawSeed } from '../random/global.js';
import { type Seed, seedToUint64 } from '../random/index.js';
import { checkSeed } from './experiment.js';

/** A resolved experiment seed. */
export interface ExperimentSeed {
  /** The seed as an unsigned 64-bit integer. */
  value: bigint;
  /** Whether it was drawn from the system's entropy. */
  drawn: boolean;
}

/**
 * The seed a run uses: the first of `seeds` that is defined, else a fresh uint32 from
 * `crypto.getRandomValues` (like `getSeed()` does when no seed was set), marked as drawn.
 *
 * @throws Error for an invalid seed, or when no seed is given and no entropy source exists.
 */
export function resolveExperimentSeed(where: string, ...seeds: (Seed | undefined)[]): ExperimentSeed {
  for (const seed of seeds) {
    if (seed === undefined) continue;
    checkSeed(where, seed);
    return { value: seedToUint64(seed), drawn: false };
  }
  return { value: BigInt(drawSeed(where)), drawn: true };
}

/**
 * Reads a seed typed on a command line: a decimal integer (up to 64 bits, negative allowed) is a
 * number or bigint seed, anything else is a string seed (hashed by `random.key`).
 *
 * @example
 * ```ts
 * parseSeed('42');  // 42
 * parseSeed('18446744073709551615'); // 18446744073709551615n
 * parseSeed('baseline'); // 'baseline'
 * ```
 */
export function parseSeed(text: string): Seed {
  if (!/^-?\d+$/.test(text)) return text;
  const value = BigInt(text);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}
