/**
 * The functional API: a functional model is the same engine as Sequential (equal bits for the same
 * chain, masks included), shared layers and merges train as TensorFlow.js trains the same graph,
 * inputs and targets by list or by name, a bad graph is refused at construction, and training is
 * reproducible across processes and pinned.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EngineDiagnostic, onEngineDiagnostic } from '../packages/ditto/src/engine/diagnostics.js';
import { isTracingEnabled } from '../packages/ditto/src/engine/trace-cache.js';
import { functionalFromConfig, functionalToConfig } from '../packages/ditto/src/io/functional-config.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Embedding } from '../packages/ditto/src/layers/embedding.js';
import { Add, Concatenate } from '../packages/ditto/src/layers/merge/index.js';
import { SimpleRNN } from '../packages/ditto/src/layers/recurrent/simple-rnn.js';
import { Model } from '../packages/ditto/src/models/model.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { Input } from '../packages/ditto/src/models/symbolic.js';
import { SGD } from '../packages/ditto/src/optimizers/index.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import type { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { tutorialData } from '../packages/ditto/src/tutorial/tutorial.js';
import { functionalFits, twoInputData, twoInputModel } from './fixtures/functional-fits.js';
import { runTsx } from './helpers/run-tsx.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('one engine', () => {
  it('Sequential is a Model, and a functional model with merges, a shared layer and Dropout replays its traced steps', async () => {
    expect(new Sequential()).toBeInstanceOf(Model);
    expect(isTracingEnabled()).toBe(true);
    const reports: EngineDiagnostic[] = [];
    const previous = onEngineDiagnostic((d) => reports.push(d));
    try {
      await functionalFits(2);
    } finally {
      onEngineDiagnostic(previous);
    }
    expect(reports).toEqual([]);
  });
});

describe('a functional chain is Sequential, bit for bit', () => {
  it('Dense → Dense on the tutorial data: same weights hash and history', async () => {
    const { X, y } = tutorialData();
    const sequential = new Sequential([new Dense(10, { inputDim: 1, seed: 5 }), new Dense(1, { seed: 6 })]);
    const input = Input({ shape: [1] });
    const functional = new Model({
      inputs: input,
      outputs: new Dense(1, { seed: 6 }).apply(new Dense(10, { seed: 5 }).apply(input)),
    });
    const histories = [];
    for (const model of [sequential, functional]) {
      model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
      histories.push(await model.fit(X, y, { epochs: 20, batchSize: 4, seed: 3, verbose: 0 }));
    }
    expect(functional.weightsHash()).toBe(sequential.weightsHash());
    expect(histories[1].history).toEqual(histories[0].history);
    expect(Object.keys(histories[1].history)).toEqual(['loss', 'mae']);
  });

  it('Embedding(maskZero) → SimpleRNN → Dense: the mask travels as in Sequential', async () => {
    const x = [
      [1, 2, 0, 0],
      [3, 1, 4, 0],
      [2, 2, 2, 1],
      [4, 0, 0, 0],
    ];
    const y = [[1], [0], [1], [0]];
    const layers = () => [
      new Embedding(5, 3, { maskZero: true, seed: 1 }),
      new SimpleRNN(4, { seed: 2 }),
      new Dense(1, { seed: 3 }),
    ];
    const sequential = new Sequential(layers());
    const input = Input({ shape: [4] });
    let h = input;
    for (const layer of layers()) h = layer.apply(h);
    const functional = new Model({ inputs: input, outputs: h });
    for (const model of [sequential, functional]) {
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      await model.fit(x, y, { epochs: 3, batchSize: 2, seed: 4, verbose: 0 });
    }
    expect(functional.weightsHash()).toBe(sequential.weightsHash());
    // The mask matters: the same model without it computes something else.
    const unmasked = new Sequential([
      new Embedding(5, 3, { seed: 1 }),
      new SimpleRNN(4, { seed: 2 }),
      new Dense(1, { seed: 3 }),
    ]);
    unmasked.compile({ optimizer: 'sgd', loss: 'mse' });
    await unmasked.fit(x, y, { epochs: 3, batchSize: 2, seed: 4, verbose: 0 });
    expect(unmasked.weightsHash()).not.toBe(sequential.weightsHash());
  });
});

/** Two inputs through one shared Dense, added, concatenated with a; two heads. */
function sharedGraph(seed: number) {
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const shared = new Dense(4, { activation: 'tanh', name: 'shared', seed });
  const joined = new Add().apply([shared.apply(a), shared.apply(b)]);
  const h = new Concatenate().apply([joined, a]);
  const score = new Dense(1, { name: 'score', seed: seed + 1 }).apply(h);
  const cls = new Dense(2, { activation: 'softmax', name: 'cls', seed: seed + 2 }).apply(h);
  return { model: new Model({ inputs: [a, b], outputs: [score, cls] }), shared };
}

