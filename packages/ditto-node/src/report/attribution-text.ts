/**
 * An attribution as terminal text (80 columns): per metric a table of the components with their
 * intervals and shares, a dot plot of the shares with their intervals on a 0–100 % axis, and the
 * verdict.
 *
 * @module
 */

import { type Attribution, type MetricAttribution, formatNumber as num } from 'ditto/internal';
import { type TextStyle, wrap } from './terminal.js';

const plain: TextStyle = { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t };

/** Width of the dot plot's 0–100 % axis, in characters. */
const AXIS_WIDTH = 50;

/**
 * The lines of a dot plot of shares: one row per term, `●` at its share, `─` across its interval,
 * on a shared 0–100 % axis.
 *
 * @example
 * ```ts
 * shareDotPlot(result.terms).forEach((line) => console.log(line));
 * // init          ├────────────●─────┤
 * ```
 */
export function shareDotPlot(
  terms: readonly { label: string; share: number; shareLow: number; shareHigh: number }[],
  width = AXIS_WIDTH,
): string[] {
  const labelWidth = Math.max(...terms.map((t) => t.label.length));
  const col = (share: number) => Math.round(Math.min(Math.max(share, 0), 1) * (width - 1));
  const lines = terms.map((t) => {
    const row = new Array<string>(width).fill(' ');
    const [low, high] = [col(t.shareLow), col(t.shareHigh)];
    for (let i = low; i <= high; i++) row[i] = '─';
    if (high > low) {
      row[low] = '├';
      row[high] = '┤';
    }
    row[col(t.share)] = '●';
    return `${t.label.padEnd(labelWidth)} ${row.join('')}`;
  });
  const axis = new Array<string>(width).fill('─');
  axis[0] = '└';
  axis[Math.round((width - 1) / 2)] = '┴';
  axis[width - 1] = '┘';
  const pad = ' '.repeat(labelWidth + 1);
  lines.push(`${pad}${axis.join('')}`);
  const middle = '50 %';
  const left = '0 %';
  const right = '100 %';
  const half = Math.round((width - 1) / 2);
  lines.push(
    `${pad}${left}${' '.repeat(Math.max(1, half - left.length - 1))}${middle}${' '.repeat(Math.max(1, width - half - 1 - middle.length + 2 - right.length))}${right}`,
  );
  return lines;
}

/** One metric's attribution as lines: table, dot plot, notes, verdict. */
export function formatMetricAttribution(m: MetricAttribution, style: TextStyle = plain): string[] {
  const pct = Math.round(m.confidence * 100);
  const labelWidth = Math.max(6, ...m.terms.map((t) => t.label.length));
  const lines = [style.bold(`${m.metric}: variance ${num(m.total)} (sd ${num(Math.sqrt(m.total))})`)];
  lines.push(
    style.dim(
      `  ${'source'.padEnd(labelWidth)}  ${'component'.padStart(10)}  ${`${pct}% CI`.padStart(21)}  ${'share'.padStart(6)}  ${`${pct}% CI`.padStart(13)}`,
    ),
  );
  for (const t of m.terms) {
    const ci = `${num(t.low)} – ${num(t.high)}`;
    const shareCi = `${percent(t.shareLow)} – ${percent(t.shareHigh)}`;
    const row = `  ${t.label.padEnd(labelWidth)}  ${num(t.component).padStart(10)}  ${ci.padStart(21)}  ${percent(t.share).padStart(6)}  ${shareCi.padStart(13)}`;
    lines.push(t.negligible ? style.dim(row) : row);
  }
  lines.push('', ...shareDotPlot(m.terms).map((l) => `  ${l}`), '');
  for (const note of m.notes) lines.push(...wrap(style.dim(`note: ${note}`), '  '));
  lines.push(...wrapVerdict(m.verdict));
  return lines;
}

/** A verdict wrapped to the terminal, never broken between a number and its '%'. */
export function wrapVerdict(text: string, indent = '  '): string[] {
  return wrap(text.replace(/ %/g, '\u00a0%'), indent).map((line) => line.replace(/\u00a0/g, ' '));
}

/** A whole attribution as terminal lines. */
export function formatAttribution(a: Attribution, style: TextStyle = plain): string[] {
  const design =
    a.plan.kind === 'crossed'
      ? `crossed design: ${a.plan.levels} seeds per source, all ${a.plan.arms[0].repeats} combinations`
      : `one source at a time (${a.plan.levels ** 2} repeats each) and all together`;
  const lines = [
    style.bold(`attribution of ${a.name}`),
    ...wrap(
      `sources drawn from: ${a.sources.join(', ')} · ${design} · experiment seed ${a.seed}${a.seedDrawn ? ' (drawn)' : ''}`,
      '  ',
    ),
    ...wrap(
      style.dim(
        `negligible: the upper end of a share's ${Math.round((a.metrics[0]?.confidence ?? 0.95) * 100)}% interval is below 5 %` +
          (a.plan.kind === 'one-at-a-time'
            ? '; one at a time, a source’s share holds its interactions (shares can add up to more than 100 %)'
            : ''),
      ),
      '  ',
    ),
  ];
  for (const m of a.metrics) lines.push('', ...formatMetricAttribution(m, style));
  return lines;
}

/** A share as a percentage for tables and charts: one decimal, one significant digit below 0.1 %. */
export function percent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0 %';
  if (p < 0.1) return `${Number(p.toPrecision(1))} %`;
  return `${p.toFixed(1)} %`;
}
