/**
 * `ditto check <script>`: runs a script under the determinism guard, with Node's `node:crypto`
 * functions watched too, and reports every source of nondeterminism it used.
 *
 * @module
 */

import type { Seed } from 'ditto/internal';
import {
  consoleDisplay,
  DeterminismGuard,
  type GuardOptions,
  type GuardReport,
  getBackend,
  getProgressDisplay,
  setProgressDisplay,
} from 'ditto/internal';
import { nodeCryptoSources } from './node-crypto-sources.js';
import { runScript, type ScriptOutcome, selectBackend } from './script.js';

/** Options of {@link checkScript}. */
export interface CheckOptions {
  /** The guard's mode (default 'warn'). */
  mode?: GuardOptions['mode'];
  /** Passed to the script as `ctx.seed`, and in 'seed' mode the replacement streams' seed. */
  seed?: Seed;
  /** Passed to the script as `ctx.workers` (default 1). */
  workers?: number;
  /** The backend to select before the script runs (default: the current one). */
  backend?: string;
  /** For an experiment module: which repeat to run (default 0). */
  repeat?: number;
  /** For a module that exports several experiments: the export to run. */
  exportName?: string;
  /** Watch clock reads too (default true). */
  watchTime?: boolean;
}

/** What {@link checkScript} found. */
export interface CheckResult {
  readonly report: GuardReport;
  /** What the script gave, when it finished. */
  readonly outcome?: ScriptOutcome;
  /** The script's error (in 'throw' mode, the first refused call's NondeterminismError). */
  readonly error?: unknown;
  /**
   * Whether `error` is the guard's refusal of a call ('throw' mode) rather than the script failing
   * on its own: a script that failed ran only partly, so its report proves nothing.
   */
  readonly refused?: boolean;
}

/** The guard options `ditto check` uses: the standard sources plus `node:crypto`'s. */
export function nodeGuardOptions(options: GuardOptions = {}): GuardOptions {
  return { ...options, extraSources: [...nodeCryptoSources, ...(options.extraSources ?? [])] };
}

/**
 * Runs the script under the guard (in this process) and returns the report; the script's own error,
 * if any, is returned rather than thrown so the report is never lost.
 *
 * @example
 * ```ts
 * const { report } = await checkScript('train.ts', { mode: 'warn', seed: 1 });
 * console.log(formatGuardReport(report, { relativeTo: process.cwd() }));
 * ```
 */
export async function checkScript(file: string, options: CheckOptions = {}): Promise<CheckResult> {
  if (options.backend) await selectBackend(options.backend);
  const guard = new DeterminismGuard(
    nodeGuardOptions({
      mode: options.mode,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      watchTime: options.watchTime,
    }),
  );
  // Plain progress lines: a terminal bar redraws from its own timers, reading the clock with no
  // caller the guard could place.
  const display = getProgressDisplay();
  setProgressDisplay(consoleDisplay);
  try {
    guard.start();
  } catch (error) {
    setProgressDisplay(display);
    throw error;
  }
  let outcome: ScriptOutcome | undefined;
  let error: unknown;
  try {
    outcome = await runScript(file, {
      seed: options.seed,
      workers: options.workers ?? 1,
      backend: getBackend().name,
      twin: undefined,
      tool: 'check',
      ...(options.repeat !== undefined ? { repeat: options.repeat } : {}),
      ...(options.exportName !== undefined ? { exportName: options.exportName } : {}),
    });
  } catch (caught) {
    error = caught;
  } finally {
    guard.stop();
    setProgressDisplay(display);
  }
  const refused = guard.error !== undefined;
  error = guard.error ?? error;
  return {
    report: guard.report,
    ...(outcome ? { outcome } : {}),
    ...(error !== undefined ? { error, refused } : {}),
  };
}
