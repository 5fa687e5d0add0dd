/**
 * Every layer class ditto exports is saveable: one case per class in the registry
 * (io/layer-config.ts), each a model → toBytes → loadModel giving the same weightsHash, the same
 * configs and bit-identical predictions (hashes of the prediction bytes). The weights are set from
 * an independent value source first, so moving statistics and biases are not their initial values.
 * A class exported from the package but missing from the registry (or from this table) fails here.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import * as ditto from '../packages/ditto/src/index.js';
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
  GroupNormalization,
  hashArrays,
  initializers,
  type Layer,
  LayerNormalization,
  LSTM,
  layerToConfig,
  loadModel,
  MaxPooling1D,
  MaxPooling2D,
  ModelFileError,
  modelFromBytes,
  Normalization,
  Permute,
  RepeatVector,
  Rescaling,
  Reshape,
  regularizers,
  SAVEABLE_LAYER_CLASSES,
  SeparableConv2D,
  Sequential,
  SimpleRNN,
  SpatialDropout1D,
  SpatialDropout2D,
  setSeed,
  Tensor,
  TimeDistributed,
  UnitNormalization,
  UpSampling2D,
  ZeroPadding1D,
  ZeroPadding2D,
} from '../packages/ditto/src/index.js';
import {
  FILE_HASH_KEY,
  fileHashPosition,
  HASH_PLACEHOLDER,
  HEADER_KEY,
} from '../packages/ditto/src/io/format.js';
import { decodeSafeTensors, encodeSafeTensors } from '../packages/ditto/src/io/safetensors.js';
import { testValues } from './helpers/test-values.js';

/** The file with its model header edited and every checksum made to fit again (a consistent file). */
function withHeader(bytes: Uint8Array, edit: (header: string) => string): Uint8Array {
  const file = decodeSafeTensors(bytes);
  const metadata = {
    ...file.metadata,
    [HEADER_KEY]: edit(file.metadata[HEADER_KEY]),
    [FILE_HASH_KEY]: HASH_PLACEHOLDER,
  };
  const out = encodeSafeTensors({ metadata, tensors: file.tensors });
  out.set(new TextEncoder().encode(bytesToHex(sha256(out))), fileHashPosition(out, HASH_PLACEHOLDER));
  return out;
}

/** The model for a class: the layer under test with the input shape it needs, and a Dense after. */
type Case = { layers: () => Layer[]; sample: number[]; integers?: number };
/** A merge layer (no weights, several inputs: a Sequential cannot hold it): its config round trip. */
type MergeCase = { layer: () => Layer; samples: number[][] };

const image = [6, 6, 2];
const sequence = [5, 3];

