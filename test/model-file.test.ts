/**
 * ditto's model file: bit-exact round trips for every layer type, config round trips (layers,
 * optimizers, losses, metrics), the safetensors layout read independently, verified loading with
 * errors naming the tensor or field, atomic saves, and a Dense model read by NumPy alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Activation,
  Bidirectional,
  Dense,
  Dropout,
  Embedding,
  GRU,
  hashArrays,
  initializers,
  type Layer,
  LSTM,
  layerFromConfig,
  layerToConfig,
  loadModel,
  ModelFileError,
  modelFromBytes,
  nextKey,
  ops,
  type optimizers,
  readModelFileHeader,
  regularizers,
  Sequential,
  SimpleRNN,
  setSeed,
  TimeDistributed,
} from '../packages/ditto-node/src/index.js';
import { missing } from './helpers/requirements.js';

const dir = mkdtempSync(join(tmpdir(), 'ditto-model-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Inputs built from a formula: no random draws. */
function grid(rows: number, ...sample: number[]): number[] {
  const size = sample.reduce((a, b) => a * b, 1);
  return Array.from({ length: rows * size }, (_, i) => ((i * 7919) % 23) / 23 - 0.4);
}

function nested(flat: number[], shape: number[]): unknown {
  if (shape.length === 1) return flat;
  const [head, ...rest] = shape;
  const step = flat.length / head;
  return Array.from({ length: head }, (_, i) => nested(flat.slice(i * step, (i + 1) * step), rest));
}

const CASES: Array<{ name: string; build: () => Sequential; x: () => unknown }> = [
  {
    name: 'Dense, Dropout, Activation (float32, regularized, seeded initializer)',
    build: () =>
      new Sequential([
        new Dense(5, {
          inputDim: 3,
          kernelInitializer: initializers.randomNormal({ stddev: 0.3, seed: 9 }),
          kernelRegularizer: regularizers.l2(0.001),
        }),
        new Activation('tanh'),
        new Dropout(0.2, { seed: 3 }),
        new Dense(2, { activation: 'softmax', useBias: false }),
      ]),
    x: () => nested(grid(6, 3), [6, 3]),
  },
  {
    name: 'Dense in float64 with a bigint seed',
    build: () =>
      new Sequential([new Dense(4, { inputDim: 2, dtype: 'float64', seed: 2n ** 40n, activation: 'relu' })]),
    x: () => nested(grid(5, 2), [5, 2]),
  },
  {
    name: 'Embedding (maskZero), LSTM, TimeDistributed(Dense)',
    build: () =>
      new Sequential([
        new Embedding(7, 3, { inputLength: 4, maskZero: true }),
        new LSTM(4, { returnSequences: true, dropout: 0.1 }),
        new TimeDistributed(new Dense(2)),
      ]),
    x: () => [
      [1, 2, 3, 0],
      [4, 5, 0, 0],
      [6, 1, 2, 3],
    ],
  },
  {
    name: 'Bidirectional(GRU), SimpleRNN, Dense',
    build: () =>
      new Sequential([
        new Bidirectional(new GRU(3, { returnSequences: true, resetAfter: false }), {
          inputShape: [5, 2],
          mergeMode: 'sum',
        }),
        new SimpleRNN(3, { recurrentRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.02 }) }),
        new Dense(1),
      ]),
    x: () => nested(grid(4, 5, 2), [4, 5, 2]),
  },
];

/** A copy with the first occurrence of an ASCII string replaced by another of the same length. */
function replaceBytes(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  const at = text.indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`replaceBytes: '${from}' not found`);
  const out = bytes.slice();
  for (let i = 0; i < to.length; i++) out[at + i] = to.charCodeAt(i);
  return out;
}

function configsOf(model: Sequential) {
  return model.layers.map(layerToConfig);
}

