/**
 * The Keras callbacks added for issue 11 — LambdaCallback, LearningRateScheduler,
 * ReduceLROnPlateau, CSVLogger (core sink and Node file) — with real fits, and History keeping
 * what callbacks add to an epoch's logs (Keras 3's `learning_rate`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logs, TrainingModel } from '../packages/ditto/src/callbacks/callback.js';
import { pythonFloat } from '../packages/ditto/src/callbacks/csv-format.js';
import { CSVLogger, type CSVSink } from '../packages/ditto/src/callbacks/csv-logger.js';
import { LambdaCallback } from '../packages/ditto/src/callbacks/lambda-callback.js';
import { LearningRateScheduler } from '../packages/ditto/src/callbacks/learning-rate-scheduler.js';
import { ReduceLROnPlateau } from '../packages/ditto/src/callbacks/reduce-lr-on-plateau.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { SGD } from '../packages/ditto/src/optimizers/index.js';
import { ExponentialDecay } from '../packages/ditto/src/optimizers/schedules/index.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { csvFileSink } from '../packages/ditto-node/src/callbacks/csv-file.js';
import { testValues } from './helpers/test-values.js';

const N = 24;
const X = tensor(testValues(N * 3, 1), [N, 3]);
const Y = tensor(testValues(N, 2), [N, 1]);

function model(learningRate: number | ExponentialDecay = 0.1): Sequential {
  const m = new Sequential();
  m.add(new Dense(4, { inputDim: 3, activation: 'tanh', seed: 1 }));
  m.add(new Dense(1, { seed: 2 }));
  m.compile({ loss: 'mse', optimizer: new SGD({ learningRate }) });
  return m;
}

const weightsOf = (m: Sequential) => m.getWeights().map((w) => Array.from(w));

beforeEach(() => setSeed(7));

describe('LambdaCallback', () => {
  it('calls each hook given, in fit order, with the logs', async () => {
    const events: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: () => {
        events.push('train');
      },
      onEpochBegin: (e) => {
        events.push(`epoch ${e}`);
      },
      onBatchEnd: (b, logs) => {
        events.push(`batch ${b} ${typeof logs.loss}`);
      },
      onEpochEnd: async (e, logs) => {
        events.push(`end ${e} ${Object.keys(logs).join(',')}`);
      },
      onTrainEnd: () => {
        events.push('done');
      },
    });
    await model().fit(X, Y, { epochs: 2, batchSize: 12, verbose: 0, callbacks: [cb] });
    expect(events).toEqual([
      'train',
      'epoch 0',
      'batch 0 number',
      'batch 1 number',
      'end 0 loss',
      'epoch 1',
      'batch 0 number',
      'batch 1 number',
      'end 1 loss',
      'done',
    ]);
  });

  it('rejects unknown hooks and non-functions, naming them', () => {
    expect(() => new LambdaCallback({ on_epoch_end: () => {} } as never)).toThrow(
      /unknown option "on_epoch_end".*onEpochEnd/,
    );
    expect(() => new LambdaCallback({ onEpochEnd: 3 as never })).toThrow(/onEpochEnd/);
  });
});

describe('LearningRateScheduler', () => {
  it('sets the rate each epoch (read by the replayed step), equal bit for bit to fits with the rate set by hand', async () => {
    const schedule = (epoch: number, lr: number) => (epoch === 0 ? lr : lr * 0.5);
    const scheduled = model();
    const history = await scheduled.fit(X, Y, {
      epochs: 4,
      batchSize: 6,
      shuffle: false,
      verbose: 0,
      callbacks: [new LearningRateScheduler(schedule)],
    });
    expect(history.history.learning_rate).toEqual([0.1, 0.05, 0.025, 0.0125]);

    const byHand = model();
    for (const lr of [0.1, 0.05, 0.025, 0.0125]) {
      (byHand.optimizer as SGD).learningRate = lr;
      await byHand.fit(X, Y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    }
    expect(weightsOf(scheduled)).toEqual(weightsOf(byHand));
    const constant = model();
    await constant.fit(X, Y, { epochs: 4, batchSize: 6, shuffle: false, verbose: 0 });
    expect(weightsOf(constant)).not.toEqual(weightsOf(scheduled));
  });

  it('refuses a schedule that returns no number, and an optimizer whose rate is a schedule', async () => {
    const bad = new LearningRateScheduler(() => Number.NaN);
    await expect(model().fit(X, Y, { epochs: 1, verbose: 0, callbacks: [bad] })).rejects.toThrow(
      /must return a finite number, got NaN at epoch 0/,
    );
    const onSchedule = model(
      new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 }),
    );
    await expect(
      onSchedule.fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new LearningRateScheduler((_e, lr) => lr)] }),
    ).rejects.toThrow(/ExponentialDecay schedule and cannot be set/);
  });
});

/** A stand-in model for driving the callback epoch by epoch with chosen logs. */
function fakeModel(
  learningRate: number,
): TrainingModel & { optimizer: { name: string; learningRate: number } } {
  return {
    stopTraining: false,
    getWeights: () => [],
    setWeights: () => {},
    optimizer: { name: 'sgd', learningRate },
  };
}