const CASES: Record<string, Case> = {
  Dense: {
    layers: () => [
      new Dense(3, {
        inputShape: [4],
        activation: 'relu',
        kernelInitializer: initializers.randomNormal({ stddev: 0.2, seed: 4 }),
        kernelRegularizer: regularizers.l2(0.01),
      }),
    ],
    sample: [4],
  },
  Dropout: { layers: () => [new Dropout(0.3, { inputShape: [4], seed: 2 }), new Dense(2)], sample: [4] },
  Activation: { layers: () => [new Activation('softsign', { inputShape: [4] })], sample: [4] },
  ActivityRegularization: {
    layers: () => [
      new Dense(3, { inputShape: [4] }),
      new ditto.ActivityRegularization({ l1: 0.01, l2: 0.002 }),
    ],
    sample: [4],
  },
  Embedding: {
    layers: () => [new Embedding(9, 3, { inputShape: [5], maskZero: true }), new LSTM(2)],
    sample: [5],
    integers: 9,
  },
  SimpleRNN: {
    layers: () => [new SimpleRNN(3, { inputShape: sequence, returnSequences: true })],
    sample: sequence,
  },
  LSTM: {
    layers: () => [
      new LSTM(3, { inputShape: sequence, recurrentActivation: 'hardSigmoid', goBackwards: true }),
    ],
    sample: sequence,
  },
  GRU: {
    layers: () => [new GRU(3, { inputShape: sequence, resetAfter: false, dropout: 0.1 })],
    sample: sequence,
  },
  Conv1D: {
    layers: () => [
      new Conv1D(3, 2, { inputShape: sequence, dilationRate: 2, biasRegularizer: regularizers.l1(0.1) }),
    ],
    sample: sequence,
  },
  Conv2D: {
    layers: () => [new Conv2D(4, [3, 2], { inputShape: image, strides: [2, 1], padding: 'same', groups: 2 })],
    sample: image,
  },
  Conv2DTranspose: {
    layers: () => [new Conv2DTranspose(2, 3, { inputShape: image, strides: 2, activation: 'tanh' })],
    sample: image,
  },
  DepthwiseConv2D: {
    layers: () => [
      new DepthwiseConv2D(3, { inputShape: image, depthMultiplier: 2, depthwiseInitializer: 'heUniform' }),
    ],
    sample: image,
  },
  SeparableConv2D: {
    layers: () => [new SeparableConv2D(3, 2, { inputShape: image, pointwiseInitializer: 'lecunNormal' })],
    sample: image,
  },
  MaxPooling1D: {
    layers: () => [new MaxPooling1D({ inputShape: sequence, poolSize: 2, strides: 1 })],
    sample: sequence,
  },
  MaxPooling2D: {
    layers: () => [new MaxPooling2D({ inputShape: image, padding: 'same', poolSize: 4 })],
    sample: image,
  },
  AveragePooling1D: { layers: () => [new AveragePooling1D({ inputShape: sequence })], sample: sequence },
  AveragePooling2D: {
    layers: () => [new AveragePooling2D({ inputShape: image, poolSize: [2, 3] })],
    sample: image,
  },
  GlobalMaxPooling1D: { layers: () => [new GlobalMaxPooling1D({ inputShape: sequence })], sample: sequence },
  GlobalMaxPooling2D: {
    layers: () => [new GlobalMaxPooling2D({ inputShape: image, keepDims: true })],
    sample: image,
  },
  GlobalAveragePooling1D: {
    layers: () => [new GlobalAveragePooling1D({ inputShape: sequence })],
    sample: sequence,
  },
  GlobalAveragePooling2D: {
    layers: () => [new GlobalAveragePooling2D({ inputShape: image })],
    sample: image,
  },
  BatchNormalization: {
    layers: () => [new BatchNormalization({ inputShape: image, momentum: 0.9, epsilon: 0.01 })],
    sample: image,
  },
  LayerNormalization: {
    layers: () => [new LayerNormalization({ inputShape: sequence, axis: [-1], center: false })],
    sample: sequence,
  },
  GroupNormalization: {
    layers: () => [new GroupNormalization({ inputShape: [4, 4], groups: 2 })],
    sample: [4, 4],
  },
  UnitNormalization: { layers: () => [new UnitNormalization({ inputShape: sequence })], sample: sequence },
  Normalization: {
    layers: () => {
      const norm = new Normalization({ inputShape: [4] });
      norm.adapt(new Tensor(Float32Array.from(testValues(40, 5, -3, 7)), [10, 4]));
      return [norm, new Dense(2)];
    },
    sample: [4],
  },
  AlphaDropout: { layers: () => [new AlphaDropout(0.2, { inputShape: [4] })], sample: [4] },
  GaussianDropout: { layers: () => [new GaussianDropout(0.2, { inputShape: [4] })], sample: [4] },
  GaussianNoise: { layers: () => [new GaussianNoise(0.5, { inputShape: [4] })], sample: [4] },
  SpatialDropout1D: { layers: () => [new SpatialDropout1D(0.2, { inputShape: sequence })], sample: sequence },
  SpatialDropout2D: { layers: () => [new SpatialDropout2D(0.2, { inputShape: image })], sample: image },
  Flatten: { layers: () => [new Flatten({ inputShape: image }), new Dense(2)], sample: image },
  Reshape: { layers: () => [new Reshape([3, 5], { inputShape: sequence })], sample: sequence },
  Permute: { layers: () => [new Permute([2, 1], { inputShape: sequence })], sample: sequence },
  RepeatVector: { layers: () => [new RepeatVector(3, { inputShape: [4] })], sample: [4] },
  Rescaling: { layers: () => [new Rescaling(1 / 255, { inputShape: [4], offset: -0.5 })], sample: [4] },
  UpSampling2D: { layers: () => [new UpSampling2D({ inputShape: image, size: [2, 3] })], sample: image },
  ZeroPadding1D: { layers: () => [new ZeroPadding1D([1, 2], { inputShape: sequence })], sample: sequence },
  ZeroPadding2D: {
    layers: () => [
      new ZeroPadding2D(
        [
          [1, 0],
          [2, 1],
        ],
        { inputShape: image },
      ),
    ],
    sample: image,
  },
  Cropping1D: { layers: () => [new Cropping1D([1, 2], { inputShape: sequence })], sample: sequence },
  Cropping2D: { layers: () => [new Cropping2D([1, 2], { inputShape: image })], sample: image },
  TimeDistributed: {
    layers: () => [new TimeDistributed(new Dense(2, { activation: 'sigmoid' }), { inputShape: sequence })],
    sample: sequence,
  },
  Bidirectional: {
    layers: () => [
      new Bidirectional(new LSTM(2, { returnSequences: true }), { inputShape: sequence, mergeMode: 'mul' }),
    ],
    sample: sequence,
  },
};

