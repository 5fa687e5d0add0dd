/**
 * The playground's charts as plain SVG: loss curves and the distribution of the final MSE (box plot
 * and strip). Colours come from CSS classes (series-a, series-b), so the page's stylesheet controls
 * contrast and dark mode; every chart carries a <title> and <desc> for screen readers.
 */
import { describe } from '../../packages/ditto/src/stats/index.js';
import { formatNumber } from '../../packages/ditto/src/stats/verdict.js';

const SVG = 'http://www.w3.org/2000/svg';
let uid = 0;

type Attrs = Record<string, string | number>;

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Attrs = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function chart(width: number, height: number, title: string, description: string): SVGSVGElement {
  const id = `chart-${++uid}`;
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    class: 'chart',
  });
  svg.append(el('title', { id: `${id}-title` }, title), el('desc', { id: `${id}-desc` }, description));
  return svg;
}

/** A scale from data to pixels: linear, or logarithmic for positive data spanning decades. */
interface Scale {
  (value: number): number;
  ticks: number[];
  log: boolean;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw)); // determinism-ok: chart layout only
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function makeScale(min: number, max: number, from: number, to: number, preferLog: boolean): Scale {
  const log = preferLog && min > 0 && max / min > 30;
  // Layout only: engine Math.log10 is fine here (determinism-ok), the numbers shown come from ditto.
  const f = log ? Math.log10 : (x: number) => x;
  let lo = f(min);
  let hi = f(max);
  if (hi - lo < 1e-12) {
    const pad = log ? 0.5 : Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.04;
    lo -= pad;
    hi += pad;
  }
  const scale = ((v: number) => from + ((f(v) - lo) / (hi - lo)) * (to - from)) as Scale;
  scale.log = log;
  if (log) {
    const ticks: number[] = [];
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) ticks.push(10 ** e);
    if (ticks.length < 2)
      for (const m of [2, 5]) for (let e = Math.floor(lo); e <= hi; e++) ticks.push(m * 10 ** e);
    scale.ticks = ticks.filter((t) => f(t) >= lo && f(t) <= hi).sort((a, b) => a - b);
  } else {
    const step = niceStep(hi - lo, 5);
    scale.ticks = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
      scale.ticks.push(Number(t.toPrecision(12)));
  }
  return scale;
}

function tickLabel(value: number): string {
  return formatNumber(value);
}

/** Every `step`-th point and the last: a curve of at most ~`max` points. */
function thin(values: readonly number[], max: number): Array<[number, number]> {
  const step = Math.max(1, Math.ceil(values.length / max));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < values.length; i += step) out.push([i, values[i]]);
  if ((values.length - 1) % step !== 0) out.push([values.length - 1, values[values.length - 1]]);
  return out;
}

function medianCurve(curves: readonly number[][]): number[] {
  const length = Math.max(0, ...curves.map((c) => c.length));
  return Array.from({ length }, (_, i) => {
    const column = curves.map((c) => c[i]).filter((v) => v !== undefined);
    return describe(column).median;
  });
}

/**
 * Training-loss curves, one faint line per run and the per-epoch median in bold, on a log scale.
 *
 * @example
 * ```ts
 * figure.append(lossChart([[0.3, 0.2, 0.1]], 'a'));
 * ```
 */
export function lossChart(curves: readonly number[][], series: 'a' | 'b'): SVGSVGElement {
  const width = 640;
  const height = 260;
  const m = { left: 64, right: 14, top: 12, bottom: 40 };
  const positive = curves.flat().filter((v) => v > 0 && Number.isFinite(v));
  const median = curves.length > 0 ? medianCurve(curves) : [];
  const description =
    curves.length === 0
      ? 'No runs yet.'
      : `Training loss per epoch of ${curves.length} run${curves.length === 1 ? '' : 's'}; the median run ends at ${formatNumber(median[median.length - 1])}.`;
  const svg = chart(width, height, 'Training loss per epoch', description);
  if (positive.length === 0) {
    svg.append(
      el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'empty' }, 'no runs yet'),
    );
    return svg;
  }
  const epochs = Math.max(...curves.map((c) => c.length));
  const x = makeScale(1, Math.max(2, epochs), m.left, width - m.right, false);
  const y = makeScale(Math.min(...positive), Math.max(...positive), height - m.bottom, m.top, true);
  drawAxes(svg, { x, y, width, height, m, xLabel: 'epoch', yLabel: y.log ? 'loss (log scale)' : 'loss' });
  const clampY = (v: number) => y(v > 0 ? v : Math.min(...positive));
  const points = (curve: readonly number[]) =>
    thin(curve, 300)
      .map(([i, v]) => `${x(i + 1).toFixed(1)},${clampY(v).toFixed(1)}`)
      .join(' ');
  const runs = el('g', { class: `runs series-${series}` });
  for (const curve of curves) runs.append(el('polyline', { points: points(curve), class: 'run' }));
  svg.append(runs, el('polyline', { points: points(median), class: `median series-${series}` }));
  return svg;
}

interface AxesOptions {
  x: Scale;
  y: Scale;
  width: number;
  height: number;
  m: { left: number; right: number; top: number; bottom: number };
  xLabel: string;
  yLabel: string;
}

