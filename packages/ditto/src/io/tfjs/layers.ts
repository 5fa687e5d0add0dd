/**
 * The layers ditto and TensorFlow.js Layers both have, and how their configs correspond: one
 * table read by the export and the import (docs/exchange.md lists it; test/tfjs-exchange checks
 * that the list there is this one).
 */

/** How one ditto layer class corresponds to a tf.js class. */
export interface TfjsLayerMapping {
  /** The class name in tf.js/Keras JSON. */
  readonly tfjs: string;
  /** ditto config keys carried across (snake_case in the JSON; values converted by kind). */
  readonly keys: readonly string[];
  /**
   * ditto options tf.js lacks: only this value can be exported (on import the ditto value is
   * this one, unless the JSON gives the key, as Keras-converted files may).
   */
  readonly dittoOnly?: Readonly<Record<string, unknown>>;
  /** tf.js/Keras keys ditto lacks: a file may give them only with this value (null: absent). */
  readonly tfjsOnly?: Readonly<Record<string, unknown>>;
}

const ACTIVATED = ['activation', 'useBias'];
const KERNEL = ['kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer'];
const RECURRENT = [
  'units',
  'activation',
  'useBias',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'dropout',
  'recurrentDropout',
  'returnSequences',
  'returnState',
  'goBackwards',
];
const CHANNELS_LAST = { data_format: 'channels_last' };
/** Keras's recurrent options ditto has not: only their defaults. */
const RNN_ONLY = { stateful: false, time_major: false };
const POOLING: TfjsLayerMapping['keys'] = ['poolSize', 'strides', 'padding'];

