import { beforeEach, describe, expect, it } from 'vitest';
import { EarlyStopping } from '../packages/ditto/src/callbacks/early-stopping.js';
import { TerminateOnNaN } from '../packages/ditto/src/callbacks/terminate-on-nan.js';
import { Activation } from '../packages/ditto/src/layers/activation-layer.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Dropout } from '../packages/ditto/src/layers/dropout.js';
import { l2 } from '../packages/ditto/src/layers/regularizers.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { SGD } from '../packages/ditto/src/optimizers/index.js';
import { getSeed, restoreSeedState, seedWasDrawn, setSeed } from '../packages/ditto/src/random/index.js';
import { backward } from '../packages/ditto/src/tensor/autograd.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { fitTutorial, tutorialData } from '../packages/ditto/src/tutorial/tutorial.js';
import { testValues } from './helpers/test-values.js';

const { X, y } = tutorialData();

function tutorialModel(options: { seed?: number } = {}): Sequential {
  const model = new Sequential();
  model.add(new Dense(10, { inputDim: 1, seed: options.seed }));
  model.add(new Dense(1, { seed: options.seed === undefined ? undefined : options.seed + 1 }));
  model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
  return model;
}

beforeEach(() => setSeed(12345));

describe('Dense', () => {
  it('computes activation(x·W + b) with the layer weights', () => {
    const layer = new Dense(3, { inputDim: 2, activation: 'tanh', biasInitializer: 'ones' });
    layer.build([2]);
    const x = tensor([
      [0.5, -1],
      [2, 0.25],
    ]);
    const out = layer.call(x).data;
    const w = layer.kernel.value.data;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const pre = Math.fround(
          Math.fround(Math.fround(x.data[i * 2] * w[j]) + Math.fround(x.data[i * 2 + 1] * w[3 + j])) + 1,
        );
        expect(out[i * 3 + j]).toBeCloseTo(Math.tanh(pre), 6); // determinism-ok: test reference
      }
    }
  });

  it('backward matches central finite differences in float64', () => {
    const layer = new Dense(4, { inputDim: 3, activation: 'sigmoid', dtype: 'float64' });
    layer.build([3]);
    const x = tensor(Float64Array.from(testValues(15, 3)), [5, 3], 'float64');
    x.requiresGrad = true;
    const weights = tensor(Float64Array.from(testValues(20, 4)), [5, 4], 'float64');
    const objective = () => ops.sum(ops.mul(layer.call(x), weights));
    backward(objective());
    const h = 1e-6;
    for (const t of [x, layer.kernel.value, layer.bias!.value]) {
      const grad = t.grad!.data.slice();
      for (let i = 0; i < t.size; i++) {
        const saved = t.data[i];
        t.data[i] = saved + h;
        const up = objective().item();
        t.data[i] = saved - h;
        const down = objective().item();
        t.data[i] = saved;
        expect(grad[i]).toBeCloseTo((up - down) / (2 * h), 7);
      }
    }
  });

  it('has Keras default initializers: glorotUniform kernel within its limit, zero bias', () => {
    const layer = new Dense(50, { inputDim: 30 });
    layer.build([30]);
    const limit = Math.sqrt(6 / 80);
    expect(Math.max(...layer.kernel.value.data.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Array.from(layer.bias!.value.data).every((b) => b === 0)).toBe(true);
  });
});

