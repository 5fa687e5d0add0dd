import { chiSquareSf } from './distributions.js';
import { rankAverage } from './ranks.js';
import { checkSample, type Sample } from './validate.js';

/** Result of {@link kruskalWallis}. */
export interface KruskalWallisResult {
  /** Tie-corrected H. */
  statistic: number;
  /** Degrees of freedom, groups − 1. */
  df: number;
  /** P(χ²_df ≥ H). */
  pValue: number;
}

/**
 * Kruskal–Wallis H test that all groups come from the same distribution: `scipy.stats.kruskal`.
 * H = 12/(N(N+1)) · Σ R_j²/n_j − 3(N+1), divided by the tie correction 1 − Σ(t³ − t)/(N³ − N);
 * p from the chi-square distribution with k − 1 degrees of freedom.
 *
 * When every value is equal H and p are NaN (SciPy 1.17 does the same; 1.10 raised an error).
 *
 * @throws RangeError with fewer than 2 groups, an empty group or a non-finite value.
 * @example
 * ```ts
 * kruskalWallis([1, 2, 3], [4, 5, 6], [7, 8, 9]); // H = 7.2, df = 2, p ≈ 0.0273
 * ```
 */
export function kruskalWallis(...groups: Sample[]): KruskalWallisResult {
  if (groups.length < 2) {
    throw new RangeError(`kruskalWallis: needs at least 2 groups (got ${groups.length})`);
  }
  groups.forEach((g, j) => {
    checkSample('kruskalWallis', `groups[${j}]`, g);
  });
  const all: number[] = [];
  for (const g of groups) for (let i = 0; i < g.length; i++) all.push(g[i]);
  const { ranks, tieTerm } = rankAverage(all);
  const total = all.length;
  let ssbn = 0;
  let offset = 0;
  for (const g of groups) {
    let r = 0;
    for (let i = 0; i < g.length; i++) r += ranks[offset + i];
    ssbn += (r * r) / g.length;
    offset += g.length;
  }
  const ties = 1 - tieTerm / (total * total * total - total);
  const h = ((12 / (total * (total + 1))) * ssbn - 3 * (total + 1)) / ties;
  const df = groups.length - 1;
  const statistic = ties === 0 ? Number.NaN : h;
  return { statistic, df, pValue: Number.isNaN(statistic) ? Number.NaN : chiSquareSf(statistic, df) };
}
