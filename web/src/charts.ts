/**
 * The playground's charts: the report's SVG charts (packages/ditto-node/src/report/svg, one
 * implementation for both) parsed into this page's DOM. Colours come from CSS classes (series-a,
 * series-b), which override the charts' own colours, so the page's stylesheet controls contrast and
 * dark mode; every chart carries a <title> and <desc> for screen readers.
 */
import { boxPlotSvg, lossCurvesSvg } from '../../packages/ditto-node/src/report/svg/index.js';

/** An SVG string as an element of this document (DOMParser: allowed by the page's CSP, unlike inline scripts). */
function svgNode(markup: string): SVGSVGElement {
  const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml').documentElement;
  if (parsed.namespaceURI !== 'http://www.w3.org/2000/svg' || parsed.localName !== 'svg') {
    throw new Error(`chart markup did not parse as SVG: ${parsed.textContent ?? ''}`);
  }
  return document.importNode(parsed, true) as unknown as SVGSVGElement;
}

/**
 * Training-loss curves, one faint line per run and the per-epoch median in bold.
 *
 * @example
 * ```ts
 * figure.append(lossChart([[0.3, 0.2, 0.1]], 'a'));
 * ```
 */
export function lossChart(curves: readonly number[][], series: 'a' | 'b'): SVGSVGElement {
  return svgNode(lossCurvesSvg(curves, { className: `series-${series}` }));
}

/** One group of the box-and-strip chart. */
export interface Group {
  label: string;
  values: readonly number[];
  series: 'a' | 'b';
}

/**
 * The distribution of the final MSE per group: a box plot (quartiles as NumPy computes them, Tukey
 * whiskers at 1.5 IQR) over a strip of every run's value; logarithmic when the values span decades.
 *
 * @example
 * ```ts
 * figure.append(boxStripChart([{ label: 'A', values: [0.01, 0.02], series: 'a' }]));
 * ```
 */
export function boxStripChart(groups: readonly Group[], metric = 'final MSE'): SVGSVGElement {
  return svgNode(
    boxPlotSvg(
      metric,
      groups.map((g) => ({ label: g.label, values: g.values, className: `series-${g.series}` })),
      { rowHeight: 76 },
    ),
  );
}
