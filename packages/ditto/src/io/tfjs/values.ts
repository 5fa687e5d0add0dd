/**
 * Option values between ditto's configs and the TensorFlow.js Layers format (Keras's JSON): key
 * spellings, activations, initializers and regularizers. Only what computes the same in both maps;
 * everything else is an error naming the layer and the value.
 */
import type { InitializerConfig, RegularizerConfig } from '../../layers/serialize.js';
import { describe } from '../../validate/index.js';

/** `kernelInitializer` → `kernel_initializer`, as Keras and tf.js write config keys. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `kernel_initializer` → `kernelInitializer`. */
export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** ditto's activation names → the names tf.js writes (its JSON loads them back). */
const ACTIVATIONS_TO_TFJS: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'swish',
  silu: 'swish',
  gelu: 'gelu',
  softmax: 'softmax',
  logSoftmax: 'log_softmax',
};

/** tf.js/Keras spellings → ditto's. */
const ACTIVATIONS_FROM_TFJS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(ACTIVATIONS_TO_TFJS).map(([d, t]) => [t, d === 'silu' ? 'swish' : d])),
  logSoftmax: 'logSoftmax',
  silu: 'swish',
};

/** Why a tf.js activation has no ditto equivalent, where the name alone would mislead. */
const ACTIVATION_MISMATCH: Readonly<Record<string, string>> = {
  hard_sigmoid:
    "tf.js's hard sigmoid is Keras 2's clip(0.2·x + 0.5, 0, 1); ditto's 'hardSigmoid' is Keras 3's x/6 + 0.5 — give the layer 'sigmoid' or retrain",
  hardSigmoid:
    "tf.js's hard sigmoid is Keras 2's clip(0.2·x + 0.5, 0, 1); ditto's 'hardSigmoid' is Keras 3's x/6 + 0.5 — give the layer 'sigmoid' or retrain",
};

/** The activation names each side can read from the other. */
export const EXCHANGED_ACTIVATIONS: readonly string[] = Object.keys(ACTIVATIONS_TO_TFJS);

export function activationToTfjs(name: unknown, where: string): string {
  const mapped =
    typeof name === 'string' && Object.hasOwn(ACTIVATIONS_TO_TFJS, name)
      ? ACTIVATIONS_TO_TFJS[name]
      : undefined;
  if (mapped === undefined) {
    const why =
      name === 'hardSigmoid'
        ? ": ditto's hardSigmoid (Keras 3, x/6 + 0.5) is not tf.js's (Keras 2, 0.2·x + 0.5)"
        : '';
    throw new TypeError(
      `${where}: activation ${describe(name)} has no TensorFlow.js equivalent${why} (exchanged: ${EXCHANGED_ACTIVATIONS.join(', ')})`,
    );
  }
  return mapped;
}

export function activationFromTfjs(name: unknown, where: string): string {
  if (name === null || name === undefined) return 'linear';
  const mapped =
    typeof name === 'string' && Object.hasOwn(ACTIVATIONS_FROM_TFJS, name)
      ? ACTIVATIONS_FROM_TFJS[name]
      : undefined;
  if (mapped === undefined) {
    const why =
      typeof name === 'string' && Object.hasOwn(ACTIVATION_MISMATCH, name)
        ? `: ${ACTIVATION_MISMATCH[name]}`
        : '';
    throw new TypeError(`${where}: activation ${describe(name)} is not supported by ditto${why}`);
  }
  return mapped;
}

/** ditto initializer names ↔ tf.js/Keras class names. */
const INITIALIZER_CLASSES: Readonly<Record<string, string>> = {
  zeros: 'Zeros',
  ones: 'Ones',
  constant: 'Constant',
  identity: 'Identity',
  glorotUniform: 'GlorotUniform',
  glorotNormal: 'GlorotNormal',
  heUniform: 'HeUniform',
  heNormal: 'HeNormal',
  lecunUniform: 'LeCunUniform',
  lecunNormal: 'LeCunNormal',
  orthogonal: 'Orthogonal',
  randomNormal: 'RandomNormal',
  randomUniform: 'RandomUniform',
  truncatedNormal: 'TruncatedNormal',
  varianceScaling: 'VarianceScaling',
};
const INITIALIZER_NAMES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(INITIALIZER_CLASSES).map(([d, t]) => [t, d])),
  // Keras spells these two with a lower-case c.
  LecunUniform: 'lecunUniform',
  LecunNormal: 'lecunNormal',
};

