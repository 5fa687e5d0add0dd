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

// Advance widths in thousandths of an em, per character, for FONT: the larger of DejaVu Sans's (what
// `system-ui` and `sans-serif` resolve to on Linux, as measured in Chromium) and Helvetica's (Adobe's
// published AFM widths; Arial has the same), so a label fits whichever of the two the viewer's
// machine picks. Regular (Book/Regular) and bold (Bold, which a browser uses for weight 600 when the
// face has no semibold).
/** Printable ASCII, U+0020 space … U+007E tilde, regular. */
const REGULAR_ASCII = [
  318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637, 637, 637,
  637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 556, 1015, 685, 687, 722, 771, 667, 611, 778, 752, 295,
  500, 667, 558, 863, 749, 788, 667, 788, 722, 667, 611, 732, 685, 989, 686, 667, 686, 391, 337, 391, 838,
  556, 500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612, 635, 635, 412, 521,
  393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,
];
/** The same characters, bold. */
const BOLD_ASCII = [
  349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696, 696, 696, 696,
  696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611, 1000, 774, 763, 734, 831, 684, 684, 821, 837, 373,
  556, 775, 638, 996, 837, 851, 733, 851, 771, 721, 683, 813, 774, 1104, 771, 725, 726, 458, 366, 458, 838,
  556, 500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666, 343, 1042, 712, 688, 716, 716, 494, 596,
  479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838,
];
/** Characters beyond ASCII that labels use (× in "2×Conv2D", → in "64→32→10", …): [regular, bold]. */
const OTHERS = new Map<string, readonly [number, number]>([
  ['×', [838, 838]],
  ['→', [838, 838]],
  ['←', [838, 838]],
  ['±', [838, 838]],
  ['·', [318, 380]],
  ['–', [556, 556]],
  ['—', [1000, 1000]],
  ['…', [1000, 1000]],
  ['δ', [612, 688]],
  ['µ', [637, 736]],
  ['σ', [634, 779]],
  ['²', [401, 438]],
  ['√', [638, 667]],
  ['≈', [838, 838]],
  ['≤', [838, 838]],
  ['≥', [838, 838]],
]);
/** Any other character: an em, as wide as a CJK ideograph, so an unknown glyph is over- rather than under-counted. */
const UNKNOWN_WIDTH = 1000;

function advance(char: string, bold: boolean): number {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x20 && code <= 0x7e) return (bold ? BOLD_ASCII : REGULAR_ASCII)[code - 0x20];
  const other = OTHERS.get(char);
  return other ? other[bold ? 1 : 0] : UNKNOWN_WIDTH;
}

/**
 * The width of `label` in px at `fontSize` and `fontWeight` in the chart font: the sum of its
 * characters' advance widths, at least what Chromium renders with DejaVu Sans and what Helvetica or
 * Arial would take (test/report-text-width.test.ts), so the margins reserved for labels never clip
 * them. Weights of 600 and above count as bold.
 *
 * @example
 * ```ts
 * textWidth('CNN 2×Conv2D', 12, 600); // ≈ 103 px, the bold row label of a box plot
 * textWidth('loss'); // ≈ 21 px at the default 11 px
 * ```
 */
export function textWidth(label: string, fontSize = FONT_SIZE, fontWeight = 400): number {
  const bold = fontWeight >= 600;
  let thousandths = 0;
  for (const char of label) thousandths += advance(char, bold);
  return (thousandths * fontSize) / 1000;
}
