/**
 * The bootstrap's randomness, keyed by the experiment seed: ditto's Threefry word stream adapted
 * to the statistics' `RandomSource`, so every interval in a report can be recomputed exactly.
 *
 * @module
 */

import { type Key, KeyStream, key, nextBelow } from '../random/index.js';
import type { RandomSource } from '../stats/index.js';

/**
 * A `RandomSource` reading the word stream of `source`: `nextInt(bound)` is
 * `nextBelow(stream, bound)` (rejection sampling, no modulo bias).
 *
 * @example
 * ```ts
 * const random = keyedRandomSource(key(0));
 * random.nextInt(6); // the same value on every run
 * ```
 */
export function keyedRandomSource(source: Key): RandomSource {
  const stream = new KeyStream(source, 1024);
  return { nextInt: (bound) => nextBelow(stream, bound) };
}

/**
 * The key of one statistical computation of a run: `key("ditto.experiments/<purpose>/<seeds…>/<metric>")`
 * (the string is hashed with SHA-256, see `random.key`). Distinct purposes, seeds and metrics get
 * unrelated keys, and none of them coincides with a repeat's key except by a 2^-64 accident.
 *
 * @param purpose - e.g. 'bootstrap' or 'improvement'.
 * @param seeds - the experiment seeds involved, as unsigned 64-bit decimals.
 * @param metric - the metric's name.
 */
export function statisticsKey(purpose: string, seeds: readonly string[], metric: string): Key {
  return key(`ditto.experiments/${purpose}/${seeds.join('/')}/${metric}`);
}
