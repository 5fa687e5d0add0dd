/**
 * Variance components of random-effects designs by the method of moments (ANOVA expected mean
 * squares), for attributing the spread of a metric to the sources of randomness that produced it.
 * float64 reporting code, like the rest of stats/.
 *
 * @module
 */

import { variance } from './sample-math.js';
import { checkSample, type Sample } from './validate.js';

/** One term of a crossed design: a factor's main effect, or an interaction of several factors. */
export interface VarianceComponent {
  /** The factors of the term (indices into the design's factors), ascending; one for a main effect. */
  readonly factors: readonly number[];
  /** Degrees of freedom of its mean square, Π (k_j − 1) over its factors. */
  readonly df: number;
  /** Its mean square, SS / df. */
  readonly meanSquare: number;
  /** The method-of-moments estimate, which can be negative (sampling error). */
  readonly raw: number;
  /** `max(raw, 0)`: a variance cannot be negative. */
  readonly estimate: number;
}

/**
 * Variance components of a fully crossed random-effects design with one observation per cell: every
 * combination of `levels[0] × levels[1] × …` levels, `values` in row-major order (factor 0 varies
 * slowest). Model: y = μ + Σ_E a_E(levels of E) + ε over every non-empty set of factors E, each term
 * an independent random effect of variance σ²_E. With one observation per cell the interaction of
 * all factors cannot be told from ε: its component holds both.
 *
 * Method of moments: for a balanced design E[MS_E] = Σ_{F ⊇ E} (Π_{j ∉ F} k_j) σ²_F, inverted
 * (Möbius inversion over the supersets) to σ²_E = Σ_{F ⊇ E} (−1)^{|F∖E|} MS_F ⁄ Π_{j ∉ E} k_j. For
 * two factors that is the textbook σ²_A = (MS_A − MS_AB)/k_B.
 *
 * Terms come in order of size, then lexicographically: A, B, C, AB, AC, BC, ABC.
 *
 * @throws RangeError when a level count is not an integer ≥ 2, or `values` has the wrong length or a
 *   non-finite value.
 * @example
 * ```ts
 * // 2 × 2: rows a0, a1; columns b0, b1
 * const [a, b, ab] = crossedVarianceComponents([1, 2, 5, 8], [2, 2]);
 * a.raw; // (MS_A − MS_AB) / 2 = (25 − 1) / 2 = 12
 * ```
 */
export function crossedVarianceComponents(values: Sample, levels: readonly number[]): VarianceComponent[] {
  const fn = 'crossedVarianceComponents';
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new RangeError(`${fn}: \`levels\` must be a non-empty array of level counts`);
  }
  levels.forEach((k, j) => {
    if (!Number.isInteger(k) || k < 2) {
      throw new RangeError(`${fn}: \`levels[${j}]\` must be an integer ≥ 2 (got ${String(k)})`);
    }
  });
  const cells = levels.reduce((n, k) => n * k, 1);
  checkSample(fn, 'values', values);
  if (values.length !== cells) {
    throw new RangeError(
      `${fn}: \`values\` has ${values.length} values; a ${levels.join(' × ')} design has ${cells} cells`,
    );
  }
  return componentsOf(Float64Array.from(values), levels);
}

/** {@link crossedVarianceComponents} without the checks (the bootstrap calls it many times). */
export function componentsOf(values: Float64Array, levels: readonly number[]): VarianceComponent[] {
  const s = levels.length;
  const cells = values.length;
  const terms = 1 << s;
  // strides[j]: how far one step of factor j moves in the row-major table.
  const strides = new Array<number>(s);
  for (let j = s - 1, stride = 1; j >= 0; j--) {
    strides[j] = stride;
    stride *= levels[j];
  }
  // Marginal means of every set of factors F (bitmask), indexed row-major over F's levels.
  const marginals: Float64Array[] = [];
  for (let mask = 0; mask < terms; mask++) {
    const size = sizeOf(mask, levels);
    const sums = new Float64Array(size);
    for (let c = 0; c < cells; c++) sums[project(c, mask, levels, strides)] += values[c];
    const count = cells / size;
    for (let i = 0; i < size; i++) sums[i] /= count;
    marginals.push(sums);
  }
  const meanSquares = new Float64Array(terms);
  const dfs = new Float64Array(terms);
  for (let mask = 1; mask < terms; mask++) {
    // The effect of E at each of its cells: inclusion–exclusion over the subsets of E.
    const size = sizeOf(mask, levels);
    let squares = 0;
    for (let cell = 0; cell < size; cell++) {
      const digits = digitsOf(cell, mask, levels);
      let effect = 0;
      for (let sub = mask; ; sub = (sub - 1) & mask) {
        const sign = (popcount(mask) - popcount(sub)) % 2 === 0 ? 1 : -1;
        effect += sign * marginals[sub][indexOf(digits, sub, levels)];
        if (sub === 0) break;
      }
      squares += effect * effect;
    }
    let df = 1;
    for (let j = 0; j < s; j++) if (mask & (1 << j)) df *= levels[j] - 1;
    dfs[mask] = df;
    meanSquares[mask] = ((cells / size) * squares) / df;
  }
  const components: VarianceComponent[] = [];
  for (const mask of termOrder(s)) {
    let numerator = 0;
    for (let sup = 1; sup < terms; sup++) {
      if ((sup & mask) !== mask) continue;
      numerator += ((popcount(sup) - popcount(mask)) % 2 === 0 ? 1 : -1) * meanSquares[sup];
    }
    let divisor = 1;
    for (let j = 0; j < s; j++) if (!(mask & (1 << j))) divisor *= levels[j];
    const raw = numerator / divisor;
    const factors: number[] = [];
    for (let j = 0; j < s; j++) if (mask & (1 << j)) factors.push(j);
    components.push(
      Object.freeze({
        factors: Object.freeze(factors),
        df: dfs[mask],
        meanSquare: meanSquares[mask],
        raw,
        estimate: Math.max(raw, 0),
      }),
    );
  }
  return components;
}

