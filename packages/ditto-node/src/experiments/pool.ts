/**
 * A pool of worker threads that run repeats, and that survives its repeats: a repeat that runs past
 * its time limit is stopped (its thread terminated), one that exits or crashes its thread, or whose
 * promise can never settle, is recorded as failed with what happened, and the pool goes on with a
 * fresh thread. Threads start when the first repeat is queued, so a run that stays in-process (see
 * ./schedule.ts) never starts one.
 *
 * When ditto itself runs from its TypeScript sources (tests, `node --import tsx`), each thread first
 * registers tsx's loader, since a worker thread does not inherit the parent's `--import` hooks; the
 * built package starts the compiled worker.js directly.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { failure, type RepeatResult, repeatSeed } from 'ditto/internal';
import { type RepeatTask, type RunMessage, WORKER_MARK, type WorkerReply } from './worker.js';

/** One worker per core: the default. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Where repeats run: always in worker threads, or in this thread when that is faster ('auto'). */
export type InProcessPolicy = 'auto' | 'never';

/** Options of {@link RepeatPool}. */
export interface RepeatPoolOptions {
  /**
   * 'auto' (default): a run on this pool may run its repeats in the calling thread when its first
   * repeat shows that starting threads would cost more than it saves (see `runRepeats`); 'never':
   * every repeat runs in a worker thread.
   */
  inProcess?: InProcessPolicy;
}

/** Options of one {@link RepeatPool.run}. */
export interface RepeatRunOptions {
  /**
   * Time limit in seconds, from the moment the repeat starts (a fresh thread first loads the
   * module, which is not counted); past it the repeat's thread is terminated and the repeat fails.
   */
  timeout?: number;
}

/** The error names of the failures the pool records for repeats that did not return. */
export const FAULTS = {
  timeout: 'RepeatTimeoutError',
  exit: 'RepeatExitError',
  crash: 'RepeatCrashError',
  unsettled: 'RepeatUnsettledError',
} as const;

/** An Error with a given name, for failure records. */
export function faultError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  error.stack = `${name}: ${message}`;
  return error;
}

