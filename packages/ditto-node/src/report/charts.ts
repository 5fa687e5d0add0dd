/**
 * The report's charts as Vega-Lite specifications, rendered to SVG strings by Vega itself (no
 * browser, no canvas, no network: data is inline and the loader refuses every request).
 *
 * @module
 */

import type { ConvergencePoint } from 'ditto/internal';
import { loader, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { wantsLogScale } from './scale.js';

/** One experiment's values of a metric, in repeat order. */
export interface ChartSeries {
  label: string;
  values: readonly number[];
}

/** One experiment's convergence points of a metric. */
export interface ConvergenceSeries {
  label: string;
  points: readonly ConvergencePoint[];
}

const WIDTH = 560;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  header: { labelFontSize: 12 },
};

function rows(series: readonly ChartSeries[]) {
  return series.flatMap((s) => s.values.map((value, i) => ({ experiment: s.label, value, i })));
}

/** Horizontal box plots (whiskers at 1.5 IQR) with every repeat drawn as a tick, one row per experiment. */
export function boxPlotSpec(metric: string, series: readonly ChartSeries[]): TopLevelSpec {
  const log = wantsLogScale(series);
  const labels = series.map((s) => s.label);
  const x = {
    field: 'value',
    type: 'quantitative' as const,
    title: log ? `${metric} (log scale)` : metric,
    scale: log ? { type: 'log' as const } : { zero: false },
    axis: { grid: false, tickCount: 6 },
  };
  const y = { field: 'experiment', type: 'nominal' as const, title: null, sort: labels };
  const color = { field: 'experiment', type: 'nominal' as const, legend: null, sort: labels };
  return {
    width: WIDTH,
    height: { step: 44 },
    data: { values: rows(series) },
    layer: [
      {
        mark: { type: 'boxplot', extent: 1.5, size: 22, median: { color: 'black' } },
        encoding: { x, y, color },
      },
      { mark: { type: 'tick', color: 'black', opacity: 0.45, thickness: 1, size: 30 }, encoding: { x, y } },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

/**
 * A histogram per experiment (20 bins at most), stacked vertically on a shared x axis; on a log
 * scale (bins of log10 of the value) when the box plot uses one.
 */
export function histogramSpec(metric: string, series: readonly ChartSeries[]): TopLevelSpec {
  const labels = series.map((s) => s.label);
  const log = wantsLogScale(series);
  const x = log
    ? {
        field: 'log10',
        type: 'quantitative',
        bin: { maxbins: 20 },
        title: `${metric} (log scale)`,
        axis: { labelExpr: "format(pow(10, datum.value), '.0e')" },
      }
    : { field: 'value', type: 'quantitative', bin: { maxbins: 20 }, title: metric };
  return {
    data: { values: rows(series) },
    transform: log ? [{ calculate: 'log(datum.value) / LN10', as: 'log10' }] : [],
    facet: {
      row: {
        field: 'experiment',
        type: 'nominal',
        sort: labels,
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' },
      },
    },
    spec: {
      width: WIDTH,
      height: 80,
      mark: { type: 'bar', binSpacing: 1 },
      encoding: {
        x,
        y: { aggregate: 'count', type: 'quantitative', title: 'repeats' },
        color: { field: 'experiment', type: 'nominal', legend: null, sort: labels },
      },
    },
    resolve: { scale: { x: 'shared', y: 'independent' } },
    config: CONFIG,
  } as TopLevelSpec;
}

/** Running mean against n with its confidence band (mean ± half-width), one colour per experiment. */
export function convergenceSpec(
  metric: string,
  series: readonly ConvergenceSeries[],
  confidence: number,
): TopLevelSpec {
  const labels = series.map((s) => s.label);
  const values = series.flatMap((s) =>
    s.points.map((p) => ({
      experiment: s.label,
      n: p.n,
      mean: p.mean,
      low: p.mean - p.halfWidth,
      high: p.mean + p.halfWidth,
    })),
  );
  const x = { field: 'n', type: 'quantitative' as const, title: 'repeats (n)', scale: { zero: false } };
  const color = {
    field: 'experiment',
    type: 'nominal' as const,
    sort: labels,
    legend: { orient: 'top', title: null },
  };
  return {
    width: WIDTH,
    height: 220,
    data: { values },
    layer: [
      {
        mark: { type: 'area', opacity: 0.18 },
        encoding: {
          x,
          y: {
            field: 'low',
            type: 'quantitative',
            title: `running mean of ${metric} (${Math.round(confidence * 100)}% CI)`,
          },
          y2: { field: 'high' },
          color,
        },
      },
      {
        mark: { type: 'line', point: { size: 14 } },
        encoding: { x, y: { field: 'mean', type: 'quantitative' }, color },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

/** A Vega loader that refuses every request: the report's charts never touch the network. */
function offlineLoader() {
  const base = loader();
  const refuse = (uri: string) =>
    Promise.reject(new Error(`report charts are offline; refused to load ${uri}`));
  return Object.assign(base, { load: refuse, sanitize: refuse, http: refuse, file: refuse });
}

/**
 * Renders a Vega-Lite specification to an SVG string (for inlining in HTML).
 *
 * @example
 * ```ts
 * const svg = await renderSvg(boxPlotSpec('mse', [{ label: 'A', values: [1, 2, 3] }]));
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none', loader: offlineLoader() });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
