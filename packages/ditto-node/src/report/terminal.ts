/**
 * Runs and comparisons as terminal text, at most 80 columns: per metric the statistics, the
 * intervals, how many repeats were enough and a box plot; for comparisons the tests, effect sizes
 * and a plain-words verdict per pair.
 *
 * @module
 */

import type {
  Comparison,
  ExperimentRun,
  ExperimentSummary,
  MetricComparison,
  MetricSummary,
  PairComparison,
  RepeatFailure,
} from 'ditto/internal';
import { failures, formatDelta, formatIqr, formatP, formatNumber as num } from 'ditto/internal';
import { textBoxPlot } from '../cli/text-plot.js';
import { wantsLogScale } from './scale.js';

/** Text styles (e.g. picocolors); identity by default. */
export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

const plain: TextStyle = { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t };

/** Terminal width the text is laid out for. */
export const COLUMNS = 80;

/** What is known about how a run ran, for its heading. */
export interface RunFacts {
  id?: string | null;
  workers?: number;
  backend?: string | null;
  milliseconds?: number;
  resumed?: boolean;
  /** Why a run grown by `--until` stopped (its record's `options.until.stopped.text`). */
  stopped?: string | null;
}

/**
 * A run as terminal lines: heading, counts, per-metric statistics and box plot, failures.
 *
 * @example
 * ```ts
 * console.log(formatRun(run, summarize(run), { id, workers: 2 }).join('\n'));
 * ```
 */
export function formatRun(
  run: ExperimentRun,
  summary: ExperimentSummary,
  facts: RunFacts = {},
  style: TextStyle = plain,
): string[] {
  const lines: string[] = [];
  const settings = [
    `${run.repeats} repeats`,
    `seed ${run.seed}${run.seedDrawn ? ' (drawn)' : ''}`,
    facts.workers !== undefined ? `${facts.workers} worker${facts.workers === 1 ? '' : 's'}` : null,
    facts.backend ? `backend ${facts.backend}` : null,
  ].filter((s) => s !== null);
  lines.push(style.bold(run.name));
  lines.push(...wrap(settings.join(' · '), '  '));
  const counts = [`${summary.completed} ok`, `${summary.failed} failed`];
  const missing = run.repeats - summary.completed - summary.failed;
  if (missing > 0) counts.push(`${missing} not run yet`);
  if (facts.milliseconds !== undefined)
    counts.push(`${seconds(facts.milliseconds)}${facts.resumed ? ' (resumed)' : ''}`);
  if (facts.id) counts.push(`run ${facts.id}`);
  lines.push(...wrap(counts.join(' · '), '  '));
  if (facts.stopped) lines.push(...wrap(facts.stopped, '  '));
  for (const metric of summary.metrics) lines.push('', ...formatMetric(run.name, metric, style));
  const failed = failures(run);
  if (failed.length > 0) lines.push('', ...formatFailures(failed, style));
  return lines;
}

/** One metric's statistics and box plot. */
export function formatMetric(label: string, m: MetricSummary, style: TextStyle = plain): string[] {
  const d = m.description;
  const pct = Math.round(d.confidence * 100);
  const lines = [style.bold(`${m.metric} (${m.better} is better)`)];
  lines.push(
    ...wrap(
      `n ${d.n} · mean ${num(d.mean)} · std ${num(d.std)} · sem ${num(d.sem)} · median ${num(d.median)} · ` +
        `${formatIqr(d.q1, d.q3)} · IQM ${num(d.iqm)} · min ${num(d.min)} · max ${num(d.max)}`,
      '  ',
    ),
  );
  const { percentile, bca } = m.bootstrap;
  lines.push(
    ...wrap(
      `${pct}% CI of the mean: t ${range(d.ci.low, d.ci.high)} · bootstrap percentile ` +
        `${range(percentile.low, percentile.high)} · BCa ${range(bca.low, bca.high)}`,
      '  ',
    ),
  );
  lines.push(...wrap(convergenceSentence(m), '  '));
  const trail = convergenceTrail(m);
  if (trail) lines.push(...wrap(trail, '  '));
  lines.push(...boxPlot([{ label, values: m.values }]));
  return lines;
}

