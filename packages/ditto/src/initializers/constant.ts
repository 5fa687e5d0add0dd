/**
 * Initializers that draw nothing: Keras's Zeros, Ones, Constant and Identity. They ignore the key.
 *
 * @module
 */

import type { Key } from '../random/index.js';
import { allocate, type DType, type FloatArray, roundTo } from '../tensor/dtype.js';
import { checkDtype, checkOptions, checkShape, finiteOption } from './check.js';
import type { Initializer } from './initializer.js';

/** A new array of `shape`'s size in the dtype, every element `value` rounded to the dtype. */
function filled(where: string, shape: readonly number[], dtype: DType, value: number): FloatArray {
  const size = checkShape(where, shape);
  checkDtype(where, dtype);
  const out = allocate(dtype, size);
  if (value !== 0 || Object.is(value, -0)) out.fill(roundTo(dtype, value));
  return out;
}

/**
 * All zeros, as Keras's `Zeros` (the default for biases).
 *
 * @example
 * ```ts
 * new Zeros().init([3], 'float32', random.key(0)); // Float32Array [0, 0, 0]
 * ```
 */
export class Zeros implements Initializer {
  readonly name = 'zeros';

  init(shape: readonly number[], dtype: DType, _key?: Key): FloatArray {
    return filled('initializers.zeros', shape, dtype, 0);
  }

  getConfig(): Record<string, unknown> {
    return {};
  }
}

/**
 * All ones, as Keras's `Ones`.
 *
 * @example
 * ```ts
 * new Ones().init([2], 'float32', random.key(0)); // Float32Array [1, 1]
 * ```
 */
export class Ones implements Initializer {
  readonly name = 'ones';

  init(shape: readonly number[], dtype: DType, _key?: Key): FloatArray {
    return filled('initializers.ones', shape, dtype, 1);
  }

  getConfig(): Record<string, unknown> {
    return {};
  }
}

/**
 * Every element `value` rounded to the dtype, as Keras's `Constant` (default value 0).
 *
 * @example
 * ```ts
 * new Constant(0.1).init([2], 'float32', random.key(0)); // [Math.fround(0.1), Math.fround(0.1)]
 * ```
 */
export class Constant implements Initializer {
  readonly name = 'constant';
  readonly value: number;

  constructor(value = 0) {
    this.value = finiteOption('initializers.constant', 'value', value);
  }

  init(shape: readonly number[], dtype: DType, _key?: Key): FloatArray {
    return filled('initializers.constant', shape, dtype, this.value);
  }

  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

/** Options of {@link Identity}. */
export interface IdentityOptions {
  /** The diagonal's value. Default 1. */
  gain?: number;
}

/**
 * The (possibly rectangular) identity matrix times `gain`, as Keras's `Identity`; 2-D shapes only.
 *
 * @example
 * ```ts
 * new Identity().init([2, 3], 'float32', random.key(0)); // [1, 0, 0, 0, 1, 0]
 * ```
 */
export class Identity implements Initializer {
  readonly name = 'identity';
  readonly gain: number;

  constructor(options: IdentityOptions = {}) {
    checkOptions('initializers.identity', options, ['gain']);
    this.gain = finiteOption('initializers.identity', 'gain', options.gain ?? 1);
  }

  init(shape: readonly number[], dtype: DType, _key?: Key): FloatArray {
    const where = 'initializers.identity';
    const out = filled(where, shape, dtype, 0);
    if (shape.length !== 2) {
      throw new Error(
        `${where}: only 2-D shapes have an identity matrix, got a shape of rank ${shape.length}`,
      );
    }
    const [rows, cols] = shape;
    const diagonal = roundTo(dtype, this.gain);
    for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = diagonal;
    return out;
  }

  getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}

/**
 * Keras's `Zeros` initializer.
 *
 * @example
 * ```ts
 * const bias = zeros().init([128], 'float32', random.key(0));
 * ```
 */
export function zeros(): Zeros {
  return new Zeros();
}

/**
 * Keras's `Ones` initializer.
 *
 * @example
 * ```ts
 * const gamma = ones().init([128], 'float32', random.key(0));
 * ```
 */
export function ones(): Ones {
  return new Ones();
}

/**
 * Keras's `Constant` initializer: every element `value`.
 *
 * @throws Error if `value` is not a finite number.
 * @example
 * ```ts
 * const bias = constant(0.1).init([128], 'float32', random.key(0));
 * ```
 */
export function constant(value?: number): Constant {
  return new Constant(value);
}

/**
 * Keras's `Identity` initializer: `gain` on the diagonal of a 2-D weight, 0 elsewhere.
 *
 * @example
 * ```ts
 * const w = identity({ gain: 0.5 }).init([4, 4], 'float32', random.key(0));
 * ```
 */
export function identity(options?: IdentityOptions): Identity {
  return new Identity(options);
}
