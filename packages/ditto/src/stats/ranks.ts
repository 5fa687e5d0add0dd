// Average ranks with tie bookkeeping, as scipy.stats.rankdata(method='average') and the tie terms
// that the rank tests (Mann–Whitney U, Kruskal–Wallis) correct for.

/** Ranks (1-based, ties share their average rank) and the sizes of the tie groups. */
export interface Ranking {
  /** `ranks[i]` is the rank of `values[i]`. */
  ranks: Float64Array;
  /** Σ (t³ − t) over groups of t equal values; 0 when there are no ties. */
  tieTerm: number;
  /** Whether any value occurs more than once. */
  hasTies: boolean;
}

/** Ranks `values` (finite numbers) in ascending order; equal values share the average rank. */
export function rankAverage(values: ArrayLike<number>): Ranking {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  // Index as tie-breaker keeps the sort total and therefore engine-independent.
  order.sort((i, j) => values[i] - values[j] || i - j);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let hasTies = false;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const t = end - start;
    // Positions start..end−1 hold ranks start+1..end; their average is (start + end + 1) / 2.
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    if (t > 1) {
      hasTies = true;
      tieTerm += t * t * t - t;
    }
    start = end;
  }
  return { ranks, tieTerm, hasTies };
}
