// Bootstrap intervals. SciPy resamples with NumPy's generator, so intervals agree only up to
// Monte-Carlo error; the BCa formula itself is checked exactly on a fixed bootstrap distribution.
// Reference values: scripts/scipy-refs.py with Debian's python3-scipy (SciPy 1.10.1, NumPy 1.24.2).
import { describe, expect, it } from 'vitest';
import {
  bcaAcceleration,
  bcaInterval,
  bootstrap,
  bootstrapSamples,
  probabilityOfImprovement,
  type RandomSource,
} from '../packages/ditto/src/stats/index.js';
import { mean } from '../packages/ditto/src/stats/sample-math.js';

/** Test-only source: mulberry32 words, mapped to [0, bound) by rejection (no modulo bias). */
function testSource(seed: number): RandomSource {
  let state = seed >>> 0;
  const nextWord = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    nextInt(bound: number): number {
      const limit = 2 ** 32 - (2 ** 32 % bound);
      let word = nextWord();
      while (word >= limit) word = nextWord();
      return word % bound;
    },
  };
}

const skewed20 = [
  0.5775, 0.5022, 0.5662, 0.5464, 0.6663, 2.8042, 0.4865, 2.2216, 1.4562, 1.134, 0.4749, 0.663, 5.9074,
  1.0933, 1.6232, 1.8162, 2.5859, 0.8075, 0.5774, 0.9478,
];
const poiA = [0.474, 0.579, 0.519, 0.524, 0.515, 0.623, 0.446, 0.452, 0.589, 0.489];
const poiB = [0.623, 0.493, 0.583, 0.632, 0.421, 0.497, 0.631, 0.85, 0.635, 0.573, 0.479, 0.627];

/** P(X < Y) + ½ P(X = Y), by brute force over all pairs (independent of the library's merge). */
function poiBrute(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (const u of x) for (const v of y) s += u < v ? 1 : u === v ? 0.5 : 0;
  return s / (x.length * y.length);
}

function close(actual: number, expected: number, abs: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(abs);
}

describe('BCa formula (exact, no resampling noise)', () => {
  // The same synthetic skewed "bootstrap distribution" built bit-identically in Python:
  // theta_b[i] = 0.8 + 1.1·u², u = ((i·7919 mod 2000) + 0.5) / 2000.
  const B = 2000;
  const thetaB = Float64Array.from({ length: B }, (_, i) => {
    const u = (((i * 7919) % B) + 0.5) / B;
    return 0.8 + 1.1 * u * u;
  });

  it('jackknife acceleration matches SciPy for one sample', () => {
    // _resampling._bca_interval((skewed20,), np.mean, …)[2]  — SciPy 1.10.1
    close(
      bcaAcceleration([Float64Array.from(skewed20)], (x) => mean(x)),
      0.08748164921372667,
      1e-15,
    );
  });

  it('jackknife acceleration matches SciPy for two samples', () => {
    // _resampling._bca_interval((poi_a, poi_b), statistic, …)[2]  — SciPy 1.10.1
    const a = Float64Array.from(poiA);
    const b = Float64Array.from(poiB);
    close(
      bcaAcceleration([a, b], (x, y) => mean(x) - mean(y)),
      -0.021692667552172352,
      1e-15,
    );
    close(bcaAcceleration([a, b], poiBrute), -0.026225645573939575, 1e-15);
  });

  const cases = [
    // _bca_interval((skewed20,), np.mean, alpha=(1-conf)/2, theta_hat_b=theta_b) -> alpha_1, alpha_2;
    // np.percentile(theta_b, alpha_i * 100)  — SciPy 1.10.1, NumPy 1.24.2
    {
      confidence: 0.95,
      ref: [0.261673009207889, 0.9999444465521123, 0.8753886770961735, 1.8993279733516781],
    },
    {
      confidence: 0.8,
      ref: [0.47321338229513715, 0.9976093783962308, 1.0463379514435116, 1.8942009727500835],
    },
  ];
  for (const { confidence, ref } of cases) {
    it(`levels and interval match SciPy at confidence ${confidence}`, () => {
      const a = bcaAcceleration([Float64Array.from(skewed20)], (x) => mean(x));
      const r = bcaInterval(thetaB, mean(skewed20), a, confidence);
      close(r.levels.low, ref[0], 1e-13);
      close(r.levels.high, ref[1], 1e-13);
      close(r.low, ref[2], 1e-12);
      close(r.high, ref[3], 1e-12);
    });
  }

  it('counts resampled values equal to the estimate as one half', () => {
    // _resampling._bca_interval(([0, 0.125, 0.25, 0.5, 1.625],), np.mean, alpha=0.025,
    //   theta_hat_b=[((i*37) % 41)/40 for i in range(2000)]) -> alpha_1, alpha_2, a_hat;
    // np.percentile(theta_hat_b, alpha_i * 100)  — SciPy 1.10.1 (mean 0.5 sits on the grid)
    const data = Float64Array.from([0, 0.125, 0.25, 0.5, 1.625]);
    const tied = Float64Array.from({ length: B }, (_, i) => ((i * 37) % 41) / 40);
    const a = bcaAcceleration([data], (x) => mean(x));
    close(a, 0.09101233806435197, 1e-15);
    const r = bcaInterval(tied, mean(data), a, 0.95);
    close(r.levels.low, 0.04812933830836628, 1e-13);
    close(r.levels.high, 0.9914718026951965, 1e-13);
    expect([r.low, r.high]).toEqual([0.025, 1]);
  });

  it('reads the limits instead of NaN when the estimate lies outside the distribution', () => {
    const d = Float64Array.from([1, 2, 3, 4]);
    expect(bcaInterval(d, 0, 0.1, 0.95)).toMatchObject({ low: 1, high: 1 });
    expect(bcaInterval(d, 9, 0.1, 0.95)).toMatchObject({ low: 4, high: 4 });
  });
});

