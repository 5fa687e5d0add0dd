/**
 * ditto's random streams: Threefry2x32-20 keys derived as JAX derives them, distributions defined
 * by fixed float32 formulas on the keys' words, and Keras-like global seeding. The package exports
 * this module as the `random` namespace:
 *
 * ```ts
 * import { random } from 'ditto';
 * const [k1, k2] = random.split(random.key(0));
 * const w = random.normal(k1, 10);
 * ```
 *
 * See docs/random.md for the exact formulas.
 *
 * @module
 */

export {
  bernoulli,
  nextBelow,
  normal,
  permutation,
  randint,
  truncatedNormal,
  uniform,
  wordToUnitFloat,
} from './distributions.js';
export {
  baseSeed,
  drawnSources,
  getSeed,
  nextKey,
  restoreSeedState,
  type SeedAssignment,
  type SeedState,
  type SourceCounters,
  saveSeedState,
  seedWasDrawn,
  setSeed,
  withSeed,
} from './global.js';
export { bits, foldIn, type Key, key, type Seed, seedToUint64, split } from './key.js';
export { SEED_SOURCES, type SeedSource, SOURCE_IDS, sourceKey } from './sources.js';
export { KeyStream } from './stream.js';
export { threefry2x32 } from './threefry.js';