describe('Sequential', () => {
  it('summarises layers and parameter counts like Keras', () => {
    const text = tutorialModel().summary(null);
    expect(text).toMatch(/dense\S* \(Dense\)\s+│ \(None, 10\)\s+│\s+20 │/);
    expect(text).toMatch(/\(None, 1\)\s+│\s+11 │/);
    expect(text).toContain('Total params: 31');
  });

  it('trains the tutorial network: the loss falls and History has one entry per epoch', async () => {
    const model = tutorialModel();
    const history = await model.fit(X, y, { epochs: 50, batchSize: 9, verbose: 0 });
    expect(history.epoch).toHaveLength(50);
    expect(history.history.loss).toHaveLength(50);
    expect(history.history.loss[49]).toBeLessThan(history.history.loss[0]);
    // evaluate() reports the same kind of number as a float64 MSE of the predictions.
    const pred = model.predict(X).data;
    const mse = y.reduce((s, [t], i) => s + (t - pred[i]) ** 2, 0) / 9;
    expect(model.evaluate(X, y).loss).toBeCloseTo(mse, 6);
  });

  it('reports metrics and validation values', async () => {
    const model = new Sequential([new Dense(8, { inputDim: 1, activation: 'relu' }), new Dense(1)]);
    model.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
    const history = await model.fit(X, y, { epochs: 3, batchSize: 4, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    expect(history.params.samples).toBe(6);
  });

  it('predictions do not depend on the batch size', async () => {
    const model = tutorialModel();
    await model.fit(X, y, { epochs: 5, verbose: 0 });
    const a = model.predict(X, { batchSize: 1 }).data;
    const b = model.predict(X, { batchSize: 9 }).data;
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('getWeights / setWeights round-trip and weightsHash follows the weights', () => {
    const model = tutorialModel();
    const before = model.weightsHash();
    const weights = model.getWeights();
    weights[0][0] += 0.5;
    model.setWeights(weights);
    expect(model.weightsHash()).not.toBe(before);
    weights[0][0] -= 0.5;
    model.setWeights(weights);
    expect(model.weightsHash()).toBe(before);
  });

  it('adds regularization penalties to the loss', async () => {
    setSeed(3);
    const plain = new Sequential([new Dense(4, { inputDim: 1, seed: 9 })]);
    const penalised = new Sequential([new Dense(4, { inputDim: 1, seed: 9, kernelRegularizer: l2(0.5) })]);
    for (const m of [plain, penalised]) m.compile({ loss: 'mse', optimizer: 'sgd' });
    const kernel = plain.getWeights()[0];
    const penalty = 0.5 * Array.from(kernel).reduce((s, w) => s + w * w, 0);
    const yy = y.map(([v]) => [v, v, v, v]);
    expect(penalised.evaluate(X, yy).loss - plain.evaluate(X, yy).loss).toBeCloseTo(penalty, 5);
  });

  it('Activation and Dropout layers train and differ only in training mode', async () => {
    const model = new Sequential([
      new Dense(16, { inputDim: 1 }),
      new Activation('relu'),
      new Dropout(0.5),
      new Dense(1),
    ]);
    model.compile({ loss: 'mse', optimizer: 'adam' });
    await model.fit(X, y, { epochs: 2, verbose: 0 });
    const a = model.predict(X).data;
    const b = model.predict(X).data;
    expect(Array.from(a)).toEqual(Array.from(b));
    const train1 = model.call(tensor(X), true).data;
    const train2 = model.call(tensor(X), true).data;
    expect(Array.from(train1)).not.toEqual(Array.from(train2));
  });
});

describe('reproducibility semantics', () => {
  it('setSeed then ten fits: ten different results, the same ten again after setSeed', async () => {
    setSeed(1);
    const first: string[] = [];
    for (let i = 0; i < 10; i++) first.push((await fitTutorial({ epochs: 10 })).weightsHash);
    expect(new Set(first).size).toBe(10);
    setSeed(1);
    const second: string[] = [];
    for (let i = 0; i < 10; i++) second.push((await fitTutorial({ epochs: 10 })).weightsHash);
    expect(second).toEqual(first);
  });

  it('different seeds give different weights', async () => {
    const a = await fitTutorial({ seed: 1, epochs: 10 });
    const b = await fitTutorial({ seed: 2, epochs: 10 });
    expect(a.weightsHash).not.toBe(b.weightsHash);
  });

  it('an explicit seed on a layer or on fit overrides the global seed', async () => {
    setSeed(1);
    const a = tutorialModel({ seed: 77 });
    setSeed(2);
    const b = tutorialModel({ seed: 77 });
    expect(a.weightsHash()).toBe(b.weightsHash());
    // fit's seed fixes the shuffle: same start weights + same fit seed → same result under any global seed.
    const xs = X.map(([v]) => [v, v * v]);
    const train = async (globalSeed: number) => {
      setSeed(globalSeed);
      const m = new Sequential([new Dense(4, { inputDim: 2, seed: 5 }), new Dense(1, { seed: 6 })]);
      m.compile({ loss: 'mse', optimizer: 'sgd' });
      await m.fit(xs, y, { epochs: 3, batchSize: 2, seed: 11, verbose: 0 });
      return m.weightsHash();
    };
    expect(await train(1)).toBe(await train(2));
  });

  it('an unseeded run draws a seed, records it, and replays from it', async () => {
    restoreSeedState({ seed: undefined, drawn: false, counters: {} });
    const lucky = await fitTutorial({ epochs: 10 });
    expect(seedWasDrawn()).toBe(true);
    const drawn = getSeed() as number; // a drawn seed is a plain uint32
    const replay = await fitTutorial({ epochs: 10, seed: drawn });
    expect(replay.weightsHash).toBe(lucky.weightsHash);
  });
});

describe('callbacks', () => {
  it('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const model = tutorialModel();
    const seen: Array<Array<Float32Array | Float64Array>> = [];
    const losses = [1, 0.5, 0.6, 0.7, 0.4];
    const stopper = new EarlyStopping({ monitor: 'scripted', patience: 2, restoreBestWeights: true });
    // Scripted monitored values: improvement at epochs 0 and 1, none at 2 and 3 → stop at 3.
    const script = {
      onEpochEnd(epoch: number, logs: Record<string, number>) {
        logs.scripted = losses[epoch];
        seen.push(model.getWeights());
      },
    };
    const history = await model.fit(X, y, {
      epochs: 5,
      batchSize: 9,
      verbose: 0,
      callbacks: [script, stopper],
    });
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    expect(stopper.stoppedEpoch).toBe(3);
    expect(stopper.bestEpoch).toBe(1);
    expect(model.getWeights().map((w) => Array.from(w))).toEqual(seen[1].map((w) => Array.from(w)));
  });

  it('EarlyStopping honours minDelta and mode max', () => {
    const model = { stopTraining: false, getWeights: () => [], setWeights: () => {} };
    const stopper = new EarlyStopping({ monitor: 'acc', patience: 1, minDelta: 0.1 });
    stopper.setModel(model);
    stopper.onTrainBegin();
    stopper.onEpochEnd(0, { acc: 0.5 });
    stopper.onEpochEnd(1, { acc: 0.55 }); // +0.05 < minDelta: no improvement
    expect(model.stopTraining).toBe(true);
    expect(() => stopper.onEpochEnd(2, { loss: 1 })).toThrow(/'acc' is not in the logs/);
  });

  it('TerminateOnNaN stops a diverging fit', async () => {
    const model = new Sequential([new Dense(10, { inputDim: 1 }), new Dense(1)]);
    model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 1e6 }) });
    const nan = new TerminateOnNaN();
    const history = await model.fit(X, y, { epochs: 100, batchSize: 1, verbose: 0, callbacks: [nan] });
    expect(history.epoch.length).toBeLessThan(100);
    expect(Number.isFinite(history.history.loss.at(-1)!)).toBe(false);
  });
});

