/**
 * An attribution in the HTML report: per metric a stacked bar of the shares and a dot plot of each
 * share with its confidence interval (SVG from the shared chart primitives in svg/), the table of
 * components and the verdict. Self-contained and offline, like the experiment report.
 *
 * @module
 */

import { type Attribution, type MetricAttribution, formatNumber as num, VERSION } from 'ditto/internal';
import { percent } from './attribution-text.js';
import { esc, htmlPage } from './html.js';
import { frame } from './svg/frame.js';
import { element, escapeXml, text } from './svg/markup.js';
import { AXIS, GRID, MUTED, seriesColor, textWidth, WIDTH } from './svg/style.js';

const TICKS = [0, 0.25, 0.5, 0.75, 1];

/**
 * The shares of one metric as an SVG chart: a stacked bar (what the total is made of) above a dot
 * plot (each share with its interval) on a shared 0–100 % axis.
 *
 * @example
 * ```ts
 * const svg = attributionSvg(attribution.metrics[0]);
 * ```
 */
export function attributionSvg(m: MetricAttribution, width = WIDTH): string {
  const rowHeight = 26;
  const labelWidth = Math.min(220, Math.max(60, ...m.terms.map((t) => textWidth(t.label, 12))));
  const left = labelWidth + 16;
  const right = width - 24;
  const at = (share: number) => left + Math.min(Math.max(share, 0), 1) * (right - left);
  const barTop = 8;
  const barHeight = 22;
  const rowsTop = barTop + barHeight + 18;
  const bottom = rowsTop + m.terms.length * rowHeight;
  const height = bottom + 40;
  const parts: string[] = [];
  for (const t of TICKS) {
    parts.push(
      element('line', { x1: at(t), x2: at(t), y1: rowsTop - 6, y2: bottom, stroke: GRID, class: 'grid' }),
    );
  }
  // Stacked bar: the sum of the shares (1 in a crossed design).
  let start = 0;
  parts.push(
    text('all', { x: left - 8, y: barTop + barHeight / 2 + 4, 'text-anchor': 'end', 'font-weight': 600 }),
  );
  m.terms.forEach((t, i) => {
    if (t.share <= 0) return;
    const x = at(start);
    const w = at(start + t.share) - x;
    parts.push(
      element(
        'rect',
        { x, y: barTop, width: Math.max(w, 0.5), height: barHeight, fill: seriesColor(i), class: 'share' },
        element('title', {}, escapeXml(`${t.label}: ${percent(t.share)}`)),
      ),
    );
    if (w > textWidth(percent(t.share)) + 6) {
      parts.push(
        text(percent(t.share), {
          x: x + w / 2,
          y: barTop + barHeight / 2 + 4,
          'text-anchor': 'middle',
          fill: '#fff',
        }),
      );
    }
    start += t.share;
  });
  // Dot plot: each share with its interval.
  m.terms.forEach((t, i) => {
    const y = rowsTop + i * rowHeight + rowHeight / 2;
    const color = seriesColor(i);
    parts.push(
      text(t.label, { x: left - 8, y: y + 4, 'text-anchor': 'end', fill: t.negligible ? MUTED : undefined }),
      element('line', {
        x1: at(t.shareLow),
        x2: at(t.shareHigh),
        y1: y,
        y2: y,
        stroke: color,
        'stroke-width': 2,
      }),
      element('line', { x1: at(t.shareLow), x2: at(t.shareLow), y1: y - 5, y2: y + 5, stroke: color }),
      element('line', { x1: at(t.shareHigh), x2: at(t.shareHigh), y1: y - 5, y2: y + 5, stroke: color }),
      element('circle', { cx: at(t.share), cy: y, r: 5, fill: color, class: 'estimate' }),
    );
  });
  parts.push(element('line', { x1: left, x2: right, y1: bottom, y2: bottom, stroke: AXIS }));
  for (const t of TICKS) {
    parts.push(
      element('line', { x1: at(t), x2: at(t), y1: bottom, y2: bottom + 5, stroke: AXIS }),
      text(`${t * 100} %`, { x: at(t), y: bottom + 17, 'text-anchor': 'middle', class: 'tick' }),
    );
  }
  parts.push(
    text(
      `share of the variance of ${m.metric} (dot: estimate, bar: ${Math.round(m.confidence * 100)} % interval)`,
      {
        x: (left + right) / 2,
        y: bottom + 34,
        'text-anchor': 'middle',
        'font-weight': 600,
        class: 'axis-title',
      },
    ),
  );
  const description = m.terms
    .map(
      (t) => `${t.label}: ${percent(t.share)} (interval ${percent(t.shareLow)} to ${percent(t.shareHigh)})`,
    )
    .join('; ');
  return frame(
    width,
    height,
    `Where the spread of ${m.metric} comes from`,
    `${description}.`,
    'attribution',
    ...parts,
  );
}

