import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
  seriesToSupervised,
  testCount,
  trainTestSplit,
} from '../packages/ditto/src/data/index.js';
import {
  foldIn,
  key,
  nextKey,
  permutation,
  restoreSeedState,
  type SeedState,
  saveSeedState,
  setSeed,
} from '../packages/ditto/src/random/index.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { missing } from './helpers/requirements.js';
import { testValues } from './helpers/test-values.js';

describe('seriesToSupervised', () => {
  it("gives the tutorial's pairs: concat([df.shift(1), df]).dropna() on 0.0 … 0.9", () => {
    const sequence = Array.from({ length: 10 }, (_, i) => i / 10);
    const { X, y } = seriesToSupervised(sequence);
    expect(X).toEqual([[0], [0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8]]);
    expect(y).toEqual([[0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8], [0.9]]);
    // The values are the series' own numbers, not recomputed ones.
    expect(X[3][0]).toBe(sequence[3]);
  });

  it('several lags: columns t−2, t−1 (oldest first)', () => {
    const { X, y } = seriesToSupervised([1, 2, 3, 4, 5], { lag: 2 });
    expect(X).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(y).toEqual([[3], [4], [5]]);
  });

  it('several steps ahead: targets t, t+1', () => {
    const { X, y } = seriesToSupervised([1, 2, 3, 4, 5], { lead: 2 });
    expect(X).toEqual([[1], [2], [3]]);
    expect(y).toEqual([
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
  });

  it('a multivariate series: every variable of one step before the next step', () => {
    const series = [
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ];
    const { X, y } = seriesToSupervised(series, { lag: 2 });
    expect(X).toEqual([
      [1, 10, 2, 20],
      [2, 20, 3, 30],
    ]);
    expect(y).toEqual([
      [3, 30],
      [4, 40],
    ]);
  });

  it('keeps every step with NaN where positions are missing when dropNa is false', () => {
    const { X, y } = seriesToSupervised([1, 2, 3], { lag: 2, lead: 2, dropNa: false });
    expect(X).toEqual([
      [Number.NaN, Number.NaN],
      [Number.NaN, 1],
      [1, 2],
    ]);
    expect(y).toEqual([
      [1, 2],
      [2, 3],
      [3, Number.NaN],
    ]);
  });

  it('validates its input with clear errors', () => {
    expect(() => seriesToSupervised([])).toThrow(/series is empty/);
    expect(() => seriesToSupervised([1, Number.NaN, 3])).toThrow(/step 1 must be a finite number, got NaN/);
    expect(() => seriesToSupervised([1, Number.POSITIVE_INFINITY])).toThrow(/step 1/);
    expect(() => seriesToSupervised([1, '2' as unknown as number, 3])).toThrow(/got "2"/);
    expect(() => seriesToSupervised([[1, 2], [3]])).toThrow(/step 1 has 1 variables, step 0 has 2/);
    expect(() => seriesToSupervised([[1], 2] as unknown as number[][])).toThrow(/all numbers or all rows/);
    expect(() => seriesToSupervised([[1, Number.NaN]])).toThrow(/step 0, variable 1/);
    expect(() => seriesToSupervised([1, 2, 3], { lag: 0 })).toThrow(/lag must be an integer ≥ 1, got 0/);
    expect(() => seriesToSupervised([1, 2, 3], { lag: 1.5 })).toThrow(/lag/);
    expect(() => seriesToSupervised([1, 2, 3], { lead: 0 })).toThrow(/lead/);
    expect(() => seriesToSupervised([1, 2, 3], { lag: 3 })).toThrow(
      /too short for lag 3 and lead 1 \(needs at least 4\)/,
    );
    expect(() => seriesToSupervised(5 as unknown as number[])).toThrow(/must be an array/);
  });
});

describe('trainTestSplit', () => {
  let saved: SeedState;
  beforeEach(() => {
    saved = saveSeedState();
  });
  afterEach(() => {
    restoreSeedState(saved);
  });

  const X = Array.from({ length: 20 }, (_, i) => [i, -i]);
  const y = Array.from({ length: 20 }, (_, i) => i * 10);

  function checkPartition(split: ReturnType<typeof trainTestSplit<number[], number>>, nTest: number): void {
    expect(split.xTest).toHaveLength(nTest);
    expect(split.xTrain).toHaveLength(X.length - nTest);
    const ids = [...split.xTest, ...split.xTrain].map((row) => row[0]);
    expect([...ids].sort((a, b) => a - b)).toEqual(X.map((row) => row[0]));
    // Targets stay with their inputs.
    expect(split.yTrain).toEqual(split.xTrain.map((row) => row[0] * 10));
    expect(split.yTest).toEqual(split.xTest.map((row) => row[0] * 10));
  }

  it('loses and duplicates no sample, and keeps pairs together', () => {
    checkPartition(trainTestSplit(X, y, { seed: 1 }), 5);
    checkPartition(trainTestSplit(X, y, { seed: 2, testSize: 0.1 }), 2);
  });

  it('is reproducible with a seed and different with another seed', () => {
    const a = trainTestSplit(X, y, { seed: 42 });
    const b = trainTestSplit(X, y, { seed: 42 });
    const c = trainTestSplit(X, y, { seed: 43 });
    expect(b).toEqual(a);
    expect(c.xTest).not.toEqual(a.xTest);
  });

  it("takes the test set from the front of random.permutation(key(seed), n), as scikit-learn's ShuffleSplit", () => {
    const order = Array.from(permutation(key(7), X.length));
    const split = trainTestSplit(X, y, { seed: 7 });
    expect(split.xTest.map((r) => r[0])).toEqual(order.slice(0, 5));
    expect(split.xTrain.map((r) => r[0])).toEqual(order.slice(5));
  });

  it("without a seed, takes the next key of the 'split' source (id 3)", () => {
    setSeed(3);
    const first = trainTestSplit(X, y);
    const second = trainTestSplit(X, y);
    const splitKey = (i: number) => foldIn(foldIn(key(3), 3), i);
    expect(first.xTest.map((r) => r[0])).toEqual(Array.from(permutation(splitKey(0), 20)).slice(0, 5));
    expect(second.xTest.map((r) => r[0])).toEqual(Array.from(permutation(splitKey(1), 20)).slice(0, 5));
    setSeed(3);
    expect(trainTestSplit(X, y)).toEqual(first);
  });

  it('takes no global key with an explicit seed or without shuffling', () => {
    setSeed(9);
    trainTestSplit(X, y, { seed: 1 });
    trainTestSplit(X, y, { shuffle: false });
    expect(nextKey('split')).toEqual(foldIn(foldIn(key(9), 3), 0));
  });

  it('without shuffling, trains on the first samples and tests on the last', () => {
    const split = trainTestSplit([1, 2, 3, 4, 5], ['a', 'b', 'c', 'd', 'e'], { shuffle: false, testSize: 2 });
    expect(split).toEqual({ xTrain: [1, 2, 3], xTest: [4, 5], yTrain: ['a', 'b', 'c'], yTest: ['d', 'e'] });
  });

  it('sizes the test set as scikit-learn: ceil(testSize · n), or an integer count', () => {
    expect(testCount(10, 0.25)).toBe(3);
    expect(testCount(20, 0.25)).toBe(5);
    expect(testCount(9, 0.1)).toBe(1);
    // 0.28 · 25 is 7.000000000000001 in binary floating point; Python's math.ceil gives 8 too.
    expect(testCount(25, 0.28)).toBe(8);
    expect(testCount(10, 1)).toBe(1);
    expect(testCount(10, 4)).toBe(4);
  });

  it('rejects invalid input with clear errors', () => {
    expect(() => trainTestSplit([1, 2, 3], [1, 2])).toThrow(/X has 3 samples but y has 2/);
    expect(() => trainTestSplit([1], [1])).toThrow(/at least 2 samples/);
    expect(() => trainTestSplit([1, 2], [1, 2], { testSize: 0 })).toThrow(/testSize/);
    expect(() => trainTestSplit([1, 2], [1, 2], { testSize: 1.5 })).toThrow(/testSize/);
    expect(() => trainTestSplit([1, 2, 3], [1, 2, 3], { testSize: 3 })).toThrow(/training set empty/);
    expect(() => trainTestSplit([1, 2, 3], [1, 2, 3], { testSize: 0.99 })).toThrow(/training set empty/);
    expect(() => trainTestSplit([1, 2], [1, 2], { seed: 1.5 })).toThrow();
  });
});

describe('regression scores in float64, as scikit-learn.metrics', () => {
  it('read a tensor as its nested array: the same scores and the same errors', () => {
    const values = Float32Array.from(testValues(12, 61, -3, 3));
    values[1] = -0;
    const other = Float32Array.from(testValues(12, 62, -3, 3));
    const scores = [meanSquaredError, meanAbsoluteError, rootMeanSquaredError, r2Score];
    for (const shape of [[12], [6, 2], [12, 1], [3, 4]]) {
      const a = new Tensor(values, shape);
      const b = new Tensor(other, shape);
      for (const score of scores) {
        const expected = score(a.toArray() as number[][], b.toArray() as number[][]);
        expect(Object.is(score(a, b), expected)).toBe(true);
        expect(Object.is(score(a.toArray() as number[][], b), expected)).toBe(true);
      }
    }
    const bad = Float32Array.from(values);
    bad[5] = Number.NaN;
    for (const shape of [[12], [6, 2]]) {
      const message = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      };
      const t = new Tensor(bad, shape);
      expect(message(() => meanSquaredError(t, t))).toBe(
        message(() => meanSquaredError(t.toArray() as number[][], t.toArray() as number[][])),
      );
    }
  });

  it('match hand-computed values', () => {
    const yTrue = [3, -0.5, 2, 7];
    const yPred = [2.5, 0, 2, 8];
    // scikit-learn's documented examples for these inputs.
    expect(meanSquaredError(yTrue, yPred)).toBe(0.375);
    expect(meanAbsoluteError(yTrue, yPred)).toBe(0.5);
    expect(rootMeanSquaredError(yTrue, yPred)).toBe(Math.sqrt(0.375));
    // r2: Σe² = 1.5; mean 2.875, Σ(y − ȳ)² = 29.1875 → 1 − 1.5/29.1875
    expect(r2Score(yTrue, yPred)).toBeCloseTo(0.9486081370449679, 15);
  });

  it('average over outputs for 2-D targets', () => {
    const yTrue = [
      [0.5, 1],
      [-1, 1],
      [7, -6],
    ];
    const yPred = [
      [0, 2],
      [-1, 2],
      [8, -5],
    ];
    // scikit-learn's documentation: mse 0.708…, mae 0.75, rmse 0.822…, r2 0.936…
    expect(meanSquaredError(yTrue, yPred)).toBeCloseTo(0.7083333333333334, 15);
    expect(meanAbsoluteError(yTrue, yPred)).toBe(0.75);
    expect(rootMeanSquaredError(yTrue, yPred)).toBeCloseTo(0.8227486121839513, 15);
    expect(r2Score(yTrue, yPred)).toBeCloseTo(0.9368005266622779, 15);
  });

  it("accept the model's nested predictions [[v], …] against flat targets, as yhat[:, 0] in the tutorial", () => {
    const y = [0.1, 0.2, 0.3];
    const yhat = Float32Array.from([0.12, 0.18, 0.33]);
    const nested = Array.from(yhat, (v) => [v]);
    expect(meanSquaredError(y, nested)).toBe(meanSquaredError(y, yhat));
    expect(meanSquaredError([[0.1], [0.2], [0.3]], yhat)).toBe(meanSquaredError(y, yhat));
    // float32 predictions are widened exactly, as NumPy promotes them to float64.
    const exact = ((0.1 - yhat[0]) ** 2 + (0.2 - yhat[1]) ** 2 + (0.3 - yhat[2]) ** 2) / 3;
    expect(meanSquaredError(y, yhat)).toBe(exact);
  });

  it("r2Score's special cases follow scikit-learn (force_finite)", () => {
    expect(r2Score([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2Score([2, 2, 2], [2, 2, 3])).toBe(0);
    expect(r2Score([1], [1])).toBeNaN();
    expect(r2Score([1, 2, 3], [1, 2, 4])).toBe(0.5);
  });

  it('validate lengths, widths and values', () => {
    expect(() => meanSquaredError([1, 2], [1])).toThrow(/yTrue has 2 samples but yPred has 1/);
    expect(() => meanSquaredError([[1, 2]], [[1]])).toThrow(/2 output\(s\) per sample but yPred has 1/);
    expect(() => meanSquaredError([1, Number.NaN], [1, 2])).toThrow(/yTrue\[1\] must be a finite number/);
    expect(() => r2Score([[1], [2, 3]], [[1], [2]])).toThrow(/row 1/);
    expect(() => meanAbsoluteError([], [])).toThrow(/empty/);
  });

  const python = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  const noNumPy = missing('NumPy', python.status === 0, 'apt-get install python3-numpy');
  it.skipIf(noNumPy)('agree with NumPy implementations of the scikit-learn formulas', () => {
    const n = 50;
    const yTrue = testValues(n * 2, 31, -3, 3);
    const yPred = testValues(n * 2, 32, -3, 3);
    const rows = (v: number[]) => Array.from({ length: n }, (_, i) => [v[2 * i], v[2 * i + 1]]);
    const script = `
import json, sys, numpy as np
d = json.load(sys.stdin)
t = np.array(d['t'], dtype=np.float64); p = np.array(d['p'], dtype=np.float64)
mse = np.average((t - p) ** 2, axis=0)
num = ((t - p) ** 2).sum(axis=0); den = ((t - np.average(t, axis=0)) ** 2).sum(axis=0)
print(json.dumps([float(np.average(mse)), float(np.average(np.abs(t - p), axis=0).mean()),
  float(np.average(np.sqrt(mse))), float(np.average(1 - num / den))]))`;
    const run = spawnSync('/usr/bin/python3', ['-c', script], {
      input: JSON.stringify({ t: rows(yTrue), p: rows(yPred) }),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const [mse, mae, rmse, r2] = JSON.parse(run.stdout) as number[];
    const close = (a: number, b: number) =>
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(b)));
    close(meanSquaredError(rows(yTrue), rows(yPred)), mse);
    close(meanAbsoluteError(rows(yTrue), rows(yPred)), mae);
    close(rootMeanSquaredError(rows(yTrue), rows(yPred)), rmse);
    close(r2Score(rows(yTrue), rows(yPred)), r2);
  });
});