describe('ReduceLROnPlateau', () => {
  it("follows Keras 3's algorithm: patience, minDelta, cooldown, minLr", () => {
    const plateau = new ReduceLROnPlateau({
      monitor: 'loss',
      factor: 0.5,
      patience: 2,
      cooldown: 1,
      minDelta: 0.01,
      minLr: 0.03,
    });
    const m = fakeModel(0.2);
    plateau.setModel(m);
    plateau.onTrainBegin();
    const losses = [1, 0.995, 0.99, 0.98, 0.98, 0.97, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8];
    const rates: number[] = [];
    const logged: number[] = [];
    losses.forEach((loss, epoch) => {
      const logs: Logs = { loss };
      plateau.onEpochEnd(epoch, logs);
      logged.push(logs.learning_rate);
      rates.push(m.optimizer.learningRate);
    });
    // Worked by hand from keras/src/callbacks/reduce_lr_on_plateau.py:
    // e0 best=1; e1 0.995 not < 0.99: wait 1; e2 0.99 not < 0.99: wait 2 → 0.1, cooldown 1;
    // e3 cooldown→0, wait 0, 0.98 < 0.99: best; e4 wait 1; e5 0.97 not < 0.97: wait 2 → 0.05, cooldown 1;
    // e6 cooldown→0, 0.8 best; e7 wait 1; e8 wait 2 → max(0.025, 0.03) = 0.03; e9 cooldown→0, wait 0 → e10 wait 1;
    // e11 wait 2 but 0.03 is not above minLr: unchanged.
    const f = Math.fround;
    const a = f(0.2) * 0.5;
    const b = f(a) * 0.5;
    expect(rates).toEqual([0.2, 0.2, a, a, a, b, b, b, 0.03, 0.03, 0.03, 0.03]);
    expect(logged).toEqual([0.2, 0.2, 0.2, a, a, a, b, b, b, 0.03, 0.03, 0.03].map(f));
  });

  it('in a real fit: the rate halves after each epoch without improvement, in History as learning_rate', async () => {
    const m = model();
    // No change counts as an improvement by 1e9, so from the second epoch on each one reduces.
    const plateau = new ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 1e9 });
    const history = await m.fit(X, Y, { epochs: 4, batchSize: 8, verbose: 0, callbacks: [plateau] });
    const f = Math.fround;
    expect(history.history.learning_rate).toEqual([
      f(0.1),
      f(0.1),
      f(f(0.1) * 0.5),
      f(f(f(0.1) * 0.5) * 0.5),
    ]);
    expect((m.optimizer as SGD).learningRate).toBe(f(f(f(0.1) * 0.5) * 0.5) * 0.5);
    expect(Object.keys(history.history).sort()).toEqual(['learning_rate', 'loss']);
  });

  it('names a missing monitored value and bad options', async () => {
    await expect(
      model().fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new ReduceLROnPlateau()] }),
    ).rejects.toThrow(/'val_loss' is not in the logs; available: loss/);
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/factor must be in \(0, 1\), got 1/);
    expect(() => new ReduceLROnPlateau({ min_lr: 0.1 } as never)).toThrow(/unknown option "min_lr".*minLr/);
    expect(() => new ReduceLROnPlateau({ patience: -1 })).toThrow(/patience/);
  });
});

/** A sink that keeps the text, as a file would with `append`. */
function memorySink(initial = ''): CSVSink & { text: string } {
  const sink = {
    text: initial,
    open(append: boolean) {
      if (!append) sink.text = '';
      return sink.text === '';
    },
    write(t: string) {
      sink.text += t;
    },
  };
  return sink;
}