/** "How many repeats are enough", in words. */
export function convergenceSentence(m: MetricSummary): string {
  const c = m.convergence;
  const pct = Math.round(c.confidence * 100);
  const tolerance = c.relative ? `±${num(c.tolerance * 100)}% of the mean` : `±${num(c.tolerance)}`;
  const last = c.points.at(-1);
  if (last === undefined) return `enough repeats: needs at least 2 values to tell (tolerance ${tolerance})`;
  const now = c.relative
    ? `±${num(last.halfWidth)} (${num((last.halfWidth / Math.abs(last.mean)) * 100)}% of the mean)`
    : `±${num(last.halfWidth)}`;
  return c.enoughAt !== null
    ? `enough repeats: the ${pct}% CI stays within ${tolerance} from n = ${c.enoughAt} on (now ${now})`
    : `enough repeats: not yet — the ${pct}% CI is ${now} at n = ${last.n}, tolerance ${tolerance}`;
}

/**
 * The running mean ± half-width at a few n (5, 10, 20, 50, 100, … and the last), so the terminal
 * shows how the estimate settled, e.g. "mean ± half-width by n: 5: 0.03 ± 0.02 · 10: … · 30: …".
 */
export function convergenceTrail(m: MetricSummary): string | null {
  const points = m.convergence.points;
  if (points.length < 2) return null;
  const last = points[points.length - 1].n;
  const wanted = new Set<number>([last]);
  // 5, 10, 20, 50, 100, 200, 500, …
  for (let decade = 1; 5 * decade < last; decade *= 10) {
    for (const n of [5 * decade, 10 * decade, 20 * decade]) if (n < last) wanted.add(n);
  }
  const shown = points.filter((p) => wanted.has(p.n));
  return `mean ± half-width by n: ${shown.map((p) => `${p.n}: ${num(p.mean)} ± ${num(p.halfWidth)}`).join(' · ')}`;
}

/** Failed repeats: index, seed, first line of the error, then the stack. */
export function formatFailures(failed: readonly RepeatFailure[], style: TextStyle = plain): string[] {
  const lines = [style.red(style.bold(`${failed.length} repeat${failed.length === 1 ? '' : 's'} failed`))];
  for (const f of failed) {
    lines.push(
      ...wrap(`repeat ${f.index} (seed ${f.seed}): ${f.error.message}`, '  ').map((l) => style.red(l)),
    );
    // The first frames of the stack, clipped to the width (the full stack is in the run record).
    for (const line of f.error.stack.split('\n').slice(1, 6))
      lines.push(style.dim(clip(`    ${line.trim()}`, COLUMNS)));
  }
  return lines;
}

/**
 * A comparison as terminal lines: per metric a table, box plots on a shared axis, Kruskal–Wallis
 * for more than two runs, and each pair's tests and verdict.
 */
export function formatComparison(comparison: Comparison, style: TextStyle = plain): string[] {
  const lines: string[] = [];
  for (const metric of comparison.metrics) {
    if (lines.length > 0) lines.push('');
    lines.push(...formatMetricComparison(metric, style));
  }
  return lines;
}

