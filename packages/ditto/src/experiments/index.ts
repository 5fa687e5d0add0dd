/**
 * Repeated experiments: define with `experiment()`, run in-process with `runExperiment()` (or on
 * worker threads with the Node runner), summarise with `summarize()`, compare with
 * `compareRuns()`. Runtime-neutral. See docs/experiments.md.
 *
 * @module
 */

// Attribution of the spread to the sources of randomness (docs/attribution.md).
export { type AttributeOptions, type Attribution, attribute, attributionFromRuns } from './attribution.js';
export { checkVary, designSeed, type RepeatDesign, type Vary } from './attribution-design.js';
export {
  type AttributionTerm,
  attributeMetric,
  type MetricAttribution,
  NEGLIGIBLE_SHARE,
} from './attribution-estimate.js';
export {
  type AttributionArm,
  type AttributionPlan,
  DEFAULT_LEVELS,
  MAX_CROSSED_SOURCES,
  planAttribution,
} from './attribution-plan.js';
export { dropoutTutorialExperiment, fitTutorialWithDropout } from './attribution-tutorial.js';
export { EXPERIMENT, type ExperimentHandle, experimentHandle } from './brand.js';
export {
  type ComparedRun,
  type Comparison,
  type ComparisonGroup,
  type ComparisonOptions,
  compareRuns,
  type MetricComparison,
  type PairComparison,
} from './compare.js';
export {
  checkRepeats,
  checkSeed,
  checkWorkers,
  DEFAULT_REPEATS,
  type Direction,
  type Experiment,
  type ExperimentDefinition,
  experiment,
  isExperiment,
  type Metrics,
  type RepeatContext,
  type RepeatOutput,
  type SweepPoint,
} from './experiment.js';
export { keyedRandomSource, statisticsKey } from './keyed-random.js';
export { checkOutput } from './repeat.js';
export {
  directionOf,
  type ExperimentRun,
  failures,
  metricNames,
  metricValues,
  missingIndices,
  orderByIndex,
  type RepeatFailure,
  type RepeatResult,
  type RepeatSuccess,
  successes,
} from './results.js';
export {
  checkIndices,
  planRun,
  type RunOptions,
  type RunOverrides,
  type RunPlan,
  runExperiment,
} from './run-in-process.js';
export {
  parseRunRecord,
  type RecordedRepeat,
  RUN_RECORD_SCHEMA,
  type RunEnvironment,
  type RunRecord,
  type RunStatus,
  runFromRecord,
  runStatus,
} from './run-record.js';
export { type ExperimentSeed, parseSeed, resolveExperimentSeed } from './seed.js';
export { type ExperimentSummary, type MetricSummary, type SummaryOptions, summarize } from './summary.js';
export {
  type Config,
  type ConfigGrid,
  type Configs,
  type ConfigValue,
  configId,
  configLabel,
  expandConfigs,
  MAX_CONFIGS,
  parseConfigExport,
  recordConfig,
} from './sweep.js';
export { type TutorialExperimentOptions, tutorialExperiment } from './tutorial-experiment.js';