/** Inputs for a case: 3 samples from the test value source (indices below `integers` for Embedding). */
function inputs(c: Case): Tensor {
  const size = 3 * c.sample.reduce((a, b) => a * b, 1);
  const data = c.integers
    ? testValues(size, 17, 0, c.integers).map(Math.floor)
    : testValues(size, 17, -1.5, 1.5);
  return new Tensor(Float32Array.from(data), [3, ...c.sample]);
}

/** Every weight set from the test value source (variances positive), so none keeps its initial value. */
function setWeights(model: Sequential, salt: number): void {
  model.setWeights(
    model.variables.map((v, i) =>
      testValues(v.value.size, salt + i, /variance/.test(v.name) ? 0.5 : -1, /variance/.test(v.name) ? 2 : 1),
    ),
  );
}

const merge = (layer: () => Layer, samples = [sequence, sequence]): MergeCase => ({ layer, samples });
const MERGE_CASES: Record<string, MergeCase> = {
  Add: merge(() => new ditto.Add()),
  Subtract: merge(() => new ditto.Subtract()),
  Multiply: merge(() => new ditto.Multiply()),
  Average: merge(() => new ditto.Average()),
  Maximum: merge(() => new ditto.Maximum()),
  Minimum: merge(() => new ditto.Minimum()),
  Concatenate: merge(() => new ditto.Concatenate({ axis: 1 })),
  Dot: merge(() => new ditto.Dot({ axes: [2, 2], normalize: true })),
};

describe('every layer class round-trips through a model file bit for bit', () => {
  for (const [className, c] of Object.entries(CASES)) {
    it(className, async () => {
      setSeed(3);
      const model = new Sequential(c.layers());
      model.build(c.sample);
      if (className !== 'Normalization') setWeights(model, 100);
      const copy = await loadModel(model.toBytes());
      expect(copy.weightsHash()).toBe(model.weightsHash());
      expect(copy.layers.map(layerToConfig)).toEqual(model.layers.map(layerToConfig));
      expect(copy.layers.map((l) => layerToConfig(l).className)).toContain(className);
      const x = inputs(c);
      expect(hashArrays([copy.predict(x).data])).toBe(hashArrays([model.predict(x).data]));
    });
  }
});

describe('merge layers round-trip through their config', () => {
  for (const [className, c] of Object.entries(MERGE_CASES)) {
    it(className, () => {
      const layer = c.layer();
      const copy = ditto.layerFromConfig(JSON.parse(JSON.stringify(layerToConfig(layer))));
      expect(layerToConfig(copy)).toEqual(layerToConfig(layer));
      expect(layerToConfig(copy).className).toBe(className);
      const xs = c.samples.map(
        (s, i) => new Tensor(Float32Array.from(testValues(2 * s[0] * s[1], 40 + i)), [2, ...s]),
      );
      layer.build(c.samples as never);
      copy.build(c.samples as never);
      const call = (l: Layer) => (l.call as (x: unknown, o: unknown) => Tensor)(xs, { training: false });
      expect(hashArrays([call(copy).data])).toBe(hashArrays([call(layer).data]));
    });
  }
});

