/**
 * The named sources of randomness (docs/random.md) and the one table that numbers them. Each
 * source draws from its own stream of a seed, `foldIn(key(seed), SOURCE_IDS[source])`, so drawing
 * more keys for one source never shifts another's.
 *
 * @module
 */

import { foldIn, type Key, key, type Seed } from './key.js';

/**
 * The sources, in the order of their ids (part of the documented derivation: never reorder):
 * `init` (weights, embeddings), `dropout` (dropout, recurrent dropout, noise layers), `order`
 * (shuffling of the training data), `split` (train/test and validation splits, k-fold), `augment`
 * (data augmentation) and `user` (what user code draws with `nextKey()`).
 */
export const SEED_SOURCES = Object.freeze(['init', 'dropout', 'order', 'split', 'augment', 'user'] as const);

/** One of {@link SEED_SOURCES}. */
export type SeedSource = (typeof SEED_SOURCES)[number];

/** The id of each source: its index in {@link SEED_SOURCES}. */
export const SOURCE_IDS: Readonly<Record<SeedSource, number>> = Object.freeze(
  Object.fromEntries(SEED_SOURCES.map((source, id) => [source, id])) as Record<SeedSource, number>,
);

/**
 * The root key of a source's stream under a seed: `foldIn(key(seed), SOURCE_IDS[source])`. The
 * global seed's i-th key for the source is `foldIn(sourceKey(seed, source), i)`; a layer given its
 * own `seed` uses `sourceKey(seed, 'init')` and `sourceKey(seed, 'dropout')` directly.
 *
 * @example
 * ```ts
 * sourceKey(1, 'init'); // foldIn(key(1), 0)
 * ```
 */
export function sourceKey(seed: Seed, source: SeedSource): Key {
  return foldIn(key(seed), SOURCE_IDS[source]);
}
