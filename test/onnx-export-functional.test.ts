/**
 * ONNX export of functional models: several named Inputs and outputs, merge layers, a layer
 * shared by two branches, checked in onnxruntime-web against ditto's predict within the float32
 * tolerance of test/onnx-export.test.ts, |onnx − ditto| ≤ 1e-6 + 1e-5·|ditto|.
 */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import {
  Add,
  Average,
  Concatenate,
  Dense,
  Dot,
  Embedding,
  Flatten,
  Input,
  LSTM,
  Maximum,
  Minimum,
  Model,
  Multiply,
  Subtract,
  type Tensor,
  tensor,
} from '../packages/ditto/src/index.js';
import { exportOnnx } from '../packages/ditto-node/src/onnx/index.js';
import { ABSOLUTE, RELATIVE, randomizeWeights } from './helpers/onnx-runtime.js';
import { testValues } from './helpers/test-values.js';

ort.env.wasm.numThreads = 1;

async function runAll(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs = Object.fromEntries(
      Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.shape)]),
    );
    const result = await session.run(inputs);
    return { names: session.outputNames, result };
  } finally {
    await session.release();
  }
}

function worstError(ours: Tensor, theirs: ort.Tensor): number {
  expect([...theirs.dims]).toEqual([...ours.shape]);
  const data = theirs.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < ours.size; i++) {
    const diff = Math.abs(data[i] - ours.data[i]);
    worst = Math.max(
      worst,
      Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff / (ABSOLUTE + RELATIVE * Math.abs(ours.data[i])),
    );
  }
  return worst;
}

describe('ONNX export: functional models', () => {
  it('two inputs, every merge layer, a shared layer, two outputs', async () => {
    const a = Input({ shape: [4], name: 'left' });
    const b = Input({ shape: [4], name: 'right' });
    const shared = new Dense(3, { activation: 'tanh', name: 'shared' });
    const x = shared.apply(a);
    const y = shared.apply(new Dense(4, { activation: 'relu', name: 'pre' }).apply(b));
    const merged = new Concatenate({ name: 'joined' }).apply([
      new Add().apply([x, y]),
      new Subtract().apply([x, y]),
      new Multiply().apply([x, y, x]),
      new Average().apply([x, y]),
      new Maximum().apply([x, y]),
      new Minimum().apply([x, y]),
    ]);
    const scores = new Dense(2, { activation: 'softmax', name: 'scores' }).apply(merged);
    const gate = new Dense(1, { activation: 'sigmoid', name: 'gate' }).apply(y);
    const model = new Model({ inputs: [a, b], outputs: [scores, gate], name: 'two_heads' });
    randomizeWeights(model, 31);
    const batch = 5;
    const left = Float32Array.from(testValues(batch * 4, 32, -1, 1));
    const right = Float32Array.from(testValues(batch * 4, 33, -1, 1));
    const ours = model.predict([tensor(left, [batch, 4]), tensor(right, [batch, 4])]) as Tensor[];
    const { names, result } = await runAll(exportOnnx(model), {
      left: { data: left, shape: [batch, 4] },
      right: { data: right, shape: [batch, 4] },
    });
    expect(names).toEqual(['scores', 'gate']);
    expect(worstError(ours[0], result.scores)).toBeLessThanOrEqual(1);
    expect(worstError(ours[1], result.gate)).toBeLessThanOrEqual(1);
  });

  it('an Embedding and an LSTM branch concatenated on axis 1', async () => {
    const words = Input({ shape: [6], name: 'words' });
    const series = Input({ shape: [6, 2], name: 'series' });
    const embedded = new Embedding(10, 2).apply(words);
    const both = new Concatenate({ axis: -1 }).apply([embedded, series]);
    const out = new Dense(1).apply(new LSTM(3).apply(new Concatenate({ axis: 1 }).apply([both, both])));
    const model = new Model({ inputs: [words, series], outputs: out, name: 'mixed' });
    randomizeWeights(model, 34);
    const batch = 3;
    const w = Float32Array.from(testValues(batch * 6, 35, 0, 10).map(Math.floor));
    const s = Float32Array.from(testValues(batch * 12, 36, -1, 1));
    const ours = model.predict([tensor(w, [batch, 6]), tensor(s, [batch, 6, 2])]) as Tensor;
    const { names, result } = await runAll(exportOnnx(model), {
      words: { data: w, shape: [batch, 6] },
      series: { data: s, shape: [batch, 6, 2] },
    });
    expect(worstError(ours, result[names[0]])).toBeLessThanOrEqual(1);
  });

  it('refuses what it cannot express, naming it', () => {
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const dot = new Model({ inputs: [a, b], outputs: new Dot({ axes: 1, name: 'dot' }).apply([a, b]) });
    expect(() => exportOnnx(dot)).toThrow("exportOnnx: layer 'dot' of class Dot has no ONNX export");
    const named = new Model({ inputs: a, outputs: new Flatten().apply(a), name: 'f' });
    expect(() => exportOnnx(named, { inputName: 'x' })).toThrow(
      "exportOnnx: inputName and outputName name a Sequential model's tensors; functional model 'f' keeps its own",
    );
    const words = Input({ shape: [4], name: 'w' });
    const masked = new Embedding(5, 2, { maskZero: true, name: 'emb' }).apply(words);
    const reader = new LSTM(2, { name: 'reader' }).apply(new Dense(2).apply(masked));
    expect(() => exportOnnx(new Model({ inputs: words, outputs: reader }))).toThrow(
      "exportOnnx: layer 'reader' (LSTM) would skip the steps masked by 'emb' (maskZero: true)",
    );
  });
});
