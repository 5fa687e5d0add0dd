/**
 * `ditto worker`: takes repeats from the queue and runs them on the same worker threads as local
 * repeats (RepeatPool), so a CPU-bound training never blocks BullMQ's lock renewal on this
 * thread, and a repeat's bits are those of a local run.
 *
 * Before running a job, the worker checks that it has the coordinator's code: ditto's version and
 * the content hash of the experiment module with its local imports. A worker with other code
 * refuses the job (it fails, with the reason) rather than producing silently different results.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { cpus, hostname, platform } from 'node:os';
import { resolve } from 'node:path';
import { VERSION } from 'ditto/internal';
import { dittoCodeHash, moduleContentHash } from '../experiments/module-hash.js';
import { RepeatPool } from '../experiments/pool.js';
import { checkReachable, connectionOptions, loadBullmq, parseQueueUrl } from './connection.js';
import {
  checkQueueName,
  parseRepeatJob,
  QUEUE_NAME,
  type RepeatJob,
  resultsKey,
  type WorkerFingerprint,
} from './job.js';

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions {
  /** `redis://host:port`. */
  queue: string;
  /** The queue's name in that Redis (default 'ditto-repeats'). */
  name?: string;
  /** Repeats run at once (worker threads); default 1. */
  concurrency?: number;
  /** Folder the jobs' module paths are relative to; default the working directory. */
  root?: string;
  /**
   * How long a job's lock lasts without renewal, in ms (BullMQ's `lockDuration`, default 30 s): a
   * worker that dies mid-job gives its job back after about this long.
   */
  lockDuration?: number;
  /** Where to write one line per event (job done, refused, rejected); default stderr. */
  log?: (line: string) => void;
}

/** What a worker returns for a job, and appends to the job's results list. */
export interface JobOutcome {
  result: import('ditto/internal').RepeatResult;
  worker: WorkerFingerprint;
}

/** A running worker. */
export interface QueueWorker {
  readonly fingerprint: WorkerFingerprint;
  /** Stops taking jobs, waits for the running ones, and ends the threads. */
  close(): Promise<void>;
}

/** How long a verification copy waits for another worker before this one takes it anyway. */
const AVOID_WORKER_MS = 5000;

/**
 * Starts a worker that takes jobs until closed.
 *
 * @throws Error when Redis cannot be reached (within seconds) or the options are invalid.
 * @example
 * ```ts
 * const worker = await startQueueWorker({ queue: 'redis://127.0.0.1:6379', concurrency: 2 });
 * // … later
 * await worker.close();
 * ```
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`worker: --concurrency must be an integer ≥ 1 (got ${String(options.concurrency)})`);
  }
  const lockDuration = options.lockDuration ?? 30_000;
  if (!Number.isInteger(lockDuration) || lockDuration < 100) {
    throw new RangeError(`worker: --lock-duration must be an integer ≥ 100 ms (got ${String(lockDuration)})`);
  }
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = resolve(options.root ?? process.cwd());
  const address = parseQueueUrl(options.queue);
  const name = checkQueueName(options.name ?? QUEUE_NAME);
  await checkReachable(address);
  const { Worker, UnrecoverableError, DelayedError } = await loadBullmq();

  const fingerprint: WorkerFingerprint = {
    id: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    hostname: hostname(),
    runtime: `node ${process.versions.node}`,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    platform: `${platform()}-${process.arch}`,
    backend: null,
  };
  const hashes = new Map<string, { mtimeMs: number; size: number; hash: string }>();
  /** The module hash of a local file, recomputed when the file changes. */
  const localHash = (path: string): string => {
    const { mtimeMs, size } = statSync(path);
    const cached = hashes.get(path);
    if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.hash;
    const { hash } = moduleContentHash(path);
    hashes.set(path, { mtimeMs, size, hash });
    return hash;
  };
  /** Why this worker cannot run the job faithfully, or null. */
  const refusal = (job: RepeatJob, path: string): string | null => {
    if (job.dittoVersion !== VERSION) {
      return `this worker runs ditto ${VERSION}; the job was submitted by ditto ${job.dittoVersion}, whose results may differ`;
    }
    if (job.dittoCode !== dittoCodeHash()) {
      return `this worker's ditto ${VERSION} is different code from the coordinator's (code hash ${dittoCodeHash().slice(0, 12)} here, ${job.dittoCode.slice(0, 12)} there): a local build or a patched copy gives other results`;
    }
    if (!existsSync(path)) {
      return `this worker needs the experiment file ${job.file} (looked for ${path}); start it in the experiment's project folder or pass --root`;
    }
    const here = localHash(path);
    if (here !== job.moduleHash) {
      return `this worker's copy of ${job.file} (or of a module it imports) differs from the coordinator's: module hash ${here.slice(0, 12)} here, ${job.moduleHash.slice(0, 12)} on the coordinator`;
    }
    return null;
  };

  const { Redis } = await import('ioredis');
  const results = new Redis(connectionOptions(address));
  results.on('error', () => {}); // ioredis reconnects by itself; BullMQ reports the outage
  // Always threads: a training on this thread would block BullMQ's lock renewal.
  const pool = new RepeatPool(concurrency, { inProcess: 'never' });
  let worker: InstanceType<typeof Worker> | undefined;
  worker = new Worker(
    name,
    async (job, token) => {
      let payload: RepeatJob;
      try {
        payload = parseRepeatJob(job.data);
      } catch (error) {
        log(`worker ${fingerprint.id}: rejected job ${job.id}: ${(error as Error).message}`);
        throw new UnrecoverableError((error as Error).message);
      }
      const path = resolve(root, payload.file);
      const reason = refusal(payload, path);
      if (reason !== null) {
        log(`worker ${fingerprint.id}: refused repeat ${payload.index} of ${payload.file}: ${reason}`);
        throw new UnrecoverableError(`refused by worker ${fingerprint.id}: ${reason}`);
      }
      if (
        payload.verify &&
        payload.avoidWorker === fingerprint.id &&
        Date.now() - job.timestamp < AVOID_WORKER_MS // determinism-ok: which worker runs a copy, not its bits
      ) {
        // A verification copy should run elsewhere: leave it to another worker for a moment.
        await job.moveToDelayed(Date.now() + 100, token); // determinism-ok: a scheduling delay
        throw new DelayedError();
      }
      const result = await pool.run({
        file: path,
        exportName: payload.exportName,
        seed: payload.seed,
        index: payload.index,
        design: payload.design,
      });
      fingerprint.backend = result.backend;
      const outcome: JobOutcome = { result, worker: { ...fingerprint } };
      // Appended before the job completes: if this worker dies between the two, the retried copy's
      // result is compared with this one (at-least-once delivery becomes a reproducibility check).
      await results.rpush(resultsKey(String(job.id)), JSON.stringify(outcome));
      log(`worker ${fingerprint.id}: repeat ${payload.index} of ${payload.file}: ${result.status}`);
      return outcome;
    },
    {
      connection: connectionOptions(address),
      concurrency,
      lockDuration,
      stalledInterval: Math.max(100, Math.floor(lockDuration / 2)),
      maxStalledCount: 3,
      autorun: true,
    },
  );
  worker.on('error', (error) => log(`worker ${fingerprint.id}: ${error.message}`));
  await worker.waitUntilReady();
  return {
    fingerprint,
    async close() {
      await worker?.close();
      worker = undefined;
      await pool.destroy();
      await results.quit().catch(() => {});
    },
  };
}