describe('the registry covers every layer', () => {
  const abstractBases = new Set<unknown>([
    ditto.Layer,
    ditto.RecurrentLayer,
    ditto.NoiseLayer,
    ditto.MergeLayer,
  ]);
  const exported = Object.entries(ditto)
    .filter(
      ([, value]) =>
        typeof value === 'function' && value.prototype instanceof ditto.Layer && !abstractBases.has(value),
    )
    .map(([name]) => name)
    .sort();

  it('every layer class exported from the package is in the registry', () => {
    expect(exported.length).toBeGreaterThan(40);
    expect(exported.filter((name) => !SAVEABLE_LAYER_CLASSES.includes(name))).toEqual([]);
  });

  it('every registered class has a round-trip case here', () => {
    expect([...Object.keys(CASES), ...Object.keys(MERGE_CASES)].sort()).toEqual(
      [...SAVEABLE_LAYER_CLASSES].sort(),
    );
  });

  it('an unknown class name in a consistent file is an error naming it and where it is', () => {
    const model = new Sequential([new Dense(2, { inputShape: [3], name: 'only' })]);
    const edited = withHeader(model.toBytes(), (header) =>
      header.replace('{"className":"Dense"', '{"className":"Dunse"'),
    );
    expect(() => modelFromBytes(edited)).toThrow(ModelFileError);
    expect(() => modelFromBytes(edited)).toThrow(
      /model\.layers\[0\]\.className: unknown layer class "Dunse" \(did you mean 'Dense'\?\)/,
    );
  });
});

describe('preprocessing saved with the model', () => {
  const rows = Array.from({ length: 12 }, (_, i) => testValues(3, 200 + i, -4, 9));

  it('toBytes({ preprocessing }) keeps fitted steps; readPreprocessing rebuilds them to the same bits', async () => {
    const scaler = new ditto.StandardScaler().fit(rows);
    const encoder = new ditto.LabelEncoder().fit(['cat', 'dog', 'ant']);
    const model = new Sequential([new Dense(2, { inputShape: [3] })]);
    model.build([3]);
    const bytes = model.toBytes({ preprocessing: [scaler, encoder] });
    const [scaler2, encoder2] = ditto.readPreprocessing(bytes) as [ditto.StandardScaler, ditto.LabelEncoder];
    expect(scaler2).toBeInstanceOf(ditto.StandardScaler);
    expect(hashArrays(scaler2.transform(rows).map((r) => Float64Array.from(r)))).toBe(
      hashArrays(scaler.transform(rows).map((r) => Float64Array.from(r))),
    );
    expect(encoder2.transform(['dog', 'ant'])).toEqual(encoder.transform(['dog', 'ant']));
    expect((await loadModel(bytes)).weightsHash()).toBe(model.weightsHash());
    expect(ditto.readPreprocessing(model.toBytes())).toEqual([]);
  });

  it('refuses a step that cannot be saved, and names a stored entry that does not rebuild', () => {
    const model = new Sequential([new Dense(2, { inputShape: [3] })]);
    model.build([3]);
    const scaler = new ditto.StandardScaler().fit(rows);
    expect(() => model.toBytes({ preprocessing: [scaler, { mean: 1 } as never] })).toThrow(
      /preprocessing\[1\] has no toConfig\(\)/,
    );
    expect(() => model.toBytes({ preprocessing: scaler as never })).toThrow(/preprocessing must be a list/);
    const edited = withHeader(model.toBytes({ preprocessing: [scaler] }), (header) =>
      header.replace('"className":"StandardScaler"', '"className":"StandardScalar"'),
    );
    expect(() => ditto.readPreprocessing(edited)).toThrow(ModelFileError);
    expect(() => ditto.readPreprocessing(edited)).toThrow(/preprocessing\[0\]: .*StandardScalar/);
  });
});