describe('bootstrap vs scipy.stats.bootstrap (Monte-Carlo tolerance)', () => {
  // SciPy: stats.bootstrap(data, statistic, method=…, n_resamples=200000,
  //   random_state=np.random.default_rng(12345), vectorized=True)  — SciPy 1.10.1.
  // sd20k: standard deviation of each end over 20 SciPy seeds at n_resamples=20000. Monte-Carlo
  // error shrinks like 1/√B, so at B resamples sd = sd20k·√(20000/B); we allow 5 combined sds.
  const N = 100_000;
  const SCIPY_N = 200_000;
  const tolerance = (sd20k: number, lattice = 0) =>
    5 * Math.sqrt(sd20k ** 2 * (20_000 / N) + sd20k ** 2 * (20_000 / SCIPY_N)) + lattice;

  it('mean of a skewed sample: percentile', () => {
    const r = bootstrap(skewed20, { random: testSource(1), nResamples: N, method: 'percentile' });
    close(r.low, 0.89965975, tolerance(0.0032562047582155988));
    close(r.high, 1.9874952500000003, tolerance(0.0065745278016695295));
    expect(r.estimate).toBe(mean(skewed20));
  });

  it('mean of a skewed sample: BCa (shifted right of the percentile interval, as in SciPy)', () => {
    const r = bootstrap(skewed20, { random: testSource(2), nResamples: N, method: 'BCa' });
    close(r.low, 0.9820435873342171, tolerance(0.003257876661745074));
    close(r.high, 2.2332122054498402, tolerance(0.01667513723767888));
  });

  // The probability of improvement lives on a lattice of step 1/240 (pairs 10 × 12, ties ½), so
  // an end can jump by a lattice step: allow two on top of the Monte-Carlo error.
  const step = 2 / 240;
  it('probability of improvement, two samples: percentile', () => {
    const r = probabilityOfImprovement(poiA, poiB, { random: testSource(3), nResamples: N });
    expect(r.method).toBe('percentile');
    close(r.low, 0.475, tolerance(0.0012824729401064408, step));
    close(r.high, 0.9125, tolerance(0.002446428952551657, step));
  });

  it('probability of improvement, two samples: BCa', () => {
    const r = probabilityOfImprovement(poiA, poiB, { random: testSource(4), nResamples: N, method: 'BCa' });
    close(r.low, 0.4416666666666667, tolerance(0.00547455571109822, step));
    close(r.high, 0.8916666666666667, tolerance(0.002859719754805234, step));
  });

  it('bootstrapSamples with a user statistic equals probabilityOfImprovement', () => {
    const viaSamples = bootstrapSamples([poiA, poiB], poiBrute, {
      random: testSource(5),
      nResamples: 2000,
      method: 'BCa',
    });
    const direct = probabilityOfImprovement(poiA, poiB, {
      random: testSource(5),
      nResamples: 2000,
      method: 'BCa',
    });
    expect(viaSamples).toEqual(direct);
  });
});

