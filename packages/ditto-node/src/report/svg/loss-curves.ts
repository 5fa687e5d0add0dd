/**
 * Training-loss curves: one faint line per run and the per-epoch median in bold, on a log scale
 * when the losses span two orders of magnitude.
 *
 * @module
 */

import { describe, formatNumber } from 'ditto/internal';
import { wantsLogScale } from '../scale.js';
import { bottomAxis, leftAxis, type PlotArea, valueAxis } from './axes.js';
import { emptyMessage, frame } from './frame.js';
import { element, points } from './markup.js';
import { seriesColor, WIDTH } from './style.js';

/** Options of {@link lossCurvesSvg}. */
export interface LossCurvesOptions {
  /** Class names on the curves' group and the median (a page's CSS can colour them). */
  className?: string;
  color?: string;
  width?: number;
  height?: number;
  /** At most this many points per drawn curve (every k-th epoch and the last); default 300. */
  maxPoints?: number;
}

/** Every `step`-th point and the last: a curve of at most about `max` points. */
function thin(values: readonly number[], max: number): Array<[number, number]> {
  const step = Math.max(1, Math.ceil(values.length / max));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < values.length; i += step) out.push([i, values[i]]);
  if ((values.length - 1) % step !== 0) out.push([values.length - 1, values[values.length - 1]]);
  return out;
}

/** The median of each epoch's losses over the curves that reached it. */
export function medianCurve(curves: readonly (readonly number[])[]): number[] {
  const length = Math.max(0, ...curves.map((c) => c.length));
  return Array.from({ length }, (_, i) => {
    const column = curves.map((c) => c[i]).filter((v) => Number.isFinite(v));
    return column.length === 0 ? Number.NaN : describe(column).median;
  });
}

/**
 * Loss per epoch of each run in `curves` (epoch 1 first) as an SVG string.
 *
 * @example
 * ```ts
 * const svg = lossCurvesSvg([[0.3, 0.2, 0.1], [0.4, 0.25, 0.12]]);
 * ```
 */
export function lossCurvesSvg(
  curves: readonly (readonly number[])[],
  { className, color, width = WIDTH, height = 260, maxPoints = 300 }: LossCurvesOptions = {},
): string {
  const title = 'Training loss per epoch';
  const usable = curves.filter((c) => c.length > 0);
  const median = medianCurve(usable);
  const shown = usable.flat().filter((v) => Number.isFinite(v));
  const description =
    shown.length === 0
      ? 'No runs yet.'
      : `Training loss per epoch of ${usable.length} run${usable.length === 1 ? '' : 's'}; the median run ends at ${formatNumber(median[median.length - 1])}.`;
  if (shown.length === 0)
    return frame(width, height, title, description, 'loss-curves', emptyMessage(width, height));
  const log = wantsLogScale([{ values: shown }]);
  const positive = log ? shown : [];
  const area: PlotArea = { left: 64, right: width - 28, top: 12, bottom: height - 44 };
  const epochs = Math.max(...usable.map((c) => c.length));
  const x = valueAxis([1, Math.max(2, epochs)], [area.left, area.right], { nice: false });
  const y = valueAxis(shown, [area.bottom, area.top], { log });
  const floor = log ? Math.min(...positive) : 0;
  const line = (curve: readonly number[]) =>
    points(
      thin(curve, maxPoints)
        .filter(([, v]) => Number.isFinite(v))
        .map(([i, v]) => [x.at(i + 1), y.at(log && !(v > 0) ? floor : v)] as const),
    );
  const stroke = seriesColor(0, color);
  const classes = (base: string) => [base, className].filter(Boolean).join(' ');
  return frame(
    width,
    height,
    title,
    description,
    'loss-curves',
    leftAxis(y, area, log ? 'loss (log scale)' : 'loss'),
    bottomAxis(x, area, 'epoch'),
    element(
      'g',
      { class: classes('runs') },
      ...usable.map((c) =>
        element('polyline', {
          points: line(c),
          fill: 'none',
          stroke,
          'stroke-width': 1,
          'stroke-opacity': 0.35,
          class: 'run',
        }),
      ),
    ),
    element('polyline', {
      points: line(median),
      fill: 'none',
      stroke,
      'stroke-width': 2.5,
      class: classes('median'),
    }),
  );
}
