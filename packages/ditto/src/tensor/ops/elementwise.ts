/** Elementwise ops: broadcasting arithmetic and the unary functions (activations among them). */
import {
  binaryPrimitive,
  callKernel,
  selectGradient,
  unaryBackwardPrimitive,
  unaryPrimitive,
} from '../../engine/kernels.js';
import type { BinaryOp, UnaryOp } from '../../numeric/elementwise.js';
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast.js';
import { sumTo } from './reduce.js';

function checkDtypes(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `${op}: dtypes differ: ${a.dtype} ${formatShape(a.shape)} and ${b.dtype} ${formatShape(b.shape)}`,
    );
  }
}

function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  checkDtypes(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = allocate(a.dtype, sizeOf(shape));
  binaryPrimitive(
    op,
    a.data,
    broadcastStrides(a.shape, shape),
    b.data,
    broadcastStrides(b.shape, shape),
    out,
    shape,
  );
  return new Tensor(out, shape);
}

/** a + b with NumPy broadcasting. */
export function add(a: Tensor, b: Tensor): Tensor {
  return record(binaryRaw('add', a, b), 'add', [a, b], (g) => [sumTo(g, a.shape), sumTo(g, b.shape)]);
}

/** a − b with NumPy broadcasting. */
export function sub(a: Tensor, b: Tensor): Tensor {
  return record(binaryRaw('sub', a, b), 'sub', [a, b], (g) => [sumTo(g, a.shape), sumTo(neg(g), b.shape)]);
}

/** a · b elementwise with NumPy broadcasting. */
export function mul(a: Tensor, b: Tensor): Tensor {
  return record(binaryRaw('mul', a, b), 'mul', [a, b], (g) => [
    sumTo(binaryRaw('mul', g, b), a.shape),
    sumTo(binaryRaw('mul', g, a), b.shape),
  ]);
}

/** a / b elementwise with NumPy broadcasting. */
export function div(a: Tensor, b: Tensor): Tensor {
  const out = binaryRaw('div', a, b);
  return record(out, 'div', [a, b], (g) => {
    const ga = binaryRaw('div', g, b);
    // d(a/b)/db = −(a/b)/b, applied as −(g · out) / b.
    const gb = neg(binaryRaw('div', binaryRaw('mul', g, out), b));
    return [sumTo(ga, a.shape), sumTo(gb, b.shape)];
  });
}

function selectGrad(a: Tensor, b: Tensor, g: Tensor, compare: 'ge' | 'le'): [Tensor, Tensor] {
  const shape = g.shape;
  const av = broadcastTo(a.data, a.shape, shape).data;
  const bv = broadcastTo(b.data, b.shape, shape).data;
  const ga = allocate(g.dtype, g.size);
  const gb = allocate(g.dtype, g.size);
  callKernel(selectGradient, [av, bv, g.data, ga, gb], 3, [compare]);
  return [new Tensor(ga, shape), new Tensor(gb, shape)];
}

/** Elementwise maximum; the gradient goes to a where a ≥ b, else to b. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return record(binaryRaw('maximum', a, b), 'maximum', [a, b], (g) => {
    const [ga, gb] = selectGrad(a, b, g, 'ge');
    return [sumTo(ga, a.shape), sumTo(gb, b.shape)];
  });
}

/** Elementwise minimum; the gradient goes to a where a ≤ b, else to b. */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return record(binaryRaw('minimum', a, b), 'minimum', [a, b], (g) => {
    const [ga, gb] = selectGrad(a, b, g, 'le');
    return [sumTo(ga, a.shape), sumTo(gb, b.shape)];
  });
}

/**
 * Applies a unary elementwise function (see numeric/elementwise.ts for the exact formulas).
 * `alpha` is the negative slope of leakyRelu (default 0.2, as keras.activations.leaky_relu) and the
 * scale of elu's negative side (default 1).
 */
export function unary(op: UnaryOp, x: Tensor, alpha = op === 'leakyRelu' ? 0.2 : 1): Tensor {
  const out = allocate(x.dtype, x.size);
  unaryPrimitive(op, x.data, out, alpha);
  return record(new Tensor(out, x.shape), op, [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    unaryBackwardPrimitive(op, x.data, g.data, dx, alpha);
    return [new Tensor(dx, x.shape)];
  });
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const linear = (x: Tensor): Tensor => unary('linear', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const leakyRelu = (x: Tensor, alpha = 0.2): Tensor => unary('leakyRelu', x, alpha);
export const elu = (x: Tensor, alpha = 1): Tensor => unary('elu', x, alpha);
export const selu = (x: Tensor): Tensor => unary('selu', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const hardSigmoid = (x: Tensor): Tensor => unary('hardSigmoid', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const softplus = (x: Tensor): Tensor => unary('softplus', x);
export const softsign = (x: Tensor): Tensor => unary('softsign', x);
export const swish = (x: Tensor): Tensor => unary('swish', x);
/** silu is swish. */
export const silu = swish;
export const gelu = (x: Tensor): Tensor => unary('gelu', x);
