/**
 * Horizontal box plots, one row per series: quartiles as ditto's `describe` computes them (NumPy's
 * linear interpolation), Tukey whiskers at 1.5 IQR, and every value drawn as a point over the box.
 *
 * @module
 */

import { describe, formatNumber } from 'ditto/internal';
import { wantsLogScale } from '../scale.js';
import { bottomAxis, type PlotArea, valueAxis } from './axes.js';
import { emptyMessage, frame } from './frame.js';
import { element, text } from './markup.js';
import { seriesColor, TEXT, textWidth, WIDTH } from './style.js';

/** One row of a box plot or histogram, or one line of a convergence plot. */
export interface SvgSeries {
  label: string;
  values: readonly number[];
  /** Extra class names on the series' group (a page's CSS can colour it). */
  className?: string;
  /** Its colour; default the palette's colour for its position. */
  color?: string;
}

/** Options of {@link boxPlotSvg}. */
export interface BoxPlotOptions {
  /** Height of one row in px; default 44. */
  rowHeight?: number;
  width?: number;
}

/** A fixed, evenly spread vertical offset in [−1, 1] for point i (golden-ratio sequence). */
function jitter(i: number): number {
  return ((i * 0.6180339887498949) % 1) * 2 - 1;
}

/** The values inside the whiskers' fences (1.5 IQR beyond the quartiles). */
export function whiskerEnds(values: readonly number[]): [number, number] {
  const d = describe(values);
  const fence = 1.5 * d.iqr;
  const inside = values.filter((v) => v >= d.q1 - fence && v <= d.q3 + fence);
  return [Math.min(...inside), Math.max(...inside)];
}

function summaryText(series: readonly SvgSeries[]): string {
  const filled = series.filter((s) => s.values.length > 0);
  if (filled.length === 0) return 'No values yet.';
  return filled
    .map((s) => {
      const d = describe(s.values);
      const n = s.values.length;
      return `${s.label}: ${n} value${n === 1 ? '' : 's'}, median ${formatNumber(d.median)}, quartiles ${formatNumber(d.q1)} to ${formatNumber(d.q3)}, range ${formatNumber(d.min)} to ${formatNumber(d.max)}.`;
    })
    .join(' ');
}

/**
 * Box plots of `metric`, one row per series, as an SVG string; on a log scale when the values span
 * two orders of magnitude (the rule the terminal's box plots use).
 *
 * @example
 * ```ts
 * const svg = boxPlotSvg('mse', [{ label: 'A', values: [0.1, 0.2, 0.15] }, { label: 'B', values: [0.3, 0.25] }]);
 * ```
 */
export function boxPlotSvg(
  metric: string,
  series: readonly SvgSeries[],
  { rowHeight = 44, width = WIDTH }: BoxPlotOptions = {},
): string {
  // A diverged run's NaN or Infinity has no place on the axis; the tables report it.
  series = series.map((s) => ({ ...s, values: s.values.filter(Number.isFinite) }));
  const title = `Distribution of ${metric}`;
  const labelWidth = Math.min(240, Math.max(40, ...series.map((s) => textWidth(s.label, 12, 600))));
  const area: PlotArea = {
    left: labelWidth + 16,
    right: width - 28,
    top: 8,
    bottom: 8 + Math.max(1, series.length) * rowHeight,
  };
  const height = area.bottom + 42;
  const all = series.flatMap((s) => [...s.values]);
  if (all.length === 0)
    return frame(width, height, title, summaryText(series), 'box-plot', emptyMessage(width, height));
  const log = wantsLogScale(series);
  const x = valueAxis(all, [area.left, area.right], { log });
  const rows = series.map((s, row) => {
    const color = seriesColor(row, s.color);
    const mid = area.top + (row + 0.5) * rowHeight;
    const half = Math.min(14, rowHeight * 0.28);
    const parts = [
      text(s.label, {
        x: area.left - 10,
        y: mid + 4,
        'text-anchor': 'end',
        'font-size': 12,
        'font-weight': 600,
        class: 'group-label',
      }),
    ];
    if (s.values.length > 0) {
      const d = describe(s.values);
      const [lo, hi] = whiskerEnds(s.values);
      const whisker = { stroke: color, 'stroke-width': 1.5, class: 'whisker' };
      parts.push(
        element('line', { x1: x.at(lo), x2: x.at(d.q1), y1: mid, y2: mid, ...whisker }),
        element('line', { x1: x.at(d.q3), x2: x.at(hi), y1: mid, y2: mid, ...whisker }),
        ...[lo, hi].map((v) =>
          element('line', { x1: x.at(v), x2: x.at(v), y1: mid - half / 2, y2: mid + half / 2, ...whisker }),
        ),
        element('rect', {
          x: x.at(d.q1),
          y: mid - half,
          width: Math.max(1, x.at(d.q3) - x.at(d.q1)),
          height: 2 * half,
          fill: color,
          'fill-opacity': 0.25,
          stroke: color,
          'stroke-width': 1.5,
          class: 'box',
        }),
        element('line', {
          x1: x.at(d.median),
          x2: x.at(d.median),
          y1: mid - half,
          y2: mid + half,
          stroke: TEXT,
          'stroke-width': 2.5,
          class: 'median-mark',
        }),
        ...s.values.map((v, i) =>
          element('circle', {
            cx: x.at(v),
            cy: mid + jitter(i) * half * 0.8,
            r: 3,
            fill: color,
            'fill-opacity': 0.75,
            class: 'point',
          }),
        ),
      );
    }
    return element('g', { class: ['group', s.className].filter(Boolean).join(' ') }, ...parts);
  });
  return frame(
    width,
    height,
    title,
    summaryText(series),
    'box-plot',
    bottomAxis(x, area, log ? `${metric} (log scale)` : metric, true),
    ...rows,
  );
}
