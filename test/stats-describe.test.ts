// describe() and quantile() against NumPy/SciPy. Reference values: scripts/scipy-refs.py run with
// Debian's python3-scipy (SciPy 1.10.1, NumPy 1.24.2), pinned here next to the call that made them.
import { expect, it, describe as suite } from 'vitest';
import { describe, quantile } from '../packages/ditto/src/stats/index.js';

const mse30a = [
  0.0194, 0.022613, 0.01998, 0.011761, 0.010589, 0.015254, 0.018604, 0.017036, 0.023585, 0.018097, 0.017602,
  0.012494, 0.011372, 0.02174, 0.015185, 0.018374, 0.010633, 0.01345, 0.010862, 0.012356, 0.018799, 0.01036,
  0.013125, 0.015627, 0.012692, 0.014083, 0.014191, 0.016653, 0.013467, 0.016057,
];
const n2 = [1.5, 2.5];
const n3 = [1.0, 2.0, 4.0];
const tiesA = [1, 2, 2, 3, 3, 3, 4, 5];

/** |actual − expected| ≤ rel · |expected| (with a floor for expected = 0). */
function close(actual: number, expected: number, rel = 1e-13): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

// Reference per data set: np.mean(x), np.std(x, ddof=1), stats.sem(x), np.median(x),
// np.percentile(x, 25), np.percentile(x, 75), stats.trim_mean(x, 0.25) and
// stats.t.interval(confidence, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))  — SciPy 1.10.1.
const cases = [
  {
    name: 'mse30a (n = 30), 95%',
    values: mse30a,
    confidence: 0.95,
    ref: {
      mean: 0.015534699999999997,
      std: 0.0037394429803713114,
      sem: 0.0006827257576179052,
      median: 0.0152195,
      q1: 0.012543499999999999,
      q3: 0.01830475,
      iqm: 0.015211687499999998,
      low: 0.014138369043072349,
      high: 0.016931030956927644,
    },
  },
  {
    name: 'mse30a (n = 30), 90%',
    values: mse30a,
    confidence: 0.9,
    ref: {
      mean: 0.015534699999999997,
      std: 0.0037394429803713114,
      sem: 0.0006827257576179052,
      median: 0.0152195,
      q1: 0.012543499999999999,
      q3: 0.01830475,
      iqm: 0.015211687499999998,
      low: 0.014374662213520855,
      high: 0.016694737786479136,
    },
  },
  {
    name: 'n = 2',
    values: n2,
    confidence: 0.95,
    ref: {
      mean: 2,
      std: 0.7071067811865476,
      sem: 0.5,
      median: 2,
      q1: 1.75,
      q3: 2.25,
      iqm: 2,
      low: -4.353102368216048,
      high: 8.353102368216048,
    },
  },
  {
    name: 'n = 3',
    values: n3,
    confidence: 0.95,
    ref: {
      mean: 2.3333333333333335,
      std: 1.5275252316519465,
      sem: 0.8819171036881969,
      median: 2,
      q1: 1.5,
      q3: 3,
      iqm: 2.3333333333333335,
      low: -1.4612497004061313,
      high: 6.127916367072798,
    },
  },
  {
    name: 'ties (n = 8)',
    values: tiesA,
    confidence: 0.95,
    ref: {
      mean: 2.875,
      std: 1.246423454758225,
      sem: 0.4406772385447523,
      median: 3,
      q1: 2,
      q3: 3.25,
      iqm: 2.75,
      low: 1.8329639148688281,
      high: 3.917036085131172,
    },
  },
];