/** The input of {@link renderAttributionReport}. */
export interface AttributionReportInput {
  attribution: Attribution;
  /** Run ids of the arms, in order (when recorded). */
  runIds?: readonly (string | null)[];
  /** When the report was made (shown as given); default omitted, so equal inputs give equal files. */
  generatedAt?: string;
}

/**
 * The attribution as one self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched).
 *
 * @example
 * ```ts
 * writeFileSync('attribution.html', renderAttributionReport({ attribution }));
 * ```
 */
export function renderAttributionReport({
  attribution: a,
  runIds = [],
  generatedAt,
}: AttributionReportInput): string {
  const title = `Where the spread of ${a.name} comes from`;
  const body: string[] = [`<h1>${esc(title)}</h1>`];
  body.push(
    `<p class="meta">ditto ${esc(VERSION)} · experiment seed <code>${esc(a.seed)}</code>${a.seedDrawn ? ' (drawn)' : ''}` +
      `${generatedAt ? ` · ${esc(generatedAt)}` : ''}</p>`,
  );
  const design =
    a.plan.kind === 'crossed'
      ? `a crossed design: ${a.plan.levels} seeds for each source, every one of the ${a.plan.arms[0].repeats} combinations run once`
      : `one source at a time (${a.plan.levels ** 2} repeats each, the others bit-fixed) and all together`;
  body.push(
    `<p>The model draws randomness from <b>${esc(a.sources.join(', '))}</b> (found by a probe repeat). ` +
      `Each source was varied while every other stayed bit-fixed, in ${esc(design)}. Variance components by the ` +
      `method of moments; intervals: percentile bootstrap keyed by the experiment seed. A source is ` +
      `<i>negligible</i> when the upper end of its share's interval is below 5 %.</p>`,
  );
  for (const m of a.metrics) body.push(metricSection(m));
  const arms = a.plan.arms.map(
    (arm, i) =>
      `<tr><td>${esc(arm.label)}</td><td>${arm.repeats}</td><td><code>${esc(runIds[i] ?? '')}</code></td></tr>`,
  );
  body.push('<h2>Runs</h2>', table(['arm', 'repeats', 'run'], arms));
  return htmlPage(title, body);
}

function metricSection(m: MetricAttribution): string {
  const pct = Math.round(m.confidence * 100);
  const rows = m.terms.map(
    (t) =>
      `<tr${t.negligible ? ' class="muted"' : ''}><td>${esc(t.label)}</td><td>${esc(num(t.component))}</td>` +
      `<td>${esc(`${num(t.low)} – ${num(t.high)}`)}</td><td>${esc(percent(t.share))}</td>` +
      `<td>${esc(`${percent(t.shareLow)} – ${percent(t.shareHigh)}`)}</td><td>${t.negligible ? 'negligible' : ''}</td></tr>`,
  );
  return [
    '<section>',
    `<h2>${esc(m.metric)} <span class="muted">variance ${esc(num(m.total))}, sd ${esc(num(Math.sqrt(m.total)))}</span></h2>`,
    `<p class="verdict significant">${esc(m.verdict)}</p>`,
    `<figure>${attributionSvg(m)}<figcaption>Shares of the variance of ${esc(m.metric)}: the bar adds them up, ` +
      `the dots show each with its ${pct} % interval.</figcaption></figure>`,
    table(['source', 'component', `${pct}% CI`, 'share', `${pct}% CI`, ''], rows),
    ...m.notes.map((n) => `<p class="muted">Note: ${esc(n)}</p>`),
    '</section>',
  ].join('\n');
}

function table(headers: readonly string[], rows: readonly string[]): string {
  return `<div class="scroll"><table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
