/**
 * The determinism audit, runtime-neutral part: the guard that catches unseeded randomness and clock
 * reads during a run, the training trace, and first-divergence analysis of two traces. The Node
 * entry point adds `node:crypto`'s functions to the guard and runs twin trainings in child processes
 * (`ditto check`, `ditto diverge`, `ditto verify`). Guide: docs/reproducibility.md.
 *
 * @module
 */

export { type CallSite, dittoRoot, type FrameOrigin, frameOrigin, locateCallSite } from './call-site.js';
export {
  compareTraces,
  diffValues,
  type FormatComparisonOptions,
  formatComparison,
  type TensorDifference,
  type TraceComparison,
  type TracesAgree,
  type TracesDiffer,
  ulpDistance64,
  type ValueDifference,
} from './divergence.js';
export {
  DeterminismGuard,
  type GuardOptions,
  type GuardResult,
  NondeterminismError,
  withDeterminismGuard,
} from './guard.js';
export {
  type Finding,
  type FormatGuardOptions,
  formatGuardReport,
  frameText,
  type GuardMode,
  type GuardReport,
} from './guard-report.js';
export {
  type ReplaceableSource,
  ReplacementStreams,
  replacementKey,
  STREAM_IDS,
  unitDoubleFromWords,
  uuidFromBytes,
} from './replacement-streams.js';
export { type SourceKind, standardSources, type WatchedSource } from './sources.js';
export { captureFrames, formatFrame, parseStack, type StackFrame } from './stack.js';
export {
  type CapturedTensor,
  type TraceFit,
  type TraceOptions,
  type TraceStep,
  type TraceTensorInfo,
  type TraceTensorKind,
  TrainingTrace,
  type TrainingTraceData,
  traceTraining,
} from './trace.js';
export { hashHex, traceHash, traceHashInto } from './trace-hash.js';
export { type TraceJSON, traceFromJSON, traceToJSON } from './trace-json.js';
export { formatPosition, PositionTracker, type TrainingPosition } from './training-position.js';