describe('CSVLogger', () => {
  it('writes Keras 3 rows: epoch and sorted log names, Python float text, \\r\\n', async () => {
    const sink = memorySink();
    const m = model();
    m.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.1 }), metrics: ['mae'] });
    const history = await m.fit(X, Y, {
      epochs: 2,
      batchSize: 8,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [new CSVLogger(sink)],
    });
    const h = history.history;
    const rows = [0, 1].map((e) => [e, h.loss[e], h.mae[e], h.val_loss[e], h.val_mae[e]]);
    const expected = `epoch,loss,mae,val_loss,val_mae\r\n${rows.map(([e, ...v]) => `${e},${v.map(pythonFloat).join(',')}\r\n`).join('')}`;
    expect(sink.text).toBe(expected);
    expect(sink.text).toMatch(/^epoch,loss,mae,val_loss,val_mae\r\n0,\d+\.\d+/);
  });

  it("without validation adds 'val_' columns written NA, and append keeps the header once", async () => {
    const sink = memorySink();
    const logger = new CSVLogger(sink, { separator: ';', append: true });
    await model().fit(X, Y, { epochs: 1, verbose: 0, callbacks: [logger] });
    await model().fit(X, Y, { epochs: 1, verbose: 0, callbacks: [logger] });
    const lines = sink.text.split('\r\n');
    expect(lines[0]).toBe('epoch;loss;val_loss');
    expect(lines[1]).toMatch(/^0;\d\.\d+(e-\d\d)?;NA$/);
    expect(lines[2]).toMatch(/^0;\d\.\d+(e-\d\d)?;NA$/);
    expect(lines).toHaveLength(4);
  });

  it('formats floats exactly as Python repr does', () => {
    const values = [
      0.1,
      1,
      3,
      1e-5,
      0.0001,
      1.5e-7,
      123456.789,
      1e16,
      1e15,
      2 ** 70,
      -2.5,
      0,
      Math.fround(0.1),
      5e-324,
    ];
    const python = execFileSync(
      '/usr/bin/python3',
      ['-c', `import sys; print("\\n".join(repr(float(v)) for v in sys.argv[1:]))`, ...values.map(String)],
      {
        encoding: 'utf8',
      },
    );
    expect(values.map(pythonFloat)).toEqual(python.trim().split('\n'));
    expect([Number.NaN, Number.POSITIVE_INFINITY].map(pythonFloat)).toEqual(['nan', 'inf']);
  });

  it('bad targets and options', () => {
    expect(() => new CSVLogger({} as never)).toThrow(/expected a file name or a sink/);
    expect(() => new CSVLogger(memorySink(), { sep: ',' } as never)).toThrow(
      /unknown option "sep".*separator/,
    );
  });

  describe('files in Node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ditto-csv-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes, overwrites, and appends to a file', async () => {
      const path = join(dir, 'log.csv');
      writeFileSync(path, 'old contents\r\n');
      const history = await model().fit(X, Y, {
        epochs: 2,
        verbose: 0,
        callbacks: [new CSVLogger(csvFileSink(path))],
      });
      const expected = `epoch,loss,val_loss\r\n0,${pythonFloat(history.history.loss[0])},NA\r\n1,${pythonFloat(history.history.loss[1])},NA\r\n`;
      expect(readFileSync(path, 'utf8')).toBe(expected);
      await model().fit(X, Y, {
        epochs: 1,
        verbose: 0,
        callbacks: [new CSVLogger(csvFileSink(path), { append: true })],
      });
      const appended = readFileSync(path, 'utf8');
      expect(appended.startsWith(expected)).toBe(true);
      expect(appended.slice(expected.length)).toMatch(/^0,[^,]+,NA\r\n$/);
    });

    it('a file name needs the Node opener, and a bad path is named', async () => {
      const { registerNodeCsvFiles } = await import('../packages/ditto-node/src/callbacks/csv-file.js');
      registerNodeCsvFiles();
      const path = join(dir, 'by-name.csv');
      await model().fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(path)] });
      expect(readFileSync(path, 'utf8')).toMatch(/^epoch,loss,val_loss\r\n0,/);
      const missing = join(dir, 'no-such-dir', 'x.csv');
      await expect(
        model().fit(X, Y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(missing)] }),
      ).rejects.toThrow(/CSVLogger: cannot open '.*no-such-dir.*x\.csv'/);
    });
  });
});
