import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { beforeAll, describe, expect, it } from 'vitest';
import * as random from '../packages/ditto/src/random/index.js';

const {
  bernoulli,
  bits,
  foldIn,
  key,
  KeyStream,
  nextBelow,
  normal,
  permutation,
  randint,
  truncatedNormal,
  uniform,
} = random;

const N = 1_000_000;

/**
 * Upper 0.1 % (and one 0.01 %) points of the chi-square distribution, from SciPy:
 * `scipy.stats.chi2.ppf(1 - alpha, df)`. The first test re-derives each from stdlib's CDF.
 */
const CHI2_CRITICAL: Record<string, { df: number; alpha: number; value: number }> = {
  buckets100: { df: 99, alpha: 1e-3, value: 148.2304 },
  randint7: { df: 6, alpha: 1e-3, value: 22.4577 },
  orderings24: { df: 23, alpha: 1e-3, value: 49.7282 },
  positions10: { df: 9, alpha: 1e-3, value: 27.8772 },
};

function chiSquare(counts: ArrayLike<number>, expected: number): number {
  let stat = 0;
  for (let i = 0; i < counts.length; i++) stat += (counts[i] - expected) ** 2 / expected;
  return stat;
}

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { mean, variance: ss / (values.length - 1) };
}

it('chi-square critical values agree with an independent CDF', () => {
  for (const { df, alpha, value } of Object.values(CHI2_CRITICAL)) {
    expect(1 - chisquareCdf(value, df)).toBeCloseTo(alpha, 6);
  }
});

describe('uniform: statistics over 10^6 draws', () => {
  let u: Float32Array;
  beforeAll(() => {
    u = uniform(key(2024), N);
  });
  it('lies in [0, 1), with mean 1/2 and variance 1/12', () => {
    let min = 1;
    let max = 0;
    for (const x of u) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const { mean, variance } = moments(u);
    // Standard errors: √(1/12/N) ≈ 2.9e-4 for the mean, √((1/80 − 1/144)/N) ≈ 7.5e-5 for the variance.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 2.9e-4);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * 7.5e-5);
  });
  it('fills 100 equal buckets evenly (chi-square, 99 df, α = 0.001)', () => {
    const counts = new Float64Array(100);
    for (const x of u) counts[Math.floor(x * 100)]++;
    expect(chiSquare(counts, N / 100)).toBeLessThan(CHI2_CRITICAL.buckets100.value);
  });
});

describe('normal', () => {
  // Float32 values obtained with SciPy from the same uniform draws (see test/random.test.ts for the
  // pure-Python uniform): f32(f32(√2) · f32(scipy.special.erfinv(u))) for
  // u = uniform(key(42), 4, nextafter(−1, 0), 1), and likewise for the truncated normal with
  // u ∈ [f32(erf(f32(−2/√2))), f32(erf(f32(2/√2)))) clamped to (−2, 2).
  const SCIPY_NORMAL_42 = [
    -0.02830461598932743, 0.46713176369667053, 0.2957029342651367, 0.15354593098163605,
  ];
  const SCIPY_TRUNCATED_42 = [
    -0.02701646462082863, 0.44438084959983826, 0.2818770408630371, 0.14650800824165344,
  ];

  it('is within one float32 ulp of the SciPy-based reference for seed 42', () => {
    const z = normal(key(42), 4);
    const t = truncatedNormal(key(42), 4);
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(z[i] - SCIPY_NORMAL_42[i])).toBeLessThanOrEqual(
        Math.abs(SCIPY_NORMAL_42[i]) * 2 ** -23,
      );
      expect(Math.abs(t[i] - SCIPY_TRUNCATED_42[i])).toBeLessThanOrEqual(
        Math.abs(SCIPY_TRUNCATED_42[i]) * 2 ** -23,
      );
    }
  });
  it('change detector: seed 42 draws are exactly the SciPy-based float32 values', () => {
    // Fails when erfinv's rounding changes even by one float32 ulp: such a change must be deliberate.
    expect(Array.from(normal(key(42), 4))).toEqual(SCIPY_NORMAL_42);
    expect(Array.from(truncatedNormal(key(42), 4))).toEqual(SCIPY_TRUNCATED_42);
  });

  let z: Float32Array;
  beforeAll(() => {
    z = normal(key(7), N);
  });
  it('has mean 0 and variance 1 over 10^6 draws', () => {
    const { mean, variance } = moments(z);
    // Standard errors: 1/√N = 0.001 for the mean and √(2/N) ≈ 0.0014 for the variance.
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1)).toBeLessThan(0.0071);
  });
  it('fills 100 equiprobable normal buckets evenly (chi-square, 99 df, α = 0.001)', () => {
    const edges = Array.from({ length: 99 }, (_, i) => normalQuantile((i + 1) / 100, 0, 1));
    const counts = new Float64Array(100);
    for (const x of z) {
      let lo = 0;
      let hi = 99;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x < edges[mid]) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]++;
    }
    expect(chiSquare(counts, N / 100)).toBeLessThan(CHI2_CRITICAL.buckets100.value);
  });
  it('applies z · stddev + mean in float32', () => {
    const standard = normal(key(5), 1000);
    const scaled = normal(key(5), 1000, { mean: 3, stddev: 0.25 });
    const expected = standard.map((x) => Math.fround(Math.fround(x * 0.25) + 3));
    expect(scaled).toEqual(expected);
  });
});

