/**
 * Training features on batches: trainOnBatch / testOnBatch / predictOnBatch run fit's, evaluate's
 * and predict's traced steps (the same bits); sampleWeight and classWeight follow Keras 3
 * (Σ w·loss / batch size, checked against float64); fit from an iterable or async iterable of
 * batches trains in the order it yields them.
 */
import { describe, expect, it } from 'vitest';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import type { Batch } from '../packages/ditto/src/models/model.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { SGD } from '../packages/ditto/src/optimizers/index.js';
import { testValues } from './helpers/test-values.js';

const N = 24;
const X = Array.from({ length: N }, (_, i) => testValues(3, 40 + i, -1, 1));
const Y = X.map((r) => [r[0] - 0.5 * r[1] + 0.25 * r[2] + 0.1]);
const LABELS = X.map((r) => (r[0] > 0 ? 1 : 0));
const ONE_HOT = LABELS.map((c) => (c === 1 ? [0, 1] : [1, 0]));
const WEIGHTS = Array.from({ length: N }, (_, i) => 0.25 + (i % 5) * 0.5);

function regression(seed = 1, optimizer: 'adam' | SGD = 'adam', metrics: string[] = []): Sequential {
  const model = new Sequential([
    new Dense(5, { inputDim: 3, activation: 'tanh', seed }),
    new Dense(1, { seed: seed + 1 }),
  ]);
  model.compile({ optimizer, loss: 'mse', metrics });
  return model;
}

