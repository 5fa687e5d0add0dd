/**
 * ONNX export checked in onnxruntime-web (WebAssembly backend, one thread): every exported model
 * runs there on the same inputs as ditto's predict, and the outputs agree within float32
 * tolerance, |onnx − ditto| ≤ 1e-6 + 1e-5·|ditto| (onnxruntime's exp, tanh, erf and its summation
 * orders differ from ditto's by a few ulps per operation; twelve recurrent steps carry them
 * along). Weights get distinct test values first (biases, statistics and every gate block
 * included), so a wrong gate order, bias row or kernel layout changes outputs by percent. The
 * batch axis is symbolic: each model runs with two batch sizes.
 */
import { describe, expect, it } from 'vitest';
import {
  Activation,
  AlphaDropout,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Bidirectional,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping1D,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Embedding,
  Flatten,
  GaussianDropout,
  GaussianNoise,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GRU,
  type Layer,
  LayerNormalization,
  LSTM,
  MaxPooling1D,
  MaxPooling2D,
  Normalization,
  Permute,
  RepeatVector,
  Rescaling,
  Reshape,
  SeparableConv2D,
  Sequential,
  SimpleRNN,
  SpatialDropout1D,
  SpatialDropout2D,
  TimeDistributed,
  UnitNormalization,
  UpSampling2D,
  ZeroPadding1D,
  ZeroPadding2D,
} from '../packages/ditto/src/index.js';
import { compareWithOnnx, randomizeWeights } from './helpers/onnx-runtime.js';
import { testValues } from './helpers/test-values.js';

const ACTIVATIONS = [
  'linear',
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
  'silu',
  'gelu',
  'exponential',
  'logSoftmax',
  'softmax',
];

async function expectParity(
  layers: Layer[],
  sampleShape: number[],
  seed: number,
  inputs?: (n: number) => number[],
) {
  const model = new Sequential(layers);
  randomizeWeights(model, seed);
  for (const batch of [5, 2]) {
    const size = batch * sampleShape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from(inputs ? inputs(size) : testValues(size, seed + 100 + batch, -1, 1));
    const result = await compareWithOnnx(model, x, [batch, ...sampleShape]);
    expect(result.onnxShape).toEqual(result.dittoShape);
    expect(result.worst, `largest error ${result.maxAbs} (batch ${batch})`).toBeLessThanOrEqual(1);
  }
}

describe('ONNX export: dense models', () => {
  it('every activation, Activation, the identity layers and LayerNormalization', async () => {
    const layers: Layer[] = [new Dense(6, { inputDim: 5, activation: ACTIVATIONS[0] })];
    for (const activation of ACTIVATIONS.slice(1)) layers.push(new Dense(6, { activation }));
    layers.push(new Activation('tanh'), new Dropout(0.5), new GaussianNoise(0.3), new GaussianDropout(0.2));
    layers.push(new AlphaDropout(0.1), new LayerNormalization(), new Dense(3, { activation: 'softmax' }));
    await expectParity(layers, [5], 1);
  });

  it('Reshape, Permute, Flatten, RepeatVector, Rescaling, UnitNormalization, TimeDistributed', async () => {
    await expectParity(
      [
        new Reshape([3, 4], { inputShape: [12] }),
        new Permute([2, 1]),
        new TimeDistributed(new Dense(2, { activation: 'relu' })),
        new Flatten(),
        new Rescaling(0.5, { offset: 0.25 }),
        new UnitNormalization(),
        new RepeatVector(3),
        new LayerNormalization({ axis: [1, 2] }),
        new Flatten(),
        new Dense(2),
      ],
      [12],
      2,
    );
  });
});

describe('ONNX export: recurrent models', () => {
  const T = 12;
  const F = 3;

  it('LSTM (sequences) → LSTM (last step), with hardSigmoid gates', async () => {
    await expectParity(
      [
        new LSTM(5, { inputShape: [T, F], returnSequences: true }),
        new LSTM(4, { recurrentActivation: 'hardSigmoid' }),
        new Dense(1),
      ],
      [T, F],
      3,
    );
  });

  it('GRU with resetAfter (sequences) → GRU without (last step)', async () => {
    await expectParity(
      [
        new GRU(5, { inputShape: [T, F], returnSequences: true }),
        new GRU(4, { resetAfter: false }),
        new Dense(2),
      ],
      [T, F],
      4,
    );
  });

  it('SimpleRNN both ways, goBackwards, relu', async () => {
    await expectParity(
      [
        new SimpleRNN(6, { inputShape: [T, F], returnSequences: true, goBackwards: true }),
        new SimpleRNN(4, { activation: 'relu' }),
      ],
      [T, F],
      5,
    );
  });

  it('Bidirectional LSTM (concat, sequences) → Bidirectional GRU (ave)', async () => {
    await expectParity(
      [
        new Bidirectional(new LSTM(4, { returnSequences: true }), { inputShape: [T, F] }),
        new Bidirectional(new GRU(3), { mergeMode: 'ave' }),
        new Dense(1),
      ],
      [T, F],
      6,
    );
  });
});

