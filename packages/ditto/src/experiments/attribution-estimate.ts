/**
 * From an attribution's runs to its answer, per metric: each source's variance component and its
 * interactions (method of moments), bootstrap intervals, shares of the total, and a verdict in
 * plain words.
 *
 * @module
 */

import { integerPower } from '../optimizers/power.js';
import { foldIn, type Key, normal, type SeedSource } from '../random/index.js';
import { bootstrapSamples } from '../stats/bootstrap.js';
import { quantileSorted } from '../stats/sample-math.js';
import { componentsOf, oneAtATimeOf, termOrder } from '../stats/variance-components.js';
import type { AttributionPlan } from './attribution-plan.js';
import { keyedRandomSource, statisticsKey } from './keyed-random.js';

/**
 * A source whose share's upper confidence bound is below this is called negligible: with 95 %
 * confidence it accounts for less than 5 % of the variance.
 */
export const NEGLIGIBLE_SHARE = 0.05;

/** What each source stands for, in the verdict. */
export const SOURCE_DESCRIPTIONS: Readonly<Record<SeedSource, string>> = Object.freeze({
  init: 'weight initialisation',
  dropout: 'dropout masks',
  order: 'data order',
  split: 'the data split',
  augment: 'data augmentation',
  user: "the user's own random draws",
});

/** One term of the answer: a source, or an interaction of sources. */
export interface AttributionTerm {
  /** The source(s): one for a source's own component, several for an interaction. */
  readonly sources: readonly SeedSource[];
  /** 'init', 'init × order'; one at a time: 'interactions' for the remainder. */
  readonly label: string;
  /** The variance component (≥ 0; a negative estimate is reported as 0, see `note`). */
  readonly component: number;
  /** The method-of-moments estimate before clipping at 0. */
  readonly raw: number;
  /** Bootstrap interval of the component. */
  readonly low: number;
  readonly high: number;
  /** component ÷ the sum of all components, in [0, 1]; 0 when nothing varies. */
  readonly share: number;
  readonly shareLow: number;
  readonly shareHigh: number;
  /** Whether the share's upper bound is below {@link NEGLIGIBLE_SHARE}. */
  readonly negligible: boolean;
}

/** The answer for one metric. */
export interface MetricAttribution {
  readonly metric: string;
  readonly kind: AttributionPlan['kind'];
  /** Sources first (in the plan's order), then interactions. */
  readonly terms: readonly AttributionTerm[];
  /** Sum of the components: the metric's variance when every source varies. */
  readonly total: number;
  readonly confidence: number;
  readonly nResamples: number;
  /** Remarks on the estimate (negative estimates reported as 0). */
  readonly notes: readonly string[];
  /** The answer in plain words. */
  readonly verdict: string;
}

/** Options of {@link attributeMetric}. */
export interface AttributionEstimateOptions {
  /** The experiment seed (unsigned 64-bit decimal): keys the bootstrap, so intervals are reproducible. */
  seed: string;
  /** Bootstrap resamples; default 2000. */
  nResamples?: number;
  /** Confidence of the intervals; default 0.95. */
  confidence?: number;
}

/**
 * The attribution of one metric from its values in each arm of `plan`, in repeat order (crossed:
 * the k^s cells in design order).
 *
 * Intervals are percentile bootstrap intervals keyed by the experiment seed and the metric, so
 * they are the same on every run. Crossed: a parametric bootstrap from the fitted random-effects
 * model (see parametricIntervals). One at a time: each arm's runs resampled with ditto's
 * `bootstrapSamples`. Percentile rather than BCa because a component clipped at 0 piles resamples
 * on the boundary, where BCa's bias correction is unreliable.
 *
 * @throws RangeError when an arm's values do not match the plan.
 * @example
 * ```ts
 * const plan = planAttribution(['init', 'order'], 5); // one arm: the 25 cells
 * const result = attributeMetric(plan, 'mse', [cellValues], { seed: '7' });
 * result.verdict; // "…% of the spread of mse comes from weight initialisation (95 % CI …)"
 * ```
 */
