import { foldIn, key, type Seed } from '../random/index.js';

/**
 * The seed of repeat `index` of an experiment seeded with `seed`: the 64-bit integer whose key is
 * `foldIn(key(seed), index)`. Passing it to `setSeed` re-runs that one repeat alone, bit for bit.
 */
export function repeatSeed(seed: Seed, index: number): bigint {
  const [hi, lo] = foldIn(key(seed), index);
  return (BigInt(hi) << 32n) | BigInt(lo);
}