describe('bootstrap determinism and degenerate input', () => {
  it('gives the identical interval for the same source seed, and another for another seed', () => {
    const run = (seed: number) => bootstrap(skewed20, { random: testSource(seed), nResamples: 999 });
    expect(run(7)).toEqual(run(7));
    expect(run(8).low).not.toBe(run(7).low);
  });

  it('draws n indices per resample, sample by sample, in order', () => {
    const bounds: number[] = [];
    const recording: RandomSource = {
      nextInt(bound) {
        bounds.push(bound);
        return 0;
      },
    };
    bootstrapSamples(
      [
        [1, 2, 3],
        [4, 5],
      ],
      (x, y) => mean(x) - mean(y),
      { random: recording, nResamples: 2 },
    );
    expect(bounds).toEqual([3, 3, 3, 2, 2, 3, 3, 3, 2, 2]);
  });

  it('gives [v, v] without NaN for constant samples, with either method', () => {
    for (const method of ['percentile', 'BCa'] as const) {
      const r = bootstrap([0.7, 0.7, 0.7, 0.7], { random: testSource(1), nResamples: 500, method });
      expect([r.low, r.high, r.estimate, r.standardError]).toEqual([0.7, 0.7, 0.7, 0]);
      const one = bootstrap([2.5], { random: testSource(1), nResamples: 50, method });
      expect([one.low, one.high]).toEqual([2.5, 2.5]);
    }
    // Complete separation: every resampled probability of improvement is 1.
    const poi = probabilityOfImprovement([1, 2, 3], [4, 5], {
      random: testSource(1),
      nResamples: 200,
      method: 'BCa',
    });
    expect([poi.estimate, poi.low, poi.high]).toEqual([1, 1, 1]);
  });

  it('passes scratch copies to the statistic and leaves the data alone', () => {
    const data = [3, 1, 2, 5, 4];
    const sortingMedian = (x: Float64Array) => x.sort()[x.length >> 1];
    const r = bootstrap(data, { random: testSource(1), nResamples: 300, statistic: sortingMedian });
    expect(data).toEqual([3, 1, 2, 5, 4]);
    expect(r.estimate).toBe(3);
    expect(r.low).toBeGreaterThanOrEqual(1);
    expect(r.high).toBeLessThanOrEqual(5);
  });

  it('rejects bad arguments with errors naming them', () => {
    const random = testSource(1);
    expect(() => bootstrap([], { random })).toThrow(/bootstrap: `values` must not be empty/);
    expect(() => bootstrap([1, Number.NaN], { random })).toThrow(/`values`\[1\] is NaN/);
    expect(() => bootstrap([1, 2], { random, nResamples: 0 })).toThrow(
      /`nResamples` must be an integer ≥ 1 \(got 0\)/,
    );
    expect(() => bootstrap([1, 2], { random, nResamples: 2.5 })).toThrow(/`nResamples`/);
    expect(() => bootstrap([1, 2], { random, confidence: 1 })).toThrow(
      /`confidence` must be a number in \(0, 1\)/,
    );
    expect(() => bootstrap([1, 2], { random, confidence: -0.5 })).toThrow(/`confidence`/);
    // @ts-expect-error: no random source
    expect(() => bootstrap([1, 2], {})).toThrow(/`random` must be a RandomSource/);
    // @ts-expect-error: unknown method
    expect(() => bootstrap([1, 2], { random, method: 'basic' })).toThrow(/`method`/);
    expect(() => bootstrap([1, 2], { random: { nextInt: (bound) => bound } })).toThrow(
      /random.nextInt\(2\) returned 2, not an integer in \[0, 2\)/,
    );
    expect(() => bootstrapSamples([[1], []], (x) => x[0], { random })).toThrow(
      /`samples\[1\]` must not be empty/,
    );
    expect(() => probabilityOfImprovement([1], [Infinity], { random })).toThrow(
      /probabilityOfImprovement: `b`\[0\] is Infinity/,
    );
  });
});
