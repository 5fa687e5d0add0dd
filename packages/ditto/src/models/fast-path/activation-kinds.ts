/**
 * Which activations the fast path runs itself: each built-in activation function (recognised by
 * identity, so a user function that happens to be called 'relu' is never mistaken for it) and the
 * kernel that computes exactly what its op computes.
 */
import { ACTIVATION_NAMES, type ActivationFn, getActivation } from '../../layers/activations.js';
import type { UnaryOp } from '../../numeric/elementwise.js';

/** An elementwise activation (a `unary` kernel) or softmax / log-softmax over the last axis. */
export type ActivationKind =
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly alpha: number }
  | { readonly kind: 'softmax'; readonly log: boolean };

/** The unary op and alpha each activation name calls (ops.leakyRelu's default slope 0.2, elu's 1). */
const UNARY_BY_NAME: Readonly<Record<string, readonly [UnaryOp, number]>> = {
  linear: ['linear', 1],
  relu: ['relu', 1],
  leakyRelu: ['leakyRelu', 0.2],
  elu: ['elu', 1],
  selu: ['selu', 1],
  sigmoid: ['sigmoid', 1],
  hardSigmoid: ['hardSigmoid', 1],
  tanh: ['tanh', 1],
  softplus: ['softplus', 1],
  softsign: ['softsign', 1],
  swish: ['swish', 1],
  silu: ['swish', 1],
  gelu: ['gelu', 1],
  exponential: ['exp', 1],
};

let byFunction: Map<ActivationFn, ActivationKind> | undefined;

function table(): Map<ActivationFn, ActivationKind> {
  if (byFunction) return byFunction;
  byFunction = new Map();
  for (const name of ACTIVATION_NAMES) {
    const { fn } = getActivation(name);
    const unary = UNARY_BY_NAME[name];
    if (unary) byFunction.set(fn, { kind: 'unary', op: unary[0], alpha: unary[1] });
    else if (name === 'softmax') byFunction.set(fn, { kind: 'softmax', log: false });
    else if (name === 'logSoftmax') byFunction.set(fn, { kind: 'softmax', log: true });
  }
  return byFunction;
}

/** The kernel of a built-in activation function, or undefined for any other function. */
export function activationKind(fn: ActivationFn): ActivationKind | undefined {
  return table().get(fn);
}