describe('shared layers, merges, several outputs: as TensorFlow.js trains them', () => {
  it('one layer applied twice has its weights once', () => {
    const { model, shared } = sharedGraph(1);
    expect(model.layers.filter((l) => l === shared)).toHaveLength(1);
    expect(model.countParams()).toBe(3 * 4 + 4 + (7 * 1 + 1) + (7 * 2 + 2));
    expect(model.outputNames).toEqual(['score', 'cls']);
    expect(model.inputNames).toEqual(['a', 'b']);
  });

  // tfjs ignores lossWeights (its total is the plain sum), so the parity run leaves them out; the
  // next test checks them.
  it('per-epoch loss and per-output losses follow tfjs within float32 tolerance (SGD)', async () => {
    const { a, b, score, cls } = twoInputData();
    const { model } = sharedGraph(7);
    const initial = model.getWeights();
    model.compile({
      optimizer: new SGD({ learningRate: 0.1 }),
      loss: ['mse', 'categoricalCrossentropy'],
    });
    const ours = await model.fit([a, b], [score, cls], {
      epochs: 10,
      batchSize: 8,
      shuffle: false,
      verbose: 0,
    });

    const ia = tf.input({ shape: [3] });
    const ib = tf.input({ shape: [3] });
    const shared = tf.layers.dense({ units: 4, activation: 'tanh', name: 'shared' });
    const joined = tf.layers.add().apply([shared.apply(ia), shared.apply(ib)] as tf.SymbolicTensor[]);
    const h = tf.layers.concatenate().apply([joined as tf.SymbolicTensor, ia]) as tf.SymbolicTensor;
    const tScore = tf.layers.dense({ units: 1, name: 'score' }).apply(h) as tf.SymbolicTensor;
    const tCls = tf.layers
      .dense({ units: 2, activation: 'softmax', name: 'cls' })
      .apply(h) as tf.SymbolicTensor;
    const reference = tf.model({ inputs: [ia, ib], outputs: [tScore, tCls] });
    reference.compile({
      optimizer: tf.train.sgd(0.1),
      loss: ['meanSquaredError', 'categoricalCrossentropy'],
    });
    const shapes: Record<string, number[][]> = {
      shared: [[3, 4], [4]],
      score: [[7, 1], [1]],
      cls: [[7, 2], [2]],
    };
    ['shared', 'score', 'cls'].forEach((name, i) => {
      reference
        .getLayer(name)
        .setWeights(shapes[name].map((shape, j) => tf.tensor(initial[2 * i + j], shape)));
    });
    const theirs = await reference.fit(
      [tf.tensor2d(a), tf.tensor2d(b)],
      [tf.tensor2d(score), tf.tensor2d(cls)],
      {
        epochs: 10,
        batchSize: 8,
        shuffle: false,
        verbose: 0,
      },
    );
    expect(Object.keys(ours.history)).toEqual(['loss', 'score_loss', 'cls_loss']);
    for (const key of ['loss', 'score_loss', 'cls_loss']) {
      const expected = theirs.history[key] as number[];
      expect(expected).toHaveLength(10);
      ours.history[key].forEach((value, e) => {
        expect(Math.abs(value - expected[e]), `${key} epoch ${e}`).toBeLessThanOrEqual(
          1e-4 * Math.abs(expected[e]),
        );
      });
    }
    // Training moved the curve: a broken gradient through the shared layer would not follow tfjs.
    expect(ours.history.loss[9]).toBeLessThan(ours.history.loss[0] * 0.9);
  });
});