export function attributeMetric(
  plan: AttributionPlan,
  metric: string,
  armValues: readonly (readonly number[])[],
  options: AttributionEstimateOptions,
): MetricAttribution {
  const { seed, nResamples = 2000, confidence = 0.95 } = options;
  if (armValues.length !== plan.arms.length) {
    throw new RangeError(`attribute: ${armValues.length} arms of values for a plan of ${plan.arms.length}`);
  }
  plan.arms.forEach((arm, i) => {
    const n = armValues[i].length;
    const needed = plan.kind === 'crossed' ? arm.repeats : 2;
    if (plan.kind === 'crossed' ? n !== needed : n < needed) {
      throw new RangeError(
        `attribute: metric '${metric}' has ${n} successful repeats in arm '${arm.label}'; it needs ${plan.kind === 'crossed' ? `all ${needed} cells` : 'at least 2'}`,
      );
    }
  });
  const { labels, sourcesOf, estimate } =
    plan.kind === 'crossed' ? crossedEstimator(plan, armValues[0]) : oneAtATimeEstimator(plan, armValues);
  const first = estimate(plan.kind === 'crossed' ? [] : armValues.map((values) => indices(values.length)));
  const original = componentsAndShares(first);
  const key = statisticsKey('attribution', [seed], metric);
  const interval =
    plan.kind === 'crossed'
      ? parametricIntervals(plan, first, original, key, nResamples, confidence)
      : resampledIntervals(armValues, estimate, original, key, nResamples, confidence);
  const count = labels.length;
  const raws = first.raw;
  const total = first.total;
  const notes: string[] = [];
  const terms: AttributionTerm[] = labels.map((label, t) => {
    const component = interval(t);
    const share = interval(count + t);
    if (raws[t] < 0) {
      notes.push(
        `the estimate for ${label} was negative (${raws[t].toPrecision(3)}), reported as 0: sampling error exceeds its true size, which is then small`,
      );
    }
    return Object.freeze({
      sources: sourcesOf[t],
      label,
      component: original[t],
      raw: raws[t],
      low: component.low,
      high: component.high,
      share: original[count + t],
      shareLow: share.low,
      shareHigh: share.high,
      negligible: share.high < NEGLIGIBLE_SHARE,
    });
  });
  return Object.freeze({
    metric,
    kind: plan.kind,
    terms: Object.freeze(terms),
    total,
    confidence,
    nResamples,
    notes: Object.freeze(notes),
    verdict: attributionVerdict(metric, terms, total, confidence),
  });
}

interface Estimator {
  labels: string[];
  sourcesOf: SeedSource[][];
  /** Estimates from the resampled units' indices. */
  estimate(picked: readonly Float64Array[]): Estimate;
}

interface Estimate {
  /** Components clipped at 0, and before. */
  clipped: Float64Array;
  raw: Float64Array;
  /** What shares are of: the sum of the components (crossed), the all-varying variance (one at a time). */
  total: number;
}

function crossedEstimator(plan: AttributionPlan, values: readonly number[]): Estimator {
  const s = plan.sources.length;
  const sourcesOf = termOrder(s).map((mask) => plan.sources.filter((_, j) => mask & (1 << j)));
  const table = Float64Array.from(values);
  return {
    labels: sourcesOf.map((sources) => sources.join(' × ')),
    sourcesOf,
    estimate: () => estimateTable(table, s, plan.levels),
  };
}

function estimateTable(table: Float64Array, s: number, k: number): Estimate {
  const components = componentsOf(table, new Array<number>(s).fill(k));
  const clipped = Float64Array.from(components, (c) => c.estimate);
  return {
    clipped,
    raw: Float64Array.from(components, (c) => c.raw),
    total: clipped.reduce((a, b) => a + b, 0),
  };
}

type Intervals = (statistic: number) => { low: number; high: number };

