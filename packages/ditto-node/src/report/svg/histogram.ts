/**
 * Histograms, one row per series on a shared x axis (bins of log10 of the value when the values
 * span two orders of magnitude), each row with its own count axis.
 *
 * @module
 */

import { bin } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { wantsLogScale } from '../scale.js';
import { bottomAxis, leftAxis, type PlotArea, type ValueAxis, valueAxis } from './axes.js';
import type { SvgSeries } from './box-plot.js';
import { emptyMessage, frame } from './frame.js';
import { element, text } from './markup.js';
import { seriesColor, WIDTH } from './style.js';

const ROW = 80;
const HEADER = 22;

/** Bin edges: nice thresholds over the axis' domain, at most about `maxBins` bins. */
function thresholds(values: readonly number[], log: boolean, maxBins: number): number[] {
  const t = log ? values.map(Math.log10) : [...values]; // determinism-ok: chart layout only
  let low = Math.min(...t);
  let high = Math.max(...t);
  if (high === low)
    [low, high] = [
      low - (log ? 0.5 : Math.abs(low) * 0.1 || 1),
      high + (log ? 0.5 : Math.abs(high) * 0.1 || 1),
    ];
  const scale = scaleLinear().domain([low, high]).nice(maxBins);
  const [a, b] = scale.domain();
  const step = scale.ticks(maxBins)[1] - scale.ticks(maxBins)[0];
  const edges: number[] = [];
  for (let i = 0; a + i * step <= b + step * 1e-9; i++) edges.push(Number((a + i * step).toPrecision(12)));
  return log ? edges.map((e) => 10 ** e) : edges;
}

/**
 * Histograms of `metric` per series (at most about 20 bins) as an SVG string.
 *
 * @example
 * ```ts
 * const svg = histogramSvg('mse', [{ label: 'A', values: [0.1, 0.2, 0.15, 0.3] }]);
 * ```
 */
export function histogramSvg(
  metric: string,
  series: readonly SvgSeries[],
  { width = WIDTH, maxBins = 20 } = {},
): string {
  series = series.map((s) => ({ ...s, values: s.values.filter(Number.isFinite) }));
  const title = `Histograms of ${metric}`;
  const left = 56;
  const right = width - 28;
  const height = Math.max(1, series.length) * (ROW + HEADER) + 44;
  const all = series.flatMap((s) => [...s.values]);
  if (all.length === 0)
    return frame(width, height, title, 'No values yet.', 'histogram', emptyMessage(width, height));
  const log = wantsLogScale(series);
  const edges = thresholds(all, log, maxBins);
  const x = valueAxis([edges[0], edges[edges.length - 1]], [left, right], { log });
  // The bars span exactly the bin edges, so the axis is pinned to them (no extra nice-ing).
  const ends = [edges[0], edges[edges.length - 1]];
  const domain = log ? ends.map(Math.log10) : ends; // determinism-ok: pixel positions, never a result
  const at = scaleLinear().domain(domain).range([left, right]);
  const xAxis: ValueAxis = {
    ...x,
    at: (v) => at(log ? Math.log10(v) : v), // determinism-ok: layout
    ticks: x.ticks.filter((t) => t >= edges[0] && t <= edges[edges.length - 1]),
  };
  const rows: string[] = [];
  const descriptions: string[] = [];
  series.forEach((s, row) => {
    const color = seriesColor(row, s.color);
    const top = row * (ROW + HEADER) + HEADER;
    const area: PlotArea = { left, right, top, bottom: top + ROW };
    const bins = bin()
      .domain([edges[0], edges[edges.length - 1]])
      .thresholds(edges.slice(1, -1))(s.values);
    const counts = bins.map((b) => b.length);
    const most = Math.max(1, ...counts);
    const countAxis = valueAxis([0, most], [area.bottom, area.top], { tickCount: Math.min(4, most) });
    const y: ValueAxis = { ...countAxis, ticks: countAxis.ticks.filter(Number.isInteger) };
    const bars = bins
      .filter((b) => b.length > 0)
      .map((b) => {
        const x0 = xAxis.at(b.x0 ?? edges[0]);
        const x1 = xAxis.at(b.x1 ?? edges[edges.length - 1]);
        return element('rect', {
          x: x0 + 0.5,
          y: y.at(b.length),
          width: Math.max(0.5, x1 - x0 - 1),
          height: y.at(0) - y.at(b.length),
          fill: color,
          class: 'bar',
        });
      });
    descriptions.push(
      `${s.label}: ${s.values.length} values in ${bins.length} bins, at most ${most} in one.`,
    );
    rows.push(
      element(
        'g',
        { class: ['group', s.className].filter(Boolean).join(' ') },
        text(s.label, { x: left, y: top - 7, 'font-size': 12, 'font-weight': 600, class: 'group-label' }),
        leftAxis(y, area, 'repeats'),
        ...bars,
      ),
    );
  });
  const lastBottom = series.length * (ROW + HEADER);
  return frame(
    width,
    height,
    title,
    descriptions.join(' '),
    'histogram',
    ...rows,
    bottomAxis(xAxis, { left, right, top: 0, bottom: lastBottom }, log ? `${metric} (log scale)` : metric),
  );
}