/** Option values inside initializer configs (VarianceScaling's mode and distribution). */
const FAN_MODES: Readonly<Record<string, string>> = { fanIn: 'fan_in', fanOut: 'fan_out', fanAvg: 'fan_avg' };
const DISTRIBUTIONS: Readonly<Record<string, string>> = {
  truncatedNormal: 'truncated_normal',
  untruncatedNormal: 'untruncated_normal',
  uniform: 'uniform',
};
const invert = (map: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(map).map(([a, b]) => [b, a]));

/**
 * An initializer as tf.js writes it, `{ class_name, config }`. Seeds are not carried: tf.js draws
 * from its own generator, and the weights travel with the model anyway.
 */
export function initializerToTfjs(value: InitializerConfig, where: string): unknown {
  const name = typeof value === 'string' ? value : value.name;
  const config = typeof value === 'string' ? {} : value.config;
  const className = Object.hasOwn(INITIALIZER_CLASSES, name) ? INITIALIZER_CLASSES[name] : undefined;
  if (className === undefined)
    throw new TypeError(`${where}: initializer '${name}' has no TensorFlow.js equivalent`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(config)) {
    if (key === 'seed') continue;
    if (key === 'mode') out.mode = FAN_MODES[v as string] ?? v;
    else if (key === 'distribution') {
      // tf.js's VarianceScaling draws 'normal' (truncated), 'truncated_normal' or 'uniform'.
      if (v === 'untruncatedNormal')
        throw new TypeError(`${where}: tf.js has no untruncated normal VarianceScaling`);
      out.distribution = DISTRIBUTIONS[v as string] ?? v;
    } else out[snakeCase(key)] = v;
  }
  if (
    [
      'GlorotUniform',
      'GlorotNormal',
      'HeUniform',
      'HeNormal',
      'LeCunUniform',
      'LeCunNormal',
      'Orthogonal',
      'RandomNormal',
      'RandomUniform',
      'TruncatedNormal',
      'VarianceScaling',
    ].includes(className)
  )
    out.seed = null;
  return { class_name: className, config: out };
}

/** A tf.js/Keras initializer in ditto's config form (see {@link initializerToTfjs}). */
export function initializerFromTfjs(value: unknown, where: string): InitializerConfig | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const name = camelCase(value);
    return Object.hasOwn(INITIALIZER_CLASSES, name) ? name : unsupportedInitializer(value, where);
  }
  const { class_name: className, config = {} } = value as {
    class_name?: unknown;
    config?: Record<string, unknown>;
  };
  const name =
    typeof className === 'string' && Object.hasOwn(INITIALIZER_NAMES, className)
      ? INITIALIZER_NAMES[className]
      : undefined;
  if (name === undefined) return unsupportedInitializer(className, where);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(config ?? {})) {
    if (key === 'seed' || key === 'dtype') continue;
    if (key === 'mode') out.mode = invert(FAN_MODES)[v as string] ?? v;
    // Keras 2 and tf.js call a truncated normal plain 'normal'.
    else if (key === 'distribution')
      out.distribution = v === 'normal' ? 'truncatedNormal' : (invert(DISTRIBUTIONS)[v as string] ?? v);
    else out[camelCase(key)] = v;
  }
  return Object.keys(out).length === 0 ? name : { name, config: out };
}

function unsupportedInitializer(name: unknown, where: string): never {
  throw new TypeError(
    `${where}: initializer ${describe(name)} is not supported by ditto (supported: ${Object.values(INITIALIZER_CLASSES).join(', ')})`,
  );
}

/** ditto's {l1, l2} ↔ tf.js's `{ class_name: 'L1L2', config: { l1, l2 } }`. */
export function regularizerToTfjs(value: RegularizerConfig, where: string): unknown {
  if (value === null || value === undefined) return null;
  if ('custom' in value)
    throw new TypeError(`${where}: a custom regularizer ('${value.custom}') cannot be exported`);
  return { class_name: 'L1L2', config: { l1: value.l1, l2: value.l2 } };
}

export function regularizerFromTfjs(value: unknown, where: string): RegularizerConfig {
  if (value === null || value === undefined) return null;
  const { class_name: className, config } = value as {
    class_name?: unknown;
    config?: { l1?: number; l2?: number };
  };
  const factors = {
    L1L2: [config?.l1 ?? 0, config?.l2 ?? 0],
    L1: [config?.l1 ?? 0, 0],
    L2: [0, config?.l2 ?? 0],
  } as const;
  const pair =
    typeof className === 'string' && Object.hasOwn(factors, className)
      ? factors[className as keyof typeof factors]
      : undefined;
  if (!pair)
    throw new TypeError(
      `${where}: regularizer ${describe(className)} is not supported by ditto (L1L2, L1, L2)`,
    );
  return { l1: pair[0], l2: pair[1] };
}
