/**
 * Layers as JSON and back, Keras-style: `{ className, config }` where config is the layer's
 * `getConfig()`, with the layers a wrapper holds written the same way. {@link layerFromConfig}
 * rebuilds an unbuilt layer with the same options, so `layerToConfig(layerFromConfig(c))` equals c.
 */
import * as initializers from '../initializers/index.js';
import type { Initializer } from '../initializers/initializer.js';
import { Activation } from '../layers/activation-layer.js';
import { ACTIVATION_NAMES, getActivation } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import type { Layer } from '../layers/layer.js';
import { GRU } from '../layers/recurrent/gru.js';
import { LSTM } from '../layers/recurrent/lstm.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent.js';
import { SimpleRNN } from '../layers/recurrent/simple-rnn.js';
import { l1l2, type Regularizer } from '../layers/regularizers.js';
import type { InitializerConfig, RegularizerConfig } from '../layers/serialize.js';
import { Bidirectional } from '../layers/wrappers/bidirectional.js';
import { TimeDistributed } from '../layers/wrappers/time-distributed.js';
import { didYouMean } from '../validate/index.js';
import { ModelFileError } from './errors.js';

/** A layer as a model file writes it. */
export interface LayerConfig {
  readonly className: string;
  readonly config: Record<string, unknown>;
}

type Options = Record<string, unknown>;

/** Rebuilds each class from its config (the constructor's positional arguments, then its options). */
const BUILDERS: ReadonlyArray<{
  className: string;
  type: abstract new (...args: never[]) => Layer;
  build(config: Options, where: string): Layer;
}> = [
  { className: 'Dense', type: Dense, build: ({ units, ...o }) => new Dense(units as number, o) },
  { className: 'Dropout', type: Dropout, build: ({ rate, ...o }) => new Dropout(rate as number, o) },
  {
    className: 'Activation',
    type: Activation,
    build: ({ activation, ...o }) => new Activation(activation as string, o),
  },
  {
    className: 'Embedding',
    type: Embedding,
    build: ({ inputDim, outputDim, ...o }) => new Embedding(inputDim as number, outputDim as number, o),
  },
  { className: 'SimpleRNN', type: SimpleRNN, build: ({ units, ...o }) => new SimpleRNN(units as number, o) },
  { className: 'LSTM', type: LSTM, build: ({ units, ...o }) => new LSTM(units as number, o) },
  { className: 'GRU', type: GRU, build: ({ units, ...o }) => new GRU(units as number, o) },
  {
    className: 'TimeDistributed',
    type: TimeDistributed,
    build: ({ layer, ...o }, where) => new TimeDistributed(layerFromConfig(layer, `${where}.layer`), o),
  },
  {
    className: 'Bidirectional',
    type: Bidirectional,
    build: ({ layer, backwardLayer, ...o }, where) => {
      const forward = layerFromConfig(layer, `${where}.layer`);
      const backward = layerFromConfig(backwardLayer, `${where}.backwardLayer`);
      if (!(forward instanceof RecurrentLayer) || !(backward instanceof RecurrentLayer)) {
        throw new ModelFileError(where, 'Bidirectional wraps recurrent layers only');
      }
      return new Bidirectional(forward, { ...o, backwardLayer: backward });
    },
  },
];

const CLASS_NAMES = BUILDERS.map((b) => b.className);

/** Keys whose values are initializers or regularizers in a layer's config. */
const INITIALIZER_KEYS = [
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'embeddingsInitializer',
];
const REGULARIZER_KEYS = [
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'embeddingsRegularizer',
];

/**
 * The layer as `{ className, config }`. Throws for a layer class or a custom function (activation,
 * regularizer) that a file cannot rebuild, naming the layer.
 *
 * @example
 * ```ts
 * layerToConfig(new Dense(3, { activation: 'relu' })); // { className: 'Dense', config: { units: 3, … } }
 * ```
 */