describe('round trips', () => {
  for (const { name, build, x } of CASES) {
    it(`${name}: weights, predictions and configs identical after toBytes/loadModel`, async () => {
      setSeed(11);
      const model = build();
      model.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
      const copy = await loadModel(model.toBytes());
      expect(copy.weightsHash()).toBe(model.weightsHash());
      expect(copy.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      expect(configsOf(copy)).toEqual(configsOf(model));
      const input = x() as number[][];
      expect(hashArrays([copy.predict(input).data])).toBe(hashArrays([model.predict(input).data]));
      expect(copy.optimizer.getConfig()).toEqual(model.optimizer.getConfig());
    });
  }

  it('every layer config survives layerFromConfig(layerToConfig(layer))', () => {
    const layers: Layer[] = [
      new Dense(3, { activation: 'relu', biasInitializer: initializers.constant(0.5), trainable: false }),
      new Dropout(0.4, { seed: 'drop' }),
      new Activation('sigmoid'),
      new Embedding(10, 4, { embeddingsRegularizer: 'l1', embeddingsInitializer: 'glorotNormal' }),
      new SimpleRNN(2, { goBackwards: true, activation: 'relu' }),
      new LSTM(2, { unitForgetBias: false, recurrentActivation: 'hardSigmoid', recurrentDropout: 0.3 }),
      new GRU(2, { recurrentInitializer: initializers.orthogonal({ gain: 2 }) }),
      new TimeDistributed(
        new Dense(2, { kernelInitializer: initializers.varianceScaling({ scale: 2, mode: 'fanOut' }) }),
      ),
      new Bidirectional(new LSTM(2, { seed: 5 }), { mergeMode: 'concat' }),
    ];
    for (const layer of layers) {
      const config = layerToConfig(layer);
      expect(JSON.parse(JSON.stringify(config))).toEqual(config);
      expect(layerToConfig(layerFromConfig(config))).toEqual(config);
    }
  });

  it('every optimizer, loss and metric round-trips through compile settings', async () => {
    const optimizers = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'nadam'];
    for (const optimizer of optimizers) {
      setSeed(1);
      const model = new Sequential([new Dense(1, { inputDim: 2 })]);
      model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy', 'mse'] });
      (model.optimizer as optimizers.BaseOptimizer).learningRate = 0.0125;
      const copy = await loadModel(model.toBytes());
      expect(copy.optimizer.getConfig()).toEqual(model.optimizer.getConfig());
      expect(copy.optimizer.constructor).toBe(model.optimizer.constructor);
      expect(readModelFileHeader(model.toBytes()).compile).toMatchObject({
        loss: 'binary_crossentropy',
        metrics: ['accuracy', 'mse'],
      });
    }
  });

  it('loading takes no key from the global seed, and records the seed and fingerprint', () => {
    setSeed(5);
    const model = new Sequential([new Dense(2, { inputDim: 2 }), new Dropout(0.5)]);
    const bytes = model.toBytes();
    const header = readModelFileHeader(bytes);
    expect(header.seed).toEqual({ value: 5, drawn: false });
    expect(header.fingerprint.weightsHash).toBe(model.weightsHash());
    setSeed(7);
    const expected = nextKey();
    setSeed(7);
    modelFromBytes(bytes);
    expect(nextKey()).toEqual(expected);
  });

  it('refuses what a file cannot hold, naming it', () => {
    const custom = new Sequential([new Dense(1, { inputDim: 1, activation: (t) => t })]);
    expect(() => custom.toBytes()).toThrow(/activation .* custom function/);
    const model = new Sequential([new Dense(1, { inputDim: 1 })]);
    model.compile({ loss: (a, b) => ops.sub(b, a), optimizer: 'sgd' });
    expect(() => model.toBytes()).toThrow(/loss .* custom function/);
    expect(() => new Sequential([new Dense(1)]).toBytes()).toThrow(/not built/);
    expect(() => model.toBytes({ state: true } as never)).toThrow(/state/);
  });
});

describe('the safetensors layout', () => {
  it('is readable without ditto: 8-byte length, JSON header, little-endian float32 data', () => {
    setSeed(3);
    const model = new Sequential([new Dense(3, { inputDim: 2, name: 'dense' })]);
    const bytes = model.toBytes({ trainingState: false });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const length = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(Object.keys(header).sort()).toEqual(['__metadata__', 'dense/bias', 'dense/kernel'].sort());
    expect(header['dense/kernel']).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    const [begin, end] = header['dense/kernel'].data_offsets;
    const kernel = new Float32Array(bytes.slice(8 + length + begin, 8 + length + end).buffer);
    expect(Array.from(kernel)).toEqual(Array.from(model.getWeights()[0]));
    expect(header.__metadata__.format).toBe('ditto');
    expect(JSON.parse(header.__metadata__.ditto_model).formatVersion).toBe(2);
  });
});

