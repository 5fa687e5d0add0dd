/**
 * The experiment report: one self-contained HTML file (inline CSS and SVG charts, no scripts, a
 * Content-Security-Policy that forbids every request) that opens offline in any browser.
 *
 * @module
 */

import type {
  Comparison,
  ExperimentSummary,
  MetricComparison,
  MetricSummary,
  RunRecord,
} from 'ditto/internal';
import {
  type ExperimentRun,
  failures,
  formatDelta,
  formatIqr,
  formatP,
  formatNumber as num,
  VERSION,
} from 'ditto/internal';
import { boxPlotSvg, convergenceSvg, histogramSvg } from './svg/index.js';
import { convergenceSentence, type RunFacts } from './terminal.js';

/** One run in the report. */
export interface ReportRun {
  /** The name shown for it (unique within the report). */
  label: string;
  run: ExperimentRun;
  summary: ExperimentSummary;
  /** Its record, when it was recorded (adds the id, module and environment). */
  record?: RunRecord | null;
  facts?: RunFacts;
}

/** The input of {@link renderReport}. */
export interface ReportInput {
  /** Page title; default "ditto experiment report". */
  title?: string;
  runs: ReportRun[];
  /** The comparison of the runs, when there are several. */
  comparison?: Comparison | null;
  /** When the report was made (shown as given); default omitted, so equal inputs give equal files. */
  generatedAt?: string;
}

const CSS = `
:root { color-scheme: light; --fg: #1d2329; --muted: #5b6670; --line: #dde3e8; --accent: #1f6feb; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 980px; padding: 24px 28px 64px; font: 14px/1.5 system-ui, -apple-system,
  "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 6px; }
p.meta, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
table.pairs td, table.pairs th { white-space: normal; }
td.spread { white-space: normal; min-width: 10em; }
.scroll { overflow-x: auto; }
figure { margin: 8px 0 14px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; }
.verdict { margin: 6px 0; padding: 8px 12px; border-left: 4px solid var(--line); background: #f7f9fa; }
.verdict.significant { border-left-color: #2da44e; }
.failed { color: #cf222e; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
details { margin: 6px 0; }
`;

/** The report's stylesheet, shared by the attribution report (report/attribution-html.ts). */

/**
 * Renders the report as one HTML string: a summary of the runs, then per metric the box plots,
 * statistics table, histograms, convergence plot and (for several runs) the comparison, then the
 * failures and each run's record details.
 *
 * @example
 * ```ts
 * const html = await renderReport({ runs: [{ label: run.name, run, summary: summarize(run) }] });
 * writeFileSync('report.html', html);
 * ```
 */
export async function renderReport(input: ReportInput): Promise<string> {
  const { runs, comparison = null } = input;
  if (runs.length === 0) throw new RangeError('renderReport: no runs to report');
  const title = input.title ?? 'ditto experiment report';
  const metrics = metricOrder(runs);
  const body: string[] = [];
  body.push(`<h1>${esc(title)}</h1>`);
  body.push(
    `<p class="meta">${runs.length} experiment${runs.length === 1 ? '' : 's'} · ditto ${esc(VERSION)}` +
      `${input.generatedAt ? ` · ${esc(input.generatedAt)}` : ''}</p>`,
  );
  body.push(runsTable(runs));
  for (const metric of metrics) body.push(metricSection(metric, runs, comparison));
  body.push(failuresSection(runs));
  body.push(detailsSection(runs));
  body.push(
    '<p class="muted">Intervals: Student t for the mean; bootstrap percentile and BCa intervals for the mean ' +
      '(9999 resamples unless stated) drawn from a key derived from the experiment seed, so they are the same ' +
      'on every rendering. Box plots: whiskers at 1.5 IQR, one point per repeat.</p>',
  );
  return htmlPage(title, body);
}

/**
 * A self-contained report page: the report's stylesheet inline and a Content-Security-Policy that
 * lets nothing be fetched (no scripts, no external styles, images or fonts), so it opens offline.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', htmlPage('my runs', ['<h1>my runs</h1>']));
 * ```
 */
