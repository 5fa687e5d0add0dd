/**
 * Exchange with real TensorFlow.js (cpu backend) in the TensorFlow.js Layers format.
 * Import: tf.js models (Dense, Conv2D + pooling + BatchNormalization, LSTM/GRU, Embedding,
 * Dropout, wrappers, reshaping layers) with weights from an independent value source, saved with
 * `model.save(tf.io.withSaveHandler(…))` and read by `fromTfjsLayers`; a Keras-converted model.json
 * (model_config nesting, InputLayer, `lstm_cell` weight names). Export: the same kinds of ditto models
 * through `toTfjsLayers` into `tf.loadLayersModel(tf.io.fromMemory(…))`, and through model.json +
 * group1-shard1of1.bin files. Predictions agree within float32 tolerance,
 * |a − b| ≤ 1e-6 + 1e-5·|b| (as test/tfjs-parity-conv.test.ts: the two round their sums and
 * transcendental functions differently by a few ulps). Unsupported layers and activations are
 * errors naming the layer and class. docs/exchange.md's layer list is this code's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Activation,
  Add,
  AlphaDropout,
  Average,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Bidirectional,
  Concatenate,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dot,
  Dropout,
  Embedding,
  Flatten,
  fromTfjsLayers,
  GaussianDropout,
  GaussianNoise,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GRU,
  GroupNormalization,
  Input,
  type Layer,
  LayerNormalization,
  LSTM,
  Maximum,
  MaxPooling1D,
  MaxPooling2D,
  Minimum,
  Model,
  ModelFileError,
  Multiply,
  Permute,
  RepeatVector,
  Rescaling,
  Reshape,
  SeparableConv2D,
  Sequential,
  SimpleRNN,
  SpatialDropout1D,
  setSeed,
  Tensor,
  TFJS_LAYER_CLASSES,
  type TfjsModelSource,
  TimeDistributed,
  tfjsModelJson,
  toTfjsLayers,
  UpSampling2D,
  ZeroPadding2D,
} from '../packages/ditto/src/index.js';
import { loadTfjsLayers, saveTfjsLayers } from '../packages/ditto-node/src/io/index.js';
import { testValues } from './helpers/test-values.js';

const dir = mkdtempSync(join(tmpdir(), 'ditto-tfjs-exchange-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** How far apart two predictions are, in units of the tolerance (≤ 1 passes). */
function worst(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  expect(ours.length).toBe(theirs.length);
  let w = 0;
  for (let i = 0; i < ours.length; i++) {
    w = Math.max(w, Math.abs(ours[i] - theirs[i]) / (1e-6 + 1e-5 * Math.abs(theirs[i])));
  }
  return w;
}

async function savedArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as tf.io.ModelArtifacts;
}

/** Inputs of `shape` from the test value source (integers below `vocabulary` for Embedding). */
function inputs(shape: number[], vocabulary?: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = vocabulary
    ? testValues(size, 7, 0, vocabulary).map(Math.floor)
    : testValues(size, 7, -1.5, 1.5);
  return Float32Array.from(values);
}

/** Every tf.js weight from the test value source (variances positive): none keeps its initial value. */
function setTfjsWeights(model: tf.LayersModel): void {
  model.setWeights(
    model.weights.map((w, i) => {
      const variance = /variance/.test(w.originalName);
      return tf.tensor(
        testValues(
          (w.shape as number[]).reduce((a, b) => a * b, 1),
          60 + i,
          variance ? 0.5 : -0.6,
          variance ? 2 : 0.6,
        ),
        w.shape as number[],
      );
    }),
  );
}

interface TfjsCase {
  layers: () => tf.layers.Layer[];
  shape: number[];
  vocabulary?: number;
}

