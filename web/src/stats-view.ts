/**
 * Statistics as tables, from the functions behind the command line: `summarize` (what `ditto run`
 * prints for a metric: description, t and bootstrap intervals keyed by the experiment seed, how many
 * repeats are enough) and `compareRuns` (what `ditto compare` prints: Welch's t-test, Mann–Whitney U,
 * Hedges' g, Cliff's δ, the probability of improvement and the plain-words verdict). The comparison
 * also shows the command line's own text.
 */
import type { Comparison, MetricSummary } from '../../packages/ditto/src/experiments/index.js';
import { describe } from '../../packages/ditto/src/stats/index.js';
import { formatNumber as fmt, formatP } from '../../packages/ditto/src/stats/verdict.js';
import { convergenceSentence, formatComparison } from '../../packages/ditto-node/src/report/terminal.js';
import { h } from './dom.js';

function table(caption: string, rows: Array<[string, string]>, id?: string): HTMLTableElement {
  return h(
    'table',
    { class: 'stats', id },
    h('caption', {}, caption),
    h(
      'tbody',
      {},
      ...rows.map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, value))),
    ),
  );
}

function range(low: number, high: number): string {
  return Number.isFinite(low) && Number.isFinite(high) ? `${fmt(low)} … ${fmt(high)}` : '—';
}

/**
 * The final MSE's statistics. While runs are still arriving (`summary` undefined) only the cheap
 * description; once the run is complete, the full summary with its bootstrap intervals.
 */
export function summaryView(
  values: readonly number[],
  summary: MetricSummary | undefined,
  caption: string,
): HTMLElement {
  const d = summary?.description ?? describe(values);
  const two = d.n >= 2;
  const rows: Array<[string, string]> = [
    ['runs (n)', String(d.n)],
    ['mean', fmt(d.mean)],
    ['standard deviation', two ? fmt(d.std) : '—'],
    ['standard error', two ? fmt(d.sem) : '—'],
    ['median', fmt(d.median)],
    ['interquartile range', `${range(d.q1, d.q3)} (${fmt(d.iqr)})`],
    ['interquartile mean', fmt(d.iqm)],
    ['min … max', range(d.min, d.max)],
    [
      `${Math.round(d.confidence * 100)}% interval of the mean (t)`,
      two ? range(d.ci.low, d.ci.high) : 'needs 2 runs',
    ],
  ];
  if (summary) {
    const { percentile, bca } = summary.bootstrap;
    rows.push(['bootstrap percentile interval', range(percentile.low, percentile.high)]);
    rows.push(['bootstrap BCa interval', range(bca.low, bca.high)]);
  }
  const box = h('div', { class: 'summary' }, table(caption, rows));
  if (summary) box.append(h('p', { class: 'hint' }, convergenceSentence(summary)));
  return box;
}

/** The comparison of two runs on the final MSE: the verdict, the tests, and `ditto compare`'s text. */
export function comparisonView(comparison: Comparison): HTMLElement {
  const metric = comparison.metrics[0];
  const pair = metric.pairs[0];
  const rows: Array<[string, string]> = [
    [
      "Welch's t-test",
      pair.welch
        ? `t = ${fmt(pair.welch.statistic)}, df = ${fmt(pair.welch.df)}, p = ${formatP(pair.welch.pValue)}`
        : 'needs at least 2 runs each',
    ],
    [
      'Mann–Whitney U',
      `U = ${fmt(pair.mannWhitney.statistic)}, p = ${formatP(pair.mannWhitney.pValue)} (${pair.mannWhitney.method})`,
    ],
    [
      `Hedges' g(${pair.a}, ${pair.b})`,
      pair.hedgesG === null ? 'needs at least 2 runs each' : fmt(pair.hedgesG),
    ],
    [`Cliff's δ(${pair.a}, ${pair.b})`, `${fmt(pair.cliffsDelta.delta)} (${pair.cliffsDelta.magnitude})`],
    [
      `P(a run of ${pair.a} beats one of ${pair.b})`,
      `${fmt(pair.improvement.estimate)} (${Math.round(pair.improvement.confidence * 100)}% bootstrap interval ${range(pair.improvement.low, pair.improvement.high)})`,
    ],
  ];
  return h(
    'div',
    { class: 'comparison-stats' },
    h('p', { class: 'verdict', id: 'verdict' }, pair.verdict.text),
    table(`Final MSE: ${pair.a} vs ${pair.b} (${metric.better} is better)`, rows),
    h(
      'details',
      {},
      h('summary', {}, 'As ', h('code', {}, 'ditto compare'), ' prints it'),
      h('pre', { id: 'compare-text' }, formatComparison(comparison).join('\n')),
    ),
  );
}