/**
 * Crossed design: a parametric bootstrap (as lme4's `bootMer`). Each resample is a table simulated
 * from the fitted random-effects model — for every term, normal effects with the estimated
 * variance, drawn from ditto's Threefry stream keyed by the experiment seed and the metric — and
 * estimated again by the same method of moments; the intervals are percentiles of the resampled
 * components and shares. Resampling the k observed levels instead breaks down at k = 5: a resample
 * often repeats one or two levels, and a source that dominates looks absent in it.
 */
function parametricIntervals(
  plan: AttributionPlan,
  fitted: Estimate,
  original: Float64Array,
  key: Key,
  nResamples: number,
  confidence: number,
): Intervals {
  const s = plan.sources.length;
  const k = plan.levels;
  const cells = integerPower(k, s);
  const masks = termOrder(s);
  const count = masks.length;
  const sd = Array.from(fitted.clipped, Math.sqrt);
  const distributions = Array.from({ length: 2 * count }, () => new Float64Array(nResamples));
  const table = new Float64Array(cells);
  for (let b = 0; b < nResamples; b++) {
    table.fill(0);
    const resampleKey = foldIn(key, b);
    masks.forEach((mask, t) => {
      if (sd[t] === 0) return;
      const effects = normal(foldIn(resampleKey, t), integerPower(k, popcount(mask)));
      for (let c = 0; c < cells; c++) table[c] += sd[t] * effects[cellOf(c, mask, s, k)];
    });
    const values = sharesWithFallback(estimateTable(table, s, k), original);
    for (let i = 0; i < 2 * count; i++) distributions[i][b] = values[i];
  }
  const alpha = (1 - confidence) / 2;
  return (i) => {
    const sorted = distributions[i].slice().sort();
    return { low: quantileSorted(sorted, alpha), high: quantileSorted(sorted, 1 - alpha) };
  };
}

/** One at a time: each arm's runs resampled (ditto's `bootstrapSamples`, percentile intervals). */
function resampledIntervals(
  armValues: readonly (readonly number[])[],
  estimate: Estimator['estimate'],
  original: Float64Array,
  key: Key,
  nResamples: number,
  confidence: number,
): Intervals {
  // Each sample is the indices of an arm's runs; the statistic maps them back to values.
  const samples = armValues.map((values) => indices(values.length));
  const memo = new Map<string, Float64Array>();
  const all = (picked: Float64Array[]) => {
    const id = picked.map((p) => p.join(',')).join('|');
    let found = memo.get(id);
    if (found === undefined) {
      found = sharesWithFallback(estimate(picked), original);
      memo.set(id, found);
    }
    return found;
  };
  return (i) =>
    bootstrapSamples(samples, (...picked) => all(picked)[i], {
      random: keyedRandomSource(key),
      method: 'percentile',
      nResamples,
      confidence,
    });
}

/**
 * Components and shares of a resample; one in which nothing varies says nothing about how the
 * variance splits, so it keeps the estimate's shares rather than dividing 0 by 0.
 */
function sharesWithFallback(e: Estimate, original: Float64Array): Float64Array {
  const values = componentsAndShares(e);
  if (!(e.total > 0)) values.set(original.subarray(values.length / 2), values.length / 2);
  return values;
}

