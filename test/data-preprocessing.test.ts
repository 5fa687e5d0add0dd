/**
 * Preprocessing in the core: the scalers against float64 references (their float32 results within
 * a few float32 roundings of the exact statistics), one-hot, argMax and label encoding against
 * Keras / NumPy / scikit-learn's published behaviour, the new lags/horizons of seriesToSupervised
 * against hand-written windows, and every step's JSON round trip giving the same bits. Splits are
 * in test/data-splits.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  argMax,
  LabelEncoder,
  MinMaxScaler,
  preprocessorFromConfig,
  StandardScaler,
  seriesToSupervised,
  toCategorical,
} from '../packages/ditto/src/data/index.js';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import { key, uniform } from '../packages/ditto/src/random/index.js';
import { missing } from './helpers/requirements.js';

/** n × width rows in [lo, hi) drawn from a fixed key, float32 values. */
function sampleRows(n: number, width: number, seed: number, lo: number, hi: number): number[][] {
  const flat = uniform(key(seed), n * width, { minval: lo, maxval: hi });
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width)));
}

function column(rows: number[][], j: number): number[] {
  return rows.map((r) => r[j]);
}

/** Mean and population standard deviation in float64 (two passes, exact enough as a reference). */
function reference64(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

const flat = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());

describe('StandardScaler', () => {
  // Columns with different offsets and spreads, one constant.
  const base = sampleRows(2000, 3, 11, -1, 1);
  const train = base.map(([a, b, c]) => [a * 3 + 100, b * 0.01 - 5, c * 0 + 2.5]);

  it('fits the mean and population standard deviation of each column within float32 accuracy of float64', () => {
    const scaler = new StandardScaler().fit(train);
    for (let j = 0; j < 2; j++) {
      const { mean, std } = reference64(column(train, j));
      expect(Math.abs(scaler.mean[j] - mean)).toBeLessThan(Math.abs(mean) * 2e-5);
      expect(Math.abs(scaler.scale[j] - std) / std).toBeLessThan(1e-4);
      expect(Math.fround(scaler.mean[j])).toBe(scaler.mean[j]);
    }
    // A constant column keeps scale 1, as scikit-learn.
    expect(scaler.mean[2]).toBe(2.5);
    expect(scaler.scale[2]).toBe(1);
  });

  it('transforms training data to mean ≈ 0 and std ≈ 1, and unseen data with the training statistics', () => {
    const scaler = new StandardScaler().fit(train);
    const scaled = scaler.transform(train);
    for (let j = 0; j < 2; j++) {
      // What is left of the mean is the float32 mean's own error (rows summed in order in float32).
      const exact = reference64(column(train, j));
      const { mean, std } = reference64(column(scaled, j));
      expect(Math.abs(mean - (exact.mean - scaler.mean[j]) / scaler.scale[j])).toBeLessThan(1e-5);
      expect(Math.abs(std - exact.std / scaler.scale[j])).toBeLessThan(1e-5);
    }
    // Each value against the float64 formula with the fitted statistics.
    const test = [[103, -5.005, 2.5]];
    const [row] = scaler.transform(test);
    row.forEach((v, j) => {
      const exact = (Math.fround(test[0][j]) - scaler.mean[j]) / scaler.scale[j];
      expect(Math.abs(v - exact)).toBeLessThanOrEqual(Math.abs(exact) * 2 ** -22 + 2 ** -24);
    });
  });

  it('inverseTransform goes back within a float32 rounding or two', () => {
    const scaler = new StandardScaler().fit(train);
    const back = scaler.inverseTransform(scaler.transform(train));
    back.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(Math.abs(v - train[i][j])).toBeLessThanOrEqual(Math.abs(train[i][j]) * 2 ** -21 + 1e-6);
      });
    });
  });

  it('withMean / withStd false leave that step out', () => {
    const noMean = new StandardScaler({ withMean: false }).fit([[1], [3]]);
    expect(noMean.transform([[3]])).toEqual([[3]]);
    const noStd = new StandardScaler({ withStd: false }).fit([[1], [3]]);
    expect(noStd.transform([[3]])).toEqual([[1]]);
  });

  it('round trips through JSON with the same bits, and its results are pinned', () => {
    const scaler = new StandardScaler().fit(train);
    const restored = StandardScaler.fromConfig(JSON.parse(JSON.stringify(scaler.toConfig())));
    const test = sampleRows(50, 3, 12, 90, 110);
    expect(hashArrays([flat(restored.transform(test))])).toBe(hashArrays([flat(scaler.transform(test))]));
    expect(
      hashArrays([Float32Array.from([...scaler.mean, ...scaler.scale]), flat(scaler.transform(test))]),
    ).toBe('c10e1593b0e627754b583b8ed80d37d9f15506403cbdb71b65dadd23b372ba5a');
  });

  it('rejects bad input with the row and column, and use before fit', () => {
    expect(() =>
      new StandardScaler().fit([
        [1, 2],
        [3, Number.NaN],
      ]),
    ).toThrow('StandardScaler.fit: value at row 1, column 1 must be a finite number, got NaN');
    expect(() => new StandardScaler().fit([[1, 2], [3]])).toThrow('row 1 has 1 features, expected 2');
    expect(() => new StandardScaler().transform([[1]])).toThrow('not fitted');
    expect(() => new StandardScaler().fit([[1, 2]]).transform([[1]])).toThrow(
      'StandardScaler.transform: row 0 has 1 features, expected 2',
    );
    expect(() => new StandardScaler({ withMeen: true } as never)).toThrow("did you mean 'withMean'");
    expect(() => StandardScaler.fromConfig({ className: 'MinMaxScaler', config: {} } as never)).toThrow(
      "className must be 'StandardScaler'",
    );
  });
});

