/**
 * The determinism audit, Node part: the guard with `node:crypto` watched too, scripts run under it
 * (`ditto check`), twin trainings in child processes (`ditto diverge`) and re-execution of recorded
 * runs (`ditto verify`). The runtime-neutral part is src/audit. Guide: docs/reproducibility.md.
 *
 * @module
 */

export { type CheckOptions, type CheckResult, checkScript, nodeGuardOptions } from './check.js';
export {
  type DivergeOptions,
  type DivergeResult,
  divergeScript,
  type TwinSetting,
  type TwinSummary,
} from './diverge.js';
export { formatDivergeResult } from './diverge-report.js';
export { nodeCryptoSources } from './node-crypto-sources.js';
export {
  type HashableModel,
  runScript,
  type ScriptContext,
  type ScriptOutcome,
  selectBackend,
} from './script.js';
export type { TwinConfig, TwinFingerprint, TwinOutput } from './twin-protocol.js';
export {
  type FingerprintDifference,
  fingerprintDifferences,
  loadRecord,
  type RepeatCheck,
  type VerifyOptions,
  type VerifyResult,
  verifyRun,
} from './verify.js';
export { formatVerifyResult } from './verify-report.js';
