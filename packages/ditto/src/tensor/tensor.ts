/**
 * The tensor: a shape, a dtype and a typed array in row-major order, plus what reverse-mode
 * differentiation needs (the op that made it and its backward function).
 */

import { checkAllocation, checkOneOf } from '../validate/index.js';
import { allocate, type DType, dtypeOf, type FloatArray } from './dtype.js';
import { checkShape, formatShape, type Shape, ShapeError, sizeOf } from './shape.js';

/** How an op's result propagates its gradient to the op's inputs. */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Given the gradient of the result, returns the gradient of each input (null where not needed). */
  backward(grad: Tensor): readonly (Tensor | null)[];
}

/** Nested arrays of numbers, as accepted by `tensor()`. */
export type NestedArray = number | readonly NestedArray[];

export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly data: FloatArray;
  /** True when gradients flow to this tensor (parameters, and results of ops on them). */
  requiresGrad: boolean;
  /** The gradient accumulated by `backward()`, once computed. */
  grad: Tensor | null = null;
  /** @internal The op that produced this tensor, when it takes part in differentiation. */
  node: GradNode | null = null;

  constructor(data: FloatArray, shape: Shape, requiresGrad = false) {
    checkShape(shape, 'Tensor');
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(
        `Tensor: shape ${formatShape(shape)} needs ${sizeOf(shape)} values, got ${data.length}`,
      );
    }
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.data = data;
    this.requiresGrad = requiresGrad;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The values as nested arrays (numbers for a scalar). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new ShapeError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} values`);
    return this.data[0];
  }

  /** A tensor sharing nothing with this one: same values, no gradient history. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** This tensor cut off from the gradient history (shares the data). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype})`;
  }
}

const DTYPES: readonly DType[] = ['float32', 'float64'];

function inferShape(values: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  if (!Array.isArray(level) && typeof level !== 'number') {
    throw new TypeError(`${where}: expected numbers, got ${typeof level}`);
  }
  return shape;
}

function flattenInto(values: NestedArray, shape: Shape, dim: number, out: number[], where: string): void {
  if (dim === shape.length) {
    if (typeof values !== 'number')
      throw new ShapeError(`${where}: ragged nested array: expected a number at depth ${dim}`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new ShapeError(`${where}: ragged nested array: expected ${shape[dim]} entries at depth ${dim}`);
  }
  for (const v of values) flattenInto(v, shape, dim + 1, out, where);
}

/**
 * Creates a tensor from nested arrays or a flat typed array.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);          // float32, shape [2, 2]
 * const y = tensor([1, 2, 3], [3], 'float64');
 * ```
 */
export function tensor(
  values: NestedArray | FloatArray | readonly number[],
  shape?: Shape,
  dtype: DType = 'float32',
): Tensor {
  checkOneOf('tensor', 'dtype', dtype, DTYPES);
  if (values instanceof Float32Array || values instanceof Float64Array) {
    const data = dtypeOf(values) === dtype ? values : allocate(dtype, values.length);
    if (data !== values) data.set(values);
    return new Tensor(data, shape ?? [values.length]);
  }
  const inferred = inferShape(values as NestedArray, 'tensor');
  const flat: number[] = [];
  flattenInto(values as NestedArray, inferred, 0, flat, 'tensor');
  const data = allocate(dtype, flat.length);
  data.set(flat);
  return new Tensor(data, shape ?? inferred);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  checkShape(shape, 'zeros');
  checkOneOf('zeros', 'dtype', dtype, DTYPES);
  checkAllocation('zeros', 'tensor', shape, dtype);
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}

/** A tensor filled with one value. */
export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  const t = zeros(shape, dtype);
  t.data.fill(value);
  return t;
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/** A scalar tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return fill([], value, dtype);
}