describe('truncatedNormal (Keras: within two standard deviations)', () => {
  let t: Float32Array;
  beforeAll(() => {
    t = truncatedNormal(key(8), N);
  });
  it('never reaches ±2 and has mean 0 and variance ≈ 0.7737', () => {
    let maxAbs = 0;
    for (const x of t) maxAbs = Math.max(maxAbs, Math.abs(x));
    expect(maxAbs).toBeLessThan(2);
    // Variance of a standard normal truncated to (−2, 2): 1 − 2·2·φ(2) / (Φ(2) − Φ(−2)).
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const expected = 1 - (4 * phi2) / (normalCdf(2, 0, 1) - normalCdf(-2, 0, 1));
    expect(expected).toBeCloseTo(0.77374, 5);
    const { mean, variance } = moments(t);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(variance - expected)).toBeLessThan(0.005);
  });
  it('follows the truncated normal CDF (100 equiprobable buckets, chi-square, 99 df)', () => {
    const lowMass = normalCdf(-2, 0, 1);
    const mass = normalCdf(2, 0, 1) - lowMass;
    const edges = Array.from({ length: 99 }, (_, i) =>
      normalQuantile(lowMass + (mass * (i + 1)) / 100, 0, 1),
    );
    const counts = new Float64Array(100);
    for (const x of t) {
      let b = 0;
      while (b < 99 && x >= edges[b]) b++;
      counts[b]++;
    }
    expect(chiSquare(counts, N / 100)).toBeLessThan(CHI2_CRITICAL.buckets100.value);
  });
  it('scales to mean ± 2·stddev', () => {
    const s = truncatedNormal(key(9), 100_000, { mean: 3, stddev: 0.5 });
    expect(s.every((x) => x >= 2 && x <= 4)).toBe(true);
    const { mean, variance } = moments(s);
    expect(Math.abs(mean - 3)).toBeLessThan(0.01);
    expect(Math.abs(variance - 0.7737 * 0.25)).toBeLessThan(0.005);
  });
});

