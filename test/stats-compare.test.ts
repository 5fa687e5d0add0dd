// Two-sample tests and effect sizes against SciPy. Reference values: scripts/scipy-refs.py run
// with Debian's python3-scipy (SciPy 1.10.1, NumPy 1.24.2) unless a comment says otherwise.
import { describe, expect, it } from 'vitest';
import {
  cliffsDelta,
  cliffsMagnitude,
  hedgesCorrection,
  hedgesG,
  kruskalWallis,
  mannWhitneyU,
  probabilityOfImprovement,
  type RandomSource,
  welchTTest,
} from '../packages/ditto/src/stats/index.js';

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
const n2 = [1.5, 2.5];
const n3 = [1.0, 2.0, 4.0];
const same5 = [0.3, 0.3, 0.3, 0.3, 0.3];
const tiesA = [1, 2, 2, 3, 3, 3, 4, 5];
const tiesB = [2, 3, 4, 4, 5, 5, 6, 7, 7];
const smallA = [0.81, 0.64, 0.92, 0.7, 0.77, 0.59];
const smallB = [0.95, 0.88, 1.02, 0.74, 0.99, 1.1, 0.85];
const u5 = [-2.501, -0.05, -0.33, -0.519, 2.32];
const u20 = [
  -1.674, 0.778, 0.869, 1.267, -0.802, 0.333, -0.695, 0.672, 0.996, 0.964, 0.602, 0.986, 0.977, 1.205, 0.825,
  -0.983, -0.015, 1.146, -0.11, 0.002,
];
const b9a = [0.113, -0.046, 0.894, 0.512, -0.435, 0.114, -2.859, -0.797, -0.147];
const b9b = [-1.387, 0.678, 1.252, 2.035, 1.403, 2.884, 2.528, -0.634, 0.774];
const x3 = [-0.156, 0.092, -0.573];
const y40 = [
  1.11, 1.245, -1.024, 1.445, -0.148, 1.556, 1.065, 0.369, 2.488, 1.39, 0.532, 0.749, 2.915, 1.917, 1.45,
  0.715, 1.063, 0.648, -1.026, 1.386, 0.915, -0.851, -0.142, 0.252, 0.826, 2.229, 0.518, -1.441, 1.15, 0.332,
  -1.243, -1.782, -0.564, 0.878, -0.258, 1.1, 0.219, 0.684, 1.203, 1.079,
];
const welchTight = [10.1, 9.9, 10.0, 10.2, 9.8];
const welchWide = [3, 18, 7, 25, 11, 1, 15];
const kw1 = [2.9, 3.0, 2.5, 2.6, 3.2, 3.0];
const kw2 = [3.8, 2.7, 4.0, 2.4, 3.0];
const kw3 = [2.8, 3.4, 3.7, 2.2, 2.0, 3.0, 3.4];
const poiA = [0.474, 0.579, 0.519, 0.524, 0.515, 0.623, 0.446, 0.452, 0.589, 0.489];
const poiB = [0.623, 0.493, 0.583, 0.632, 0.421, 0.497, 0.631, 0.85, 0.635, 0.573, 0.479, 0.627];