const TFJS_CASES: Record<string, TfjsCase> = {
  'Dense stack with Dropout': {
    layers: () => [
      tf.layers.dense({ inputShape: [5], units: 8, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
    shape: [4, 5],
  },
  'Conv2D, MaxPooling2D, BatchNormalization, Flatten, Dense': {
    layers: () => [
      tf.layers.conv2d({
        inputShape: [8, 8, 2],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        padding: 'same',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.batchNormalization({ momentum: 0.9 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'tanh' }),
    ],
    shape: [3, 8, 8, 2],
  },
  'LSTM and GRU with sigmoid recurrent activations': {
    layers: () => [
      tf.layers.lstm({ inputShape: [6, 3], units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }),
      tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }),
      tf.layers.dense({ units: 1 }),
    ],
    shape: [4, 6, 3],
  },
  'Embedding (maskZero), LSTM': {
    layers: () => [
      tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5, maskZero: true }),
      tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }),
    ],
    shape: [4, 5],
    vocabulary: 10,
  },
  'Bidirectional(SimpleRNN), TimeDistributed(Dense), GlobalAveragePooling1D': {
    layers: () => [
      tf.layers.bidirectional({
        inputShape: [5, 2],
        layer: tf.layers.simpleRNN({ units: 3, returnSequences: true }) as tf.RNN,
        mergeMode: 'concat',
      }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'sigmoid' }) }),
      tf.layers.globalAveragePooling1d({}),
    ],
    shape: [3, 5, 2],
  },
  'SeparableConv2D, DepthwiseConv2D, ZeroPadding2D, UpSampling2D, LayerNormalization, GlobalAveragePooling2D':
    {
      layers: () => [
        tf.layers.separableConv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3 }),
        tf.layers.zeroPadding2d({
          padding: [
            [1, 0],
            [0, 1],
          ],
        }),
        tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, activation: 'elu' }),
        tf.layers.upSampling2d({ size: [2, 1] }),
        tf.layers.layerNormalization({ epsilon: 0.01 }),
        tf.layers.globalAveragePooling2d({}),
      ],
      shape: [2, 6, 6, 2],
    },
  'Conv1D, Permute, RepeatVector, Reshape': {
    layers: () => [
      tf.layers.conv1d({ inputShape: [7, 3], filters: 2, kernelSize: 3, dilationRate: 2 }),
      tf.layers.permute({ dims: [2, 1] }),
      tf.layers.flatten(),
      tf.layers.repeatVector({ n: 2 }),
      tf.layers.reshape({ targetShape: [3, 4] }),
    ],
    shape: [3, 7, 3],
  },
  'Conv2DTranspose, Cropping2D, AveragePooling2D, noise layers, GlobalMaxPooling2D, Rescaling, Activation': {
    layers: () => [
      tf.layers.conv2dTranspose({ inputShape: [5, 5, 2], filters: 2, kernelSize: 3, strides: 2 }),
      tf.layers.cropping2D({
        cropping: [
          [1, 0],
          [0, 1],
        ],
      }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.gaussianNoise({ stddev: 0.3 }),
      tf.layers.gaussianDropout({ rate: 0.2 }),
      tf.layers.globalMaxPooling2d({}),
      tf.layers.rescaling({ scale: 0.5, offset: 1 }),
      tf.layers.activation({ activation: 'softplus' }),
      tf.layers.alphaDropout({ rate: 0.1 }),
    ],
    shape: [2, 5, 5, 2],
  },
  'MaxPooling1D, SpatialDropout1D, AveragePooling1D, GlobalMaxPooling1D': {
    layers: () => [
      tf.layers.maxPooling1d({ inputShape: [8, 3], poolSize: 2 }),
      tf.layers.spatialDropout1d({ rate: 0.2 }),
      tf.layers.averagePooling1d({ poolSize: 2, strides: 1 }),
      tf.layers.globalMaxPooling1d({}),
    ],
    shape: [3, 8, 3],
  },
};

describe('import: tf.js models read by fromTfjsLayers predict as tf.js does', () => {
  for (const [name, c] of Object.entries(TFJS_CASES)) {
    it(name, async () => {
      const peer = tf.sequential({ layers: c.layers() });
      setTfjsWeights(peer);
      const model = fromTfjsLayers(await savedArtifacts(peer));
      const x = inputs(c.shape, c.vocabulary);
      const theirs = (peer.predict(tf.tensor(x, c.shape)) as tf.Tensor).dataSync();
      const ours = (model.predict(new Tensor(x, c.shape)) as Tensor).data;
      expect(worst(ours, theirs)).toBeLessThanOrEqual(1);
      // The weights arrived: ditto's model holds as many values as tf.js's.
      expect(model.countParams()).toBe(peer.countParams());
    });
  }
});

