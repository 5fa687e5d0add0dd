/** Weight penalties added to the training loss, as Keras's L1, L2 and L1L2 regularizers. */
import * as ops from '../tensor/ops/index.js';
import { scalar, type Tensor } from '../tensor/tensor.js';
import { checkOptions, describe, didYouMean } from '../validate/index.js';

export interface Regularizer {
  readonly name: string;
  /** The factors of a ditto regularizer (l1l2, l1, l2), for model files; absent on custom functions. */
  readonly factors?: { readonly l1: number; readonly l2: number };
  /** The penalty for one weight tensor: l1·Σ|w| + l2·Σw² (sums in row-major order). */
  (weights: Tensor): Tensor;
}

function checkFactor(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name}: the factor must be a finite number ≥ 0, got ${value}`);
  }
}

/**
 * l1·Σ|w| + l2·Σw².
 *
 * @example
 * ```ts
 * new Dense(10, { kernelRegularizer: l1l2({ l1: 0.01, l2: 0.01 }) });
 * ```
 */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  checkOptions('l1l2', options, ['l1', 'l2']);
  const { l1 = 0, l2 = 0 } = options;
  checkFactor('l1l2 (l1)', l1);
  checkFactor('l1l2 (l2)', l2);
  const penalty = (w: Tensor): Tensor => {
    let total: Tensor | null = null;
    if (l1 > 0) total = ops.mul(scalar(l1, w.dtype), ops.sum(ops.abs(w)));
    if (l2 > 0) {
      const term = ops.mul(scalar(l2, w.dtype), ops.sum(ops.square(w)));
      total = total ? ops.add(total, term) : term;
    }
    return total ?? scalar(0, w.dtype);
  };
  return Object.defineProperties(penalty, {
    name: { value: `l1l2(${l1}, ${l2})` },
    factors: { value: Object.freeze({ l1, l2 }) },
  }) as Regularizer;
}

/** l1·Σ|w| (Keras's default factor 0.01). */
export function l1(factor = 0.01): Regularizer {
  return l1l2({ l1: factor });
}

/** l2·Σw² (Keras's default factor 0.01). */
export function l2(factor = 0.01): Regularizer {
  return l1l2({ l2: factor });
}

/** Resolves 'l1' | 'l2' | 'l1l2' (Keras's defaults) or passes a regularizer through. */
export function getRegularizer(r: string | Regularizer | null | undefined): Regularizer | null {
  if (r === undefined || r === null) return null;
  if (typeof r === 'function') return r;
  if (typeof r !== 'string') {
    throw new TypeError(`getRegularizer: expected a regularizer name or function, got ${describe(r)}`);
  }
  switch (r) {
    case 'l1':
      return l1();
    case 'l2':
      return l2();
    case 'l1l2':
    case 'l1_l2':
      return l1l2({ l1: 0.01, l2: 0.01 });
    default:
      throw new Error(
        `Unknown regularizer '${r}'${didYouMean(r, ['l1', 'l2', 'l1l2'])}. Valid regularizers: l1, l2, l1l2`,
      );
  }
}
