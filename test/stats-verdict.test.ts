// Plain-words verdicts. The numbers in the sentences come from SciPy/NumPy (Debian's
// python3-scipy, SciPy 1.10.1), formatted by the documented rules: 4 significant digits for
// values, 2 for p (scientific below 0.001), 2 decimals for Cliff's δ, a true minus sign.
import { describe, expect, it } from 'vitest';
import { verdict } from '../packages/ditto/src/stats/index.js';
import { formatNumber, formatP } from '../packages/ditto/src/stats/verdict.js';

const mse30a = [
  0.0194, 0.022613, 0.01998, 0.011761, 0.010589, 0.015254, 0.018604, 0.017036, 0.023585, 0.018097, 0.017602,
  0.012494, 0.011372, 0.02174, 0.015185, 0.018374, 0.010633, 0.01345, 0.010862, 0.012356, 0.018799, 0.01036,
  0.013125, 0.015627, 0.012692, 0.014083, 0.014191, 0.016653, 0.013467, 0.016057,
];
const mse30b = [
  0.012983, 0.014233, 0.01354, 0.019373, 0.010843, 0.017275, 0.011574, 0.010074, 0.017327, 0.011468, 0.011618,
  0.009046, 0.007575, 0.015, 0.009565, 0.015549, 0.020318, 0.012438, 0.009658, 0.014126, 0.015485, 0.011989,
  0.012856, 0.017872, 0.017563, 0.015286, 0.010307, 0.012629, 0.014882, 0.01214,
];
const A = { name: 'A', values: mse30a };
const B = { name: 'B', values: mse30b };
// stats.mannwhitneyu(mse30a, mse30b) -> U 589, p 0.04059500053669264;
// np.mean(np.sign(a[:, None] - b[None, :])) = 0.3088888888888889 (small);
// np.median: 0.0152195 (A), 0.0129195 (B)