interface DittoCase {
  layers: () => Layer[];
  shape: number[];
  vocabulary?: number;
}

const DITTO_CASES: Record<string, DittoCase> = {
  'Dense stack with Dropout': {
    layers: () => [
      new Dense(8, { inputShape: [5], activation: 'selu' }),
      new Dropout(0.2),
      new Dense(3, { activation: 'logSoftmax' }),
    ],
    shape: [4, 5],
  },
  'Conv2D, MaxPooling2D, BatchNormalization (trained statistics), Flatten, Dense': {
    layers: () => [
      new Conv2D(4, 3, { inputShape: [8, 8, 2], activation: 'relu', strides: 1, padding: 'same' }),
      new MaxPooling2D({ poolSize: 2 }),
      new BatchNormalization({ momentum: 0.5 }),
      new Flatten(),
      new Dense(2),
    ],
    shape: [3, 8, 8, 2],
  },
  'LSTM, GRU (resetAfter false), sigmoid recurrent activations': {
    layers: () => [
      new LSTM(4, { inputShape: [6, 3], returnSequences: true }),
      new GRU(3, { resetAfter: false }),
      new Dense(1),
    ],
    shape: [4, 6, 3],
  },
  'Embedding (maskZero), Bidirectional(LSTM), TimeDistributed(Dense)': {
    layers: () => [
      new Embedding(10, 4, { inputShape: [5], maskZero: true }),
      new Bidirectional(new LSTM(3, { returnSequences: true }), { mergeMode: 'sum' }),
      new TimeDistributed(new Dense(2, { activation: 'softsign' })),
    ],
    shape: [4, 5],
    vocabulary: 10,
  },
  'Conv1D, GlobalAveragePooling1D, RepeatVector, Permute, SimpleRNN': {
    layers: () => [
      new Conv1D(3, 2, { inputShape: [6, 2], activation: 'gelu' }),
      new GlobalAveragePooling1D(),
      new RepeatVector(2),
      new Permute([2, 1]),
      new SimpleRNN(2, { activation: 'relu' }),
    ],
    shape: [3, 6, 2],
  },
  'SeparableConv2D, DepthwiseConv2D, ZeroPadding2D, UpSampling2D, GlobalAveragePooling2D': {
    layers: () => [
      new SeparableConv2D(3, 3, { inputShape: [6, 6, 2], activation: 'swish' }),
      new ZeroPadding2D(1),
      new DepthwiseConv2D(2, { depthMultiplier: 2 }),
      new UpSampling2D({ size: 2 }),
      new GlobalAveragePooling2D(),
    ],
    shape: [2, 6, 6, 2],
  },
  'Conv2DTranspose, Cropping2D, AveragePooling2D, noise layers, GlobalMaxPooling2D, Rescaling, Activation': {
    layers: () => [
      new Conv2DTranspose(2, 3, { inputShape: [5, 5, 2], strides: 2 }),
      new Cropping2D([
        [1, 0],
        [0, 1],
      ]),
      new AveragePooling2D({ poolSize: 2 }),
      new GaussianNoise(0.3),
      new GaussianDropout(0.2),
      new GlobalMaxPooling2D(),
      new Rescaling(0.5, { offset: 1 }),
      new Activation('softplus'),
      new AlphaDropout(0.1),
    ],
    shape: [2, 5, 5, 2],
  },
  'MaxPooling1D, SpatialDropout1D, AveragePooling1D, GlobalMaxPooling1D, Reshape, LayerNormalization': {
    layers: () => [
      new MaxPooling1D({ inputShape: [8, 3], poolSize: 2 }),
      new SpatialDropout1D(0.2),
      new AveragePooling1D({ poolSize: 2, strides: 1 }),
      new GlobalMaxPooling1D(),
      new Reshape([3, 1]),
      new LayerNormalization({ axis: 1 }),
    ],
    shape: [3, 8, 3],
  },
};