describe('lossWeights', () => {
  it('the total is Σ weight · output loss, in float32, in output order', () => {
    const { a, b, score, cls } = twoInputData();
    const { model } = sharedGraph(2);
    model.compile({ loss: ['mse', 'categoricalCrossentropy'], lossWeights: { score: 2, cls: 0.5 } });
    const logs = model.evaluate([a, b], [score, cls], { batchSize: 24 });
    const f = Math.fround;
    expect(logs.loss).toBe(f(f(logs.score_loss * 2) + f(logs.cls_loss * 0.5)));
  });

  it('a weight of 0 leaves that head untouched (its gradient is zero)', async () => {
    const { a, b, score, cls } = twoInputData();
    const { model } = sharedGraph(2);
    model.compile({
      optimizer: new SGD({ learningRate: 0.1 }),
      loss: ['mse', 'categoricalCrossentropy'],
      lossWeights: [1, 0],
    });
    const before = model.getWeights();
    await model.fit([a, b], [score, cls], { epochs: 2, batchSize: 8, verbose: 0 });
    const after = model.getWeights();
    // Weights: shared kernel, bias; score kernel, bias; cls kernel, bias.
    expect(Array.from(after[4])).toEqual(Array.from(before[4]));
    expect(Array.from(after[5])).toEqual(Array.from(before[5]));
    expect(Array.from(after[2])).not.toEqual(Array.from(before[2]));
  });
});

describe('inputs and targets by list or by name', () => {
  it('give the same predictions, evaluation and training bits', async () => {
    const { a, b, score, cls } = twoInputData();
    const run = async (byName: boolean) => {
      const { model } = sharedGraph(3);
      model.compile({
        optimizer: 'adam',
        loss: { score: 'mse', cls: 'categoricalCrossentropy' },
        metrics: [['mae'], ['accuracy']],
      });
      const x = byName ? { a, b } : [a, b];
      const y = byName ? { cls, score } : [score, cls];
      const history = await model.fit(x, y, { epochs: 2, batchSize: 5, seed: 9, verbose: 0 });
      const predictions = model.predict(x) as Tensor[];
      return { hash: model.weightsHash(), history: history.history, logs: model.evaluate(x, y), predictions };
    };
    const list = await run(false);
    const named = await run(true);
    expect(named.hash).toBe(list.hash);
    expect(named.history).toEqual(list.history);
    expect(named.logs).toEqual(list.logs);
    expect(Object.keys(list.logs)).toEqual(['loss', 'score_loss', 'cls_loss', 'score_mae', 'cls_accuracy']);
    expect(list.predictions.map((p) => p.shape)).toEqual([
      [24, 1],
      [24, 2],
    ]);
    expect(Array.from(named.predictions[1].data)).toEqual(Array.from(list.predictions[1].data));
  });

  it('name what is wrong with the data', () => {
    const { a, b, score, cls } = twoInputData();
    const { model } = sharedGraph(3);
    model.compile({ loss: ['mse', 'categoricalCrossentropy'] });
    expect(() => model.predict({ a, c: b })).toThrow(/predict: x: unknown name 'c'.*'a', 'b'/);
    expect(() => model.predict({ a })).toThrow(/predict: x: no data for 'b'/);
    expect(() => model.predict(a)).toThrow(/predict: x: the model has 2 \(a, b\)/);
    expect(() => model.predict([a, b.slice(0, 5)])).toThrow(
      /predict: x\[0\] has 24 samples but predict: x\[1\] has 5/,
    );
    expect(() => model.predict([b.map((r) => r.slice(0, 2)), b])).toThrow(
      /input 'a' expects samples of shape \[3\], got \[2\]/,
    );
    expect(() => model.evaluate([a, b], [score, cls.slice(1)])).toThrow(
      /evaluate: y\[0\] has 24 samples but evaluate: y\[1\] has 23/,
    );
    expect(() => model.compile({ loss: ['mse'] })).toThrow(
      /loss has 1 entries, the model has 2 outputs \(score, cls\)/,
    );
    expect(() => model.compile({ loss: { score: 'mse', clss: 'mse' } })).toThrow(
      /loss names 'clss', not an output/,
    );
  });
});

