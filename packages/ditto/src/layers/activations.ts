/** Activation functions by name, as Keras accepts them in `Dense({ activation })` and `Activation`. */
import * as ops from '../tensor/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, didYouMean } from '../validate/index.js';

export type ActivationFn = (x: Tensor) => Tensor;

const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: ops.linear,
  relu: ops.relu,
  leakyRelu: (x) => ops.leakyRelu(x),
  elu: (x) => ops.elu(x),
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