/** A ditto model of a case, its weights from the test value source; BatchNormalization's statistics moved by one fit. */
async function dittoModel(c: DittoCase): Promise<Sequential> {
  setSeed(5);
  const model = new Sequential(c.layers());
  model.build(c.shape.slice(1));
  model.setWeights(
    model.variables.map((v, i) =>
      testValues(v.value.size, 80 + i, -0.6, 0.6).map((x) => (/variance/.test(v.name) ? 1 + x : x)),
    ),
  );
  if (model.layers.some((l) => l instanceof BatchNormalization)) {
    const x = new Tensor(inputs(c.shape), c.shape);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const out = model.predict(x);
    await model.fit(x, new Tensor(new Float32Array(out.size).fill(0.1), out.shape), {
      epochs: 2,
      verbose: 0,
    });
  }
  return model;
}

function predictBoth(model: Sequential, peer: tf.LayersModel, c: DittoCase) {
  const x = inputs(c.shape, c.vocabulary);
  return {
    ours: model.predict(new Tensor(x, c.shape)).data,
    theirs: (peer.predict(tf.tensor(x, c.shape)) as tf.Tensor).dataSync(),
  };
}

describe('export: ditto models loaded by tf.loadLayersModel predict as ditto does', () => {
  for (const [name, c] of Object.entries(DITTO_CASES)) {
    it(name, async () => {
      const model = await dittoModel(c);
      const artifacts = toTfjsLayers(model);
      // Through JSON text, as a model.json file carries it.
      const json = JSON.parse(JSON.stringify(tfjsModelJson(artifacts)));
      const peer = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: artifacts.weightData,
        }),
      );
      const { ours, theirs } = predictBoth(model, peer, c);
      expect(worst(ours, theirs)).toBeLessThanOrEqual(1);
      expect(peer.countParams()).toBe(model.countParams());
      // And back: tf.js's own save of the exported model imports to the same bits.
      const back = fromTfjsLayers(await savedArtifacts(peer));
      expect(back.weightsHash()).toBe(model.weightsHash());
    });
  }

  it('files: saveTfjsLayers writes model.json + group1-shard1of1.bin that tf.js and loadTfjsLayers read', async () => {
    const c = DITTO_CASES['LSTM, GRU (resetAfter false), sigmoid recurrent activations'];
    const model = await dittoModel(c);
    const path = join(dir, 'lstm');
    await saveTfjsLayers(model, path);
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    const bin = readFileSync(join(path, 'group1-shard1of1.bin'));
    const peer = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const { ours, theirs } = predictBoth(model, peer, c);
    expect(worst(ours, theirs)).toBeLessThanOrEqual(1);
    const back = await loadTfjsLayers(join(path, 'model.json'));
    expect(back.weightsHash()).toBe(model.weightsHash());
  });
});

/** A model.json as tfjs-converter writes it from a Keras 2 .h5 file (its keys and nesting). */
function kerasConverted(): { source: TfjsModelSource; shape: number[] } {
  const glorot = {
    module: 'keras.initializers',
    class_name: 'GlorotUniform',
    config: { seed: null },
    registered_name: null,
  };
  const zeros = { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null };
  const modelTopology = {
    keras_version: '2.13.1',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          {
            class_name: 'InputLayer',
            config: {
              batch_input_shape: [null, 4, 3],
              dtype: 'float32',
              sparse: false,
              ragged: false,
              name: 'lstm_input',
            },
          },
          {
            class_name: 'LSTM',
            config: {
              name: 'lstm',
              trainable: true,
              dtype: 'float32',
              batch_input_shape: [null, 4, 3],
              return_sequences: false,
              return_state: false,
              go_backwards: false,
              stateful: false,
              unroll: false,
              time_major: false,
              units: 5,
              activation: 'tanh',
              recurrent_activation: 'sigmoid',
              use_bias: true,
              kernel_initializer: glorot,
              recurrent_initializer: {
                module: 'keras.initializers',
                class_name: 'Orthogonal',
                config: { gain: 1.0, seed: null },
                registered_name: null,
              },
              bias_initializer: zeros,
              unit_forget_bias: true,
              kernel_regularizer: null,
              recurrent_regularizer: null,
              bias_regularizer: null,
              activity_regularizer: null,
              kernel_constraint: null,
              recurrent_constraint: null,
              bias_constraint: null,
              dropout: 0.0,
              recurrent_dropout: 0.0,
              implementation: 2,
            },
          },
          {
            class_name: 'Dense',
            config: {
              name: 'dense',
              trainable: true,
              dtype: 'float32',
              units: 2,
              activation: 'linear',
              use_bias: true,
              kernel_initializer: glorot,
              bias_initializer: zeros,
              kernel_regularizer: null,
              bias_regularizer: null,
              activity_regularizer: null,
              kernel_constraint: null,
              bias_constraint: null,
            },
          },
        ],
      },
    },
    training_config: { loss: 'mse' },
  };
  const weights = [
    { name: 'dense/bias', shape: [2], dtype: 'float32' },
    { name: 'dense/kernel', shape: [5, 2], dtype: 'float32' },
    { name: 'lstm/lstm_cell/bias', shape: [20], dtype: 'float32' },
    { name: 'lstm/lstm_cell/kernel', shape: [3, 20], dtype: 'float32' },
    { name: 'lstm/lstm_cell/recurrent_kernel', shape: [5, 20], dtype: 'float32' },
  ];
  const total = weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  const weightData = Float32Array.from(testValues(total, 99, -0.5, 0.5)).buffer;
  return {
    source: { modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }], weightData },
    shape: [3, 4, 3],
  };
}