function close(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

describe('welchTTest = scipy.stats.ttest_ind(a, b, equal_var=False)', () => {
  // statistic and pvalue from SciPy 1.10.1; df from SciPy 1.17.1 (`.df`, not returned by 1.10.1).
  const cases = [
    {
      // very different variances (0.025 vs 71), unequal sizes 5 vs 7
      name: 'welch_tight vs welch_wide',
      a: welchTight,
      b: welchWide,
      ref: { statistic: -0.4414053944478471, pValue: 0.6743675604830186, df: 6.0057303079354245 },
    },
    {
      name: 'mse30a vs mse30b',
      a: mse30a,
      b: mse30b,
      ref: { statistic: 2.284018703477633, pValue: 0.026144398087524754, df: 56.56745345839203 },
    },
    {
      name: 'n = 2 vs n = 3',
      a: n2,
      b: n3,
      ref: { statistic: -0.32879797461071475, pValue: 0.7646543733535658, df: 2.894291754756871 },
    },
    {
      name: 'ties_a vs ties_b',
      a: tiesA,
      b: tiesB,
      ref: { statistic: -2.635241969507947, pValue: 0.019157857741802134, df: 14.483785007672127 },
    },
  ];
  for (const { name, a, b, ref } of cases) {
    it(name, () => {
      const r = welchTTest(a, b);
      close(r.statistic, ref.statistic);
      close(r.df, ref.df);
      close(r.pValue, ref.pValue, 1e-10);
    });
  }

  it('follows SciPy when both samples are constant', () => {
    // stats.ttest_ind([1,1,1], [2,2,2], equal_var=False) -> statistic -inf, pvalue 0.0 (df 1.0 in 1.17.1)
    expect(welchTTest([1, 1, 1], [2, 2, 2])).toEqual({ statistic: -Infinity, df: 1, pValue: 0 });
    // stats.ttest_ind([1,1,1], [1,1,1], equal_var=False) -> nan, nan
    const same = welchTTest([1, 1, 1], [1, 1, 1]);
    expect(same.statistic).toBeNaN();
    expect(same.pValue).toBeNaN();
  });

  it('is antisymmetric in its arguments', () => {
    const ab = welchTTest(welchTight, welchWide);
    const ba = welchTTest(welchWide, welchTight);
    expect(ba.statistic).toBe(-ab.statistic);
    expect(ba.pValue).toBe(ab.pValue);
  });

  it('rejects samples without a variance', () => {
    expect(() => welchTTest([1], [1, 2])).toThrow(/welchTTest: `a` needs at least 2 values \(got 1\)/);
    expect(() => welchTTest([1, 2], [])).toThrow(/welchTTest: `b` needs at least 2 values \(got 0\)/);
    expect(() => welchTTest([1, 2], [1, Number.NaN])).toThrow(/`b`\[1\] is NaN/);
  });
});

describe("mannWhitneyU = scipy.stats.mannwhitneyu(a, b, alternative='two-sided')", () => {
  // All SciPy 1.10.1; the 'auto' rule (exact iff min(n1, n2) ≤ 8 and no ties) is the same code
  // in 1.10.1 and 1.17.1 (_mwu_choose_method), and 1.17.1 gives the same numbers.
  const cases = [
    {
      name: 'exact: 6 vs 7, no ties',
      a: smallA,
      b: smallB,
      method: 'auto',
      ref: [5, 0.022144522144522144, 'exact'],
    },
    {
      name: 'exact: 5 vs 20 (one small sample)',
      a: u5,
      b: u20,
      method: 'auto',
      ref: [33, 0.27178618482966305, 'exact'],
    },
    { name: 'exact: 3 vs 40', a: x3, b: y40, method: 'auto', ref: [24, 0.09318531723523216, 'exact'] },
    { name: 'exact: 2 vs 3', a: n2, b: n3, method: 'auto', ref: [3, 1, 'exact'] },
    {
      name: 'asymptotic: 9 vs 9',
      a: b9a,
      b: b9b,
      method: 'auto',
      ref: [17, 0.04226010608395664, 'asymptotic'],
    },
    {
      name: 'asymptotic: ties (8 vs 9), tie-corrected',
      a: tiesA,
      b: tiesB,
      method: 'auto',
      ref: [13.5, 0.03175895714806371, 'asymptotic'],
    },
    {
      name: 'asymptotic: 30 vs 30',
      a: mse30a,
      b: mse30b,
      method: 'auto',
      ref: [589, 0.04059500053669264, 'asymptotic'],
    },
    {
      name: "method='asymptotic' forced on 6 vs 7",
      a: smallA,
      b: smallB,
      method: 'asymptotic',
      ref: [5, 0.026809130715595843, 'asymptotic'],
    },
    {
      name: "method='exact' forced on 9 vs 9",
      a: b9a,
      b: b9b,
      method: 'exact',
      ref: [17, 0.039983545865898806, 'exact'],
    },
    {
      name: 'identical samples (all ties)',
      a: same5,
      b: same5,
      method: 'auto',
      ref: [12.5, 1, 'asymptotic'],
    },
  ] as const;
  for (const { name, a, b, method, ref } of cases) {
    it(name, () => {
      const r = mannWhitneyU(a, b, { method });
      expect(r.statistic).toBe(ref[0]);
      close(r.pValue, ref[1], 1e-12);
      expect(r.method).toBe(ref[2]);
    });
  }

  it('gives U of the first sample; swapping gives n1·n2 − U and the same p', () => {
    const ab = mannWhitneyU(u5, u20);
    const ba = mannWhitneyU(u20, u5);
    expect(ba.statistic).toBe(5 * 20 - ab.statistic);
    close(ba.pValue, ab.pValue, 1e-15);
  });

  it('computes exact p-values from the exact null distribution', () => {
    // Independent check by enumeration: with 3 vs 3 there are C(6,3) = 20 arrangements, and
    // U = 0 (complete separation) has 2-sided p = 2/20.
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).pValue).toBe(0.1);
    // 8 vs 8 complete separation: p = 2 / C(16, 8) = 2 / 12870.
    const lo = [1, 2, 3, 4, 5, 6, 7, 8];
    const hi = [9, 10, 11, 12, 13, 14, 15, 16];
    close(mannWhitneyU(lo, hi).pValue, 2 / 12870, 1e-15);
  });

  it('rejects bad input', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/mannWhitneyU: `a` must not be empty/);
    expect(() => mannWhitneyU([1], [Infinity])).toThrow(/`b`\[0\] is Infinity/);
    // @ts-expect-error: an unknown method
    expect(() => mannWhitneyU([1], [2], { method: 'permutation' })).toThrow(/`method`/);
  });
});