function drawAxes(svg: SVGSVGElement, o: AxesOptions): void {
  const axes = el('g', { class: 'axes' });
  const bottom = o.height - o.m.bottom;
  axes.append(el('line', { x1: o.m.left, x2: o.width - o.m.right, y1: bottom, y2: bottom }));
  axes.append(el('line', { x1: o.m.left, x2: o.m.left, y1: o.m.top, y2: bottom }));
  for (const t of o.x.ticks) {
    const px = o.x(t);
    if (px < o.m.left - 0.5 || px > o.width - o.m.right + 0.5) continue;
    axes.append(el('line', { x1: px, x2: px, y1: bottom, y2: bottom + 5 }));
    axes.append(el('text', { x: px, y: bottom + 18, 'text-anchor': 'middle' }, tickLabel(t)));
  }
  for (const t of o.y.ticks) {
    const py = o.y(t);
    axes.append(el('line', { x1: o.m.left - 5, x2: o.width - o.m.right, y1: py, y2: py, class: 'grid' }));
    axes.append(el('text', { x: o.m.left - 8, y: py + 4, 'text-anchor': 'end' }, tickLabel(t)));
  }
  axes.append(
    el(
      'text',
      { x: (o.m.left + o.width - o.m.right) / 2, y: o.height - 4, 'text-anchor': 'middle' },
      o.xLabel,
    ),
  );
  axes.append(
    el(
      'text',
      {
        x: 14,
        y: (o.m.top + bottom) / 2,
        'text-anchor': 'middle',
        transform: `rotate(-90 14 ${(o.m.top + bottom) / 2})`,
      },
      o.yLabel,
    ),
  );
  svg.append(axes);
}

/** One group of the box-and-strip chart. */
export interface Group {
  label: string;
  values: readonly number[];
  series: 'a' | 'b';
}

/** A fixed, evenly spread jitter in [−1, 1] for point i (golden-ratio sequence): the same picture every time. */
function jitter(i: number): number {
  const golden = 0.6180339887498949;
  const frac = (i * golden) % 1;
  return frac * 2 - 1;
}

/**
 * The distribution of the final MSE per group: a box plot (quartiles as numpy computes them, Tukey
 * whiskers at 1.5 IQR) over a strip of every run's value. Logarithmic when the values span decades.
 */
export function boxStripChart(groups: readonly Group[], metric = 'final MSE'): SVGSVGElement {
  const filled = groups.filter((g) => g.values.length > 0);
  const rowHeight = 76;
  const width = 640;
  const m = { left: 64, right: 14, top: 10, bottom: 40 };
  const height = m.top + m.bottom + Math.max(1, groups.length) * rowHeight;
  const description =
    filled.length === 0
      ? 'No runs yet.'
      : filled
          .map((g) => {
            const d = describe(g.values);
            return `${g.label}: ${g.values.length} runs, median ${formatNumber(d.median)}, quartiles ${formatNumber(d.q1)} to ${formatNumber(d.q3)}, range ${formatNumber(d.min)} to ${formatNumber(d.max)}.`;
          })
          .join(' ');
  const svg = chart(width, height, `Distribution of the ${metric}`, description);
  if (filled.length === 0) {
    svg.append(
      el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'empty' }, 'no runs yet'),
    );
    return svg;
  }
  const all = filled.flatMap((g) => [...g.values]);
  const x = makeScale(Math.min(...all), Math.max(...all), m.left, width - m.right, true);
  const y = ((v: number) => v) as Scale;
  y.ticks = [];
  y.log = false;
  drawAxes(svg, { x, y, width, height, m, xLabel: x.log ? `${metric} (log scale)` : metric, yLabel: '' });
  groups.forEach((group, row) => {
    const top = m.top + row * rowHeight;
    const mid = top + rowHeight / 2;
    const g = el('g', { class: `group series-${group.series}` });
    g.append(
      el('text', { x: m.left - 8, y: mid + 4, 'text-anchor': 'end', class: 'group-label' }, group.label),
    );
    if (group.values.length > 0) {
      const d = describe(group.values);
      const fence = 1.5 * d.iqr;
      const inside = group.values.filter((v) => v >= d.q1 - fence && v <= d.q3 + fence);
      const lo = Math.min(...inside);
      const hi = Math.max(...inside);
      const half = rowHeight * 0.28;
      g.append(el('line', { x1: x(lo), x2: x(d.q1), y1: mid, y2: mid, class: 'whisker' }));
      g.append(el('line', { x1: x(d.q3), x2: x(hi), y1: mid, y2: mid, class: 'whisker' }));
      for (const v of [lo, hi])
        g.append(
          el('line', { x1: x(v), x2: x(v), y1: mid - half / 2, y2: mid + half / 2, class: 'whisker' }),
        );
      g.append(
        el('rect', {
          x: x(d.q1),
          y: mid - half,
          width: Math.max(1, x(d.q3) - x(d.q1)),
          height: 2 * half,
          class: 'box',
        }),
      );
      g.append(
        el('line', {
          x1: x(d.median),
          x2: x(d.median),
          y1: mid - half,
          y2: mid + half,
          class: 'median-mark',
        }),
      );
      group.values.forEach((v, i) => {
        g.append(el('circle', { cx: x(v), cy: mid + jitter(i) * half * 0.8, r: 3.5, class: 'point' }));
      });
    }
    svg.append(g);
  });
  return svg;
}