describe('import: a Keras-converted model.json', () => {
  it('reads model_config, the InputLayer and lstm_cell weight names; predicts as tf.js does', async () => {
    const { source, shape } = kerasConverted();
    const model = fromTfjsLayers(source);
    const manifest = source.weightsManifest?.[0].weights ?? [];
    const peer = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: source.modelTopology as object,
        weightSpecs: manifest as tf.io.WeightsManifestEntry[],
        weightData: source.weightData as ArrayBuffer,
      }),
    );
    const x = inputs(shape);
    const theirs = (peer.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync();
    expect(worst((model.predict(new Tensor(x, shape)) as Tensor).data, theirs)).toBeLessThanOrEqual(1);
    expect(model.layers.map((l) => l.name)).toEqual(['lstm', 'dense']);
  });
});

/** A functional tf.js model: two inputs, a shared layer, every merge layer tf.js has, two outputs. */
function functionalPeer(): tf.LayersModel {
  const a = tf.input({ shape: [3], name: 'a' });
  const b = tf.input({ shape: [4], name: 'b' });
  const shared = tf.layers.dense({ units: 4, name: 'shared', activation: 'tanh' });
  const ha = shared.apply(tf.layers.dense({ units: 4 }).apply(a)) as tf.SymbolicTensor;
  const hb = shared.apply(b) as tf.SymbolicTensor;
  const merged = [
    tf.layers.add().apply([ha, hb]),
    tf.layers.multiply().apply([ha, hb]),
    tf.layers.average().apply([ha, hb]),
    tf.layers.maximum().apply([ha, hb]),
    tf.layers.minimum().apply([ha, hb]),
    tf.layers.dot({ axes: 1, normalize: true }).apply([ha, hb]),
  ] as tf.SymbolicTensor[];
  const joined = tf.layers.concatenate({ axis: -1 }).apply(merged) as tf.SymbolicTensor;
  const head = tf.layers.dense({ units: 2, name: 'head' }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: [head, merged[0]] });
}

describe('import: a functional tf.js model', () => {
  it('two inputs, a shared layer, every merge layer tf.js has, two outputs: predicts as tf.js does', async () => {
    const peer = functionalPeer();
    setTfjsWeights(peer);
    const artifacts = await savedArtifacts(peer);
    expect((artifacts.modelTopology as { class_name: string }).class_name).toBe('Model');
    const model = fromTfjsLayers(artifacts);
    const xa = inputs([5, 3]);
    const xb = Float32Array.from(testValues(20, 8, -1, 1));
    const theirs = peer.predict([tf.tensor(xa, [5, 3]), tf.tensor(xb, [5, 4])]) as tf.Tensor[];
    const ours = model.predict([new Tensor(xa, [5, 3]), new Tensor(xb, [5, 4])]) as Tensor[];
    expect(ours.length).toBe(2);
    for (let o = 0; o < 2; o++) expect(worst(ours[o].data, theirs[o].dataSync())).toBeLessThanOrEqual(1);
    expect(model.countParams()).toBe(peer.countParams());
  });
});