export function htmlPage(title: string, body: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function metricOrder(runs: readonly ReportRun[]): string[] {
  const names: string[] = [];
  for (const r of runs)
    for (const m of r.summary.metrics) if (!names.includes(m.metric)) names.push(m.metric);
  return names;
}

function runsTable(runs: readonly ReportRun[]): string {
  const rows = runs.map((r) => {
    const facts = r.facts ?? {};
    const id = r.record?.id ?? facts.id ?? '';
    const backend = facts.backend ?? r.record?.environment.backend ?? '';
    const workers = facts.workers ?? r.record?.environment.workers;
    const ms = facts.milliseconds ?? r.record?.milliseconds;
    return (
      `<tr><td>${esc(r.label)}</td><td><code>${esc(id)}</code></td><td>${r.summary.completed}/${r.run.repeats}</td>` +
      `<td class="${r.summary.failed > 0 ? 'failed' : ''}">${r.summary.failed}</td>` +
      `<td><code>${esc(r.run.seed)}</code>${r.run.seedDrawn ? ' (drawn)' : ''}</td><td>${esc(backend)}</td>` +
      `<td>${workers ?? ''}</td><td>${ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`}</td></tr>`
    );
  });
  return table(['experiment', 'run', 'ok', 'failed', 'seed', 'backend', 'workers', 'time'], rows);
}

function metricSection(metric: string, runs: readonly ReportRun[], comparison: Comparison | null): string {
  const withMetric = runs
    .map((r) => ({ label: r.label, summary: r.summary.metrics.find((m) => m.metric === metric) }))
    .filter((r): r is { label: string; summary: MetricSummary } => r.summary !== undefined);
  const better = withMetric[0].summary.better;
  const series = withMetric.map((r) => ({ label: r.label, values: r.summary.values }));
  const confidence = withMetric[0].summary.description.confidence;
  const box = boxPlotSvg(metric, series);
  const histogram = histogramSvg(metric, series);
  const convergence = convergenceSvg(
    metric,
    withMetric.map((r) => ({ label: r.label, points: r.summary.convergence.points })),
    confidence,
  );
  const out: string[] = [`<h2>${esc(metric)} <span class="muted">(${better} is better)</span></h2>`];
  out.push(`<figure>${box}<figcaption>Box plots of ${esc(metric)} over the repeats.</figcaption></figure>`);
  out.push('<h3>Statistics</h3>', statisticsTable(withMetric));
  out.push(`<figure>${histogram}<figcaption>Histograms of ${esc(metric)}.</figcaption></figure>`);
  out.push('<h3>How many repeats are enough</h3>');
  out.push(
    `<figure>${convergence}<figcaption>Running mean of ${esc(metric)} in repeat order, with its ` +
      `${Math.round(confidence * 100)}% confidence interval.</figcaption></figure>`,
  );
  out.push(
    `<ul>${withMetric.map((r) => `<li>${esc(r.label)}: ${esc(convergenceSentence(r.summary))}</li>`).join('')}</ul>`,
  );
  const compared = comparison?.metrics.find((m) => m.metric === metric);
  if (compared) out.push(comparisonBlock(compared));
  return `<section>\n${out.join('\n')}\n</section>`;
}

function statisticsTable(rows: readonly { label: string; summary: MetricSummary }[]): string {
  const pct = Math.round(rows[0].summary.description.confidence * 100);
  const SPREAD_COLUMN = 5; // in cells: n, mean, std, sem, median, spread, …
  const description = rows.map(({ label, summary: m }) => {
    const d = m.description;
    const cells = [
      d.n,
      num(d.mean),
      num(d.std),
      num(d.sem),
      num(d.median),
      formatIqr(d.q1, d.q3),
      num(d.iqm),
      num(d.min),
      num(d.max),
    ];
    // The spread cell ("IQR … (Q1–Q3 …–…)") may wrap: unwrapped it pushed min and max off a laptop's width.
    const cell = (c: unknown, i: number) =>
      `<td${i === SPREAD_COLUMN ? ' class="spread"' : ''}>${esc(String(c))}</td>`;
    return `<tr><td>${esc(label)}</td>${cells.map(cell).join('')}</tr>`;
  });
  const intervals = rows.map(({ label, summary: m }) => {
    const { ci } = m.description;
    const { percentile, bca } = m.bootstrap;
    const cells = [
      interval(ci.low, ci.high),
      interval(percentile.low, percentile.high),
      interval(bca.low, bca.high),
      m.convergence.enoughAt ?? '—',
    ];
    return `<tr><td>${esc(label)}</td>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`;
  });
  return [
    table(['experiment', 'n', 'mean', 'std', 'sem', 'median', 'spread', 'IQM', 'min', 'max'], description),
    table(
      [
        'experiment',
        `${pct}% CI of the mean: Student t`,
        'bootstrap percentile',
        'bootstrap BCa',
        'enough at n',
      ],
      intervals,
    ),
  ].join('\n');
}

function comparisonBlock(m: MetricComparison): string {
  const out = ['<h3>Comparison</h3>'];
  if (m.kruskalWallis) {
    const k = m.kruskalWallis;
    out.push(
      `<p>Kruskal–Wallis across all ${m.groups.length} experiments: H = ${esc(num(k.statistic))}, df = ${k.df}, ` +
        `p = ${esc(formatP(k.pValue))}.</p>`,
    );
  }
  const rows = m.pairs.map((p) => {
    const i = p.improvement;
    const cells = [
      p.welch ? `t = ${num(p.welch.statistic)}, p = ${formatP(p.welch.pValue)}` : '—',
      `U = ${num(p.mannWhitney.statistic)}, p = ${formatP(p.mannWhitney.pValue)}`,
      p.hedgesG === null ? '—' : num(p.hedgesG),
      `δ(${p.a}, ${p.b}) = ${formatDelta(p.cliffsDelta.delta)} (${p.cliffsDelta.magnitude})`,
      `${num(i.estimate)} [${num(i.low)}, ${num(i.high)}]`,
    ];
    return `<tr><td>${esc(p.a)} vs ${esc(p.b)}</td>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  });
  out.push(
    table(
      [
        'pair (a vs b)',
        "Welch's t",
        'Mann–Whitney U',
        "Hedges' g",
        "Cliff's δ(a, b): > 0 when a tends to be larger",
        'P(a beats b) [95% CI]',
      ],
      rows,
      'pairs',
    ),
  );
  for (const p of m.pairs) {
    out.push(`<p class="verdict${p.verdict.significant ? ' significant' : ''}">${esc(p.verdict.text)}</p>`);
  }
  return out.join('\n');
}

function failuresSection(runs: readonly ReportRun[]): string {
  const items = runs.flatMap((r) =>
    failures(r.run).map(
      (f) =>
        `<details><summary class="failed">${esc(r.label)}: repeat ${f.index} (seed <code>${esc(f.seed)}</code>) — ` +
        `${esc(f.error.message)}</summary><pre>${esc(f.error.stack)}</pre></details>`,
    ),
  );
  if (items.length === 0) return '';
  return `<section>\n<h2>Failed repeats</h2>\n${items.join('\n')}\n</section>`;
}

function detailsSection(runs: readonly ReportRun[]): string {
  const out = ['<section>', '<h2>Runs</h2>'];
  for (const r of runs) {
    const rec = r.record;
    const facts: string[] = [`experiment seed <code>${esc(r.run.seed)}</code>`];
    if (rec) {
      const env = rec.environment;
      facts.push(
        `module <code>${esc(rec.module.relativePath)}</code> (export <code>${esc(rec.module.export)}</code>)`,
        `ditto ${esc(env.dittoVersion)} on ${esc(env.runtime)} ${esc(env.runtimeVersion)}, ${esc(env.platform)}/${esc(env.arch)}`,
        `${esc(env.cpuModel)} × ${env.cpuCount}`,
        `started ${esc(rec.startedAt)}`,
      );
    }
    // Why a run grown by --until stopped (its record's options.until).
    if (r.facts?.stopped) facts.push(esc(r.facts.stopped));
    const metrics = r.summary.metrics.map((m) => m.metric);
    const rows = r.run.results.map((p) => {
      const values = metrics.map((m) =>
        p.status === 'ok' && Object.hasOwn(p.metrics, m) ? num(p.metrics[m]) : '',
      );
      const hash = p.status === 'ok' ? (p.weightsHash ?? '') : 'failed';
      return (
        `<tr><td>${p.index}</td><td><code>${esc(p.seed)}</code></td>${values.map((v) => `<td>${esc(v)}</td>`).join('')}` +
        `<td><code>${esc(hash.slice(0, 16))}</code></td><td>${p.milliseconds.toFixed(1)}</td></tr>`
      );
    });
    out.push(
      `<h3>${esc(r.label)}${rec ? ` <span class="muted">run <code>${esc(rec.id)}</code></span>` : ''}</h3>`,
      `<p>${facts.join(' · ')}</p>`,
      `<details><summary>Every repeat: seed, metrics, weights hash</summary>`,
      table(['repeat', 'seed', ...metrics, 'weights hash', 'ms'], rows),
      '</details>',
    );
  }
  out.push('</section>');
  return out.join('\n');
}

function table(headers: readonly string[], rows: readonly string[], className?: string): string {
  return `<div class="scroll"><table${className ? ` class="${className}"` : ''}><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function interval(low: number, high: number): string {
  return `${num(low)} – ${num(high)}`;
}

/** Escapes text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