describe('ONNX export: convolutional models', () => {
  it('Conv2D (same, strides 2) + BatchNormalization + pooling + Conv2D (dilated, 2 groups) + global pooling', async () => {
    await expectParity(
      [
        new Conv2D(4, 3, { inputShape: [11, 10, 2], padding: 'same', strides: 2, activation: 'relu' }),
        new BatchNormalization(),
        new MaxPooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
        new Conv2D(6, [3, 2], { dilationRate: [1, 2], activation: 'elu', groups: 2 }),
        new BatchNormalization({ center: false }),
        new AveragePooling2D({ poolSize: [2, 3], padding: 'same' }),
        new GlobalAveragePooling2D(),
        new Dense(3, { activation: 'softmax' }),
      ],
      [11, 10, 2],
      7,
    );
  });

  it('Depthwise, Separable and transposed convolutions, padding, cropping, up-sampling', async () => {
    await expectParity(
      [
        new ZeroPadding2D(
          [
            [1, 0],
            [2, 1],
          ],
          { inputShape: [6, 5, 3] },
        ),
        new DepthwiseConv2D(3, { depthMultiplier: 2, padding: 'same', activation: 'relu' }),
        new SpatialDropout2D(0.5),
        new SeparableConv2D(4, 2, { strides: 2 }),
        new Conv2DTranspose(3, 3, { strides: 2, padding: 'same' }),
        new Conv2DTranspose(2, [2, 3], { strides: [1, 2] }),
        new UpSampling2D({ size: [2, 1] }),
        new Cropping2D([
          [1, 2],
          [0, 1],
        ]),
        new GlobalMaxPooling2D(),
      ],
      [6, 5, 3],
      8,
    );
  });

  it('Conv1D (same, strides; causal, dilated, 2 groups) + MaxPooling1D + AveragePooling1D + global pooling', async () => {
    await expectParity(
      [
        new Conv1D(4, 3, { inputShape: [20, 3], padding: 'same', strides: 2, activation: 'tanh' }),
        new MaxPooling1D({ poolSize: 3, strides: 1 }),
        new Conv1D(3, 2, { dilationRate: 2 }),
        new AveragePooling1D({ padding: 'same' }),
        new GlobalMaxPooling1D({ keepDims: true }),
        new Flatten(),
      ],
      [20, 3],
      9,
    );
    await expectParity(
      [
        new Conv1D(4, 3, { inputShape: [9, 2], padding: 'causal', dilationRate: 2, groups: 2 }),
        new Conv1D(2, 2, { padding: 'causal', strides: 2 }),
        new GlobalAveragePooling1D(),
      ],
      [9, 2],
      10,
    );
  });
});

describe('ONNX export: sequences of features', () => {
  it('Normalization, ZeroPadding1D, SpatialDropout1D, Cropping1D, BatchNormalization and LayerNormalization on axis 1', async () => {
    await expectParity(
      [
        new Normalization({ mean: [0.1, -0.2, 0.3], variance: [1, 2, 0.5], inputShape: [10, 3] }),
        new ZeroPadding1D([2, 1]),
        new SpatialDropout1D(0.3),
        new Conv1D(4, 3, { activation: 'selu' }),
        new Cropping1D([1, 2]),
        new BatchNormalization({ axis: 1 }),
        new LayerNormalization({ axis: 1, center: false }),
        new GlobalAveragePooling1D(),
      ],
      [10, 3],
      13,
    );
  });
});

describe('ONNX export: embeddings', () => {
  const indices = (seed: number) => (n: number) => testValues(n, seed, 0, 10).map(Math.floor);

  it('Embedding → Flatten → Dense', async () => {
    await expectParity(
      [new Embedding(10, 4, { inputShape: [6] }), new Flatten(), new Dense(2, { activation: 'sigmoid' })],
      [6],
      11,
      indices(1),
    );
  });

  it('Embedding → LSTM → Dense', async () => {
    await expectParity(
      [new Embedding(10, 3, { inputShape: [8] }), new LSTM(4), new Dense(1)],
      [8],
      12,
      indices(2),
    );
  });
});