function classifier(seed = 1): Sequential {
  const model = new Sequential([new Dense(2, { inputDim: 3, activation: 'softmax', seed })]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const slice = <T>(rows: readonly T[], start: number, end: number) => rows.slice(start, end);

describe('trainOnBatch / testOnBatch / predictOnBatch: the steps of fit, evaluate and predict', () => {
  it('three trainOnBatch calls equal one unshuffled epoch of batch size 8, bit for bit', async () => {
    const fitted = regression();
    await fitted.fit(X, Y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const stepped = regression();
    const losses = [0, 8, 16].map((s) => stepped.trainOnBatch(slice(X, s, s + 8), slice(Y, s, s + 8)));
    expect(stepped.weightsHash()).toBe(fitted.weightsHash());
    losses.forEach((loss) => {
      expect(typeof loss).toBe('number');
    });
  });

  it('trainOnBatch with sample weights equals fit with them', async () => {
    const fitted = regression();
    await fitted.fit(X, Y, { epochs: 1, batchSize: 12, shuffle: false, verbose: 0, sampleWeight: WEIGHTS });
    const stepped = regression();
    for (const s of [0, 12])
      stepped.trainOnBatch(slice(X, s, s + 12), slice(Y, s, s + 12), {
        sampleWeight: slice(WEIGHTS, s, s + 12),
      });
    expect(stepped.weightsHash()).toBe(fitted.weightsHash());
  });

  it("return Keras's forms: a number, [loss, …metrics], or the logs by name", () => {
    const model = regression(3, 'adam', ['mae']);
    const asList = model.testOnBatch(X, Y) as number[];
    const logs = model.evaluate(X, Y, { batchSize: N });
    expect(asList).toEqual([logs.loss, logs.mae]);
    expect(model.testOnBatch(X, Y, { returnDict: true })).toEqual(logs);
    const trained = model.trainOnBatch(X, Y, { returnDict: true }) as Record<string, number>;
    expect(Object.keys(trained)).toEqual(['loss', 'mae']);
    // The loss of the batch before the update: the evaluation's.
    expect(trained.loss).toBe(logs.loss);
    expect(model.testOnBatch(X, Y, { returnDict: true })).not.toEqual(logs);
  });

  it('predictOnBatch gives predict’s bits', () => {
    const model = regression(4);
    expect(Array.from(model.predictOnBatch(X).data)).toEqual(Array.from(model.predict(X).data));
  });

  it('check their options', () => {
    const model = regression();
    expect(() => model.trainOnBatch(X, Y, { sample_weight: WEIGHTS } as never)).toThrow(
      /trainOnBatch: unknown option "sample_weight" \(did you mean 'sampleWeight'\?\)/,
    );
    expect(() => model.testOnBatch(X, Y.slice(1))).toThrow(/testOnBatch: x has 24 samples but y has 23/);
  });
});

describe('sampleWeight: Σ w·loss / batch size (Keras 3 sum_over_batch_size)', () => {
  it('evaluate matches a float64 computation, over several batches weighted by batch size', () => {
    const model = regression(5);
    const predictions = model.predict(X).data;
    const perSample = Y.map((y, i) => (predictions[i] - y[0]) ** 2);
    const batchLoss = (s: number, e: number) => {
      let sum = 0;
      for (let i = s; i < e; i++) sum += WEIGHTS[i] * perSample[i];
      return sum / (e - s);
    };
    const expected = (10 * batchLoss(0, 10) + 10 * batchLoss(10, 20) + 4 * batchLoss(20, 24)) / N;
    const { loss } = model.evaluate(X, Y, { batchSize: 10, sampleWeight: WEIGHTS });
    expect(Math.abs(loss - expected)).toBeLessThanOrEqual(1e-6 * expected);
    const unweighted = model.evaluate(X, Y, { batchSize: 10 }).loss;
    expect(Math.abs(unweighted - expected)).toBeGreaterThan(1e-3 * expected);
  });

  it('one SGD step moves a linear model as the float64 gradient of the weighted loss says', () => {
    const model = new Sequential([new Dense(1, { inputDim: 3, seed: 9 })]);
    model.compile({ optimizer: new SGD({ learningRate: 0.05 }), loss: 'mse' });
    const [kernel, bias] = model.getWeights().map((w) => Array.from(w));
    model.trainOnBatch(X, Y, { sampleWeight: WEIGHTS });
    const gradK = [0, 0, 0];
    let gradB = 0;
    X.forEach((x, i) => {
      const residual = x[0] * kernel[0] + x[1] * kernel[1] + x[2] * kernel[2] + bias[0] - Y[i][0];
      for (let j = 0; j < 3; j++) gradK[j] += (2 * WEIGHTS[i] * residual * x[j]) / N;
      gradB += (2 * WEIGHTS[i] * residual) / N;
    });
    const [k2, b2] = model.getWeights();
    for (let j = 0; j < 3; j++)
      expect(Math.abs(k2[j] - (kernel[j] - 0.05 * gradK[j]))).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(b2[0] - (bias[0] - 0.05 * gradB))).toBeLessThanOrEqual(1e-6);
  });

  it('validationData [x, y, sampleWeight] reports the weighted validation loss', async () => {
    const model = regression(6, new SGD({ learningRate: 0 }));
    const history = await model.fit(X, Y, {
      epochs: 1,
      batchSize: 8,
      verbose: 0,
      validationData: [X, Y, WEIGHTS],
    });
    expect(history.history.val_loss[0]).toBe(
      model.evaluate(X, Y, { batchSize: 8, sampleWeight: WEIGHTS }).loss,
    );
    expect(history.history.val_loss[0]).not.toBe(model.evaluate(X, Y, { batchSize: 8 }).loss);
  });

  it('bad weights are named', () => {
    const model = regression();
    expect(() => model.evaluate(X, Y, { sampleWeight: WEIGHTS.slice(1) })).toThrow(
      /evaluate: sampleWeight: expected one weight per sample \(24\), got shape \[23, 1\]/,
    );
    expect(() => model.evaluate(X, Y, { sampleWeight: WEIGHTS.map((w, i) => (i === 3 ? -1 : w)) })).toThrow(
      /weight -1 of sample 3 is negative/,
    );
    expect(() => model.evaluate(X, Y, { sampleWeight: WEIGHTS, classWeight: { 0: 1 } })).toThrow(
      /give sampleWeight or classWeight, not both/,
    );
  });
});

describe('classWeight: each sample weighted by its class (Keras 3 class_weight_to_sample_weights)', () => {
  const classWeight = { 0: 0.5, 1: 3 };
  const asSampleWeights = LABELS.map((c) => classWeight[c as 0 | 1]);

  it('one-hot targets (the class is the argmax) train as the equivalent sample weights', async () => {
    const byClass = classifier();
    await byClass.fit(X, ONE_HOT, { epochs: 3, batchSize: 8, seed: 2, verbose: 0, classWeight });
    const bySample = classifier();
    await bySample.fit(X, ONE_HOT, {
      epochs: 3,
      batchSize: 8,
      seed: 2,
      verbose: 0,
      sampleWeight: asSampleWeights,
    });
    expect(byClass.weightsHash()).toBe(bySample.weightsHash());
    const plain = classifier();
    await plain.fit(X, ONE_HOT, { epochs: 3, batchSize: 8, seed: 2, verbose: 0 });
    expect(plain.weightsHash()).not.toBe(byClass.weightsHash());
  });

  it('sparse targets (the class is the rounded label); an unlisted class weighs 1', () => {
    const model = new Sequential([new Dense(3, { inputDim: 3, activation: 'softmax', seed: 4 })]);
    model.compile({ loss: 'sparseCategoricalCrossentropy' });
    const labels = LABELS.map((c, i) => (i % 7 === 0 ? 2 : c));
    const weights = labels.map((c) => (c === 2 ? 1 : classWeight[c as 0 | 1]));
    expect(model.evaluate(X, labels, { classWeight })).toEqual(
      model.evaluate(X, labels, { sampleWeight: weights }),
    );
  });

  it('rejects a bad class weight', () => {
    const model = classifier();
    expect(() => model.evaluate(X, ONE_HOT, { classWeight: { 1: -2 } })).toThrow(
      /evaluate: classWeight: the weight of class 1 must be a finite number ≥ 0, got -2/,
    );
  });
});

describe('fit from a batch source: the batches in the order the source yields them', () => {
  /** An iterable that starts over every epoch (an array itself is data, not a list of batches). */
  const each = (list: readonly Batch[]): Iterable<Batch> => ({
    [Symbol.iterator]: () => list[Symbol.iterator](),
  });
  const batches = (size: number): Batch[] => {
    const out: Batch[] = [];
    for (let s = 0; s < N; s += size) out.push([slice(X, s, s + size), slice(Y, s, s + size)]);
    return out;
  };

  it('an iterable of batches, a generator and an async generator give unshuffled fit’s bits', async () => {
    const reference = regression(6, 'adam', ['mae']);
    const expected = await reference.fit(X, Y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    const fromArray = regression(6, 'adam', ['mae']);
    const history = await fromArray.fit(each(batches(8)), { epochs: 3, verbose: 0 });
    expect(fromArray.weightsHash()).toBe(reference.weightsHash());
    expect(history.history).toEqual(expected.history);
    const fromGenerator = regression(6, 'adam', ['mae']);
    await fromGenerator.fit(
      {
        *[Symbol.iterator]() {
          yield* batches(8);
        },
      },
      { epochs: 3, verbose: 0 },
    );
    expect(fromGenerator.weightsHash()).toBe(reference.weightsHash());
    const fromAsync = regression(6, 'adam', ['mae']);
    await fromAsync.fit(
      {
        async *[Symbol.asyncIterator]() {
          for (const batch of batches(8)) yield await Promise.resolve(batch);
        },
      },
      { epochs: 3, verbose: 0 },
    );
    expect(fromAsync.weightsHash()).toBe(reference.weightsHash());
  });

  it('with stepsPerEpoch one iterator runs on across epochs; order matters', async () => {
    const reference = regression(7);
    await reference.fit(X, Y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    function* endless() {
      for (;;) yield* batches(8);
    }
    const streamed = regression(7);
    await streamed.fit(endless(), { epochs: 2, stepsPerEpoch: 3, verbose: 0 });
    expect(streamed.weightsHash()).toBe(reference.weightsHash());
    const reversed = regression(7);
    await reversed.fit(each([...batches(8)].reverse()), { epochs: 2, verbose: 0 });
    expect(reversed.weightsHash()).not.toBe(reference.weightsHash());
  });

  it('a third entry is the batch’s sample weights', async () => {
    const reference = regression(8);
    await reference.fit(X, Y, {
      epochs: 1,
      batchSize: 12,
      shuffle: false,
      verbose: 0,
      sampleWeight: WEIGHTS,
    });
    const streamed = regression(8);
    const weighted: Batch[] = [0, 12].map((s) => [
      slice(X, s, s + 12),
      slice(Y, s, s + 12),
      slice(WEIGHTS, s, s + 12),
    ]);
    await streamed.fit(each(weighted), { verbose: 0 });
    expect(streamed.weightsHash()).toBe(reference.weightsHash());
  });

  it('says what is wrong', async () => {
    const model = regression();
    function* two() {
      yield* batches(12);
    }
    await expect(model.fit(two(), { epochs: 2, stepsPerEpoch: 2, verbose: 0 })).rejects.toThrow(
      /the batch source ended at epoch 1, step 0, before stepsPerEpoch \(2\)/,
    );
    await expect(model.fit(each(batches(8)), { batchSize: 8, verbose: 0 })).rejects.toThrow(
      /fit: batchSize is for arrays/,
    );
    await expect(model.fit(two(), { epochs: 2, verbose: 0 })).rejects.toThrow(
      /the batch source yielded no batch in epoch 1 \(a generator is used up after one pass/,
    );
    await expect(model.fit(each([[X]] as never), { verbose: 0 })).rejects.toThrow(
      /fit: batch 0 of epoch 0: a batch must be \[x, y\] or \[x, y, sampleWeight\]/,
    );
    await expect(model.fit(X, Y, { stepsPerEpoch: 2, verbose: 0 })).rejects.toThrow(
      /stepsPerEpoch is for a batch source/,
    );
  });
});