function formatMetricComparison(m: MetricComparison, style: TextStyle): string[] {
  const lines = [style.bold(`${m.metric} (${m.better} is better): ${m.groups.length} experiments`)];
  // The spread is printed as everywhere else ("IQR 0.12 (Q1–Q3 0.31–0.43)", up to 36 columns),
  // so the label gets at most 16.
  const width = Math.min(16, Math.max(10, ...m.groups.map((g) => g.label.length)));
  lines.push(
    style.dim(
      `  ${'experiment'.padEnd(width)} ${'n'.padStart(4)} ${'median'.padStart(9)} ${'mean'.padStart(9)} spread`,
    ),
  );
  for (const g of m.groups) {
    const sorted = [...g.values].sort((a, b) => a - b);
    const q = (p: number) => quantileSorted(sorted, p);
    const mean = g.values.reduce((s, v) => s + v, 0) / g.values.length;
    const row = `  ${clip(g.label, width).padEnd(width)} ${String(g.values.length).padStart(4)} ${num(q(0.5)).padStart(9)} ${num(mean).padStart(9)}`;
    const spread = formatIqr(q(0.25), q(0.75));
    // Numbers in exponent form can make the spread too long for the row: then it goes below.
    if (row.length + 1 + spread.length <= COLUMNS) lines.push(`${row} ${spread}`);
    else lines.push(row, `${' '.repeat(width + 4)}${spread}`);
  }
  lines.push(...boxPlot(m.groups.map((g) => ({ label: g.label, values: g.values }))));
  if (m.kruskalWallis) {
    const k = m.kruskalWallis;
    lines.push(
      ...wrap(
        `Kruskal–Wallis across all ${m.groups.length}: H = ${num(k.statistic)}, df = ${k.df}, p = ${formatP(k.pValue)}`,
        '  ',
      ),
    );
  }
  for (const pair of m.pairs) lines.push(...formatPair(pair, m.metric, m.better, style));
  return lines;
}

function formatPair(p: PairComparison, metric: string, better: string, style: TextStyle): string[] {
  const lines = ['', style.bold(`  ${p.a} vs ${p.b}`)];
  const tests = [
    p.welch
      ? `Welch t = ${num(p.welch.statistic)} (df ${num(p.welch.df)}), p = ${formatP(p.welch.pValue)}`
      : null,
    `Mann–Whitney U = ${num(p.mannWhitney.statistic)}, p = ${formatP(p.mannWhitney.pValue)} (${p.mannWhitney.method})`,
    p.hedgesG !== null ? `Hedges' g = ${num(p.hedgesG)}` : null,
    `Cliff's δ(${p.a}, ${p.b}) = ${formatDelta(p.cliffsDelta.delta)} (${p.cliffsDelta.magnitude})`,
  ].filter((s) => s !== null);
  lines.push(...wrap(tests.join(' · '), '    '));
  const i = p.improvement;
  lines.push(
    ...wrap(
      `probability of improvement P(${p.a} beats ${p.b}) = ${num(i.estimate)}, ` +
        `${Math.round(i.confidence * 100)}% CI ${range(i.low, i.high)} (share of run pairs where ${p.a}'s ` +
        `${metric} is ${better})`,
      '    ',
    ),
  );
  const sentence = p.verdict.significant ? style.green(p.verdict.text) : p.verdict.text;
  lines.push(...wrap(`→ ${sentence}`, '    '));
  return lines;
}

/** Box plots on a shared axis, fitted into 80 columns. */
function boxPlot(series: { label: string; values: number[] }[]): string[] {
  const labels = series.map((s) => clip(s.label, 24));
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const width = Math.max(20, COLUMNS - 2 - labelWidth - 1 - 1);
  return textBoxPlot(
    series.map((s, i) => ({ label: labels[i], values: s.values })),
    { width, log: wantsLogScale(series) },
  ).map((l) => `  ${l}`);
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function range(low: number, high: number): string {
  return `${num(low)} … ${num(high)}`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** numpy's linear-interpolation quantile of an ascending array. */
function quantileSorted(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Word-wraps `text` to {@link COLUMNS} columns, each line starting with `indent` (continuation
 * lines with two more spaces). Styled text (ANSI codes) is measured without its codes.
 */
export function wrap(text: string, indent = ''): string[] {
  const lines: string[] = [];
  let line = indent;
  let lineLength = indent.length;
  const more = `${indent}  `;
  for (const word of text.split(' ')) {
    const length = visibleLength(word);
    const fresh = lineLength === (lines.length === 0 ? indent.length : more.length);
    if (!fresh && lineLength + 1 + length > COLUMNS) {
      lines.push(line);
      line = more + word;
      lineLength = more.length + length;
    } else {
      line += fresh ? word : ` ${word}`;
      lineLength += fresh ? length : 1 + length;
    }
  }
  lines.push(line);
  return lines;
}

function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
