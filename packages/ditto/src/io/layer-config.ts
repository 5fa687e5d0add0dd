/**
 * Layers as JSON and back, Keras-style: `{ className, config }` where config is the layer's
 * `getConfig()`, with the layers a wrapper holds written the same way. {@link layerFromConfig}
 * rebuilds an unbuilt layer with the same options, so `layerToConfig(layerFromConfig(c))` equals c.
 */
import * as initializers from '../initializers/index.js';
import type { Initializer } from '../initializers/initializer.js';
import { Activation } from '../layers/activation-layer.js';
import { ACTIVATION_NAMES, getActivation } from '../layers/activations.js';
import { ActivityRegularization } from '../layers/activity-regularization.js';
import { Conv1D } from '../layers/conv/conv1d.js';
import { Conv2D } from '../layers/conv/conv2d.js';
import { Conv2DTranspose } from '../layers/conv/conv2d-transpose.js';
import { DepthwiseConv2D, SeparableConv2D } from '../layers/conv/depthwise.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import type { Layer } from '../layers/layer.js';
import {
  Add,
  Average,
  Concatenate,
  Dot,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
} from '../layers/merge/index.js';
import { AlphaDropout } from '../layers/noise/alpha-dropout.js';
import { GaussianDropout, GaussianNoise } from '../layers/noise/gaussian.js';
import { SpatialDropout1D, SpatialDropout2D } from '../layers/noise/spatial-dropout.js';
import { BatchNormalization } from '../layers/normalization/batch-normalization.js';
import { GroupNormalization } from '../layers/normalization/group-normalization.js';
import { LayerNormalization } from '../layers/normalization/layer-normalization.js';
import { Normalization } from '../layers/normalization/normalization.js';
import { UnitNormalization } from '../layers/normalization/unit-normalization.js';
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
} from '../layers/pooling/global-pooling.js';
import { AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D } from '../layers/pooling/pooling.js';
import { GRU } from '../layers/recurrent/gru.js';
import { LSTM } from '../layers/recurrent/lstm.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent.js';
import { SimpleRNN } from '../layers/recurrent/simple-rnn.js';
import { l1l2, type Regularizer } from '../layers/regularizers.js';
import { Flatten } from '../layers/reshaping/flatten.js';
import {
  Cropping1D,
  Cropping2D,
  ZeroPadding1D,
  ZeroPadding2D,
} from '../layers/reshaping/padding-cropping.js';
import { Permute } from '../layers/reshaping/permute.js';
import { RepeatVector } from '../layers/reshaping/repeat-vector.js';
import { Rescaling } from '../layers/reshaping/rescaling.js';
import { Reshape } from '../layers/reshaping/reshape.js';
import { UpSampling2D } from '../layers/reshaping/up-sampling.js';
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

/** How one layer class is rebuilt from its config. */
interface LayerBuilder {
  readonly className: string;
  readonly type: abstract new (...args: never[]) => Layer;
  build(config: Options, where: string): Layer;
}

type Constructor = new (...args: never[]) => Layer;

/**
 * A class whose constructor takes `positional` config entries first (in that order), then the
 * rest of the config as its options.
 */
function byConstructor(className: string, type: Constructor, ...positional: string[]): LayerBuilder {
  return {
    className,
    type,
    build: (config) => {
      const options: Options = { ...config };
      const args = positional.map((key) => {
        const value = options[key];
        delete options[key];
        return value;
      });
      return new (type as new (...args: unknown[]) => Layer)(...args, options);
    },
  };
}

/**
 * The one registry of saveable layers: every layer class ditto exports (test/model-file-layers
 * checks), each rebuilt from its config.
 */