describe('kruskalWallis = scipy.stats.kruskal', () => {
  it('three groups with ties', () => {
    // stats.kruskal(kw1, kw2, kw3)  — SciPy 1.10.1
    const r = kruskalWallis(kw1, kw2, kw3);
    close(r.statistic, 0.5658216522517102);
    close(r.pValue, 0.7535869851345216);
    expect(r.df).toBe(2);
  });

  it('two groups with many ties', () => {
    // stats.kruskal(ties_a, ties_b)  — SciPy 1.10.1
    const r = kruskalWallis(tiesA, tiesB);
    close(r.statistic, 4.823455233291299);
    close(r.pValue, 0.028075012477371618);
  });

  it('unequal group sizes (30, 30, 3)', () => {
    // stats.kruskal(mse30a, mse30b, n3)  — SciPy 1.10.1
    const r = kruskalWallis(mse30a, mse30b, n3);
    close(r.statistic, 12.271031746031724);
    close(r.pValue, 0.002164608266812299, 1e-10);
  });

  it("keeps a strong effect's p-value: the chi-square survival function, not 1 − CDF", () => {
    // Five separated groups of 40: stats.kruskal -> H 191.04477611940297, p 3.16069089739152e-40
    // (= stats.chi2.sf(H, 4)); 1 − stats.chi2.cdf(H, 4) is 0.0 — SciPy 1.10.1.
    const groups = Array.from({ length: 5 }, (_, g) => Array.from({ length: 40 }, (_, i) => 100 * g + i));
    const r = kruskalWallis(...groups);
    close(r.statistic, 191.04477611940297);
    expect(r.pValue).toBeGreaterThan(0);
    close(r.pValue, 3.16069089739152e-40, 1e-11);
    // Three groups of 20: H 52.459016393442624, sf 4.061339800128413e-12, where 1 − CDF gives
    // 4.061306846381285e-12 (8e-6 relative error from cancellation).
    const three = kruskalWallis(
      ...Array.from({ length: 3 }, (_, g) => Array.from({ length: 20 }, (_, i) => 100 * g + i)),
    );
    close(three.pValue, 4.061339800128413e-12, 1e-11);
  });

  it('gives NaN when every value is equal (SciPy 1.17.1; 1.10.1 raised)', () => {
    const r = kruskalWallis([1, 1], [1, 1, 1]);
    expect(r.statistic).toBeNaN();
    expect(r.pValue).toBeNaN();
  });

  it('rejects fewer than two groups and empty groups', () => {
    expect(() => kruskalWallis([1, 2])).toThrow(/kruskalWallis: needs at least 2 groups \(got 1\)/);
    expect(() => kruskalWallis([1, 2], [])).toThrow(/`groups\[1\]` must not be empty/);
  });
});

