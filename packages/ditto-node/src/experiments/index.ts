/**
 * The Node experiment runner: worker threads, run records in SQLite, resume, export. See
 * docs/experiments.md.
 *
 * @module
 */

export { currentEnvironment } from './environment.js';
export { recordToCsv, recordToJson } from './export.js';
export {
  type ExportedExperiment,
  experimentExport,
  findExperiments,
  importModule,
  loadExperiments,
} from './load-module.js';
export { defaultWorkers, RepeatPool } from './pool.js';
export { createProgress, failureLines, type RepeatProgress, silentProgress } from './progress.js';
export {
  DamagedRecordsError,
  DEFAULT_RECORDS_PATH,
  MalformedRecordError,
  type NewRun,
  type OpenRecordsOptions,
  openRecords,
  RunBusyError,
  RunRecords,
  type RunSummaryLine,
  UnknownRunError,
} from './records.js';
export {
  chooseExperiment,
  type FileRunOptions,
  type FileRunResult,
  runExperimentFile,
  runLoadedExperiment,
} from './run-file.js';
export {
  compareUntilDecided,
  DEFAULT_MAX_REPEATS,
  type DecidedComparison,
  type GrownRun,
  type GrowOptions,
  type PrecisionRule,
  parseUntilRule,
  runUntilPrecise,
  type UntilRecord,
  type UntilRule,
  type UntilStop,
  untilOf,
} from './until.js';
export type { RepeatTask } from './worker.js';
