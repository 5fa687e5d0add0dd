/** Activation functions by name, as Keras accepts them in `Dense({ activation })` and `Activation`. */
import { declareOpsOnly } from '../engine/twin.js';
import type { UnaryOp } from '../numeric/elementwise.js';
import * as ops from '../tensor/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, didYouMean } from '../validate/index.js';

export type ActivationFn = (x: Tensor) => Tensor;

const leakyRelu: ActivationFn = (x) => ops.leakyRelu(x);
const elu: ActivationFn = (x) => ops.elu(x);

const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: ops.linear,
  relu: ops.relu,
  leakyRelu,
  elu,
  selu: ops.selu,
  sigmoid: ops.sigmoid,
  hardSigmoid: ops.hardSigmoid,
  tanh: ops.tanh,
  softplus: ops.softplus,
  softsign: ops.softsign,
  swish: ops.swish,
  silu: ops.swish,
  gelu: ops.gelu,
  softmax: ops.softmax,
  logSoftmax: ops.logSoftmax,
  exponential: ops.exp,
};

// Built from ops alone: a model using them can be described (engine/twin.ts).
declareOpsOnly(...Object.values(ACTIVATIONS));

/** Keras's snake_case spellings. */
const ALIASES: Record<string, string> = {
  leaky_relu: 'leakyRelu',
  hard_sigmoid: 'hardSigmoid',
  log_softmax: 'logSoftmax',
};

/** Names accepted by {@link getActivation}. */
export const ACTIVATION_NAMES: readonly string[] = Object.keys(ACTIVATIONS);

/**
 * Resolves an activation by name (camelCase or Keras's snake_case) or passes a function through.
 * `undefined`/`null` mean linear, as in Keras.
 *
 * @example
 * ```ts
 * const act = getActivation('relu');
 * ```
 */
export function getActivation(activation: string | ActivationFn | null | undefined): {
  name: string;
  fn: ActivationFn;
} {
  if (activation === undefined || activation === null) return { name: 'linear', fn: ops.linear };
  if (typeof activation === 'function') return { name: activation.name || 'custom', fn: activation };
  if (typeof activation !== 'string') {
    throw new TypeError(
      `getActivation: expected an activation name or function, got ${describe(activation)}`,
    );
  }
  const name = Object.hasOwn(ALIASES, activation) ? ALIASES[activation] : activation;
  const fn = Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
  if (!fn) {
    throw new Error(
      `Unknown activation '${activation}'${didYouMean(activation, ACTIVATION_NAMES)}. ` +
        `Valid activations: ${ACTIVATION_NAMES.join(', ')}`,
    );
  }
  return { name, fn };
}

/** A unary op with its alpha: what an elementwise activation computes, for fused kernels. */
export interface UnaryActivation {
  op: UnaryOp;
  alpha: number;
}

/** The built-in activations that are one unary op (by function identity, so a user's own is never taken for one). */
const UNARY_ACTIVATIONS = new Map<ActivationFn, UnaryActivation>([
  [ops.linear, { op: 'linear', alpha: 1 }],
  [ops.relu, { op: 'relu', alpha: 1 }],
  [leakyRelu, { op: 'leakyRelu', alpha: 0.2 }],
  [elu, { op: 'elu', alpha: 1 }],
  [ops.selu, { op: 'selu', alpha: 1 }],
  [ops.sigmoid, { op: 'sigmoid', alpha: 1 }],
  [ops.hardSigmoid, { op: 'hardSigmoid', alpha: 1 }],
  [ops.tanh, { op: 'tanh', alpha: 1 }],
  [ops.softplus, { op: 'softplus', alpha: 1 }],
  [ops.softsign, { op: 'softsign', alpha: 1 }],
  [ops.swish, { op: 'swish', alpha: 1 }],
  [ops.gelu, { op: 'gelu', alpha: 1 }],
  [ops.exp, { op: 'exp', alpha: 1 }],
]);

/**
 * The unary op (and alpha, as `ops.unary` defaults it) that an activation function is, or
 * undefined for softmax, logSoftmax and functions of the user's own.
 */
export function unaryActivation(fn: ActivationFn): UnaryActivation | undefined {
  return UNARY_ACTIVATIONS.get(fn);
}