describe('a bad graph is refused at construction', () => {
  it('a disconnected input: an output depends on an Input the model does not list', () => {
    const a = Input({ shape: [2], name: 'in_a' });
    const b = Input({ shape: [2], name: 'in_b' });
    const out = new Add().apply([a, b]);
    expect(() => new Model({ inputs: [a], outputs: out })).toThrow(
      /depends on Input 'in_b', which is not among the model's inputs \('in_a'\): the graph is disconnected/,
    );
  });
  it('an input no output depends on', () => {
    const a = Input({ shape: [2], name: 'used' });
    const b = Input({ shape: [2], name: 'unused' });
    expect(() => new Model({ inputs: [a, b], outputs: new Dense(1).apply(a) })).toThrow(
      /inputs\[1\] \('unused'\) is not connected to any output/,
    );
  });
  it('a duplicated input', () => {
    const a = Input({ shape: [2], name: 'twice' });
    expect(() => new Model({ inputs: [a, a], outputs: new Dense(1).apply(a) })).toThrow(
      /input 'twice' is given twice \(inputs\[0\] and inputs\[1\]\)/,
    );
  });
  it('an output that does not come from the inputs', () => {
    const a = Input({ shape: [2], name: 'x1' });
    const other = Input({ shape: [2], name: 'x2' });
    expect(
      () => new Model({ inputs: a, outputs: [new Dense(1).apply(a), new Dense(1).apply(other)] }),
    ).toThrow(/outputs\[1\] .*depends on Input 'x2'/);
  });
  it('non-symbolic tensors, and a layer output as an input', () => {
    const a = Input({ shape: [2] });
    const h = new Dense(3, { name: 'hidden_h' }).apply(a);
    expect(() => new Model({ inputs: [[1, 2]], outputs: h })).toThrow(
      /inputs\[0\] must be a symbolic tensor/,
    );
    expect(() => new Model({ inputs: a, outputs: [1, 2] })).toThrow(/outputs\[0\] must be a symbolic tensor/);
    expect(() => new Model({ inputs: h, outputs: h })).toThrow(
      /inputs\[0\] is the output of layer 'hidden_h', not an Input/,
    );
    expect(() => new Dense(2).apply([[1, 2]] as never)).toThrow(/apply: expected symbolic tensors/);
  });
  it('wrong rank or width at apply names the layer and both shapes', () => {
    const a = Input({ shape: [4] });
    const b = Input({ shape: [5] });
    const dense = new Dense(3, { name: 'shared_dense' });
    dense.apply(a);
    expect(() => dense.apply(b)).toThrow(
      /shared_dense \(Dense\) applied to inputs of shape \[5\]: .*\[4\].*\[5\]/,
    );
    expect(() => new Add({ name: 'plus' }).apply([a, b])).toThrow(
      /plus \(Add\) applied to inputs of shape \[4\] and \[5\]: inputs of shapes \[4\] and \[5\] cannot be merged/,
    );
    const rnn = new SimpleRNN(2, { name: 'rnn_rank' });
    expect(() => rnn.apply(a)).toThrow(/rnn_rank \(SimpleRNN\) applied to inputs of shape \[4\]/);
  });
});

