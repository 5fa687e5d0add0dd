/**
 * The charts' look, written as SVG presentation attributes so a chart reads well with no stylesheet
 * (the HTML report); a page's CSS overrides them through the class names (the playground's dark mode).
 *
 * @module
 */

/** Series colours, in order (Tableau 10, as Vega-Lite's default category scheme). */
export const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
] as const;

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const FONT_SIZE = 11;
export const TEXT = '#1d2329';
export const MUTED = '#5b6670';
export const AXIS = '#888f96';
export const GRID = '#e6e9ec';
/** The default chart width in px (the viewBox scales to its container). */
export const WIDTH = 640;

/** The colour of series `index` (an explicit colour wins). */
export function seriesColor(index: number, explicit?: string): string {
  return explicit ?? PALETTE[index % PALETTE.length];
}

/** A rough width of `label` in px at the chart font size: enough to reserve a margin for labels. */
export function textWidth(label: string, fontSize = FONT_SIZE): number {
  return [...label].length * fontSize * 0.6;
}
