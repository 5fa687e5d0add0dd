/**
 * Keras's VarianceScaling initializer and the named cases of it: Glorot (Xavier), He and LeCun,
 * uniform and normal.
 *
 * @module
 */

import type { Key } from '../random/index.js';
import type { DType, FloatArray } from '../tensor/dtype.js';
import { checkOptions, describe, finiteOption } from './check.js';
import { normalValues, uniformValues } from './draw.js';
import { computeFans } from './fans.js';
import type { SeedOption } from './initializer.js';
import { RandomInitializer } from './random-initializer.js';

/** Which fan divides the scale: inputs, outputs, or their mean. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';

/** The distribution {@link VarianceScaling} draws from. */
export type VarianceScalingDistribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

/** Options of {@link VarianceScaling}. Keras's snake_case spellings ('fan_in', …) are accepted too. */
export interface VarianceScalingOptions extends SeedOption {
  /** Scaling factor, > 0. Default 1. */
  scale?: number;
  /** Default 'fanIn'. */
  mode?: FanMode | 'fan_in' | 'fan_out' | 'fan_avg';
  /** Default 'truncatedNormal'; 'normal' means 'truncatedNormal', as in Keras. */
  distribution?: VarianceScalingDistribution | 'truncated_normal' | 'untruncated_normal' | 'normal';
}

/**
 * The standard deviation of a standard normal truncated to [−2, 2], as Keras writes it: dividing by
 * it makes the truncated draws' standard deviation the one asked for.
 */
export const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

const MODES: Readonly<Record<string, FanMode>> = {
  fanIn: 'fanIn',
  fanOut: 'fanOut',
  fanAvg: 'fanAvg',
  fan_in: 'fanIn',
  fan_out: 'fanOut',
  fan_avg: 'fanAvg',
};

const DISTRIBUTIONS: Readonly<Record<string, VarianceScalingDistribution>> = {
  truncatedNormal: 'truncatedNormal',
  untruncatedNormal: 'untruncatedNormal',
  uniform: 'uniform',
  truncated_normal: 'truncatedNormal',
  untruncated_normal: 'untruncatedNormal',
  normal: 'truncatedNormal',
};

function lookup<T>(where: string, what: string, table: Readonly<Record<string, T>>, value: unknown): T {
  if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value];
  const valid = Object.keys(table)
    .map((name) => `'${name}'`)
    .join(', ');
  throw new Error(`${where}: ${what} must be one of ${valid}, got ${describe(value)}`);
}

/**
 * Keras's `VarianceScaling`: with n the fan chosen by `mode` (see {@link computeFans}; fanAvg is
 * (fanIn + fanOut) / 2) and s = scale / max(1, n), computed in float64:
 * - 'truncatedNormal': truncated normal, mean 0, stddev √s / 0.87962566103423978 (so the values'
 *   standard deviation is √s);
 * - 'untruncatedNormal': normal, mean 0, stddev √s;
 * - 'uniform': uniform in [−√(3s), √(3s)).
 * The parameter is then rounded to the dtype and applied as `RandomNormal`, `TruncatedNormal` and
 * `RandomUniform` apply theirs.
 *
 * @example
 * ```ts
 * const init = new VarianceScaling({ scale: 0.1, mode: 'fanIn', distribution: 'uniform' });
 * init.init([64, 32], 'float32', random.key(0));
 * ```
 */
export class VarianceScaling extends RandomInitializer {
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceScalingDistribution;

  /** @param name The name the subclasses (glorotUniform, …) report; leave it out. */
  constructor(options: VarianceScalingOptions = {}, name = 'varianceScaling') {
    checkOptions(`initializers.${name}`, options, ['scale', 'mode', 'distribution', 'seed']);
    const { scale = 1, mode = 'fanIn', distribution = 'truncatedNormal', seed } = options;
    super(name, seed);
    this.scale = finiteOption(this.where, 'scale', scale);
    if (!(scale > 0)) throw new Error(`${this.where}: scale must be positive, got ${describe(scale)}`);
    this.mode = lookup(this.where, 'mode', MODES, mode);
    this.distribution = lookup(this.where, 'distribution', DISTRIBUTIONS, distribution);
  }

  getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, ...this.seedConfig() };
  }

  protected generate(shape: readonly number[], size: number, dtype: DType, source: Key): FloatArray {
    const [fanIn, fanOut] = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const s = this.scale / Math.max(1, fan);
    switch (this.distribution) {
      case 'truncatedNormal':
        return normalValues(this.where, source, size, 0, Math.sqrt(s) / TRUNCATED_NORMAL_STDDEV, dtype, true);
      case 'untruncatedNormal':
        return normalValues(this.where, source, size, 0, Math.sqrt(s), dtype, false);
      case 'uniform': {
        const limit = Math.sqrt(3 * s);
        return uniformValues(this.where, source, size, -limit, limit, dtype);
      }
    }
  }
}

/**
 * Glorot (Xavier) uniform, the default for Dense kernels: uniform in [−limit, limit) with
 * limit = √(6 / (fanIn + fanOut)). VarianceScaling with scale 1, 'fanAvg', 'uniform'.
 *
 * @example
 * ```ts
 * new GlorotUniform().init([784, 128], 'float32', random.key(0)); // |w| ≤ √(6/912) ≈ 0.0811
 * ```
 */
export class GlorotUniform extends VarianceScaling {
  constructor(options: SeedOption = {}) {
    checkOptions('initializers.glorotUniform', options, ['seed']);
    super({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: options.seed }, 'glorotUniform');
  }

  override getConfig(): Record<string, unknown> {
    return this.seedConfig();
  }
}