describe('hedgesG', () => {
  it('uses the exact small-sample correction J(ν) = Γ(ν/2) / (√(ν/2) Γ((ν−1)/2))', () => {
    // special.gamma(df/2) / special.gamma((df-1)/2) / math.sqrt(df/2)  — SciPy 1.10.1; for df = 1000
    // (Γ overflows) the closed form ((k−1)!)² 4^(k−1) / ((2k−2)! √π √k), k = df/2, in 40-digit
    // decimals (scripts/scipy-refs.py: hedges_j)
    const ref: Record<number, number> = {
      2: 0.5641895835477563,
      3: 0.7236012545582676,
      4: 0.7978845608028653,
      10: 0.922745608053087,
      57: 0.9867744000089334,
      58: 0.9870035810279773,
      1000: 0.9992497811797164,
    };
    for (const [df, j] of Object.entries(ref)) close(hedgesCorrection(Number(df)), j, 1e-13);
  });

  it('matches the textbook formula computed with NumPy/SciPy', () => {
    // hedges_j(n_a + n_b − 2) · (np.mean(a) − np.mean(b)) / s_pooled, s_pooled from np.var(ddof=1)
    close(hedgesG(mse30a, mse30b), 0.582066701029024);
    close(hedgesG(n2, n3), -0.18379490245279442);
    close(hedgesG(welchTight, welchWide), -0.19876928748212638);
  });

  it('handles constant samples', () => {
    expect(hedgesG(same5, same5)).toBe(0);
    expect(hedgesG([2, 2], [1, 1, 1])).toBe(Infinity);
    expect(() => hedgesG([1], [1, 2])).toThrow(/hedgesG: `a` needs at least 2 values/);
  });
});

describe('cliffsDelta', () => {
  // np.mean(np.sign(a[:, None] - b[None, :]))  — brute force over all pairs, NumPy 1.24.2
  const cases = [
    { a: mse30a, b: mse30b, delta: 0.3088888888888889, magnitude: 'small' },
    { a: tiesA, b: tiesB, delta: -0.625, magnitude: 'large' },
    { a: poiA, b: poiB, delta: -0.425, magnitude: 'medium' },
    { a: same5, b: same5, delta: 0, magnitude: 'negligible' },
  ];
  cases.forEach(({ a, b, delta, magnitude }, i) => {
    it(`case ${i + 1}: δ = ${delta}`, () => {
      const r = cliffsDelta(a, b);
      close(r.delta, delta, 1e-15);
      expect(r.magnitude).toBe(magnitude);
      expect(cliffsDelta(b, a).delta + r.delta).toBe(0);
    });
  });

  it('labels magnitudes at the Romano et al. thresholds', () => {
    expect(cliffsMagnitude(0.146)).toBe('negligible');
    expect(cliffsMagnitude(-0.147)).toBe('small');
    expect(cliffsMagnitude(0.329)).toBe('small');
    expect(cliffsMagnitude(0.33)).toBe('medium');
    expect(cliffsMagnitude(-0.473)).toBe('medium');
    expect(cliffsMagnitude(0.474)).toBe('large');
    expect(cliffsMagnitude(-1)).toBe('large');
  });
});

describe('probabilityOfImprovement (estimate)', () => {
  // P(X < Y) + ½ P(X = Y) = stats.mannwhitneyu(b, a).statistic / (len(a) * len(b))  — SciPy 1.10.1
  const random: RandomSource = { nextInt: (bound) => (bound > 1 ? 1 : 0) };
  const cases = [
    { a: mse30a, b: mse30b, ref: 0.34555555555555556 },
    { a: tiesA, b: tiesB, ref: 0.8125 },
    { a: poiA, b: poiB, ref: 0.7125 }, // one tied pair (0.623)
    { a: same5, b: same5, ref: 0.5 },
  ];
  cases.forEach(({ a, b, ref }, i) => {
    it(`case ${i + 1}: ${ref}`, () => {
      close(probabilityOfImprovement(a, b, { random, nResamples: 3 }).estimate, ref, 1e-15);
    });
  });
});