describe('training state', () => {
  it('4 epochs, a save, a restore into a fresh model and 6 more = 10 uninterrupted (Dropout, shuffling, Adam)', async () => {
    const { a, b, score, cls } = twoInputData();
    const x = { a, b };
    const y = { score, cls };
    setSeed(21);
    const whole = twoInputModel();
    await whole.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0 });
    setSeed(21);
    const first = twoInputModel();
    await first.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
    const saved = JSON.parse(
      JSON.stringify({
        weights: first.getWeights().map((w) => Array.from(w)),
        state: first.getTrainingState(),
      }),
    );
    setSeed(999);
    const fresh = twoInputModel();
    fresh.setWeights(saved.weights);
    fresh.setTrainingState(saved.state);
    await fresh.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0 });
    expect(fresh.weightsHash()).toBe(whole.weightsHash());
    expect(first.weightsHash()).not.toBe(whole.weightsHash());
  });
});

describe('the graph as JSON (io/functional-config.ts)', () => {
  it('round-trips: the rebuilt model with the same weights predicts the same bits', () => {
    const { a, b } = twoInputData();
    const { model } = sharedGraph(5);
    const config = JSON.parse(JSON.stringify(functionalToConfig(model)));
    expect(config.layers.map((l: { className: string }) => l.className)).toEqual([
      'Dense',
      'Add',
      'Concatenate',
      'Dense',
      'Dense',
    ]);
    const copy = functionalFromConfig(config);
    copy.setWeights(model.getWeights());
    expect(copy.weightsHash()).toBe(model.weightsHash());
    const ours = model.predict([a, b]) as Tensor[];
    const theirs = copy.predict({ a, b }) as Tensor[];
    ours.forEach((t, k) => {
      expect(Array.from(theirs[k].data)).toEqual(Array.from(t.data));
    });
  });

  it('names what is wrong in a config', () => {
    const config = functionalToConfig(sharedGraph(5).model);
    expect(() => functionalFromConfig({ ...config, className: 'Sequential' })).toThrow(
      /model\.className: expected 'Model'/,
    );
    expect(() => functionalFromConfig({ ...config, outputs: [{ node: 99 }] })).toThrow(
      /model\.outputs\[0\]: refers to \{"node":99\}, which does not exist/,
    );
    expect(() => functionalFromConfig({ ...config, nodes: [{ layer: 7, inputs: [], list: false }] })).toThrow(
      /model\.nodes\[0\]\.layer: no layer 7/,
    );
  });
});

describe('summary', () => {
  it('shows each node with what it is connected to', () => {
    const { model } = sharedGraph(1);
    const text = model.summary(null);
    expect(text).toContain('Connected to');
    expect(text).toMatch(/shared \(Dense\) +│ \(None, 4\) +│ +16 │ a\[0\]\[0\]/);
    expect(text).toMatch(/shared \(Dense\) +│ \(None, 4\) +│ +0 │ b\[0\]\[0\]/);
    expect(text).toMatch(/add\S* \(Add\) .*shared\[0\]\[0\], shared\[1\]\[0\]/);
    expect(text).toContain(`Total params: ${model.countParams()}`);
  });
});

/** Pinned: a change of numbers in the functional path shows here. */
const PINNED = {
  arrays: '886d4786400ce4e9b3161bf5a90c4c39cb9c4bd92f7aa0ee04ee5d8f536a5a47',
  generated: '5a301d71e1945b2df48ba7352b3f94bd9f50b4076ecb96a9d952cf7cc2782654',
  onBatch: '8062658b227ab41b619107bd5d11b0055c0fd1e4eda7cfcb5be36578be09fc0b',
};

describe('reproducible across processes', () => {
  it('two child processes and this one give the same, pinned hashes', async () => {
    const [first, second] = await Promise.all([
      runTsx('test/fixtures/functional-fits.ts', ['1'], { NODE_OPTIONS: '--conditions=ditto-source' }),
      runTsx('test/fixtures/functional-fits.ts', ['1'], { NODE_OPTIONS: '--conditions=ditto-source' }),
    ]);
    const here = await functionalFits(1);
    expect(JSON.parse(first)).toEqual(here);
    expect(JSON.parse(second)).toEqual(here);
    expect({ arrays: here.arrays, generated: here.generated, onBatch: here.onBatch }).toEqual(PINNED);
    expect(new Set([here.arrays, here.generated, here.onBatch]).size).toBe(3);
  });
});
