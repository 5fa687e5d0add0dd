/**
 * The coordinator's side of the queue: a repeat runner with the worker pool's interface, so
 * `ditto run --queue` goes through the very code of a local run (planning, records, resume,
 * progress) and only the place where a repeat executes changes.
 *
 * Each repeat becomes one BullMQ job whose id is the hash of what determines its result; the
 * runner waits for it through queue events, with a poll as a safety net for events lost while
 * Redis restarts. Every result a worker reports for a job is kept in a Redis list: when a repeat
 * ran twice (a worker died after finishing, a stalled job was retried, or `verifyFraction` asked
 * for a second run), the copies are compared bit for bit and a difference is reported as a
 * cross-machine reproducibility failure naming both workers.
 *
 * @module
 */

import { relative, resolve, sep } from 'node:path';
import { bits, failure, foldIn, key, type RepeatResult, repeatSeed, VERSION } from 'ditto/internal';
import { dittoCodeHash, moduleContentHash } from '../experiments/module-hash.js';
import type { RepeatRunOptions } from '../experiments/pool.js';
import type { RepeatRunner } from '../experiments/repeat-runner.js';
import type { RepeatTask } from '../experiments/worker.js';
import { checkReachable, connectionOptions, loadBullmq, parseQueueUrl } from './connection.js';
import {
  checkQueueName,
  jobId,
  QUEUE_NAME,
  type RepeatJob,
  resultsKey,
  type WorkerFingerprint,
} from './job.js';
import type { JobOutcome } from './worker.js';

/** Options of {@link openQueueRunner}. */
export interface QueueRunnerOptions {
  /** `redis://host:port`. */
  queue: string;
  /** The queue's name in that Redis (default 'ditto-repeats'): separate projects can share one Redis. */
  name?: string;
  /** The experiment module's path as workers should find it: relative to their `--root`. */
  relativeFile: string;
  /** The module's content hash ({@link moduleContentHash}). */
  moduleHash: string;
  /**
   * Share of repeats (0 … 1) run a second time on another worker and compared bit for bit; the
   * repeats are a keyed random choice (the experiment seed's), so the same run checks the same ones.
   */
  verifyFraction?: number;
  /** Workers the run's record counts (informational); default 1. */
  workers?: number;
  /** Poll interval of the safety net, in ms; default 1000. */
  pollMs?: number;
}

/** Pending jobs the safety-net poll checks per interval. */
const POLL_BATCH = 64;

/** A key-derivation tag for the choice of repeats to verify ("verify" in ASCII). */
const VERIFY_TAG = 0x76657269;

/**
 * Whether repeat `index` is run a second time: a coin keyed by (experiment seed, index), heads
 * with probability `fraction` — so the same run always verifies the same repeats, independent of
 * how many repeats there are or in which order they finish.
 */
export function isVerified(experimentSeed: bigint, index: number, fraction: number): boolean {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`--verify-fraction must be a number in [0, 1] (got ${String(fraction)})`);
  }
  const [word] = bits(foldIn(foldIn(key(experimentSeed), VERIFY_TAG), index), 1);
  return word / 2 ** 32 < fraction;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Connects to the queue and returns a runner for `runExperimentFile(…, { pool })`.
 *
 * @throws Error when Redis cannot be reached (within seconds) or BullMQ is not installed.
 * @example
 * ```ts
 * const pool = await openQueueRunner({ queue: 'redis://127.0.0.1:6379', relativeFile: 'exp.ts',
 *   moduleHash: moduleContentHash('exp.ts').hash });
 * const { run } = await runExperimentFile('exp.ts', { pool });
 * await pool.destroy();
 * ```
 */
