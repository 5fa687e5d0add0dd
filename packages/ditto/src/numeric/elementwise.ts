/**
 * Scalar definitions of ditto's elementwise functions and their derivatives.
 *
 * The numeric contract for elementwise functions: each is evaluated in float64 by the fixed sequence of
 * IEEE operations written here (transcendentals from ditto's own elementary functions, never the
 * engine's `Math.exp` & co.), and rounded once when stored into the output array. Backward functions
 * return f'(x)·dy, likewise evaluated in float64 and rounded once. Every backend implements exactly
 * these formulas.
 */
import { erf, exp, expm1, log, sigmoid, softplus, tanh } from './elementary.js';

/** Names of the unary elementwise functions. */
export type UnaryOp =
  | 'linear'
  | 'neg'
  | 'abs'
  | 'square'
  | 'sqrt'
  | 'exp'
  | 'log'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'selu'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'tanh'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'gelu';

export const UNARY_OPS: readonly UnaryOp[] = [
  'linear',
  'neg',
  'abs',
  'square',
  'sqrt',
  'exp',
  'log',
  'relu',
  'leakyRelu',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softplus',
  'softsign',
  'swish',
  'gelu',
];

// SELU constants as Keras defines them.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const INV_SQRT2 = 0.7071067811865476;
const INV_SQRT_2PI = 0.3989422804014327;

/** f(x) for each op; `alpha` is the slope of leakyRelu and the scale of elu's negative side. */
export function unaryForward(op: UnaryOp, x: number, alpha: number): number {
  switch (op) {
    case 'linear':
      return x;
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'square':
      return x * x;
    case 'sqrt':
      return Math.sqrt(x);
    case 'exp':
      return exp(x);
    case 'log':
      return log(x);
    case 'relu':
      return x < 0 ? 0 : x;
    case 'leakyRelu':
      return x < 0 ? alpha * x : x;
    case 'elu':
      return x > 0 ? x : alpha * expm1(x);
    case 'selu':
      return x > 0 ? SELU_SCALE * x : SELU_SCALE * (SELU_ALPHA * expm1(x));
    case 'sigmoid':
      return sigmoid(x);
    case 'hardSigmoid': {
      // Keras 3: relu6(x + 3) / 6, i.e. clip(x / 6 + 0.5, 0, 1).
      const v = x / 6 + 0.5;
      return v < 0 ? 0 : v > 1 ? 1 : v;
    }
    case 'tanh':
      return tanh(x);
    case 'softplus':
      return softplus(x);
    case 'softsign':
      return x / (1 + Math.abs(x));
    case 'swish':
      return x * sigmoid(x);
    case 'gelu':
      return 0.5 * x * (1 + erf(x * INV_SQRT2));
  }
}

/**
 * The ops whose gradient is a function of their value f(x) alone: a fused kernel that kept the
 * forward's float64 f(x) computes the gradient from it ({@link unaryBackwardFromValue}) instead
 * of evaluating f again.
 */
export const FROM_VALUE: readonly UnaryOp[] = ['sigmoid', 'tanh', 'exp'];

/**
 * {@link unaryBackward}(op, x, dy) when fx = f(x) in float64 is already known: for the
 * {@link FROM_VALUE} ops the same formula on the same double (so the same bits), otherwise
 * unaryBackward itself.
 *
 * @example
 * ```ts
 * unaryBackwardFromValue('tanh', 0.5, Math.tanh(0.5), 1, 0); // 1 − tanh(0.5)²
 * ```
 */
export function unaryBackwardFromValue(
  op: UnaryOp,
  x: number,
  fx: number,
  dy: number,
  alpha: number,
): number {
  switch (op) {
    case 'sigmoid':
      return fx * (1 - fx) * dy;
    case 'tanh':
      return (1 - fx * fx) * dy;
    case 'exp':
      return fx * dy;
    default:
      return unaryBackward(op, x, dy, alpha);
  }
}

/** f'(x)·dy for each op. */
export function unaryBackward(op: UnaryOp, x: number, dy: number, alpha: number): number {
  switch (op) {
    case 'linear':
      return dy;
    case 'neg':
      return -dy;
    case 'abs':
      return x > 0 ? dy : x < 0 ? -dy : 0;
    case 'square':
      return 2 * x * dy;
    case 'sqrt':
      return dy / (2 * Math.sqrt(x));
    case 'exp':
      return exp(x) * dy;
    case 'log':
      return dy / x;
    case 'relu':
      return x > 0 ? dy : 0;
    case 'leakyRelu':
      return x < 0 ? alpha * dy : dy;
    case 'elu':
      return x > 0 ? dy : alpha * exp(x) * dy;
    case 'selu':
      return x > 0 ? SELU_SCALE * dy : SELU_SCALE * SELU_ALPHA * exp(x) * dy;
    case 'sigmoid': {
      const s = sigmoid(x);
      return s * (1 - s) * dy;
    }
    case 'hardSigmoid':
      return x > -3 && x < 3 ? dy / 6 : 0;
    case 'tanh': {
      const t = tanh(x);
      return (1 - t * t) * dy;
    }
    case 'softplus':
      return sigmoid(x) * dy;
    case 'softsign': {
      const d = 1 + Math.abs(x);
      return dy / (d * d);
    }
    case 'swish': {
      const s = sigmoid(x);
      return (s + x * s * (1 - s)) * dy;
    }
    case 'gelu':
      return (0.5 * (1 + erf(x * INV_SQRT2)) + x * exp(-0.5 * x * x) * INV_SQRT_2PI) * dy;
  }
}

/** Names of the binary elementwise ops. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';

export function binaryForward(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return a / b;
    case 'maximum':
      return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a >= b ? a : b;
    case 'minimum':
      return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a <= b ? a : b;
  }
}
