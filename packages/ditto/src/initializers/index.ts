/**
 * Weight initializers with Keras 3's definitions and defaults, and {@link getInitializer} to pick
 * one by name. docs/initializers.md gives every formula and how keys are assigned.
 *
 * @example
 * ```ts
 * import { initializers, random } from 'ditto';
 * random.setSeed(42);
 * const layerKey = random.nextKey();
 * const kernel = initializers.getInitializer('glorot_uniform').init([784, 128], 'float32', random.foldIn(layerKey, 0));
 * const bias = initializers.zeros().init([128], 'float32', random.foldIn(layerKey, 1));
 * ```
 *
 * @module
 */

import { didYouMean } from '../validate/index.js';
import { describe } from './check.js';
import { Constant, Identity, Ones, Zeros } from './constant.js';
import type { Initializer } from './initializer.js';
import { Orthogonal } from './orthogonal.js';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random-distributions.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from './variance-scaling.js';

export {
  Constant,
  constant,
  Identity,
  type IdentityOptions,
  identity,
  Ones,
  ones,
  Zeros,
  zeros,
} from './constant.js';
export { computeFans } from './fans.js';
export { orthonormalFactor } from './householder-qr.js';
export type { Initializer, SeedOption } from './initializer.js';
export { Orthogonal, type OrthogonalOptions, orthogonal } from './orthogonal.js';
export {
  type NormalOptions,
  RandomNormal,
  RandomUniform,
  type RandomUniformOptions,
  randomNormal,
  randomUniform,
  TruncatedNormal,
  truncatedNormal,
} from './random-distributions.js';
export { RandomInitializer } from './random-initializer.js';
export {
  type FanMode,
  GlorotNormal,
  GlorotUniform,
  glorotNormal,
  glorotUniform,
  HeNormal,
  HeUniform,
  heNormal,
  heUniform,
  LecunNormal,
  LecunUniform,
  lecunNormal,
  lecunUniform,
  TRUNCATED_NORMAL_STDDEV,
  VarianceScaling,
  type VarianceScalingDistribution,
  type VarianceScalingOptions,
  varianceScaling,
} from './variance-scaling.js';

/** Every initializer by its camelCase name, made with its defaults. */
const DEFAULTS: Readonly<Record<string, () => Initializer>> = {
  constant: () => new Constant(),
  glorotNormal: () => new GlorotNormal(),
  glorotUniform: () => new GlorotUniform(),
  heNormal: () => new HeNormal(),
  heUniform: () => new HeUniform(),
  identity: () => new Identity(),
  lecunNormal: () => new LecunNormal(),
  lecunUniform: () => new LecunUniform(),
  ones: () => new Ones(),
  orthogonal: () => new Orthogonal(),
  randomNormal: () => new RandomNormal(),
  randomUniform: () => new RandomUniform(),
  truncatedNormal: () => new TruncatedNormal(),
  varianceScaling: () => new VarianceScaling(),
  zeros: () => new Zeros(),
};

/** Keras's extra names for some initializers. */
const KERAS_ALIASES: Readonly<Record<string, string>> = {
  uniform: 'randomUniform',
  normal: 'randomNormal',
  one: 'ones',
  zero: 'zeros',
  OrthogonalInitializer: 'orthogonal',
  IdentityInitializer: 'identity',
};

/** The names {@link getInitializer} accepts, each mapped to the camelCase name it stands for. */
const NAMES: ReadonlyMap<string, string> = (() => {
  const names = new Map<string, string>();
  for (const camel of Object.keys(DEFAULTS)) {
    names.set(camel, camel);
    names.set(
      camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      camel,
    );
    names.set(camel[0].toUpperCase() + camel.slice(1), camel);
  }
  for (const [alias, camel] of Object.entries(KERAS_ALIASES)) names.set(alias, camel);
  return names;
})();

function isInitializer(value: unknown): value is Initializer {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Initializer>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.init === 'function' &&
    typeof candidate.getConfig === 'function'
  );
}

/**
 * An initializer from a name, or the initializer itself, as Keras's `initializers.get`. Names are
 * Keras's, case-sensitive, in camelCase (`'glorotUniform'`), snake_case (`'glorot_uniform'`) or
 * class style (`'GlorotUniform'`), plus Keras's aliases `'uniform'`, `'normal'`, `'zero'`, `'one'`,
 * `'OrthogonalInitializer'` and `'IdentityInitializer'`. A name gives a new initializer with the
 * defaults and no seed (`'constant'` is the constant 0).
 *
 * @throws Error naming the value and listing the valid names, for anything else.
 * @example
 * ```ts
 * getInitializer('glorot_uniform'); // a GlorotUniform
 * getInitializer('HeNormal');       // a HeNormal
 * getInitializer(orthogonal({ gain: 2 })); // returned as it is
 * ```
 */
export function getInitializer(identifier: string | Initializer): Initializer {
  if (isInitializer(identifier)) return identifier;
  if (typeof identifier === 'string') {
    const camel = NAMES.get(identifier);
    if (camel !== undefined) return DEFAULTS[camel]();
    const hint = didYouMean(identifier, [...NAMES.keys()]);
    throw new Error(
      `initializers.getInitializer: unknown initializer ${describe(identifier)}${hint}. Valid names: ` +
        `${Object.keys(DEFAULTS).join(', ')}; also in snake_case ('glorot_uniform') or class style ` +
        `('GlorotUniform'), and Keras's aliases ${Object.keys(KERAS_ALIASES).join(', ')}`,
    );
  }
  throw new Error(
    `initializers.getInitializer: expected an initializer name or an Initializer, got ${describe(identifier)}`,
  );
}
