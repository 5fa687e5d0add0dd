// "How many repeats are enough" against NumPy/SciPy prefix statistics. Reference values:
// scripts/scipy-refs.py with Debian's python3-scipy (SciPy 1.10.1, NumPy 1.24.2).
import { describe, expect, it } from 'vitest';
import { convergence } from '../packages/ditto/src/stats/index.js';

const mse30a = [
  0.0194, 0.022613, 0.01998, 0.011761, 0.010589, 0.015254, 0.018604, 0.017036, 0.023585, 0.018097, 0.017602,
  0.012494, 0.011372, 0.02174, 0.015185, 0.018374, 0.010633, 0.01345, 0.010862, 0.012356, 0.018799, 0.01036,
  0.013125, 0.015627, 0.012692, 0.014083, 0.014191, 0.016653, 0.013467, 0.016057,
];

// np.mean(x[:n]) and stats.t.ppf(0.975, n - 1) * stats.sem(x[:n]) for n = 2 … 30  — SciPy 1.10.1
const refMean = [
  0.0210065, 0.020664333333333337, 0.018438500000000003, 0.016868600000000004, 0.016599500000000003,
  0.016885857142857143, 0.016904625, 0.01764688888888889, 0.0176919, 0.01768372727272727, 0.01725125,
  0.016799, 0.01715192857142857, 0.0170208, 0.017105375, 0.016724647058823528, 0.016542722222222223,
  0.016243736842105262, 0.016049349999999997, 0.016180285714285713, 0.015915727272727272,
  0.015794391304347823, 0.015787416666666665, 0.015663599999999996, 0.01560280769230769, 0.015550518518518517,
  0.015589892857142854, 0.015516689655172411, 0.015534699999999997,
];
const refHalfWidth = [
  0.020412517909078165, 0.0042536651996825684, 0.007424732088157561, 0.0066463213433204035,
  0.005071724425232587, 0.00413990032341325, 0.003464973805844277, 0.0034366519573581457,
  0.0030171068984717326, 0.002688097721100039, 0.0026041801239615105, 0.0025679417041312887,
  0.0024775646046317377, 0.00230705792989859, 0.0021521982873067714, 0.0021666313395906083,
  0.002068913165916165, 0.0020474812193515936, 0.001977417370712004, 0.0018943472203173674,
  0.0018828665015852997, 0.0018117348734051962, 0.001730301984979987, 0.0016754324238707394,
  0.0016111750485556754, 0.0015510644757761344, 0.0014941392983198654, 0.0014470815756852543,
  0.0013963309569276468,
];

function close(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('convergence', () => {
  it('tracks the running mean and t half-width like NumPy/SciPy on each prefix', () => {
    const c = convergence(mse30a, { tolerance: 0.0015 });
    expect(c.points.map((p) => p.n)).toEqual(Array.from({ length: 29 }, (_, i) => i + 2));
    c.points.forEach((p, i) => {
      close(p.mean, refMean[i], 1e-13);
      // SciPy 1.10.1's t.ppf is off by up to ~1e-10 relative at small df (see stats-describe).
      close(p.halfWidth, refHalfWidth[i], 1e-9);
    });
  });

  it('finds the first n from which the half-width stays within the tolerance', () => {
    // Python: smallest n with half_width[m] <= limit for every m >= n (scripts/scipy-refs.py)
    expect(convergence(mse30a, { tolerance: 0.0015 }).enoughAt).toBe(28);
    expect(convergence(mse30a, { tolerance: 0.1, relative: true }).enoughAt).toBe(27);
    expect(convergence(mse30a, { tolerance: 0.001 }).enoughAt).toBeNull();
  });

  it('forgets an early dip below the tolerance when the interval widens again', () => {
    // n = 2 has half-width 12.7·0.0005 ≈ 0.006 ≤ 0.01, then the outlier widens it for good.
    const c = convergence([1, 1.001, 5, 1, 1], { tolerance: 0.01 });
    expect(c.points[0].halfWidth).toBeLessThan(0.01);
    expect(c.enoughAt).toBeNull();
  });

  it('handles one value and constant values', () => {
    expect(convergence([0.5], { tolerance: 0.1 })).toMatchObject({ points: [], enoughAt: null });
    const c = convergence([0.2, 0.2, 0.2], { tolerance: 1e-12 });
    expect(c.points).toEqual([
      { n: 2, mean: 0.2, halfWidth: 0, distinct: 1 },
      { n: 3, mean: 0.2, halfWidth: 0, distinct: 1 },
    ]);
    // An interval of zero width says nothing about further repeats: never "enough".
    expect(c.enoughAt).toBeNull();
  });

  it('never declares enough repeats from fewer distinct values than minDistinct', () => {
    // Two distinct values, 20 repeats: half-width t(0.975, 19)·0.5·√(20/19)/√20 ≈ 0.234 ≤ 1, but
    // a metric that takes two values is not estimated by its interval.
    const twoValued = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 2));
    const c = convergence(twoValued, { tolerance: 1 });
    expect(c.points.at(-1)?.halfWidth).toBeLessThan(1);
    expect(c.points.at(-1)?.distinct).toBe(2);
    expect(c.enoughAt).toBeNull();
    expect(c.minDistinct).toBe(5);
    // With minDistinct 2 they count from n = 4 (SciPy: t.ppf(0.975, df)·sem): n = 3 (1, 2, 1) has
    // half-width 1.434 > 1, n = 4 (1, 2, 1, 2) has 0.9187 ≤ 1.
    expect(convergence(twoValued, { tolerance: 1, minDistinct: 2 }).enoughAt).toBe(4);
    // Five distinct values first appear at n = 5: no point before it counts.
    const c5 = convergence([1, 1.0001, 1.0002, 1.0003, 1.0004, 1.0005], { tolerance: 1 });
    expect(c5.points.map((p) => p.distinct)).toEqual([2, 3, 4, 5, 6]);
    expect(c5.enoughAt).toBe(5);
  });

  it('uses the given confidence', () => {
    const narrow = convergence(mse30a, { tolerance: 1, confidence: 0.5 }).points[28].halfWidth;
    // stats.t.ppf(0.75, 29) = 0.6830 vs stats.t.ppf(0.975, 29) = 2.0452
    close(narrow / refHalfWidth[28], 0.683 / 2.0452, 1e-3);
  });

  it('rejects bad arguments', () => {
    expect(() => convergence([], { tolerance: 1 })).toThrow(/convergence: `values` must not be empty/);
    expect(() => convergence([1, 2], { tolerance: 0 })).toThrow(
      /`tolerance` must be a positive finite number/,
    );
    expect(() => convergence([1, 2], { tolerance: Number.NaN })).toThrow(/`tolerance`/);
    expect(() => convergence([1, 2], { tolerance: 1, confidence: 2 })).toThrow(/`confidence`/);
    expect(() => convergence([1, 2], { tolerance: 1, minDistinct: 1 })).toThrow(/`minDistinct`/);
  });
});