export async function openQueueRunner(options: QueueRunnerOptions): Promise<QueueRunner> {
  const address = parseQueueUrl(options.queue);
  isVerified(0n, 0, options.verifyFraction ?? 0); // checks the fraction before connecting
  await checkReachable(address);
  const bullmq = await loadBullmq();
  const connection = connectionOptions(address);
  const name = checkQueueName(options.name ?? QUEUE_NAME);
  const queue = new bullmq.Queue(name, { connection });
  const events = new bullmq.QueueEvents(name, { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const { Redis } = await import('ioredis');
  const results = new Redis(connection);
  results.on('error', () => {}); // ioredis reconnects by itself
  return new QueueRunner(options, queue, events, results);
}

/** The command-line options a queued command (run, compare, attribute) takes. */
export interface QueueCommandOptions {
  /** `--queue redis://host:port`. */
  queue: string;
  /** `--queue-name`. */
  queueName?: string;
  /** `--verify-fraction`, as typed. */
  verifyFraction?: string;
}

/**
 * {@link openQueueRunner} for the experiment module `file` as a command gives it: its path relative
 * to the working directory (what workers resolve against their `--root`), its content hash, and
 * `--verify-fraction` checked.
 *
 * @throws Error for a `--verify-fraction` outside [0, 1], an unreachable Redis, or no BullMQ.
 * @example
 * ```ts
 * const pool = await openQueueForFile('examples/experiment.ts', { queue: 'redis://127.0.0.1:6379' });
 * ```
 */
export async function openQueueForFile(file: string, options: QueueCommandOptions): Promise<QueueRunner> {
  const fraction = options.verifyFraction;
  const verifyFraction = fraction === undefined ? undefined : Number(fraction);
  if (verifyFraction !== undefined && !(verifyFraction >= 0 && verifyFraction <= 1)) {
    throw new Error(`--verify-fraction must be a number in [0, 1] (got '${fraction}')`);
  }
  return openQueueRunner({
    queue: options.queue,
    name: options.queueName,
    relativeFile: relative(process.cwd(), resolve(file)).split(sep).join('/'),
    moduleHash: moduleContentHash(file).hash,
    verifyFraction,
  });
}

type JobQueue = import('bullmq').Queue;
type JobEvents = import('bullmq').QueueEvents;
type RedisClient = import('ioredis').Redis;

/** See {@link openQueueRunner}. */
export class QueueRunner implements RepeatRunner {
  readonly workers: number;
  readonly #options: QueueRunnerOptions;
  readonly #queue: JobQueue;
  readonly #events: JobEvents;
  readonly #results: RedisClient;
  readonly #waiting = new Map<string, Waiter[]>();
  readonly #poll: NodeJS.Timeout;
  #pollCursor = 0;

  constructor(options: QueueRunnerOptions, queue: JobQueue, events: JobEvents, results: RedisClient) {
    this.#options = options;
    this.workers = options.workers ?? 1;
    this.#queue = queue;
    this.#events = events;
    this.#results = results;
    events.on('completed', ({ jobId: id }) => this.#settle(id));
    events.on('failed', ({ jobId: id, failedReason }) => {
      this.#settleFailure(id, failedReason);
    });
    events.on('error', () => {}); // reconnects by itself; the poll covers what it misses
    this.#poll = setInterval(() => void this.#pollPending(), options.pollMs ?? 1000);
    this.#poll.unref();
  }

  /** Runs one repeat on the queue; resolves with its result (a failure when refused or not reproduced). */
  async run(task: RepeatTask, options: RepeatRunOptions = {}): Promise<RepeatResult> {
    const seed = repeatSeed(BigInt(task.seed), task.index);
    try {
      const job: RepeatJob = {
        v: 1,
        file: this.#options.relativeFile,
        exportName: task.exportName,
        moduleHash: this.#options.moduleHash,
        dittoVersion: VERSION,
        dittoCode: dittoCodeHash(),
        seed: task.seed,
        index: task.index,
        verify: false,
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
        // An attribution's cell: without it the worker would run the plain repeat of this index.
        ...(task.design === undefined ? {} : { design: task.design }),
      };
      const [first, ...copies] = await this.#runJob(job);
      let mismatch = firstMismatch(first, copies);
      if (mismatch === null && first.result.status === 'ok' && this.#shouldVerify(task)) {
        const second = await this.#runJob({ ...job, verify: true, avoidWorker: first.worker.id });
        mismatch = firstMismatch(first, second);
      }
      if (mismatch !== null) return failure(task.index, seed, new Error(mismatch));
      return first.result;
    } catch (error) {
      return failure(task.index, seed, error);
    }
  }

  /** Closes the connections (the jobs and their results stay in Redis). */
  async destroy(): Promise<void> {
    clearInterval(this.#poll);
    for (const [id, waiters] of this.#waiting) {
      for (const w of waiters) w.reject(new Error(`the queue runner was closed before job ${id} finished`));
    }
    this.#waiting.clear();
    await Promise.allSettled([this.#events.close(), this.#queue.close(), this.#results.quit()]);
  }

  #shouldVerify(task: RepeatTask): boolean {
    const fraction = this.#options.verifyFraction ?? 0;
    return fraction > 0 && isVerified(BigInt(task.seed), task.index, fraction);
  }

  /**
   * Submits a job and waits until it completed; returns every result reported for it, the first
   * one first. The results list, which workers append to before completing, is the source of
   * truth: it also holds the copies of a job that ran twice.
   */
  async #runJob(job: RepeatJob): Promise<JobOutcome[]> {
    const id = jobId(job);
    const done = new Promise<void>((resolve, reject) => {
      const list = this.#waiting.get(id) ?? [];
      list.push({ resolve, reject });
      this.#waiting.set(id, list);
    });
    // A job with this id that already exists (submitted twice, or finished in an earlier session)
    // is not added again: it is computed once, and the poll below picks up its result.
    await throughOutages(`submitting repeat ${job.index}`, () =>
      this.#queue.add('repeat', job, {
        jobId: id,
        attempts: 3,
        backoff: { type: 'fixed', delay: 200 },
        removeOnComplete: false,
        removeOnFail: false,
      }),
    );
    done.catch(() => {}); // settled before it is awaited below: not an unhandled rejection
    await this.#check(id);
    await done;
    for (let attempt = 0; ; attempt++) {
      const copies = await this.#copies(id);
      if (copies.length > 0) return copies;
      // Completed but no result listed: only a job that is not ditto's, or a lost write.
      if (attempt === 20) throw new Error(`job ${id} completed without reporting a result`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * The safety net for events lost while Redis was away: a few pending jobs per tick, in turn, so
   * its cost stays bounded (POLL_BATCH jobs per interval) however many jobs a run has in flight.
   */
  async #pollPending(): Promise<void> {
    const pending = [...this.#waiting.keys()];
    if (pending.length === 0) return;
    for (let i = 0; i < Math.min(POLL_BATCH, pending.length); i++) {
      const id = pending[(this.#pollCursor + i) % pending.length];
      await this.#check(id).catch(() => {});
    }
    this.#pollCursor = (this.#pollCursor + POLL_BATCH) % pending.length;
  }

  async #check(id: string): Promise<void> {
    const job = await this.#queue.getJob(id);
    if (job === undefined) return;
    const state = await job.getState();
    if (state === 'completed') this.#settle(id);
    else if (state === 'failed' && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      this.#settleFailure(id, job.failedReason);
    } else if (state === 'failed' && job.failedReason?.startsWith('refused by worker')) {
      this.#settleFailure(id, job.failedReason);
    }
  }

  #settle(id: string): void {
    const waiters = this.#waiting.get(id);
    if (waiters === undefined) return;
    this.#waiting.delete(id);
    for (const w of waiters) w.resolve();
  }

  #settleFailure(id: string, reason: string | undefined): void {
    const waiters = this.#waiting.get(id);
    if (waiters === undefined) return;
    this.#waiting.delete(id);
    for (const w of waiters) w.reject(new Error(reason ?? `job ${id} failed`));
  }

  async #copies(id: string): Promise<JobOutcome[]> {
    const items = await throughOutages('reading results', () => this.#results.lrange(resultsKey(id), 0, -1));
    return items.map(parseOutcome);
  }
}

/** How long the coordinator rides out a Redis that went away (a restart, a failover). */
const OUTAGE_MS = 60_000;

/**
 * Runs a Redis call, retrying while the connection is down: a restarted Redis (with its
 * append-only file) still has every job, so the run should wait for it, not fail.
 */
async function throughOutages<T>(what: string, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + OUTAGE_MS; // determinism-ok: how long to wait for Redis, not a result
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const late = Date.now() > deadline; // determinism-ok: the same outage deadline
      if (late) {
        throw new Error(
          `${what}: Redis did not come back within ${OUTAGE_MS / 1000} s (${(error as Error).message})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function parseOutcome(value: unknown): JobOutcome {
  const outcome = (typeof value === 'string' ? JSON.parse(value) : value) as JobOutcome;
  if (outcome === null || typeof outcome !== 'object' || outcome.result === undefined) {
    throw new Error(`a worker returned a malformed result: ${String(value).slice(0, 80)}`);
  }
  return outcome;
}

/** The first copy whose result differs from `first`'s in any bit, described; null when all agree. */
function firstMismatch(first: JobOutcome, copies: readonly JobOutcome[]): string | null {
  for (const copy of copies) {
    const difference = differenceBetween(first.result, copy.result);
    if (difference !== null) {
      return `cross-machine reproducibility failure: repeat ${first.result.index} gave different results on two workers (${difference}): ${describeWorker(first.worker)} vs ${describeWorker(copy.worker)}`;
    }
  }
  return null;
}

function differenceBetween(a: RepeatResult, b: RepeatResult): string | null {
  if (a.status !== b.status) return `status ${a.status} vs ${b.status}`;
  if (a.status === 'failed' || b.status === 'failed') return null;
  if (a.weightsHash !== b.weightsHash) {
    return `weights hash ${String(a.weightsHash).slice(0, 12)} vs ${String(b.weightsHash).slice(0, 12)}`;
  }
  const names = new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)]);
  for (const name of names) {
    // Object.is: bit for bit, as far as a number's value goes (0 and −0 differ, NaN equals NaN).
    if (!Object.is(a.metrics[name], b.metrics[name])) {
      return `${name} ${String(a.metrics[name])} vs ${String(b.metrics[name])}`;
    }
  }
  return null;
}

function describeWorker(w: WorkerFingerprint): string {
  return `worker ${w.id} (${w.runtime}, ${w.platform}, ${w.cpuModel}, backend ${w.backend ?? '?'})`;
}