/** Keyed by ditto class name. */
export const TFJS_LAYERS: Readonly<Record<string, TfjsLayerMapping>> = {
  Dense: { tfjs: 'Dense', keys: ['units', ...ACTIVATED, ...KERNEL] },
  Dropout: { tfjs: 'Dropout', keys: ['rate'], tfjsOnly: { noise_shape: null } },
  Activation: { tfjs: 'Activation', keys: ['activation'] },
  Embedding: {
    tfjs: 'Embedding',
    keys: ['inputDim', 'outputDim', 'maskZero', 'embeddingsInitializer', 'embeddingsRegularizer'],
  },
  SimpleRNN: { tfjs: 'SimpleRNN', keys: RECURRENT, tfjsOnly: RNN_ONLY },
  LSTM: {
    tfjs: 'LSTM',
    keys: [...RECURRENT, 'recurrentActivation', 'unitForgetBias'],
    tfjsOnly: RNN_ONLY,
  },
  // tf.js's GRU has only resetAfter false; Keras-converted files may say true, which ditto has.
  GRU: {
    tfjs: 'GRU',
    keys: [...RECURRENT, 'recurrentActivation'],
    dittoOnly: { resetAfter: false },
    tfjsOnly: RNN_ONLY,
  },
  Conv1D: {
    tfjs: 'Conv1D',
    keys: ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', ...ACTIVATED, ...KERNEL],
    tfjsOnly: CHANNELS_LAST,
  },
  Conv2D: {
    tfjs: 'Conv2D',
    keys: ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', ...ACTIVATED, ...KERNEL],
    tfjsOnly: { ...CHANNELS_LAST, groups: 1 },
  },
  Conv2DTranspose: {
    tfjs: 'Conv2DTranspose',
    keys: ['filters', 'kernelSize', 'strides', 'padding', ...ACTIVATED, ...KERNEL],
    dittoOnly: { dilationRate: [1, 1] },
    tfjsOnly: { ...CHANNELS_LAST, output_padding: null },
  },
  DepthwiseConv2D: {
    tfjs: 'DepthwiseConv2D',
    keys: [
      'kernelSize',
      'depthMultiplier',
      'strides',
      'padding',
      'dilationRate',
      ...ACTIVATED,
      'depthwiseInitializer',
      'biasInitializer',
    ],
    tfjsOnly: { ...CHANNELS_LAST, depthwise_regularizer: null, bias_regularizer: null },
  },
  // tf.js's SeparableConv2D drops depth_multiplier from the JSON it writes: only 1 survives.
  SeparableConv2D: {
    tfjs: 'SeparableConv2D',
    keys: [
      'filters',
      'kernelSize',
      'strides',
      'padding',
      'dilationRate',
      ...ACTIVATED,
      'depthwiseInitializer',
      'pointwiseInitializer',
      'biasInitializer',
    ],
    dittoOnly: { depthMultiplier: 1 },
    tfjsOnly: {
      ...CHANNELS_LAST,
      depthwise_regularizer: null,
      pointwise_regularizer: null,
      bias_regularizer: null,
    },
  },
  MaxPooling1D: { tfjs: 'MaxPooling1D', keys: POOLING, tfjsOnly: CHANNELS_LAST },
  MaxPooling2D: { tfjs: 'MaxPooling2D', keys: POOLING, tfjsOnly: CHANNELS_LAST },
  AveragePooling1D: { tfjs: 'AveragePooling1D', keys: POOLING, tfjsOnly: CHANNELS_LAST },
  AveragePooling2D: { tfjs: 'AveragePooling2D', keys: POOLING, tfjsOnly: CHANNELS_LAST },
  GlobalMaxPooling1D: {
    tfjs: 'GlobalMaxPooling1D',
    keys: [],
    dittoOnly: { keepDims: false },
    tfjsOnly: { ...CHANNELS_LAST, keepdims: false },
  },
  GlobalMaxPooling2D: {
    tfjs: 'GlobalMaxPooling2D',
    keys: [],
    dittoOnly: { keepDims: false },
    tfjsOnly: { ...CHANNELS_LAST, keepdims: false },
  },
  GlobalAveragePooling1D: {
    tfjs: 'GlobalAveragePooling1D',
    keys: [],
    dittoOnly: { keepDims: false },
    tfjsOnly: { ...CHANNELS_LAST, keepdims: false },
  },
  GlobalAveragePooling2D: {
    tfjs: 'GlobalAveragePooling2D',
    keys: [],
    dittoOnly: { keepDims: false },
    tfjsOnly: { ...CHANNELS_LAST, keepdims: false },
  },
  BatchNormalization: {
    tfjs: 'BatchNormalization',
    keys: [
      'axis',
      'momentum',
      'epsilon',
      'center',
      'scale',
      'betaInitializer',
      'gammaInitializer',
      'movingMeanInitializer',
      'movingVarianceInitializer',
    ],
    tfjsOnly: { beta_regularizer: null, gamma_regularizer: null },
  },
  LayerNormalization: {
    tfjs: 'LayerNormalization',
    keys: ['axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer'],
    tfjsOnly: { beta_regularizer: null, gamma_regularizer: null },
  },
  GaussianNoise: { tfjs: 'GaussianNoise', keys: ['stddev'] },
  GaussianDropout: { tfjs: 'GaussianDropout', keys: ['rate'] },
  AlphaDropout: { tfjs: 'AlphaDropout', keys: ['rate'], tfjsOnly: { noise_shape: null } },
  SpatialDropout1D: { tfjs: 'SpatialDropout1D', keys: ['rate'], tfjsOnly: { noise_shape: null } },
  Flatten: { tfjs: 'Flatten', keys: [], tfjsOnly: CHANNELS_LAST },
  Reshape: { tfjs: 'Reshape', keys: ['targetShape'] },
  Permute: { tfjs: 'Permute', keys: ['dims'] },
  RepeatVector: { tfjs: 'RepeatVector', keys: ['n'] },
  Rescaling: { tfjs: 'Rescaling', keys: ['scale', 'offset'] },
  UpSampling2D: { tfjs: 'UpSampling2D', keys: ['size', 'interpolation'], tfjsOnly: CHANNELS_LAST },
  ZeroPadding2D: { tfjs: 'ZeroPadding2D', keys: ['padding'], tfjsOnly: CHANNELS_LAST },
  Cropping2D: { tfjs: 'Cropping2D', keys: ['cropping'], tfjsOnly: CHANNELS_LAST },
  TimeDistributed: { tfjs: 'TimeDistributed', keys: ['layer'] },
  Bidirectional: { tfjs: 'Bidirectional', keys: ['layer', 'mergeMode'] },
  // Merge layers: in functional models.
  Add: { tfjs: 'Add', keys: [] },
  Multiply: { tfjs: 'Multiply', keys: [] },
  Average: { tfjs: 'Average', keys: [] },
  Maximum: { tfjs: 'Maximum', keys: [] },
  Minimum: { tfjs: 'Minimum', keys: [] },
  Concatenate: { tfjs: 'Concatenate', keys: ['axis'] },
  Dot: { tfjs: 'Dot', keys: ['axes', 'normalize'] },
};

/** The ditto class names exchanged with tf.js, in table order. */
export const TFJS_LAYER_CLASSES: readonly string[] = Object.keys(TFJS_LAYERS);

/** Keys every layer has: handled by the export and import themselves. */
export const BASE_KEYS = ['name', 'trainable', 'dtype', 'seed', 'inputShape'];

/** tf.js/Keras keys that carry nothing ditto needs (the input shape is read separately). */
export const IGNORED_TFJS_KEYS = [
  'name',
  'trainable',
  'dtype',
  'batch_input_shape',
  'batch_shape',
  'input_shape',
  'batch_size',
  'input_dim',
  'input_length',
  'input_dtype',
  'seed',
  'implementation',
  'unroll',
  'sparse',
  'ragged',
  'module',
  'registered_name',
];

/** tf.js/Keras keys that must be null or absent on any layer (ditto has no constraints). */
export const NULL_TFJS_KEYS = /(_constraint|^activity_regularizer)$/;
