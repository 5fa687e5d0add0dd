/**
 * Where a run's repeats execute. A repeat gives the same bits in any thread (it sets its own seed
 * from (experiment seed, index) and runs through the experiment's own handle), so this is purely a
 * question of speed: starting a worker thread and loading the module in it costs a few hundred
 * milliseconds, more than a whole run of short repeats. With the pool's policy 'auto', repeats run
 * in this thread and are timed; as long as the rest would finish sooner here than on the pool's
 * threads after their start-up, they stay here, else they go to the pool. The first repeat, which
 * also pays for compiling the code, only has to finish within the estimated start-up of a worker
 * ({@link workerStartupEstimate}); the decision is made from the second on.
 *
 * In this thread a repeat is guarded like in a worker: `process.exit` turned into a failure, an
 * uncaught exception or a promise that can never settle recorded as a failure; after any such fault
 * the remaining repeats go to the pool. A repeat still running after a worker's estimated start-up
 * sends the rest to the pool at once. Runs with a time limit use the pool only.
 *
 * @module
 */

import {
  type ExperimentHandle,
  failure,
  type RepeatDesign,
  type RepeatResult,
  repeatSeed,
} from 'ditto/internal';
import { importMilliseconds } from './load-module.js';
import { FAULTS, faultError, faultMessages, type InProcessPolicy, type RepeatRunOptions } from './pool.js';
import type { RepeatTask } from './worker.js';

/**
 * What starting the pool's threads is assumed to cost, in milliseconds: thread start-up plus
 * loading the experiment module (and tsx, for TypeScript) in each, measured at 0.2–0.5 s on a
 * loaded 2-core machine (bench/experiments.ts).
 */
export const WORKER_STARTUP_MS = 300;

/** What {@link runRepeats} needs. */
export interface RepeatSchedule {
  /** Absolute path of the experiment module and the export holding the experiment. */
  file: string;
  exportName: string;
  /** The experiment seed, unsigned 64-bit. */
  seed: bigint;
  /** The repeat indices to run. */
  indices: readonly number[];
  /**
   * Where repeats run that do not run here: the worker pool (whose `inProcess` policy decides
   * whether any run here) or another runner (a job queue: none run here).
   */
  pool: {
    readonly workers: number;
    readonly inProcess?: InProcessPolicy;
    run(task: RepeatTask, options?: RepeatRunOptions): Promise<RepeatResult>;
  };
  /** The experiment as loaded in this thread, for repeats that run here. */
  handle: ExperimentHandle;
  /** Time limit per repeat, in seconds. */
  timeout?: number;
  /** Which sources vary (an attribution's design); absent: the experiment's own `vary`. */
  design?: RepeatDesign;
  /** Called as each repeat finishes, in the order they finish. */
  onResult(result: RepeatResult): void;
}

/** How {@link runRepeats} ran the repeats. */
export interface ScheduleOutcome {
  /** Repeats run in this thread. */
  inProcess: number;
  /** Repeats run on the pool's threads. */
  inWorkers: number;
}

/**
 * Whether the repeats still to run finish sooner in this thread than on `workers` threads that
 * first have to start, given one measured repeat.
 */
export function fasterInProcess(
  repeatMs: number,
  remaining: number,
  workers: number,
  startupMs: number = WORKER_STARTUP_MS,
): boolean {
  if (remaining <= 0) return true;
  const here = repeatMs * remaining;
  const there = startupMs + (repeatMs * remaining) / Math.min(workers, remaining);
  return here <= there;
}

/**
 * What starting a worker costs here: {@link WORKER_STARTUP_MS}, plus the time this thread took to
 * import the module (which a worker repeats; it grows when the machine is loaded, as the repeats'
 * times do).
 */
export function workerStartupEstimate(file: string): number {
  return WORKER_STARTUP_MS + (importMilliseconds(file) ?? 0);
}