/** The messages of the faults, shared by the worker and in-process paths. */
export const faultMessages = {
  timeout: (index: number, seconds: number) =>
    `repeat ${index} timed out after ${seconds} s and was stopped (time limit ${seconds} s)`,
  exit: (index: number, code: number) =>
    `repeat ${index} called process.exit(${code}); the run went on without it`,
  threadExit: (index: number, code: number) =>
    `repeat ${index} ended its worker thread (exit code ${code}); the run went on on a fresh worker`,
  crash: (index: number, error: unknown) =>
    `repeat ${index} crashed with an uncaught ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  unsettled: (index: number) =>
    `repeat ${index} never settled: run() returned a promise with nothing left to wait on, so it can never resolve`,
};

interface Job {
  id: number;
  task: RepeatTask;
  timeout: number | undefined;
  resolve(result: RepeatResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  started: number;
  timer: NodeJS.Timeout | undefined;
  /** process.exit(code) announced by the repeat. */
  exitCode: number | undefined;
  crash: unknown;
}

/**
 * Worker threads that run repeat tasks; share one across runs to pay the start-up once.
 *
 * @example
 * ```ts
 * const pool = new RepeatPool(2, { inProcess: 'never' });
 * const result = await pool.run({ file: '/abs/experiment.ts', exportName: 'default', seed: '7', index: 0 }, { timeout: 60 });
 * await pool.destroy();
 * ```
 */
export class RepeatPool {
  readonly workers: number;
  readonly inProcess: InProcessPolicy;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #nextId = 0;
  #destroyed = false;

  constructor(workers: number = defaultWorkers(), options: RepeatPoolOptions = {}) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`workers must be an integer ≥ 1 (got ${String(workers)})`);
    }
    const policy = options.inProcess ?? 'auto';
    if (policy !== 'auto' && policy !== 'never') {
      throw new RangeError(`inProcess must be 'auto' or 'never' (got ${String(policy)})`);
    }
    this.workers = workers;
    this.inProcess = policy;
  }

  /**
   * Runs one repeat on a free worker. Resolves with the repeat's result — a failure record when it
   * threw, timed out, exited or crashed its thread, or never settled. Rejects only when the module
   * cannot be loaded (or has no such experiment), or the pool is destroyed.
   */
  run(task: RepeatTask, options: RepeatRunOptions = {}): Promise<RepeatResult> {
    if (this.#destroyed) return Promise.reject(new Error('the repeat pool was destroyed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, task, timeout: options.timeout, resolve, reject });
      this.#dispatch();
    });
  }

  /** Ends every worker thread; queued repeats are rejected. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('the repeat pool was destroyed'));
    await Promise.all([...this.#slots].map((slot) => this.#retire(slot)));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let slot = [...this.#slots].find((s) => s.job === null);
      if (slot === undefined) {
        if (this.#slots.size >= this.workers) return;
        slot = this.#spawn();
      }
      const job = this.#queue.shift() as Job;
      slot.job = job;
      slot.worker.ref();
      slot.started = performance.now(); // determinism-ok: timing, reported only
      slot.exitCode = undefined;
      slot.crash = undefined;
      slot.worker.postMessage({ type: 'run', id: job.id, task: job.task } satisfies RunMessage);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(workerEntry(), { workerData: { mark: WORKER_MARK } });
    const slot: Slot = {
      worker,
      job: null,
      started: 0,
      timer: undefined,
      exitCode: undefined,
      crash: undefined,
    };
    worker.on('message', (reply: WorkerReply) => this.#reply(slot, reply));
    worker.on('error', (error) => {
      slot.crash = error;
    });
    worker.on('exit', (code) => this.#exited(slot, code));
    this.#slots.add(slot);
    return slot;
  }

  #reply(slot: Slot, reply: WorkerReply): void {
    const job = slot.job;
    if (job === null || reply.id !== job.id) return;
    if (reply.type === 'exit-called') {
      slot.exitCode = reply.code;
      return;
    }
    if (reply.type === 'started') {
      // The time limit counts the repeat, not the thread's start-up and module loading.
      slot.started = performance.now(); // determinism-ok: timing, reported only
      if (job.timeout !== undefined) slot.timer = setTimeout(() => this.#timedOut(slot), job.timeout * 1000);
      return;
    }
    this.#release(slot);
    if (reply.type === 'result') job.resolve(reply.result);
    else {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      error.stack = reply.error.stack;
      job.reject(error);
    }
    this.#dispatch();
  }

  /** A thread ended: fail the repeat it was running with what happened, and go on. */
  #exited(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    const job = slot.job;
    if (job !== null) {
      this.#release(slot);
      const { index } = job.task;
      const error =
        slot.crash !== undefined
          ? faultError(FAULTS.crash, faultMessages.crash(index, slot.crash))
          : slot.exitCode !== undefined
            ? faultError(FAULTS.exit, faultMessages.exit(index, slot.exitCode))
            : code === 0
              ? faultError(FAULTS.unsettled, faultMessages.unsettled(index))
              : faultError(FAULTS.exit, faultMessages.threadExit(index, code));
      if (slot.crash instanceof Error && slot.crash.stack)
        error.stack = `${error.stack}\n${slot.crash.stack}`;
      job.resolve(this.#failure(job, error, slot));
    }
    if (!this.#destroyed) this.#dispatch();
  }

  #timedOut(slot: Slot): void {
    const job = slot.job;
    if (job === null || job.timeout === undefined) return;
    this.#release(slot);
    this.#slots.delete(slot);
    const error = faultError(FAULTS.timeout, faultMessages.timeout(job.task.index, job.timeout));
    job.resolve(this.#failure(job, error, slot));
    // The thread may be stuck in a loop: terminate it and go on with a fresh one.
    void slot.worker.terminate();
    this.#dispatch();
  }

  #failure(job: Job, error: Error, slot: Slot): RepeatResult {
    const seed = repeatSeed(BigInt(job.task.seed), job.task.index);
    return failure(job.task.index, seed, error, performance.now() - slot.started); // determinism-ok: timing, reported only
  }

  /** The slot is idle: an idle thread does not keep the process alive (the pool may be left undestroyed). */
  #release(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = null;
    slot.worker.unref();
  }

  async #retire(slot: Slot): Promise<void> {
    this.#slots.delete(slot);
    clearTimeout(slot.timer);
    slot.worker.removeAllListeners('exit');
    await slot.worker.terminate();
  }
}

/**
 * The module each worker loads: the compiled worker.js next to this file, or — when this file is
 * TypeScript — a bootstrap that registers tsx globally in the worker and then imports worker.ts.
 */
function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker.js', here);
  const worker = new URL('./worker.ts', here).href;
  const bootstrap = [
    `const { register } = await import(${JSON.stringify(tsxApiUrl())});`,
    'register();',
    `await import(${JSON.stringify(worker)});`,
  ].join('\n');
  // A data: module may import absolute file: URLs.
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/** file: URL of tsx's ESM API, from its package.json (the require condition points at CommonJS). */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports['./esm/api'];
  return pathToFileURL(join(dirname(manifest), exports.import.default)).href;
}