/** A functional ditto model: two inputs, a shared layer, every merge layer tf.js has, two outputs. */
function functionalDitto(): Model {
  setSeed(9);
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [4], name: 'b' });
  const shared = new Dense(4, { name: 'shared', activation: 'tanh' });
  const ha = shared.apply(new Dense(4, { name: 'first' }).apply(a));
  const hb = shared.apply(b);
  const merged = [
    new Add({ name: 'add' }).apply([ha, hb]),
    new Multiply({ name: 'mul' }).apply([ha, hb]),
    new Average({ name: 'avg' }).apply([ha, hb]),
    new Maximum({ name: 'max' }).apply([ha, hb]),
    new Minimum({ name: 'min' }).apply([ha, hb]),
    new Dot({ axes: 1, normalize: true, name: 'dot' }).apply([ha, hb]),
  ];
  const joined = new Concatenate({ axis: -1, name: 'joined' }).apply(merged);
  const head = new Dense(2, { name: 'head' }).apply(joined);
  const model = new Model({ inputs: [a, b], outputs: [head, merged[0]], name: 'two_heads' });
  model.setWeights(model.variables.map((v, i) => testValues(v.value.size, 120 + i, -0.7, 0.7)));
  return model;
}

describe('export: a functional ditto model', () => {
  it("loads in tf.js as a 'Model' and predicts both outputs as ditto does; tf.js's save imports to the same bits", async () => {
    const model = functionalDitto();
    const artifacts = toTfjsLayers(model);
    expect(artifacts.modelTopology.class_name).toBe('Model');
    const json = JSON.parse(JSON.stringify(tfjsModelJson(artifacts)));
    const peer = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: artifacts.weightData,
      }),
    );
    const xa = inputs([5, 3]);
    const xb = Float32Array.from(testValues(20, 8, -1, 1));
    const theirs = peer.predict([tf.tensor(xa, [5, 3]), tf.tensor(xb, [5, 4])]) as tf.Tensor[];
    const ours = model.predict([new Tensor(xa, [5, 3]), new Tensor(xb, [5, 4])]) as Tensor[];
    for (let o = 0; o < 2; o++) expect(worst(ours[o].data, theirs[o].dataSync())).toBeLessThanOrEqual(1);
    const back = fromTfjsLayers(await savedArtifacts(peer));
    expect(back.weightsHash()).toBe(model.weightsHash());
  });
});

describe('import: a Keras-converted GRU with reset_after true (which tf.js itself cannot load)', () => {
  it('becomes a ditto GRU with resetAfter and the [2, 3·units] bias, the same bits as one built directly', () => {
    const modelTopology = {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'seq',
          layers: [
            {
              class_name: 'InputLayer',
              config: { batch_input_shape: [null, 4, 2], dtype: 'float32', name: 'in' },
            },
            {
              class_name: 'GRU',
              config: {
                name: 'gru',
                units: 3,
                reset_after: true,
                recurrent_activation: 'sigmoid',
                activation: 'tanh',
                return_sequences: false,
              },
            },
          ],
        },
      },
    };
    const weights = [
      { name: 'gru/gru_cell/kernel', shape: [2, 9], dtype: 'float32' },
      { name: 'gru/gru_cell/recurrent_kernel', shape: [3, 9], dtype: 'float32' },
      { name: 'gru/gru_cell/bias', shape: [2, 9], dtype: 'float32' },
    ];
    const values = [testValues(18, 1, -0.5, 0.5), testValues(27, 2, -0.5, 0.5), testValues(18, 3, -0.5, 0.5)];
    const weightData = Float32Array.from(values.flat()).buffer;
    const model = fromTfjsLayers({
      modelTopology,
      weightsManifest: [{ paths: ['w.bin'], weights }],
      weightData,
    });
    const direct = new Sequential([new GRU(3, { inputShape: [4, 2], resetAfter: true })]);
    direct.build([4, 2]);
    direct.setWeights(values);
    const x = new Tensor(inputs([3, 4, 2]), [3, 4, 2]);
    expect(Array.from((model.predict(x) as Tensor).data)).toEqual(Array.from(direct.predict(x).data));
    expect(model.variables.map((v) => v.shape)).toEqual([
      [2, 9],
      [3, 9],
      [2, 9],
    ]);
  });
});