describe('verdict', () => {
  it('names the better experiment when lower is better', () => {
    const v = verdict(A, B, { better: 'lower', metric: 'MSE' });
    expect(v.text).toBe(
      "B's median MSE is lower (0.01292 vs 0.01522 for A); p = 0.041 (Mann–Whitney U), " +
        "Cliff's δ(A, B) = 0.31 (small): B is better.",
    );
    expect(v).toMatchObject({ significant: true, winner: 'B', u: 589, magnitude: 'small', alpha: 0.05 });
    expect(v.pValue).toBeCloseTo(0.04059500053669264, 14);
    expect(v.delta).toBeCloseTo(0.3088888888888889, 15);
    expect(v.medians).toEqual({ a: 0.0152195, b: 0.0129195 });
  });

  it('names the other one when higher is better', () => {
    const v = verdict(A, B, { better: 'higher', metric: 'MSE' });
    expect(v.text).toBe(
      "A's median MSE is higher (0.01522 vs 0.01292 for B); p = 0.041 (Mann–Whitney U), " +
        "Cliff's δ(A, B) = 0.31 (small): A is better.",
    );
    expect(v.winner).toBe('A');
  });

  it('says "no significant difference" when p ≥ alpha', () => {
    const v = verdict(A, B, { better: 'lower', metric: 'MSE', alpha: 0.01 });
    expect(v.text).toBe(
      'No significant difference in MSE between A and B: p = 0.041 (Mann–Whitney U) ≥ α = 0.01; ' +
        "medians 0.01522 (A) vs 0.01292 (B), Cliff's δ(A, B) = 0.31 (small).",
    );
    expect(v).toMatchObject({ significant: false, winner: null });
    // Identical experiments: p = 1.
    expect(verdict(A, { name: 'A again', values: mse30a }, { better: 'lower' }).text).toMatch(
      /^No significant difference in metric between A and A again: p = 1 \(Mann–Whitney U\)/,
    );
  });

  it('writes tiny p-values in scientific notation', () => {
    // stats.mannwhitneyu(np.arange(30.), np.arange(30., 60.)) -> U 0, p 3.019859359162157e-11
    const low = Array.from({ length: 30 }, (_, i) => i);
    const high = Array.from({ length: 30 }, (_, i) => 30 + i);
    const v = verdict(
      { name: 'small', values: low },
      { name: 'big', values: high },
      { better: 'higher', metric: 'accuracy' },
    );
    expect(v.text).toBe(
      "big's median accuracy is higher (44.5 vs 14.5 for small); p = 3e-11 (Mann–Whitney U), " +
        "Cliff's δ(small, big) = −1.00 (large): big is better.",
    );
  });

  it('does not cite the medians as evidence when they disagree with the rank direction', () => {
    // a = [5]*11 + [10]*10, c = [0]*10 + [5]*11: equal medians (5), but a tends to be larger.
    // stats.mannwhitneyu(a, c) -> U 380.5, p 1.0589741285493168e-05; δ = 0.7256235827664399
    const a = [...Array(11).fill(5), ...Array(10).fill(10)];
    const c = [...Array(10).fill(0), ...Array(11).fill(5)];
    const v = verdict(
      { name: 'X', values: a },
      { name: 'Y', values: c },
      { better: 'higher', metric: 'reward' },
    );
    expect(v.text).toBe(
      "X's reward tends to be higher (medians 5 vs 5 for Y); p = 1.1e-5 (Mann–Whitney U), " +
        "Cliff's δ(X, Y) = 0.73 (large): X is better.",
    );
  });

  it("prints Cliff's δ(a, b) in the order given, whichever wins", () => {
    // One sign convention: δ(a, b) > 0 means a tends to be larger. Swapping the samples flips it.
    const ab = verdict(A, B, { better: 'lower' });
    const ba = verdict(B, A, { better: 'lower' });
    expect(ab.text).toContain("Cliff's δ(A, B) = 0.31");
    expect(ba.text).toContain("Cliff's δ(B, A) = −0.31");
    expect(ba.delta).toBeCloseTo(-0.3088888888888889, 15);
    expect([ab.winner, ba.winner]).toEqual(['B', 'B']);
  });

  it("says when Welch's t-test disagrees with a significant Mann–Whitney verdict, and why", () => {
    // One extreme repeat in y: stats.mannwhitneyu(x, y) -> p 0.00018267179110955002;
    // stats.ttest_ind(x, y, equal_var=False) -> t −1.096357245579295, p 0.3013850806551092;
    // np.mean: 5.5, 113.5.
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = [11, 12, 13, 14, 15, 16, 17, 18, 19, 1000];
    const v = verdict(
      { name: 'X', values: x },
      { name: 'Y', values: y },
      { better: 'lower', metric: 'loss' },
    );
    expect(v.winner).toBe('X');
    expect(v.welch?.pValue).toBeCloseTo(0.3013850806551092, 12);
    expect(v.disagreement).toBe(
      "Welch's t-test on the means disagrees: p = 0.3 ≥ α (means 5.5 (X) vs 113.5 (Y)); the verdict " +
        'follows Mann–Whitney, which compares ranks and assumes no distribution, while the means can be ' +
        'moved by a few extreme repeats.',
    );
    expect(v.text.endsWith(`X is better. ${v.disagreement}`)).toBe(true);
  });

  it("says when Welch's t-test finds a difference Mann–Whitney does not", () => {
    // stats.mannwhitneyu(x, y) -> U 14, p 0.06495726495726495 (exact);
    // stats.ttest_ind(x, y, equal_var=False) -> p 0.03966721465811352; means 0.225, 1.1875.
    const x = [0.1, 0.9, -0.4, -1.0, 1.1, 1.5, -0.9, 0.5];
    const y = [1.7, 1.4, 0.8, 0.4, 0.0, 2.2, 1.2, 1.8];
    const v = verdict({ name: 'X', values: x }, { name: 'Y', values: y }, { better: 'higher' });
    expect(v.significant).toBe(false);
    expect(v.pValue).toBeCloseTo(0.06495726495726495, 12);
    expect(v.disagreement).toMatch(
      /^Welch's t-test on the means disagrees: p = 0\.04 < α \(means 0\.225 \(X\) vs 1\.188 \(Y\)\); the verdict follows Mann–Whitney.*more repeats would settle it\.$/,
    );
    expect(v.text).toContain(v.disagreement as string);
  });

  it('adds nothing when the two tests agree', () => {
    // stats.ttest_ind(mse30a, mse30b, equal_var=False) -> p 0.026144398087524754, same direction.
    const v = verdict(A, B, { better: 'lower' });
    expect(v.welch?.pValue).toBeCloseTo(0.026144398087524754, 12);
    expect(v.disagreement).toBeNull();
  });

  it('rejects bad options and samples', () => {
    // @ts-expect-error: missing `better`
    expect(() => verdict(A, B, {})).toThrow(/verdict: `better` must be 'lower' or 'higher'/);
    expect(() => verdict(A, B, { better: 'lower', alpha: 1.5 })).toThrow(
      /verdict: `alpha` must be a number in \(0, 1\)/,
    );
    expect(() => verdict(A, { name: 'B', values: [] }, { better: 'lower' })).toThrow(/`b` must not be empty/);
  });
});

describe('number formatting', () => {
  it('formats values and p-values compactly', () => {
    expect(formatNumber(0.0129195)).toBe('0.01292');
    expect(formatNumber(-2.5)).toBe('−2.5');
    expect(formatNumber(1234567)).toBe('1.235e6');
    expect(formatNumber(0.00001234)).toBe('1.234e-5');
    expect(formatNumber(-0.00001234)).toBe('−1.234e-5');
    expect(formatP(0.003)).toBe('0.003');
    expect(formatP(0.41)).toBe('0.41');
    expect(formatP(1)).toBe('1');
    expect(formatP(0.000234)).toBe('2.3e-4');
  });
});
