/**
 * What the random initializers share: the choice between the key a layer hands them and the key of
 * their own explicit seed, and the checks of `init`'s arguments.
 *
 * @module
 */

import { checkKey } from '../random/check.js';
import { type Key, key, type Seed } from '../random/index.js';
import type { DType, FloatArray } from '../tensor/dtype.js';
import { checkDtype, checkShape } from './check.js';
import type { Initializer } from './initializer.js';

/**
 * Base of the initializers that draw random numbers. Subclasses implement {@link generate}; `init`
 * checks the arguments and picks the key: `random.key(seed)` if the initializer was made with a
 * seed, otherwise the key it is handed.
 */
export abstract class RandomInitializer implements Initializer {
  readonly name: string;
  readonly seed?: Seed;
  /** `key(seed)`, derived once at construction so an invalid seed fails there. */
  readonly #seedKey: Key | undefined;

  protected constructor(name: string, seed: Seed | undefined) {
    this.name = name;
    if (seed !== undefined) {
      try {
        this.#seedKey = key(seed);
      } catch (error) {
        throw new Error(`initializers.${name}: invalid seed: ${(error as Error).message}`);
      }
      this.seed = seed;
    }
  }

  /** The prefix of this initializer's error messages. */
  protected get where(): string {
    return `initializers.${this.name}`;
  }

  init(shape: readonly number[], dtype: DType, source: Key): FloatArray {
    const size = checkShape(this.where, shape);
    checkDtype(this.where, dtype);
    const chosen = this.#seedKey ?? source;
    checkKey(this.where, chosen);
    return this.generate(shape, size, dtype, chosen);
  }

  abstract getConfig(): Record<string, unknown>;

  /** `{ seed }` if a seed was given, else `{}`: the part of every random initializer's config. */
  protected seedConfig(): Record<string, unknown> {
    return this.seed === undefined ? {} : { seed: this.seed };
  }

  /** The values, given a checked shape of `size` elements, a dtype and the key to draw with. */
  protected abstract generate(shape: readonly number[], size: number, dtype: DType, source: Key): FloatArray;
}