describe('what cannot be exchanged is an error naming the layer and class', () => {
  it('import: a tf.js layer ditto lacks', async () => {
    const peer = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 2 }), tf.layers.leakyReLU({ name: 'leaky' })],
    });
    const artifacts = await savedArtifacts(peer);
    expect(() => fromTfjsLayers(artifacts)).toThrow(ModelFileError);
    expect(() => fromTfjsLayers(artifacts)).toThrow(
      /layer 1 'leaky'.*layer class "LeakyReLU" is not supported/,
    );
  });

  it("import: tf.js's default hard sigmoid, which is not ditto's", async () => {
    const peer = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [3, 2], units: 2, name: 'gates' })] });
    await expect(savedArtifacts(peer).then(fromTfjsLayers)).rejects.toThrow(ModelFileError);
    await expect(savedArtifacts(peer).then(fromTfjsLayers)).rejects.toThrow(
      /model file: layer 0 'gates'\.recurrent_activation: activation "hard_sigmoid" is not supported by ditto.*0\.2·x \+ 0\.5/,
    );
  });

  it('import: an option ditto lacks (a constraint)', async () => {
    const peer = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 2, name: 'held', kernelConstraint: 'nonNeg' })],
    });
    const artifacts = await savedArtifacts(peer);
    expect(() => fromTfjsLayers(artifacts)).toThrow(/'held'\.kernel_constraint.*no constraints/);
  });

  it('export: a ditto layer tf.js lacks, a float64 model, an activation that differs', () => {
    const group = new Sequential([
      new Dense(4, { inputShape: [3] }),
      new GroupNormalization({ groups: 2, name: 'groups' }),
    ]);
    group.build([3]);
    expect(() => toTfjsLayers(group)).toThrow(
      /layer 1 'groups' \(GroupNormalization\): TensorFlow\.js Layers has no such layer/,
    );
    const wide = new Sequential([new Dense(2, { inputShape: [3], dtype: 'float64', name: 'wide' })]);
    wide.build([3]);
    expect(() => toTfjsLayers(wide)).toThrow(/'wide' \(Dense\): tf\.js holds float32 weights/);
    const hard = new Sequential([new Dense(2, { inputShape: [3], activation: 'hardSigmoid', name: 'hard' })]);
    hard.build([3]);
    expect(() => toTfjsLayers(hard)).toThrow(/'hard' \(Dense\)\.activation.*Keras 3/);
    const after = new Sequential([new GRU(2, { inputShape: [3, 2], name: 'after' })]);
    after.build([3, 2]);
    expect(() => toTfjsLayers(after)).toThrow(
      /'after' \(GRU\): resetAfter true has no TensorFlow\.js equivalent/,
    );
  });
});

describe('coverage', () => {
  it('every exchanged class is imported from tf.js and exported to it by a case above', async () => {
    const imported = new Set<string>();
    const peers = [
      ...Object.values(TFJS_CASES).map((c) => tf.sequential({ layers: c.layers() })),
      functionalPeer(),
    ];
    for (const peer of peers) {
      const artifacts = await savedArtifacts(peer);
      const walk = (l: { class_name: string; config: { layer?: unknown } }) => {
        imported.add(l.class_name);
        if (l.config.layer) walk(l.config.layer as never);
      };
      for (const l of (artifacts.modelTopology as { config: { layers: never[] } }).config.layers) walk(l);
    }
    const exported = new Set<string>();
    for (const layer of functionalDitto().layers) exported.add(layer.constructor.name);
    for (const c of Object.values(DITTO_CASES)) {
      for (const layer of c.layers()) {
        exported.add(layer.constructor.name);
        for (const inner of layer.wrappedLayers()) exported.add(inner.constructor.name);
      }
    }
    expect(TFJS_LAYER_CLASSES.filter((name) => !imported.has(name))).toEqual([]);
    expect(TFJS_LAYER_CLASSES.filter((name) => !exported.has(name))).toEqual([]);
  });
});

describe('docs/exchange.md', () => {
  it('lists exactly the exchanged layer classes', () => {
    const doc = readFileSync(new URL('../docs/exchange.md', import.meta.url), 'utf8');
    const section = doc.split('<!-- tfjs-layers:start -->')[1]?.split('<!-- tfjs-layers:end -->')[0] ?? '';
    const listed = [...section.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]);
    expect(listed).toEqual([...TFJS_LAYER_CLASSES]);
  });
});