describe('verified loading', () => {
  setSeed(4);
  const model = new Sequential([
    new Dense(3, { inputDim: 2, name: 'dense' }),
    new Dense(1, { name: 'dense_1' }),
  ]);
  model.compile({ loss: 'mse', optimizer: 'adam' });
  const good = model.toBytes();
  const dataStart = 8 + Number(new DataView(good.buffer).getBigUint64(0, true));

  it('names the tensor whose bytes changed', () => {
    const bad = good.slice();
    bad[dataStart + 1] ^= 0x40; // the first tensor in the file: dense/kernel
    expect(() => modelFromBytes(bad)).toThrow(ModelFileError);
    expect(() => modelFromBytes(bad)).toThrow(/tensor 'dense\/kernel'.*SHA-256/);
  });

  it('names a truncated file, an edited header and a newer format version', () => {
    expect(() => modelFromBytes(good.subarray(0, good.length - 3))).toThrow(/truncated/);
    expect(() => modelFromBytes(good.subarray(0, 5))).toThrow(/too short/);
    const edited = replaceBytes(good, '\\"units\\":3', '\\"units\\":4');
    expect(() => modelFromBytes(edited)).toThrow(/header.*SHA-256 does not match/);
    const newer = replaceBytes(good, '\\"formatVersion\\":2', '\\"formatVersion\\":3');
    expect(() => modelFromBytes(newer)).toThrow(/format version 3.*reads up to version 2/);
  });

  it('names a safetensors file that is not a ditto model', () => {
    const header = new TextEncoder().encode('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const bytes = new Uint8Array(8 + header.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    expect(() => modelFromBytes(bytes)).toThrow(/not a ditto model file/);
  });
});

describe('files (Node)', () => {
  it('model.save writes atomically and loadModel(path) reads it back', async () => {
    setSeed(8);
    const model = new Sequential([new Dense(2, { inputDim: 2 })]);
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'an older file');
    await model.save(path);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await loadModel(path)).weightsHash()).toBe(model.weightsHash());
    await expect(model.save(join(dir, 'no-such-dir', 'm.safetensors'))).rejects.toThrow(/no-such-dir/);
    await expect(loadModel(join(dir, 'missing.safetensors'))).rejects.toThrow(/cannot read .*missing/);
  });
});

const python = '/usr/bin/python3';
const hasNumPy =
  existsSync(python) && spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

describe.skipIf(missing('NumPy', hasNumPy, 'apt-get install python3-numpy'))('Python', () => {
  it('NumPy alone reads the weights and reproduces a Dense model within float32 tolerance', () => {
    setSeed(12);
    const model = new Sequential([
      new Dense(6, { inputDim: 3, activation: 'relu', name: 'dense' }),
      new Dense(2, { name: 'dense_1' }),
    ]);
    const path = join(dir, 'dense.safetensors');
    writeFileSync(path, model.toBytes());
    const x = nested(grid(5, 3), [5, 3]) as number[][];
    const script = `
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
def tensor(name):
    entry = header[name]
    begin, end = entry['data_offsets']
    return np.frombuffer(raw[8 + n + begin:8 + n + end], dtype='<f4').reshape(entry['shape'])
x = np.array(json.loads(sys.argv[2]), dtype=np.float64)
h = np.maximum(x @ tensor('dense/kernel') + tensor('dense/bias'), 0)
print(json.dumps((h @ tensor('dense_1/kernel') + tensor('dense_1/bias')).tolist()))
`;
    const run = spawnSync(python, ['-c', script, path, JSON.stringify(x)], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const numpy = (JSON.parse(run.stdout) as number[][]).flat();
    const ditto = Array.from(model.predict(x).data);
    expect(numpy).toHaveLength(ditto.length);
    numpy.forEach((v, i) => {
      expect(Math.abs(v - ditto[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v)));
    });
    expect(readFileSync(path).length).toBeGreaterThan(8);
  });
});