describe('bad input gets a clear error', () => {
  it('x and y of different lengths', async () => {
    await expect(tutorialModel().fit(X, y.slice(1), { verbose: 0 })).rejects.toThrow(
      /x has 9 samples but y has 8/,
    );
  });
  it('wrong input width for the first layer', async () => {
    await expect(tutorialModel().fit([[1, 2]], [[1]], { verbose: 0 })).rejects.toThrow(
      /expects samples of shape \[1\], got \[2\]/,
    );
    expect(() => tutorialModel().predict([[1, 2, 3]])).toThrow(
      /expects samples of shape \[1\], got \[3\] \(first layer 'dense/,
    );
  });
  it('NaN or Infinity in the data', async () => {
    await expect(tutorialModel().fit([[0], [Number.NaN]], [[1], [2]], { verbose: 0 })).rejects.toThrow(
      /x: NaN at sample 1/,
    );
    await expect(tutorialModel().fit([[0], [1]], [[1], [Infinity]], { verbose: 0 })).rejects.toThrow(
      /y: Infinity at sample 1/,
    );
  });
  it('unknown optimizer, loss or activation names', () => {
    const m = new Sequential([new Dense(1, { inputDim: 1 })]);
    expect(() => m.compile({ loss: 'mse', optimizer: 'adamm' })).toThrow(/adamm/);
    expect(() => m.compile({ loss: 'mean_squarred_error' })).toThrow(/mean_squarred_error/);
    expect(() => new Dense(3, { activation: 'relux' })).toThrow(/Unknown activation 'relux'/);
  });
  it('epochs or batchSize not a positive integer', async () => {
    await expect(tutorialModel().fit(X, y, { epochs: 0, verbose: 0 })).rejects.toThrow(
      /epochs must be a positive integer, got 0/,
    );
    await expect(tutorialModel().fit(X, y, { batchSize: 2.5, verbose: 0 })).rejects.toThrow(
      /batchSize must be a positive integer, got 2.5/,
    );
  });
  it('predict or fit before the model can be built, fit before compile', async () => {
    const m = new Sequential([new Dense(1)]);
    expect(() => m.predict(X)).toThrow(/predict\(\) needs a built model/);
    await expect(new Sequential([new Dense(1, { inputDim: 1 })]).fit(X, y, { verbose: 0 })).rejects.toThrow(
      /call compile\(\) before fit/,
    );
  });
});
