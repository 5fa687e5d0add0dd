/**
 * AUC, Precision and Recall compiled by name: History keys as Keras ('auc', 'precision', 'recall',
 * 'val_…'), evaluate's batch-by-batch accumulation equal bit for bit to one call on predict's
 * output, and the per-sample metrics unchanged.
 */
import { describe, expect, it } from 'vitest';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { AUC, F1Score, getMetric, Precision, Recall } from '../packages/ditto/src/metrics/index.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const N = 120;
const features = testValues(N * 3, 31);
const x = tensor(features, [N, 3]);
const y = tensor(
  Array.from({ length: N }, (_, i) => (features[3 * i] + 0.5 * features[3 * i + 1] > 0 ? 1 : 0)),
  [N, 1],
);

function classifier(metrics: Parameters<Sequential['compile']>[0]['metrics']): Sequential {
  setSeed(9);
  const model = new Sequential([
    new Dense(5, { inputDim: 3, activation: 'tanh' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  model.compile({ loss: 'binary_crossentropy', optimizer: 'adam', metrics });
  return model;
}

describe('stateful metrics in compile', () => {
  it("are keyed by Keras's metric names in History, with validation twins", async () => {
    const model = classifier(['AUC', 'precision', 'Recall', 'binary_accuracy']);
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 16,
      validationSplit: 0.25,
      verbose: 0,
      seed: 1,
    });
    expect(Object.keys(history.history).sort()).toEqual([
      'auc',
      'binary_accuracy',
      'loss',
      'precision',
      'recall',
      'val_auc',
      'val_binary_accuracy',
      'val_loss',
      'val_precision',
      'val_recall',
    ]);
    for (const key of ['auc', 'val_auc', 'precision', 'recall']) {
      for (const v of history.history[key]) expect(v >= 0 && v <= 1, `${key} ${v}`).toBe(true);
    }
    expect(history.history.val_auc[2]).toBeGreaterThan(0.5);
  });

  it("evaluate's accumulation over batches equals one call on predict's output, bit for bit", async () => {
    const model = classifier(['auc', 'precision', 'recall']);
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, seed: 2 });
    const logs = await model.evaluate(x, y, { batchSize: 7 });
    const predictions = model.predict(x);
    const oneShot = [new AUC(), new Precision(), new Recall()].map((m) => {
      m.updateState(y, predictions);
      return m.result();
    });
    expect([logs.auc, logs.precision, logs.recall]).toEqual(oneShot);
  });

  it('instances with options too: keyed by their name, reset every epoch', async () => {
    const pr = new AUC({ curve: 'PR', numThresholds: 50 });
    const model = classifier([pr]);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, seed: 3 });
    expect(history.history.auc).toHaveLength(2);
    const logs = await model.evaluate(x, y, { batchSize: 10 });
    const oneShot = new AUC({ curve: 'PR', numThresholds: 50 });
    oneShot.updateState(y, model.predict(x));
    expect(logs.auc).toBe(oneShot.result());
    // Per-class F1 gives several numbers, which a History entry cannot hold: a clear error.
    const f1 = classifier([new F1Score()]);
    await expect(f1.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/metric 'f1_score'.*one number/);
  });

  it('getMetric returns a factory for them, and their fn explains it has no per-sample form', () => {
    const auc = getMetric('AUC');
    expect(auc.name).toBe('auc');
    expect(auc.create?.()).toBeInstanceOf(AUC);
    expect(() => auc.fn(tensor([1]), tensor([1]))).toThrow(/'auc' is stateful/);
    expect(getMetric('mse').create).toBeUndefined();
    expect(() => getMetric('Precison')).toThrow(/Precision/);
  });
});