const BUILDERS: readonly LayerBuilder[] = [
  byConstructor('Dense', Dense, 'units'),
  byConstructor('Dropout', Dropout, 'rate'),
  byConstructor('Activation', Activation, 'activation'),
  byConstructor('ActivityRegularization', ActivityRegularization),
  byConstructor('Embedding', Embedding, 'inputDim', 'outputDim'),
  byConstructor('SimpleRNN', SimpleRNN, 'units'),
  byConstructor('LSTM', LSTM, 'units'),
  byConstructor('GRU', GRU, 'units'),
  byConstructor('Conv1D', Conv1D, 'filters', 'kernelSize'),
  byConstructor('Conv2D', Conv2D, 'filters', 'kernelSize'),
  byConstructor('Conv2DTranspose', Conv2DTranspose, 'filters', 'kernelSize'),
  byConstructor('DepthwiseConv2D', DepthwiseConv2D, 'kernelSize'),
  byConstructor('SeparableConv2D', SeparableConv2D, 'filters', 'kernelSize'),
  byConstructor('MaxPooling1D', MaxPooling1D),
  byConstructor('MaxPooling2D', MaxPooling2D),
  byConstructor('AveragePooling1D', AveragePooling1D),
  byConstructor('AveragePooling2D', AveragePooling2D),
  byConstructor('GlobalMaxPooling1D', GlobalMaxPooling1D),
  byConstructor('GlobalMaxPooling2D', GlobalMaxPooling2D),
  byConstructor('GlobalAveragePooling1D', GlobalAveragePooling1D),
  byConstructor('GlobalAveragePooling2D', GlobalAveragePooling2D),
  byConstructor('BatchNormalization', BatchNormalization),
  byConstructor('LayerNormalization', LayerNormalization),
  byConstructor('GroupNormalization', GroupNormalization),
  byConstructor('UnitNormalization', UnitNormalization),
  byConstructor('Normalization', Normalization),
  byConstructor('AlphaDropout', AlphaDropout, 'rate'),
  byConstructor('GaussianDropout', GaussianDropout, 'rate'),
  byConstructor('GaussianNoise', GaussianNoise, 'stddev'),
  byConstructor('SpatialDropout1D', SpatialDropout1D, 'rate'),
  byConstructor('SpatialDropout2D', SpatialDropout2D, 'rate'),
  byConstructor('Flatten', Flatten),
  byConstructor('Reshape', Reshape, 'targetShape'),
  byConstructor('Permute', Permute, 'dims'),
  byConstructor('RepeatVector', RepeatVector, 'n'),
  byConstructor('Rescaling', Rescaling, 'scale'),
  byConstructor('UpSampling2D', UpSampling2D),
  byConstructor('ZeroPadding1D', ZeroPadding1D, 'padding'),
  byConstructor('ZeroPadding2D', ZeroPadding2D, 'padding'),
  byConstructor('Cropping1D', Cropping1D, 'cropping'),
  byConstructor('Cropping2D', Cropping2D, 'cropping'),
  byConstructor('Add', Add),
  byConstructor('Subtract', Subtract),
  byConstructor('Multiply', Multiply),
  byConstructor('Average', Average),
  byConstructor('Maximum', Maximum),
  byConstructor('Minimum', Minimum),
  byConstructor('Concatenate', Concatenate),
  byConstructor('Dot', Dot),
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

/** The class names a model file can hold, in registry order. */
export const SAVEABLE_LAYER_CLASSES: readonly string[] = CLASS_NAMES;

/** The registered class of a layer (matched by prototype, not constructor.name: bundlers rename classes). */
export function layerClassName(layer: Layer): string | undefined {
  return BUILDERS.find((b) => Object.getPrototypeOf(layer) === b.type.prototype)?.className;
}

/** Config keys that hold initializers or regularizers: every key with that suffix, as Keras names them. */
const isInitializerKey = (key: string) => key.endsWith('Initializer');
const isRegularizerKey = (key: string) => key.endsWith('Regularizer');

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
  const className = layerClassName(layer);
  if (!className) {
    throw new TypeError(
      `layer '${layer.name}' (${layer.constructor.name}): model files hold ${CLASS_NAMES.join(', ')}; this class cannot be saved`,
    );
  }
  const config: Options = { ...layer.getConfig() };
  for (const key of Object.keys(config).filter(isRegularizerKey)) {
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
  return { className, config };
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
  for (const key of Object.keys(options)) {
    if (isInitializerKey(key))
      options[key] = initializerFromConfig(options[key] as InitializerConfig, `${where}.config.${key}`);
    else if (isRegularizerKey(key))
      options[key] = regularizerFromConfig(options[key] as RegularizerConfig, `${where}.config.${key}`);
  }
  try {
    return entry.build(options, where);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`${where}.config`, `${className} refuses it: ${(error as Error).message}`);
  }
}
