/**
 * The contract every weight initializer keeps.
 *
 * @module
 */

import type { Key, Seed } from '../random/index.js';
import type { DType, FloatArray } from '../tensor/dtype.js';

/**
 * Makes the starting values of a weight, as Keras's initializers do.
 *
 * Keys: a layer takes one key from `random.nextKey()` when it builds its weights and hands weight i
 * (in the order the layer declares them) the key `random.foldIn(layerKey, i)`. An initializer made
 * with an explicit `seed` ignores the key it is handed and uses `random.key(seed)` instead: that is
 * how an explicit seed overrides the global one. (So one seeded initializer given to two layers
 * gives both the same values, as a Keras initializer seeded with an integer does.)
 *
 * `init` is a pure function of (shape, dtype, key): the same arguments give the same bits.
 *
 * @example
 * ```ts
 * const init: Initializer = glorotUniform();
 * const kernel = init.init([784, 128], 'float32', random.foldIn(random.nextKey(), 0));
 * ```
 */
export interface Initializer {
  /** The Keras name in camelCase, e.g. `'glorotUniform'`; {@link getInitializer} accepts it. */
  readonly name: string;
  /** The explicit seed, if one was given: it then replaces the key passed to {@link Initializer.init}. */
  readonly seed?: Seed;
  /**
   * The values of a weight of this shape and dtype, row-major.
   *
   * @param shape Non-negative integer dimensions; `[]` is a scalar.
   * @param dtype Element type of the result.
   * @param key The weight's key (ignored by constant initializers and by seeded ones).
   * @throws Error naming the initializer and the bad value, for an invalid shape, dtype or key.
   */
  init(shape: readonly number[], dtype: DType, key: Key): FloatArray;
  /** The options this initializer was made with, under the names its factory takes. */
  getConfig(): Record<string, unknown>;
}

/** The option shared by all random initializers. */
export interface SeedOption {
  /** Overrides the key passed to `init` by `random.key(seed)`. */
  seed?: Seed;
}