describe('bernoulli', () => {
  it('is uniform(key, n)[i] < float32(p), element by element', () => {
    const u = uniform(key(4), 100_000);
    const b = bernoulli(key(4), 100_000, 0.1);
    let mismatches = 0;
    for (let i = 0; i < u.length; i++) if (b[i] !== (u[i] < Math.fround(0.1) ? 1 : 0)) mismatches++;
    expect(mismatches).toBe(0);
  });
  it('has frequency p over 10^6 draws', () => {
    const b = bernoulli(key(10), N, 0.3);
    let ones = 0;
    for (const x of b) ones += x;
    // Standard error √(0.3 · 0.7 / N) ≈ 4.6e-4.
    expect(Math.abs(ones / N - 0.3)).toBeLessThan(5 * 4.6e-4);
  });
  it('gives all zeros for p = 0 and all ones for p = 1; defaults to p = 1/2', () => {
    expect(bernoulli(key(1), 1000, 0).every((x) => x === 0)).toBe(true);
    expect(bernoulli(key(1), 1000, 1).every((x) => x === 1)).toBe(true);
    const half = bernoulli(key(1), 10000);
    const u = uniform(key(1), 10000);
    expect(half.every((x, i) => x === (u[i] < 0.5 ? 1 : 0))).toBe(true);
  });
  it('golden values for seed 42 (pure-Python reference: u < f32(0.3))', () => {
    expect(Array.from(bernoulli(key(42), 8, 0.3))).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
  });
});

describe('randint (rejection sampling, no modulo bias)', () => {
  it('is uniform on a non-power-of-two range over 10^6 draws (chi-square, 6 df, α = 0.001)', () => {
    const r = randint(key(11), N, 0, 7);
    const counts = new Float64Array(7);
    for (const x of r) counts[x]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
    expect(chiSquare(counts, N / 7)).toBeLessThan(CHI2_CRITICAL.randint7.value);
  });
  it('shows no modulo bias on a range of 3·2^30 (plain modulo would put half the draws in the first third)', () => {
    const n = 100_000;
    const r = randint(key(12), n, -(2 ** 31), 2 ** 30);
    expect(r.every((x) => x >= -(2 ** 31) && x < 2 ** 30)).toBe(true);
    const firstThird = r.filter((x) => x < -(2 ** 31) + 2 ** 30).length;
    // Standard error √(2/9/n) ≈ 0.0015.
    expect(Math.abs(firstThird / n - 1 / 3)).toBeLessThan(0.0075);
  });
  it('uses each word directly on the full int32 range (no rejection possible)', () => {
    const r = randint(key(13), 1000, -(2 ** 31), 2 ** 31);
    const w = bits(key(13), 1000);
    expect(Array.from(r)).toEqual(Array.from(w, (x) => x - 2 ** 31));
  });
  it('returns low for a range of one', () => {
    expect(Array.from(randint(key(0), 5, 9, 10))).toEqual([9, 9, 9, 9, 9]);
  });
  it('golden values for seed 42 (pure-Python reference of the same rejection method)', () => {
    // Python: lim = 2**32 - 2**32 % r; skip words w >= lim of bits(key, ∞); take w % r.
    expect(Array.from(randint(key(42), 8, -3, 7))).toEqual([1, -2, 2, 6, 6, 1, 0, 3]);
    // Range 2^31 + 1 rejects about half the words, so this exercises the rejection path.
    expect(Array.from(randint(key(42), 8, -(2 ** 31), 1))).toEqual([
      -48491614, -211979499, -1826179175, -642934223, -96404006, -1830783732, -409887673, -1635853096,
    ]);
  });
  it('nextBelow reads the stream word by word', () => {
    const stream = new KeyStream(key(42));
    expect(nextBelow(stream, 10)).toBe(2098992034 % 10);
    expect(stream.position).toBe(1);
    expect(() => nextBelow(stream, 0)).toThrow('0');
    expect(() => nextBelow(stream, 2 ** 32 + 1)).toThrow('4294967297');
  });
  it('rejects bad bounds, naming them', () => {
    expect(() => randint(key(0), 3, 5, 5)).toThrow('low 5, high 5');
    expect(() => randint(key(0), 3, 0.5, 5)).toThrow('0.5');
    expect(() => randint(key(0), 3, -(2 ** 31) - 1, 0)).toThrow('-2147483649');
    expect(() => randint(key(0), 3, 0, 2 ** 31 + 1)).toThrow('2147483649');
  });
});

