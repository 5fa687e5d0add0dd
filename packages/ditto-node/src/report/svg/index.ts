/**
 * ditto's charts as SVG strings, one implementation for the HTML report and the playground: box
 * plots, histograms, the convergence plot and loss curves. Runtime-neutral (no DOM, no canvas, no
 * scripts): the strings inline into an offline HTML file or parse into a page's DOM.
 *
 * @module
 */

export { type ValueAxis, valueAxis } from './axes.js';
export { type BoxPlotOptions, boxPlotSvg, type SvgSeries, whiskerEnds } from './box-plot.js';
export { type ConvergenceSeries, convergenceSvg } from './convergence.js';
export { histogramSvg } from './histogram.js';
export { type LossCurvesOptions, lossCurvesSvg, medianCurve } from './loss-curves.js';
export { PALETTE } from './style.js';