describe('the scalers against NumPy float32 scalars (each operation rounded, rows in order)', () => {
  const python = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  const noNumPy = missing('NumPy', python.status === 0, 'apt-get install python3-numpy');
  it.skipIf(noNumPy)(
    'gives the bits of the same formulas evaluated in np.float32, one operation at a time',
    () => {
      const train = sampleRows(300, 2, 31, -50, 50).map(([a, b]) => [a, Math.fround(b * 0.001 + 7)]);
      const test = sampleRows(20, 2, 32, -60, 60);
      const script = `
import json, sys, numpy as np
f = np.float32
d = json.load(sys.stdin)
train = [[f(v) for v in r] for r in d['train']]; test = [[f(v) for v in r] for r in d['test']]
n = f(len(train)); out = []
for j in range(2):
    s = f(0)
    for r in train: s = f(s + r[j])
    m = f(s / n); s = f(0)
    for r in train: s = f(s + f(f(r[j] - m) * f(r[j] - m)))
    sd = f(np.sqrt(f(s / n)))
    lo = min(r[j] for r in train); hi = max(r[j] for r in train)
    sc = f(f(1) / f(hi - lo)); off = f(f(0) - f(lo * sc))
    out.append([float(m), float(sd)] + [float(f(f(r[j] - m) / sd)) for r in test] + [float(f(f(r[j] * sc) + off)) for r in test])
print(json.dumps(out))`;
      const run = spawnSync('/usr/bin/python3', ['-c', script], {
        input: JSON.stringify({ train, test }),
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const expected = JSON.parse(run.stdout) as number[][];
      const standard = new StandardScaler().fit(train);
      const minMax = new MinMaxScaler().fit(train);
      const zs = standard.transform(test);
      const ms = minMax.transform(test);
      for (let j = 0; j < 2; j++) {
        expect([standard.mean[j], standard.scale[j], ...zs.map((r) => r[j]), ...ms.map((r) => r[j])]).toEqual(
          expected[j],
        );
      }
    },
  );
});

describe('MinMaxScaler', () => {
  const train = sampleRows(1000, 2, 21, -7, 3).map(([a, b]) => [a, Math.fround(b * 1000)]);

  it('maps the training range onto featureRange, as the float64 formula', () => {
    const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(train);
    const scaled = scaler.transform(train);
    for (let j = 0; j < 2; j++) {
      const values = column(train, j);
      const min = Math.min(...values);
      const max = Math.max(...values);
      expect(scaler.dataMin[j]).toBe(min);
      expect(scaler.dataMax[j]).toBe(max);
      scaled.forEach((row, i) => {
        const exact = ((values[i] - min) / (max - min)) * 2 - 1;
        expect(Math.abs(row[j] - exact)).toBeLessThan(1e-6);
      });
      const out = column(scaled, j);
      expect(Math.min(...out)).toBeCloseTo(-1, 6);
      expect(Math.max(...out)).toBeCloseTo(1, 6);
    }
  });

  it('a constant column maps to featureRange[0]; unseen values fall outside the range', () => {
    const scaler = new MinMaxScaler().fit([[5], [5]]);
    expect(scaler.transform([[5], [6]])).toEqual([[0], [1]]);
    const s2 = new MinMaxScaler().fit([[0], [10]]);
    expect(s2.transform([[20]])).toEqual([[2]]);
    expect(s2.inverseTransform([[0.5]])).toEqual([[5]]);
  });

  it('round trips through JSON with the same bits', () => {
    const scaler = new MinMaxScaler().fit(train);
    const restored = preprocessorFromConfig(JSON.parse(JSON.stringify(scaler.toConfig()))) as MinMaxScaler;
    expect(restored).toBeInstanceOf(MinMaxScaler);
    expect(hashArrays([flat(restored.transform(train))])).toBe(hashArrays([flat(scaler.transform(train))]));
    expect(hashArrays([flat(scaler.transform(train))])).toBe(
      'a238025324dc2e31ae7b32d41b288966c42b0f4a9d46338c25cc7a6bb66d14ef',
    );
  });

  it('rejects a bad featureRange', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(
      'featureRange must be [low, high] with low < high',
    );
    expect(() => new MinMaxScaler({ featureRange: [0] as never })).toThrow(
      'featureRange has 1 values, expected 2',
    );
  });
});

describe('toCategorical and argMax', () => {
  it('one-hot rows as keras.utils.to_categorical', () => {
    expect(toCategorical([0, 2, 1])).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(toCategorical([1], 4)).toEqual([[0, 1, 0, 0]]);
    expect(() => toCategorical([0, 1.5])).toThrow('labels[1] must be an integer ≥ 0, got 1.5');
    expect(() => toCategorical([0, 3], 3)).toThrow('labels[1] is 3, not below numClasses 3');
  });

  it('argMax takes the first maximum as numpy.argmax, and undoes toCategorical', () => {
    expect(
      argMax([
        [0.1, 0.7, 0.2],
        [0.5, 0.5, 0],
        [-3, -1, -2],
      ]),
    ).toEqual([1, 0, 1]);
    const labels = [3, 0, 2, 2, 1];
    expect(argMax(toCategorical(labels))).toEqual(labels);
    expect(() => argMax([[1], [Number.NaN]])).toThrow(
      'argMax: value at row 1, column 0 must be a number, got NaN',
    );
    expect(() => argMax([[]])).toThrow('row 0 is empty');
  });
});

describe('LabelEncoder', () => {
  it('sorted classes as scikit-learn (strings by code unit, numbers numerically)', () => {
    const encoder = new LabelEncoder().fit(['paris', 'paris', 'tokyo', 'amsterdam', 'Zurich']);
    expect(encoder.classes).toEqual(['Zurich', 'amsterdam', 'paris', 'tokyo']);
    expect(encoder.transform(['tokyo', 'tokyo', 'paris'])).toEqual([3, 3, 2]);
    expect(encoder.inverseTransform([1, 0])).toEqual(['amsterdam', 'Zurich']);
    expect(new LabelEncoder().fit([10, 2, 1, 2]).classes).toEqual([1, 2, 10]);
  });

  it('errors name the unseen label, mixed kinds and bad codes; JSON round trip', () => {
    const encoder = new LabelEncoder().fit(['a', 'b']);
    expect(() => encoder.transform(['a', 'c'])).toThrow('labels[1] is "c", a label not seen in fit');
    expect(() => new LabelEncoder().fit(['a', 1] as never)).toThrow(
      'labels[1] is a number but labels[0] is a string',
    );
    expect(() => encoder.inverseTransform([2])).toThrow('codes[0] must be an integer in [0, 2), got 2');
    const restored = preprocessorFromConfig(JSON.parse(JSON.stringify(encoder.toConfig()))) as LabelEncoder;
    expect(restored.transform(['b', 'a'])).toEqual([1, 0]);
    expect(() => preprocessorFromConfig({ className: 'Scaler' } as never)).toThrow(
      'preprocessorFromConfig: className must be one of',
    );
  });
});

describe('seriesToSupervised: lags and horizons', () => {
  const series = [1, 2, 3, 4, 5, 6, 7, 8];

  it('explicit lags and horizons pick those steps, oldest input first', () => {
    const { X, y } = seriesToSupervised(series, { lags: [3, 1], horizons: [1, 3] });
    // t runs from 3 (largest lag) to 8 − 3: inputs x[t−3], x[t−1]; targets x[t], x[t+2].
    expect(X).toEqual([
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect(y).toEqual([
      [4, 6],
      [5, 7],
      [6, 8],
    ]);
  });

  it('lags [1…L] and horizons [1…H] equal lag L and lead H; several variables interleave per step', () => {
    const multi = series.map((v) => [v, v * 10]);
    expect(seriesToSupervised(multi, { lags: [1, 2], horizons: [1, 2, 3] })).toEqual(
      seriesToSupervised(multi, { lag: 2, lead: 3 }),
    );
    expect(seriesToSupervised(multi, { lags: [2], horizons: [2] }).X[0]).toEqual([1, 10]);
    expect(seriesToSupervised(multi, { lags: [2], horizons: [2] }).y[0]).toEqual([4, 40]);
  });

  it('without dropNa, one row per step with NaN where a position is outside the series', () => {
    const { X, y } = seriesToSupervised([1, 2, 3], { lags: [2], horizons: [2], dropNa: false });
    expect(X).toEqual([[Number.NaN], [Number.NaN], [1]]);
    expect(y).toEqual([[2], [3], [Number.NaN]]);
  });

  it('rejects duplicates, bad steps, both forms at once and too short series', () => {
    expect(() => seriesToSupervised(series, { lags: [1, 1] })).toThrow('lags holds 1 twice');
    expect(() => seriesToSupervised(series, { lags: [0] })).toThrow('lags[0] must be an integer ≥ 1, got 0');
    expect(() => seriesToSupervised(series, { lags: [] })).toThrow('lags must be a non-empty array');
    expect(() => seriesToSupervised(series, { lag: 2, lags: [2] })).toThrow('give lag or lags, not both');
    expect(() => seriesToSupervised(series, { lags: [6], horizons: [3] })).toThrow(
      'a series of 8 steps is too short for largest lag 6 and horizon 3 (needs at least 9)',
    );
  });
});
