/**
 * The convergence plot: each series' running mean against the number of repeats n, with its
 * confidence band (mean ± half-width), so a reader sees when more repeats stop moving the estimate.
 *
 * @module
 */

import type { ConvergencePoint } from 'ditto/internal';
import { formatNumber } from 'ditto/internal';
import { bottomAxis, leftAxis, type PlotArea, valueAxis } from './axes.js';
import { emptyMessage, frame } from './frame.js';
import { element, points, text } from './markup.js';
import { seriesColor, textWidth, WIDTH } from './style.js';

/** One series' running means. */
export interface ConvergenceSeries {
  label: string;
  points: readonly ConvergencePoint[];
  className?: string;
  color?: string;
}

/** A row of colour swatches and labels above the plot. */
function legend(series: readonly ConvergenceSeries[], left: number, y: number): string {
  let x = left;
  const items = series.map((s, i) => {
    const item = element(
      'g',
      { class: ['legend-item', s.className].filter(Boolean).join(' ') },
      element('rect', {
        x,
        y: y - 9,
        width: 10,
        height: 10,
        rx: 2,
        fill: seriesColor(i, s.color),
        class: 'swatch',
      }),
      text(s.label, { x: x + 15, y }),
    );
    x += 15 + textWidth(s.label) + 18;
    return item;
  });
  return element('g', { class: 'legend' }, ...items);
}

/**
 * Running mean of `metric` against n with its `confidence` band, one colour per series, as an SVG
 * string.
 *
 * @example
 * ```ts
 * const svg = convergenceSvg('mse', [{ label: 'A', points: summary.convergence.points }], 0.95);
 * ```
 */
export function convergenceSvg(
  metric: string,
  series: readonly ConvergenceSeries[],
  confidence: number,
  { width = WIDTH, height = 280 } = {},
): string {
  const pct = Math.round(confidence * 100);
  const title = `Running mean of ${metric} with its ${pct}% confidence interval`;
  const finite = (p: ConvergencePoint) => Number.isFinite(p.mean) && Number.isFinite(p.halfWidth);
  const usable = series.map((s) => ({ ...s, points: s.points.filter(finite) }));
  const all = usable.flatMap((s) => s.points);
  const description =
    all.length === 0
      ? 'No running means yet.'
      : usable
          .filter((s) => s.points.length > 0)
          .map((s) => {
            const last = s.points[s.points.length - 1];
            return `${s.label}: at n = ${last.n} the mean is ${formatNumber(last.mean)} ± ${formatNumber(last.halfWidth)}.`;
          })
          .join(' ');
  if (all.length === 0)
    return frame(width, height, title, description, 'convergence', emptyMessage(width, height));
  const area: PlotArea = { left: 64, right: width - 28, top: 30, bottom: height - 44 };
  const x = valueAxis(
    all.map((p) => p.n),
    [area.left, area.right],
    { nice: false },
  );
  const y = valueAxis(
    all.flatMap((p) => [p.mean - p.halfWidth, p.mean + p.halfWidth]),
    [area.bottom, area.top],
  );
  const lines = usable.map((s, i) => {
    const color = seriesColor(i, s.color);
    const upper = s.points.map((p) => [x.at(p.n), y.at(p.mean + p.halfWidth)] as const);
    const lower = s.points.map((p) => [x.at(p.n), y.at(p.mean - p.halfWidth)] as const).reverse();
    const mean = s.points.map((p) => [x.at(p.n), y.at(p.mean)] as const);
    return element(
      'g',
      { class: ['series', s.className].filter(Boolean).join(' ') },
      s.points.length > 1
        ? element('polygon', {
            points: points([...upper, ...lower]),
            fill: color,
            'fill-opacity': 0.18,
            class: 'band',
          })
        : '',
      element('polyline', {
        points: points(mean),
        fill: 'none',
        stroke: color,
        'stroke-width': 2,
        class: 'mean',
      }),
      ...mean.map(([cx, cy]) => element('circle', { cx, cy, r: 2, fill: color, class: 'point' })),
    );
  });
  return frame(
    width,
    height,
    title,
    description,
    'convergence',
    leftAxis(y, area, `running mean of ${metric} (${pct}% CI)`),
    bottomAxis(x, area, 'repeats (n)'),
    legend(usable, area.left, 16),
    ...lines,
  );
}
