// The sequential comparison behind `ditto compare --until decided`: its e-value and confidence
// sequence against a NumPy/SciPy computation of the same formula, and its error rates under
// optional stopping by simulation (metric draws from ditto's keyed random streams, not trainings).
import { describe, expect, it } from 'vitest';
import { key, normal, split } from '../packages/ditto/src/random/index.js';
import { sequentialComparison, welchTTest } from '../packages/ditto/src/stats/index.js';

function close(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

const a = [0.0194, 0.022613, 0.01998, 0.011761, 0.010589, 0.015254, 0.018604, 0.017036, 0.023585, 0.018097];
const b = [
  0.012983, 0.014233, 0.01354, 0.019373, 0.010843, 0.017275, 0.011574, 0.010074, 0.017327, 0.011468, 0.0116,
];

describe('sequentialComparison', () => {
  it('gives the e-value and confidence sequence of the formula (NumPy/SciPy reference)', () => {
    // Python, float64: D = a − b[:10]; E = (1+nτ²)^(−1/2)·((1+t²/ν)/(1+t²/(ν(1+nτ²))))^((ν+1)/2) at
    // τ = 0.5; the sequence's ends by scipy.optimize.brentq on log E(μ₀) = log 20 — SciPy 1.10.1.
    const s = sequentialComparison(a, b);
    expect(s.n).toBe(10);
    close(s.meanDifference, 0.0038228999999999997, 1e-12);
    close(s.sdDifference, 0.005268547078865503, 1e-12);
    close(s.eValue, 2.4688729667161735, 1e-11);
    close(s.low, -0.0042230279450287764, 1e-10);
    close(s.high, 0.01186882794502878, 1e-10);
    expect(s).toMatchObject({ decided: false, larger: null, alpha: 0.05, priorEffect: 0.5 });
  });

  it('is decided exactly when 0 leaves the confidence sequence, and names the larger arm', () => {
    // b + 0.02: t = √10·0.0162/0.00527 ≈ 9.7 over 10 pairs (b's 11th value is not paired).
    const s = sequentialComparison(
      a,
      b.map((v) => v + 0.02),
    );
    expect(s.decided).toBe(true);
    expect(s.larger).toBe('b');
    expect(s.high).toBeLessThan(0);
    expect(s.eValue).toBeGreaterThanOrEqual(20);
  });

  it('has nothing to decide from fewer than two pairs, or from identical values', () => {
    expect(sequentialComparison([1], [2, 3])).toMatchObject({ n: 1, eValue: 1, decided: false });
    const same = sequentialComparison([1, 2, 3], [1, 2, 3]);
    expect(same).toMatchObject({ decided: false, eValue: 1, low: -Infinity, high: Infinity });
    // With 3 pairs even a constant nonzero difference cannot decide: E is at most
    // (1 + 3τ²)^(ν/2) = 1.75 < 20; the first n that can is 7, (1 + 7/4)^3 = 20.8.
    expect(sequentialComparison([2, 3, 4], [1, 2, 3])).toMatchObject({ decided: false, eValue: 1.75 });
    const seven = [1, 2, 3, 4, 5, 6, 7];
    const s7 = sequentialComparison(
      seven.map((v) => v + 1),
      seven,
    );
    expect(s7.decided).toBe(true);
    close(s7.eValue, 2.75 ** 3, 1e-13);
  });

  it('rejects bad input with the argument named', () => {
    expect(() => sequentialComparison([], [1])).toThrow(/sequentialComparison: `a` must not be empty/);
    expect(() => sequentialComparison([1], [Number.NaN])).toThrow(/`b`\[0\]/);
    expect(() => sequentialComparison([1], [1], { alpha: 0 })).toThrow(/`alpha`/);
    expect(() => sequentialComparison([1], [1], { priorEffect: -1 })).toThrow(/`priorEffect`/);
  });
});

/**
 * `trials` sequential comparisons of two arms with normal metrics (arm b's mean shifted by `shift`
 * standard deviations), looked at after every batch of `batch` repeats per arm from `batch` up to
 * `maxRepeats`, stopped at the first look that decides. Returns the share decided, and the same
 * share for the naive rule "stop when Welch's p < alpha".
 */
function simulate(trials: number, shift: number, seed: number, maxRepeats = 100, batch = 4) {
  const [ka, kb] = split(key(seed));
  // One draw of all trials at once: trial t's repeats are entries t·maxRepeats … (t+1)·maxRepeats − 1.
  const drawsA = normal(ka, trials * maxRepeats);
  const drawsB = normal(kb, trials * maxRepeats);
  let decided = 0;
  let naive = 0;
  for (let t = 0; t < trials; t++) {
    const armA = Float64Array.from(drawsA.subarray(t * maxRepeats, (t + 1) * maxRepeats));
    const armB = Float64Array.from(drawsB.subarray(t * maxRepeats, (t + 1) * maxRepeats), (v) => v + shift);
    let stoppedNaive = false;
    for (let n = batch; n <= maxRepeats; n += batch) {
      const x = armA.subarray(0, n);
      const y = armB.subarray(0, n);
      if (!stoppedNaive && welchTTest(x, y).pValue < 0.05) {
        naive++;
        stoppedNaive = true;
      }
      if (sequentialComparison(x, y).decided) {
        decided++;
        break;
      }
    }
  }
  return { decided: decided / trials, naive: naive / trials };
}

describe('error rates under optional stopping (simulation)', () => {
  it('keeps the false-positive rate at most α = 0.05 over 2,000 comparisons of identical arms', () => {
    const trials = 2000;
    const { decided, naive } = simulate(trials, 0, 2026);
    // Bound: α + 3 Monte Carlo standard errors, 0.05 + 3·√(0.05·0.95/2000) = 0.0646. (Ville's
    // inequality makes the true rate ≤ α for every stopping rule; NumPy simulations of the same
    // design give about 0.02.)
    expect(decided).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / trials));
    // The naive rule on the same draws, 25 looks: well above α (the test can tell them apart).
    expect(naive).toBeGreaterThan(0.15);
  });

  it('detects a known difference with at least the power of its last look alone', () => {
    // Means 0.6 SD apart, 100 repeats per arm at most: the paired differences have standardised
    // effect 0.6/√2. Deciding at the last look (n = 100, ν = 99) needs |t| > 3.1648868348866444
    // (the closed form with τ = 0.5, α = 0.05), whose probability is that of a noncentral t(99,
    // 10·0.6/√2): scipy.stats.nct gives 0.855273467849857 — SciPy 1.10.1. Stopping at the first
    // decided look can only add to it. Bound: that minus 3 Monte Carlo standard errors.
    const trials = 1000;
    const { decided } = simulate(trials, 0.6, 7);
    const lastLook = 0.855273467849857;
    expect(decided).toBeGreaterThanOrEqual(lastLook - 3 * Math.sqrt((lastLook * (1 - lastLook)) / trials));
  });
});