/**
 * Glorot (Xavier) normal: truncated normal with standard deviation √(2 / (fanIn + fanOut)).
 * VarianceScaling with scale 1, 'fanAvg', 'truncatedNormal'.
 *
 * @example
 * ```ts
 * new GlorotNormal().init([784, 128], 'float32', random.key(0));
 * ```
 */
export class GlorotNormal extends VarianceScaling {
  constructor(options: SeedOption = {}) {
    checkOptions('initializers.glorotNormal', options, ['seed']);
    super({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal', seed: options.seed }, 'glorotNormal');
  }

  override getConfig(): Record<string, unknown> {
    return this.seedConfig();
  }
}

/**
 * He uniform: uniform in [−limit, limit) with limit = √(6 / fanIn). VarianceScaling with scale 2,
 * 'fanIn', 'uniform'.
 *
 * @example
 * ```ts
 * new HeUniform().init([3, 3, 16, 32], 'float32', random.key(0));
 * ```
 */
export class HeUniform extends VarianceScaling {
  constructor(options: SeedOption = {}) {
    checkOptions('initializers.heUniform', options, ['seed']);
    super({ scale: 2, mode: 'fanIn', distribution: 'uniform', seed: options.seed }, 'heUniform');
  }

  override getConfig(): Record<string, unknown> {
    return this.seedConfig();
  }
}

/**
 * He normal: truncated normal with standard deviation √(2 / fanIn). VarianceScaling with scale 2,
 * 'fanIn', 'truncatedNormal'.
 *
 * @example
 * ```ts
 * new HeNormal().init([256, 256], 'float32', random.key(0));
 * ```
 */
export class HeNormal extends VarianceScaling {
  constructor(options: SeedOption = {}) {
    checkOptions('initializers.heNormal', options, ['seed']);
    super({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: options.seed }, 'heNormal');
  }

  override getConfig(): Record<string, unknown> {
    return this.seedConfig();
  }
}

/**
 * LeCun uniform: uniform in [−limit, limit) with limit = √(3 / fanIn). VarianceScaling with
 * scale 1, 'fanIn', 'uniform'.
 *
 * @example
 * ```ts
 * new LecunUniform().init([100, 10], 'float32', random.key(0));
 * ```
 */
export class LecunUniform extends VarianceScaling {
  constructor(options: SeedOption = {}) {
    checkOptions('initializers.lecunUniform', options, ['seed']);
    super({ scale: 1, mode: 'fanIn', distribution: 'uniform', seed: options.seed }, 'lecunUniform');
  }

  override getConfig(): Record<string, unknown> {
    return this.seedConfig();
  }
}

/**
 * LeCun normal: truncated normal with standard deviation √(1 / fanIn). VarianceScaling with
 * scale 1, 'fanIn', 'truncatedNormal'.
 *
 * @example
 * ```ts
 * new LecunNormal().init([100, 10], 'float32', random.key(0));
 * ```
 */
export class LecunNormal extends VarianceScaling {
  constructor(options: SeedOption = {}) {
    checkOptions('initializers.lecunNormal', options, ['seed']);
    super({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed: options.seed }, 'lecunNormal');
  }

  override getConfig(): Record<string, unknown> {
    return this.seedConfig();
  }
}

/**
 * Keras's `VarianceScaling` initializer (see {@link VarianceScaling}).
 *
 * @example
 * ```ts
 * const selu = varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });
 * ```
 */
export function varianceScaling(options?: VarianceScalingOptions): VarianceScaling {
  return new VarianceScaling(options);
}

/**
 * Keras's `GlorotUniform`, the default kernel initializer: uniform in ±√(6 / (fanIn + fanOut)).
 *
 * @example
 * ```ts
 * const kernel = glorotUniform().init([784, 128], 'float32', random.foldIn(random.nextKey(), 0));
 * ```
 */
export function glorotUniform(options?: SeedOption): GlorotUniform {
  return new GlorotUniform(options);
}

/**
 * Keras's `GlorotNormal`: truncated normal with standard deviation √(2 / (fanIn + fanOut)).
 *
 * @example
 * ```ts
 * const kernel = glorotNormal({ seed: 1 }).init([10, 10], 'float32', random.key(0));
 * ```
 */
export function glorotNormal(options?: SeedOption): GlorotNormal {
  return new GlorotNormal(options);
}

/**
 * Keras's `HeUniform`: uniform in ±√(6 / fanIn).
 *
 * @example
 * ```ts
 * const kernel = heUniform().init([128, 64], 'float32', random.key(0));
 * ```
 */
export function heUniform(options?: SeedOption): HeUniform {
  return new HeUniform(options);
}

/**
 * Keras's `HeNormal`: truncated normal with standard deviation √(2 / fanIn).
 *
 * @example
 * ```ts
 * const kernel = heNormal().init([128, 64], 'float32', random.key(0));
 * ```
 */
export function heNormal(options?: SeedOption): HeNormal {
  return new HeNormal(options);
}

/**
 * Keras's `LecunUniform`: uniform in ±√(3 / fanIn).
 *
 * @example
 * ```ts
 * const kernel = lecunUniform().init([128, 64], 'float32', random.key(0));
 * ```
 */
export function lecunUniform(options?: SeedOption): LecunUniform {
  return new LecunUniform(options);
}

/**
 * Keras's `LecunNormal`: truncated normal with standard deviation √(1 / fanIn).
 *
 * @example
 * ```ts
 * const kernel = lecunNormal().init([128, 64], 'float32', random.key(0));
 * ```
 */
export function lecunNormal(options?: SeedOption): LecunNormal {
  return new LecunNormal(options);
}
