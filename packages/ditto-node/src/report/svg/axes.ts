/**
 * Value scales and their axes. d3-scale chooses the domain and the "nice" ticks; labels use ditto's
 * number format, so a chart's axis reads like the report's tables.
 *
 * @module
 */

import { scaleLinear, scaleLog } from 'd3-scale';
import { formatNumber } from 'ditto/internal';
import { element, text } from './markup.js';
import { AXIS, GRID, MUTED } from './style.js';

/** A map from data values to pixels along one axis, with its ticks. */
export interface ValueAxis {
  /** The pixel position of `value`. */
  at(value: number): number;
  ticks: number[];
  log: boolean;
}

/** Options of {@link valueAxis}. */
export interface ValueAxisOptions {
  /** A logarithmic axis (every value must be positive). */
  log?: boolean;
  /** About how many ticks (d3-scale's count); default 5. */
  tickCount?: number;
  /** Extend a linear domain to round numbers (default); false keeps it exactly (epochs, n). */
  nice?: boolean;
}

/**
 * The axis over `values` onto the pixel interval `range` (the first pixel for the smallest value):
 * nice bounds, padded when every value is equal.
 *
 * @example
 * ```ts
 * const x = valueAxis([0.12, 0.4], [60, 620]); // ticks 0.1 … 0.4
 * x.at(0.25);
 * ```
 */
export function valueAxis(
  values: readonly number[],
  range: readonly [number, number],
  { log = false, tickCount = 5, nice = true }: ValueAxisOptions = {},
): ValueAxis {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let low = finite.length === 0 ? 0 : Math.min(...finite);
  let high = finite.length === 0 ? 1 : Math.max(...finite);
  if (log) {
    if (finite.length === 0) [low, high] = [1, 10];
    if (high === low) [low, high] = [low / 2, high * 2];
    const scale = scaleLog().domain([low, high]).range(range).nice();
    const [a, b] = scale.domain();
    // Powers of ten when the axis spans a few decades (every k-th when there are many, so labels
    // never collide); else d3's 1-2-5 ticks between them.
    const mantissa = (t: number) => Number(t.toExponential(0).split('e')[0]);
    const exponent = (t: number) => Number(t.toExponential(0).split('e')[1]);
    const decades = scale.ticks().filter((t) => mantissa(t) === 1);
    const every = Math.ceil(decades.length / (tickCount + 1));
    const ticks =
      decades.length >= 3
        ? decades.filter((t) => exponent(t) % every === 0)
        : scale.ticks().filter((t) => [1, 2, 5].includes(mantissa(t)));
    return { at: (v) => scale(v), ticks: ticks.filter((t) => t >= a && t <= b), log: true };
  }
  if (high === low) {
    const pad = Math.abs(low) * 0.1 || 1;
    [low, high] = [low - pad, high + pad];
  }
  const scale = scaleLinear().domain([low, high]).range(range);
  if (nice) scale.nice(tickCount);
  // d3's count is a hint: halve it when the ticks came out crowded.
  let ticks = scale.ticks(tickCount);
  if (ticks.length > tickCount + 2) ticks = scale.ticks(Math.max(2, Math.floor(tickCount / 2)));
  return { at: (v) => scale(v), ticks, log: false };
}

/** A tick label. */
export function tickLabel(value: number): string {
  return formatNumber(value);
}

/** The box a chart draws its data in. */
export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A horizontal axis under the plot area: line, ticks, labels, optional grid lines and title. */
export function bottomAxis(x: ValueAxis, area: PlotArea, title?: string, grid = false): string {
  const parts = [
    element('line', { x1: area.left, x2: area.right, y1: area.bottom, y2: area.bottom, stroke: AXIS }),
  ];
  for (const t of x.ticks) {
    const at = x.at(t);
    if (grid)
      parts.push(
        element('line', { x1: at, x2: at, y1: area.top, y2: area.bottom, stroke: GRID, class: 'grid' }),
      );
    parts.push(element('line', { x1: at, x2: at, y1: area.bottom, y2: area.bottom + 5, stroke: AXIS }));
    parts.push(text(tickLabel(t), { x: at, y: area.bottom + 17, 'text-anchor': 'middle', class: 'tick' }));
  }
  if (title) {
    parts.push(
      text(title, {
        x: (area.left + area.right) / 2,
        y: area.bottom + 34,
        'text-anchor': 'middle',
        'font-weight': 600,
        class: 'axis-title',
      }),
    );
  }
  return element('g', { class: 'axes x-axis' }, ...parts);
}

/** A vertical axis left of the plot area, with grid lines across it and an optional title. */
export function leftAxis(y: ValueAxis, area: PlotArea, title?: string): string {
  const parts = [
    element('line', { x1: area.left, x2: area.left, y1: area.top, y2: area.bottom, stroke: AXIS }),
  ];
  for (const t of y.ticks) {
    const at = y.at(t);
    parts.push(
      element('line', { x1: area.left, x2: area.right, y1: at, y2: at, stroke: GRID, class: 'grid' }),
    );
    parts.push(element('line', { x1: area.left - 5, x2: area.left, y1: at, y2: at, stroke: AXIS }));
    parts.push(text(tickLabel(t), { x: area.left - 8, y: at + 4, 'text-anchor': 'end', class: 'tick' }));
  }
  if (title) {
    const middle = (area.top + area.bottom) / 2;
    parts.push(
      text(title, {
        x: 12,
        y: middle,
        'text-anchor': 'middle',
        transform: `rotate(-90 12 ${middle})`,
        'font-weight': 600,
        fill: MUTED,
        class: 'axis-title',
      }),
    );
  }
  return element('g', { class: 'axes y-axis' }, ...parts);
}