describe('permutation (Fisher–Yates)', () => {
  it('is a permutation', () => {
    const p = permutation(key(14), 1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(permutation(key(14), 0))).toEqual([]);
    expect(Array.from(permutation(key(14), 1))).toEqual([0]);
  });
  it('gives all 24 orderings of 4 items equally often (10^5 keys, chi-square, 23 df, α = 0.001)', () => {
    const n = 100_000;
    const counts = new Map<string, number>();
    const base = key(15);
    for (let i = 0; i < n; i++) {
      const p = permutation(foldIn(base, i), 4).join('');
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], n / 24)).toBeLessThan(CHI2_CRITICAL.orderings24.value);
  });
  it('puts every value in every position equally often (n = 10, 10^5 keys, chi-square, 9 df per position)', () => {
    const n = 100_000;
    const counts = Array.from({ length: 10 }, () => new Float64Array(10));
    const base = key(16);
    for (let i = 0; i < n; i++) {
      const p = permutation(foldIn(base, i), 10);
      for (let pos = 0; pos < 10; pos++) counts[pos][p[pos]]++;
    }
    for (const row of counts) expect(chiSquare(row, n / 10)).toBeLessThan(CHI2_CRITICAL.positions10.value);
  });
  it('golden values (pure-Python reference of the same Fisher–Yates)', () => {
    expect(Array.from(permutation(key(42), 10))).toEqual([0, 3, 8, 7, 6, 5, 9, 1, 2, 4]);
    expect(Array.from(permutation(key(7), 20))).toEqual([
      14, 9, 10, 15, 12, 13, 5, 11, 18, 1, 8, 3, 7, 4, 0, 16, 17, 6, 2, 19,
    ]);
  });
});

/** The rejection method written out on a fixed prefix of bits(key, ∞): the specification of nextBelow. */
function referenceBelow(words: Uint32Array, cursor: { at: number }, range: number): number {
  const limit = 2 ** 32 - (2 ** 32 % range);
  for (;;) {
    const word = words[cursor.at++];
    if (word === undefined) throw new Error('reference: the word prefix is too short');
    if (word < limit) return word % range;
  }
}

describe('permutation and randint against the rejection method on bits(key, m)', () => {
  it('permutation: Fisher–Yates reading the words in order, for sizes 0–70 and 1000 on 40 keys each', () => {
    for (const n of [...Array.from({ length: 71 }, (_, i) => i), 1000]) {
      for (let k = 0; k < 40; k++) {
        const source = foldIn(key(2026), n * 1000 + k);
        const words = bits(source, 2 * n + 64);
        const cursor = { at: 0 };
        const expected = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i >= 1; i--) {
          const j = referenceBelow(words, cursor, i + 1);
          [expected[i], expected[j]] = [expected[j], expected[i]];
        }
        expect(Array.from(permutation(source, n))).toEqual(expected);
      }
    }
  });
  it('randint: ranges that reject often (2^31 + 1, 3·2^30, 2^32 − 1) and rarely (7, 2^31)', () => {
    const ranges: Array<[number, number]> = [
      [-(2 ** 31), 1],
      [-(2 ** 31), 2 ** 30],
      [-(2 ** 31), 2 ** 31 - 1],
      [0, 7],
      [-(2 ** 30), 2 ** 30],
    ];
    for (const [low, high] of ranges) {
      for (let k = 0; k < 20; k++) {
        const source = foldIn(key(7), k);
        const words = bits(source, 2000);
        const cursor = { at: 0 };
        const expected = Array.from({ length: 300 }, () => low + referenceBelow(words, cursor, high - low));
        expect(Array.from(randint(source, 300, low, high))).toEqual(expected);
      }
    }
  });
});

describe('argument checks', () => {
  it('name the bad value', () => {
    expect(() => bernoulli(key(0), 3, 1.5)).toThrow('1.5');
    expect(() => bernoulli(key(0), 3, Number.NaN)).toThrow('NaN');
    expect(() => normal(key(0), 3, { stddev: -1 })).toThrow('-1');
    expect(() => normal(key(0), 3, { mean: Number.NaN })).toThrow('NaN');
    expect(() => truncatedNormal(key(0), 2.5)).toThrow('2.5');
    expect(() => permutation(key(0), -1)).toThrow('-1');
    expect(() => permutation(key(0), 1.5)).toThrow('1.5');
  });
});