/**
 * Runs the repeats, in this thread or on the pool (see the module's description); every repeat
 * yields a result, failures included. With a time limit every repeat runs on the pool, where a
 * repeat past its limit can be stopped (a loop in this thread could not be).
 *
 * @example
 * ```ts
 * const [{ exportName, experiment }] = await loadExperiments(file);
 * const results: RepeatResult[] = [];
 * await runRepeats({
 *   file, exportName, seed: 7n, indices: [0, 1, 2], pool: new RepeatPool(2),
 *   handle: experimentHandle(experiment)!, onResult: (r) => results.push(r),
 * });
 * ```
 */
export async function runRepeats(schedule: RepeatSchedule): Promise<ScheduleOutcome> {
  const { indices, pool } = schedule;
  const outcome: ScheduleOutcome = { inProcess: 0, inWorkers: 0 };
  const running: Promise<void>[] = [];
  let next = 0;
  if (pool.inProcess === 'auto' && schedule.timeout === undefined) {
    const startup = workerStartupEstimate(schedule.file);
    while (next < indices.length) {
      const here = runHere(schedule, indices[next]);
      next += 1;
      outcome.inProcess += 1;
      if (await slowerThan(here, startup)) {
        // Slow repeats pay for threads: the rest start on the pool while this one finishes here.
        running.push(here.then(({ result }) => schedule.onResult(result)));
        break;
      }
      const { result, faulted } = await here;
      schedule.onResult(result);
      if (faulted) break;
      // The first repeat also pays for compiling the code: decide from the second on.
      const remaining = indices.length - next;
      if (next >= 2 && !fasterInProcess(result.milliseconds, remaining, pool.workers, startup)) break;
    }
  }
  const rest = indices.slice(next);
  outcome.inWorkers = rest.length;
  const seed = String(schedule.seed);
  for (const index of rest) {
    const task = {
      file: schedule.file,
      exportName: schedule.exportName,
      seed,
      index,
      design: schedule.design,
    };
    running.push(
      pool
        .run(task, { timeout: schedule.timeout })
        .catch((error: unknown) => failure(index, repeatSeed(schedule.seed, index), error))
        .then((result) => schedule.onResult(result)),
    );
  }
  await Promise.all(running);
  return outcome;
}

/** Whether `promise` is still pending after `ms` milliseconds. */
async function slowerThan(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  try {
    return await Promise.race([promise.then(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One repeat in this thread, guarded: `process.exit` throws instead of ending the process, and an
 * uncaught exception or an empty event loop (a promise that can never settle) ends the wait with a
 * failure.
 */
async function runHere(
  schedule: RepeatSchedule,
  index: number,
): Promise<{ result: RepeatResult; faulted: boolean }> {
  const seed = repeatSeed(schedule.seed, index);
  const started = performance.now(); // determinism-ok: timing, reported only
  const exit = process.exit;
  let fault: (error: Error) => void = () => {};
  const faulted = new Promise<Error>((resolve) => {
    fault = resolve;
  });
  const onUncaught = (error: unknown) => fault(faultError(FAULTS.crash, faultMessages.crash(index, error)));
  const onEmptyLoop = () => fault(faultError(FAULTS.unsettled, faultMessages.unsettled(index)));
  process.exit = ((code?: number | string | null) => {
    const error = faultError(FAULTS.exit, faultMessages.exit(index, Number(code ?? 0)));
    fault(error);
    throw error;
  }) as typeof process.exit;
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  process.on('beforeExit', onEmptyLoop);
  try {
    const winner = await Promise.race([
      faulted.then((error) => ({ error })),
      schedule.handle.runRepeat(schedule.seed, index, schedule.design).then((result) => ({ result })),
    ]);
    if ('result' in winner) {
      // A process.exit that run() caught still fails the repeat (faulted is then already settled).
      const late = await Promise.race([faulted, Promise.resolve(undefined)]);
      if (late === undefined) return { result: winner.result, faulted: false };
      return { result: failure(index, seed, late, performance.now() - started), faulted: true }; // determinism-ok: timing, reported only
    }
    return { result: failure(index, seed, winner.error, performance.now() - started), faulted: true }; // determinism-ok: timing, reported only
  } finally {
    process.exit = exit;
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    process.off('beforeExit', onEmptyLoop);
  }
}
