/**
 * Initializers with fixed distribution parameters: Keras's RandomUniform, RandomNormal and
 * TruncatedNormal.
 *
 * @module
 */

import type { Key } from '../random/index.js';
import type { DType, FloatArray } from '../tensor/dtype.js';
import { checkOptions, describe, finiteOption } from './check.js';
import { normalValues, uniformValues } from './draw.js';
import type { SeedOption } from './initializer.js';
import { RandomInitializer } from './random-initializer.js';

/** Options of {@link RandomUniform}. */
export interface RandomUniformOptions extends SeedOption {
  /** Lower bound, inclusive. Default −0.05. */
  minval?: number;
  /** Upper bound, exclusive. Default 0.05. */
  maxval?: number;
}

/** Options of {@link RandomNormal} and {@link TruncatedNormal}. */
export interface NormalOptions extends SeedOption {
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation (before truncation, for {@link TruncatedNormal}), ≥ 0. Default 0.05. */
  stddev?: number;
}

/**
 * Values uniform in [minval, maxval): u from `random.uniform(key, n)`, then
 * `max(lo, r(r(u · r(hi − lo)) + lo))` in the dtype, as Keras's `RandomUniform`.
 *
 * @example
 * ```ts
 * const init = new RandomUniform({ minval: -0.1, maxval: 0.1 });
 * init.init([3, 4], 'float32', random.key(0));
 * ```
 */
export class RandomUniform extends RandomInitializer {
  readonly minval: number;
  readonly maxval: number;

  constructor(options: RandomUniformOptions = {}) {
    checkOptions('initializers.randomUniform', options, ['minval', 'maxval', 'seed']);
    const { minval = -0.05, maxval = 0.05, seed } = options;
    super('randomUniform', seed);
    this.minval = finiteOption(this.where, 'minval', minval);
    this.maxval = finiteOption(this.where, 'maxval', maxval);
    if (!(minval < maxval)) {
      throw new Error(
        `${this.where}: minval must be less than maxval, got minval ${describe(minval)}, maxval ${describe(maxval)}`,
      );
    }
  }

  getConfig(): Record<string, unknown> {
    return { minval: this.minval, maxval: this.maxval, ...this.seedConfig() };
  }

  protected generate(_shape: readonly number[], size: number, dtype: DType, source: Key): FloatArray {
    return uniformValues(this.where, source, size, this.minval, this.maxval, dtype);
  }
}

/** Checks and returns [mean, stddev] for the normal initializers. */
function normalParameters(where: string, mean: unknown, stddev: unknown): [number, number] {
  const m = finiteOption(where, 'mean', mean);
  const s = finiteOption(where, 'stddev', stddev);
  if (s < 0) throw new Error(`${where}: stddev must be ≥ 0, got ${describe(s)}`);
  return [m, s];
}

/**
 * Values from a normal distribution: z from `random.normal(key, n)`, then `r(r(z · stddev) + mean)`
 * in the dtype, as Keras's `RandomNormal`.
 *
 * @example
 * ```ts
 * const init = new RandomNormal({ stddev: 0.01 });
 * init.init([3, 4], 'float32', random.key(0));
 * ```
 */
export class RandomNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;

  constructor(options: NormalOptions = {}) {
    checkOptions('initializers.randomNormal', options, ['mean', 'stddev', 'seed']);
    const { mean = 0, stddev = 0.05, seed } = options;
    super('randomNormal', seed);
    [this.mean, this.stddev] = normalParameters(this.where, mean, stddev);
  }

  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, ...this.seedConfig() };
  }

  protected generate(_shape: readonly number[], size: number, dtype: DType, source: Key): FloatArray {
    return normalValues(this.where, source, size, this.mean, this.stddev, dtype, false);
  }
}

/**
 * Values from a normal distribution truncated to two standard deviations around the mean: z from
 * `random.truncatedNormal(key, n)` (within (−2, 2)), then `r(r(z · stddev) + mean)` in the dtype,
 * as Keras's `TruncatedNormal`. `stddev` is the deviation before truncation; the values' standard
 * deviation is about 0.88 · stddev.
 *
 * @example
 * ```ts
 * const init = new TruncatedNormal({ stddev: 0.02 }); // all values within ±0.04
 * init.init([3, 4], 'float32', random.key(0));
 * ```
 */
export class TruncatedNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;

  constructor(options: NormalOptions = {}) {
    checkOptions('initializers.truncatedNormal', options, ['mean', 'stddev', 'seed']);
    const { mean = 0, stddev = 0.05, seed } = options;
    super('truncatedNormal', seed);
    [this.mean, this.stddev] = normalParameters(this.where, mean, stddev);
  }

  getConfig(): Record<string, unknown> {
    return { mean: this.mean, stddev: this.stddev, ...this.seedConfig() };
  }

  protected generate(_shape: readonly number[], size: number, dtype: DType, source: Key): FloatArray {
    return normalValues(this.where, source, size, this.mean, this.stddev, dtype, true);
  }
}

/**
 * Keras's `RandomUniform` initializer: values uniform in [minval, maxval), default [−0.05, 0.05).
 *
 * @example
 * ```ts
 * const bias = randomUniform({ minval: 0, maxval: 0.1 }).init([10], 'float32', random.key(1));
 * ```
 */
export function randomUniform(options?: RandomUniformOptions): RandomUniform {
  return new RandomUniform(options);
}

/**
 * Keras's `RandomNormal` initializer: normal values, default mean 0 and stddev 0.05.
 *
 * @example
 * ```ts
 * const w = randomNormal({ stddev: 0.02 }).init([4, 4], 'float32', random.key(1));
 * ```
 */
export function randomNormal(options?: NormalOptions): RandomNormal {
  return new RandomNormal(options);
}

/**
 * Keras's `TruncatedNormal` initializer: normal values within two standard deviations of the
 * mean, default mean 0 and stddev 0.05.
 *
 * @example
 * ```ts
 * const w = truncatedNormal({ stddev: 0.02, seed: 3 }).init([4, 4], 'float32', random.key(1));
 * ```
 */
export function truncatedNormal(options?: NormalOptions): TruncatedNormal {
  return new TruncatedNormal(options);
}