/** The index, row-major over the factors in `mask`, of cell `c` of an s-factor table of k levels. */
function cellOf(c: number, mask: number, s: number, k: number): number {
  let index = 0;
  for (let j = 0; j < s; j++) {
    if (!(mask & (1 << j))) continue;
    index = index * k + (Math.floor(c / integerPower(k, s - 1 - j)) % k);
  }
  return index;
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

function oneAtATimeEstimator(plan: AttributionPlan, armValues: readonly (readonly number[])[]): Estimator {
  const s = plan.sources.length;
  return {
    labels: [...plan.sources, 'interactions'],
    sourcesOf: [...plan.sources.map((source) => [source]), [...plan.sources]],
    estimate(picked) {
      const arms = picked.map((indices, j) => Float64Array.from(indices, (i) => armValues[j][i]));
      const result = oneAtATimeOf(arms.slice(0, s), arms[s]);
      return {
        clipped: Float64Array.from([...result.main.map((m) => m.estimate), result.interaction.estimate]),
        raw: Float64Array.from([...result.main.map((m) => m.raw), result.interaction.raw]),
        total: result.total,
      };
    },
  };
}

/**
 * Components followed by their shares of the total (0 when the total is 0). One at a time the
 * shares are total effects and can add up to more than 1 (each source's share holds its
 * interactions), so they are capped at 1 only singly.
 */
function componentsAndShares({ clipped, total }: Estimate): Float64Array {
  const count = clipped.length;
  const out = new Float64Array(2 * count);
  for (let t = 0; t < count; t++) {
    out[t] = clipped[t];
    out[count + t] = total > 0 ? Math.min(clipped[t] / total, 1) : 0;
  }
  return out;
}

function indices(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i);
}

/** A share as a percentage for prose: whole percents from 1 %, one significant digit below. */
export function formatShare(share: number): string {
  const percent = share * 100;
  if (percent === 0) return '0 %';
  if (percent >= 1 || percent >= 0.995) return `${Math.round(percent)} %`;
  return `${Number(percent.toPrecision(1))} %`;
}

function describeTerm(term: AttributionTerm): string {
  if (term.sources.length === 1) return SOURCE_DESCRIPTIONS[term.sources[0]];
  if (term.label === 'interactions') return 'the interactions of the sources';
  const [first, ...rest] = term.sources.map((s) => SOURCE_DESCRIPTIONS[s]);
  return `the interaction of ${first} with ${rest.join(' and ')}`;
}

function interval(term: AttributionTerm, confidence: number): string {
  return `${Math.round(confidence * 100)} % CI ${formatShare(term.shareLow).replace(' %', '')}–${formatShare(term.shareHigh)}`;
}

/**
 * The verdict: the largest contributor first ("73 % of the spread of val_loss comes from weight
 * initialisation (95 % CI 60–85 %)"), then the others that are not negligible, then the negligible
 * ones together ("dropout masks are negligible": each share's upper bound below 5 %).
 */
export function attributionVerdict(
  metric: string,
  terms: readonly AttributionTerm[],
  total: number,
  confidence: number,
): string {
  if (!(total > 0)) {
    return `${metric} does not vary over the design: every run gave the same value, so no source moves it.`;
  }
  const ranked = [...terms].sort((a, b) => b.share - a.share);
  const visible = ranked.filter((t) => !t.negligible && t.share > 0);
  const negligible = ranked.filter((t) => t.negligible || t.share === 0);
  const parts: string[] = [];
  const [first, ...others] = visible.length > 0 ? visible : ranked;
  parts.push(
    `${formatShare(first.share)} of the spread of ${metric} comes from ${describeTerm(first)} (${interval(first, confidence)})`,
  );
  for (const term of visible.length > 0 ? others : []) {
    parts.push(
      `${describeTerm(term)} contributes ${formatShare(term.share)} (${interval(term, confidence)})`,
    );
  }
  // Sources before interactions, in the plan's order.
  const quiet = terms.filter((t) => t !== first && negligible.includes(t));
  if (quiet.length > 0) {
    // Several negligible interactions, and no other: "every interaction", not a list of them all.
    const interactions = terms.filter((t) => t.sources.length > 1);
    const quietInteractions = quiet.filter((t) => t.sources.length > 1);
    const together = quietInteractions.length > 1 && quietInteractions.length === interactions.length;
    const names = together
      ? [...quiet.filter((t) => t.sources.length === 1).map(describeTerm), 'every interaction of the sources']
      : quiet.map(describeTerm);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    parts.push(
      `${list} ${names.length === 1 && quiet[0].sources.join() !== 'dropout' ? 'is' : 'are'} negligible (under ${NEGLIGIBLE_SHARE * 100} % with ${Math.round(confidence * 100)} % confidence)`,
    );
  }
  return `${parts.join('; ')}.`;
}