export function layerToConfig(layer: Layer): LayerConfig {
  // Matched by class, not constructor.name: bundlers rename classes.
  const entry = BUILDERS.find((b) => Object.getPrototypeOf(layer) === b.type.prototype);
  if (!entry) {
    throw new TypeError(
      `layer '${layer.name}' (${layer.constructor.name}): model files hold ${CLASS_NAMES.join(', ')}; this class cannot be saved`,
    );
  }
  const config: Options = { ...layer.getConfig() };
  for (const key of REGULARIZER_KEYS) {
    const r = config[key] as RegularizerConfig | undefined;
    if (r && 'custom' in r) {
      throw new TypeError(
        `layer '${layer.name}': ${key} is a custom function ('${r.custom}'); model files hold l1, l2 and l1l2 regularizers`,
      );
    }
  }
  for (const key of ['activation', 'recurrentActivation']) {
    const live = (layer as unknown as Record<string, { fn?: unknown } | undefined>)[key];
    const named = typeof config[key] === 'string' && ACTIVATION_NAMES.includes(config[key] as string);
    if (
      key in config &&
      (!named || (live?.fn !== undefined && getActivation(config[key] as string).fn !== live.fn))
    ) {
      throw new TypeError(
        `layer '${layer.name}': ${key} ${JSON.stringify(config[key])} is a custom function; model files hold named activations (${ACTIVATION_NAMES.join(', ')})`,
      );
    }
  }
  if (layer instanceof TimeDistributed) config.layer = layerToConfig(layer.layer);
  if (layer instanceof Bidirectional) {
    config.layer = layerToConfig(layer.forwardLayer);
    config.backwardLayer = layerToConfig(layer.backwardLayer);
  }
  return { className: entry.className, config };
}

function initializerFromConfig(value: InitializerConfig, where: string): Initializer {
  if (typeof value === 'string') return initializers.getInitializer(value);
  const factories = initializers as unknown as Record<string, (options?: unknown) => Initializer>;
  const factory = Object.hasOwn(factories, value?.name) ? factories[value.name] : undefined;
  if (typeof factory !== 'function') {
    throw new ModelFileError(where, `unknown initializer ${JSON.stringify(value?.name)}`);
  }
  // constant(value) takes its value positionally; every other factory takes its options object.
  return value.name === 'constant'
    ? factory((value.config as { value?: number }).value)
    : factory(value.config);
}

function regularizerFromConfig(value: RegularizerConfig, where: string): Regularizer | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'object' || !('l1' in value)) {
    throw new ModelFileError(where, `not a regularizer's factors: ${JSON.stringify(value)}`);
  }
  return l1l2({ l1: value.l1, l2: value.l2 });
}

/**
 * An unbuilt layer from {@link layerToConfig}'s form. `where` names the config's place in errors.
 *
 * @example
 * ```ts
 * const copy = layerFromConfig(layerToConfig(layer)); // same options, fresh weights when built
 * ```
 */
export function layerFromConfig(value: unknown, where = 'layer'): Layer {
  if (typeof value !== 'object' || value === null)
    throw new ModelFileError(where, 'is not a layer config object');
  const { className, config } = value as Partial<LayerConfig>;
  const entry = BUILDERS.find((b) => b.className === className);
  if (!entry) {
    throw new ModelFileError(
      `${where}.className`,
      `unknown layer class ${JSON.stringify(className)}${didYouMean(String(className), CLASS_NAMES)} (known: ${CLASS_NAMES.join(', ')})`,
    );
  }
  if (typeof config !== 'object' || config === null)
    throw new ModelFileError(`${where}.config`, 'is not an object');
  const options: Options = { ...config };
  for (const key of INITIALIZER_KEYS) {
    if (key in options)
      options[key] = initializerFromConfig(options[key] as InitializerConfig, `${where}.config.${key}`);
  }
  for (const key of REGULARIZER_KEYS) {
    if (key in options)
      options[key] = regularizerFromConfig(options[key] as RegularizerConfig, `${where}.config.${key}`);
  }
  try {
    return entry.build(options, where);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`${where}.config`, `${className} refuses it: ${(error as Error).message}`);
  }
}
