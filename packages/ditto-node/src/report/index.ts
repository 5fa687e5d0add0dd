/**
 * Reports of experiment runs: terminal text (80 columns) and a self-contained offline HTML file
 * with charts rendered to inline SVG by Vega-Lite. See docs/experiments.md.
 *
 * @module
 */

export {
  boxPlotSpec,
  type ChartSeries,
  type ConvergenceSeries,
  convergenceSpec,
  histogramSpec,
  renderSvg,
} from './charts.js';
export { esc, type ReportInput, type ReportRun, renderReport } from './html.js';
export { wantsLogScale } from './scale.js';
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