/** The non-empty sets of `s` factors as bitmasks: by size, then lexicographically by factor. */
export function termOrder(s: number): number[] {
  const masks = Array.from({ length: (1 << s) - 1 }, (_, i) => i + 1);
  const key = (mask: number) => {
    const factors: number[] = [];
    for (let j = 0; j < s; j++) if (mask & (1 << j)) factors.push(j);
    return factors;
  };
  return masks.sort((a, b) => {
    const fa = key(a);
    const fb = key(b);
    if (fa.length !== fb.length) return fa.length - fb.length;
    for (let i = 0; i < fa.length; i++) if (fa[i] !== fb[i]) return fa[i] - fb[i];
    return 0;
  });
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

function sizeOf(mask: number, levels: readonly number[]): number {
  let size = 1;
  for (let j = 0; j < levels.length; j++) if (mask & (1 << j)) size *= levels[j];
  return size;
}

/** The index, row-major over the factors of `mask`, of full-table cell `c`. */
function project(c: number, mask: number, levels: readonly number[], strides: readonly number[]): number {
  let index = 0;
  for (let j = 0; j < levels.length; j++) {
    if (!(mask & (1 << j))) continue;
    index = index * levels[j] + (Math.floor(c / strides[j]) % levels[j]);
  }
  return index;
}

/** The level of each factor (−1 outside `mask`) of cell `cell` of the table over `mask`'s factors. */
function digitsOf(cell: number, mask: number, levels: readonly number[]): number[] {
  const digits = new Array<number>(levels.length).fill(-1);
  let rest = cell;
  for (let j = levels.length - 1; j >= 0; j--) {
    if (!(mask & (1 << j))) continue;
    digits[j] = rest % levels[j];
    rest = Math.floor(rest / levels[j]);
  }
  return digits;
}

/** The index, row-major over the factors of `sub`, of the cell with levels `digits`. */
function indexOf(digits: readonly number[], sub: number, levels: readonly number[]): number {
  let index = 0;
  for (let j = 0; j < levels.length; j++) if (sub & (1 << j)) index = index * levels[j] + digits[j];
  return index;
}

/** What {@link oneAtATimeComponents} estimates. */
export interface OneAtATimeComponents {
  /**
   * Per factor, the variance of its arm (it alone varying, the others at one fixed level): its own
   * component plus every interaction it takes part in (Sobol's total effect), σ²_j + Σ_{F ∋ j, |F| > 1} σ²_F.
   */
  readonly main: readonly { readonly raw: number; readonly estimate: number }[];
  /**
   * How much the arms overlap, Σ main − total: each interaction counted once for every arm beyond
   * the first that holds it, Σ_F (|F| − 1)·σ²_F (for two factors exactly σ²_AB). Near 0 when the
   * sources act additively; a negative estimate is sampling error.
   */
  readonly interaction: { readonly raw: number; readonly estimate: number };
  /** The variance of the all-varying arm: the metric's total variance. */
  readonly total: number;
}

/**
 * Variance components from one-at-a-time arms: arm j varies factor j alone (the others held at
 * one fixed level), `all` varies every factor. The sample variance (ddof = 1) of arm j estimates
 * factor j's total effect (its component plus its interactions); the all-varying variance is the
 * total; what the arms add up to beyond the total is the interactions' overlap. Cheaper than a
 * crossed design for many factors ((s + 1)·n runs instead of k^s), at the price of not separating
 * the interactions from each other or from the main components.
 *
 * @throws RangeError for an arm or `all` with fewer than 2 values or a non-finite value.
 * @example
 * ```ts
 * const { main, interaction, total } = oneAtATimeComponents([[1, 2, 3], [1, 1.5, 1.2]], [1, 3, 2.5, 0.5]);
 * ```
 */
export function oneAtATimeComponents(arms: readonly Sample[], all: Sample): OneAtATimeComponents {
  const fn = 'oneAtATimeComponents';
  if (!Array.isArray(arms) || arms.length === 0) {
    throw new RangeError(`${fn}: \`arms\` must be a non-empty array of samples`);
  }
  arms.forEach((arm, j) => {
    checkSample(fn, `arms[${j}]`, arm, 2);
  });
  checkSample(fn, 'all', all, 2);
  return oneAtATimeOf(arms, all);
}

/** {@link oneAtATimeComponents} without the checks. */
export function oneAtATimeOf(arms: readonly Sample[], all: Sample): OneAtATimeComponents {
  const main = arms.map((arm) => {
    const raw = variance(arm, 1);
    return Object.freeze({ raw, estimate: raw });
  });
  const total = variance(all, 1);
  const raw = main.reduce((sum, m) => sum + m.raw, 0) - total;
  return Object.freeze({
    main: Object.freeze(main),
    interaction: Object.freeze({ raw, estimate: Math.max(raw, 0) }),
    total,
  });
}
