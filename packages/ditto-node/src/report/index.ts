/**
 * Reports of experiment runs: terminal text (80 columns) and a self-contained offline HTML file
 * with inline SVG charts (svg/, shared with the playground). See docs/experiments.md.
 *
 * @module
 */

export { esc, type ReportInput, type ReportRun, renderReport } from './html.js';
export { wantsLogScale } from './scale.js';
export {
  type BoxPlotOptions,
  boxPlotSvg,
  type ConvergenceSeries,
  convergenceSvg,
  histogramSvg,
  type LossCurvesOptions,
  lossCurvesSvg,
  type SvgSeries,
} from './svg/index.js';
export {
  COLUMNS,
  convergenceSentence,
  convergenceTrail,
  formatComparison,
  formatFailures,
  formatMetric,
  formatRun,
  type RunFacts,
  type TextStyle,
  wrap,
} from './terminal.js';