suite('describe', () => {
  for (const { name, values, confidence, ref } of cases) {
    it(`matches NumPy/SciPy: ${name}`, () => {
      const d = describe(values, { confidence });
      expect(d.n).toBe(values.length);
      close(d.mean, ref.mean);
      close(d.std, ref.std);
      close(d.sem, ref.sem);
      close(d.median, ref.median);
      close(d.q1, ref.q1);
      close(d.q3, ref.q3);
      close(d.iqr, ref.q3 - ref.q1);
      close(d.iqm, ref.iqm);
      // SciPy 1.10.1's t.ppf is off by up to ~1e-10 relative for small df (1.17.1 and mpmath
      // agree with stdlib's quantile to 1e-15), hence the looser tolerance on the interval.
      close(d.ci.low, ref.low, 1e-9);
      close(d.ci.high, ref.high, 1e-9);
      expect(d.min).toBe(Math.min(...values));
      expect(d.max).toBe(Math.max(...values));
      expect(d.confidence).toBe(confidence);
    });
  }

  it('gives exactly zero spread and a zero-width interval for identical values', () => {
    // np.std([0.3]*5, ddof=1) == 0.0 and stats.sem == 0.0 (SciPy's t.interval with scale 0 gives
    // NaN; a zero-width interval is the honest answer for a constant metric).
    for (const v of [0.3, 0.1, 1e-7, 123.456]) {
      const d = describe([v, v, v, v, v]);
      expect(d).toMatchObject({ mean: v, std: 0, sem: 0, median: v, q1: v, q3: v, iqr: 0, iqm: v });
      expect(d.ci).toEqual({ low: v, high: v });
    }
  });

  it('reports an undefined spread for a single value', () => {
    const d = describe([0.25]);
    expect(d).toMatchObject({
      n: 1,
      mean: 0.25,
      median: 0.25,
      q1: 0.25,
      q3: 0.25,
      iqm: 0.25,
      min: 0.25,
      max: 0.25,
    });
    expect(d.std).toBeNaN();
    expect(d.sem).toBeNaN();
    expect(d.ci.low).toBeNaN();
    expect(d.ci.high).toBeNaN();
  });

  it('uses the 25%-trimmed mean for the IQM (⌊n/4⌋ cut at each end)', () => {
    // stats.trim_mean([1..7], 0.25) == 4.0 and stats.trim_mean([1..10], 0.25) == 5.5
    expect(describe([7, 1, 6, 2, 5, 3, 4]).iqm).toBe(4);
    expect(describe([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]).iqm).toBe(5.5);
    // An outlier outside the middle half does not move it.
    expect(describe([1, 2, 3, 4, 5, 6, 7, 1e9]).iqm).toBe(4.5);
  });

  it('does not modify its input', () => {
    const values = [3, 1, 2];
    describe(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects bad input with errors naming the argument', () => {
    expect(() => describe([])).toThrow(/describe: `values` must not be empty/);
    expect(() => describe([1, Number.NaN])).toThrow(/`values`\[1\] is NaN/);
    expect(() => describe([1, Infinity])).toThrow(/`values`\[1\] is Infinity/);
    expect(() => describe([1, 2], { confidence: 1 })).toThrow(/`confidence` must be a number in \(0, 1\)/);
    expect(() => describe([1, 2], { confidence: 0 })).toThrow(/`confidence`/);
    expect(() => describe([1, 2], { confidence: Number.NaN })).toThrow(/`confidence`/);
  });
});

suite('quantile', () => {
  const ps = [0, 0.1, 0.33, 0.5, 0.9, 1];
  it('matches np.quantile (linear) on 30 values', () => {
    // np.quantile(mse30a, [0, 0.1, 0.33, 0.5, 0.9, 1])  — NumPy 1.24.2
    const ref = [0.01036, 0.0108391, 0.01331025, 0.0152195, 0.020156000000000004, 0.023585];
    for (const [i, p] of ps.entries()) close(quantile(mse30a, p), ref[i], 1e-15);
  });

  it('matches np.quantile (linear) on 3 values', () => {
    // np.quantile([1, 2, 4], [0, 0.1, 0.33, 0.5, 0.9, 1])  — NumPy 1.24.2
    const ref = [1.0, 1.2, 1.6600000000000001, 2.0, 3.6, 4.0];
    for (const [i, p] of ps.entries()) close(quantile(n3, p), ref[i], 1e-15);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => quantile([1, 2], 1.5)).toThrow(/quantile: `p` must be a number in \[0, 1\]/);
    expect(() => quantile([], 0.5)).toThrow(/quantile: `values` must not be empty/);
  });
});
