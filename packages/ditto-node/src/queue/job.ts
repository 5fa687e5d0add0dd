/**
 * A queued repeat: its payload (plain JSON, checked field by field when a worker takes it), its
 * identity, and the fingerprint of the worker that ran it.
 *
 * A job's identity is the hash of what determines its result — the experiment module's content
 * (with its local imports), ditto's version, the export, the configuration, the experiment seed,
 * the repeat index and the design (which sources vary: cell i of an attribution's design is not
 * repeat i of a plain run) — so the same repeat submitted twice is one job, computed once.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { checkDesign, type RepeatDesign } from 'ditto/internal';

/** The queue every ditto coordinator and worker uses (one Redis can serve many runs). */
export const QUEUE_NAME = 'ditto-repeats';

/**
 * Checks a queue name: BullMQ keys are `bull:<name>:…`, so a name is letters, digits, `-`, `_`, `.`.
 *
 * @throws Error naming the name.
 */
export function checkQueueName(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
    throw new Error(`--queue-name: '${String(name)}' must be 1–100 letters, digits, '.', '-' or '_'`);
  }
  return name;
}

/** What a worker needs to run one repeat. */
export interface RepeatJob {
  /** Payload format. */
  v: 1;
  /** The experiment module's path relative to the coordinator's working directory. */
  file: string;
  exportName: string;
  /** {@link moduleContentHash} of the module on the coordinator. */
  moduleHash: string;
  /** ditto version of the coordinator. */
  dittoVersion: string;
  /** {@link dittoCodeHash} of the coordinator: the same version can be different code. */
  dittoCode: string;
  /** The experiment seed, unsigned 64-bit, decimal. */
  seed: string;
  index: number;
  /** A deliberate second run of a repeat (`--verify-fraction`), to be taken by another worker. */
  verify: boolean;
  /** With `verify`: the worker that ran the first copy, which should not take this one. */
  avoidWorker?: string;
  /** The repeat's time limit in seconds, as a local run would apply it. */
  timeout?: number;
  /** Which sources vary (an attribution's design); absent: the experiment's own `vary`. */
  design?: RepeatDesign;
}

/** Who ran a job: what a cross-machine difference is explained by. */
export interface WorkerFingerprint {
  /** Unique per worker process: host, pid and a start counter. */
  id: string;
  hostname: string;
  runtime: string;
  cpuModel: string;
  platform: string;
  backend: string | null;
}

/**
 * The job id: a SHA-256 of everything that determines the repeat's result (and whether it is a
 * verification copy).
 *
 * @example
 * ```ts
 * jobId({ v: 1, file: 'e.ts', exportName: 'default', moduleHash: 'ab…', dittoVersion: '0.1.0',
 *   dittoCode: '9c…', seed: '7', index: 3, verify: false }); // 'r-5c1e…'
 * ```
 */
export function jobId(job: RepeatJob): string {
  const identity = JSON.stringify([
    job.moduleHash,
    job.dittoVersion,
    job.dittoCode,
    job.exportName,
    job.seed,
    job.index,
    job.verify,
    // Checked, so one design always has one spelling (key order); absent, the id a job had before
    // designs travelled on the queue. Absent and 'all' differ: absent is the experiment's own vary.
    ...(job.design === undefined ? [] : [checkDesign('job design', job.design)]),
  ]);
  // BullMQ job ids must not be plain integers; a prefix keeps them readable too.
  return `${job.verify ? 'v' : 'r'}-${createHash('sha256').update(identity).digest('hex')}`;
}

/** The Redis list where every worker that ran a job appends its result (at-least-once delivery). */
export function resultsKey(id: string): string {
  return `ditto:results:${id}`;
}

/**
 * Checks a payload taken from the queue before anything runs.
 *
 * @throws Error naming the first field that is missing or wrong.
 */
export function parseRepeatJob(data: unknown): RepeatJob {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`malformed job payload: expected an object, got ${describe(data)}`);
  }
  const d = data as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new Error(`malformed job payload: \`${field}\` must be ${expected} (got ${describe(d[field])})`);
  };
  if (d.v !== 1) fail('v', 'the format version 1');
  for (const field of ['file', 'exportName', 'moduleHash', 'dittoVersion', 'dittoCode'] as const) {
    if (typeof d[field] !== 'string' || d[field] === '') fail(field, 'a non-empty string');
  }
  if (typeof d.seed !== 'string' || !/^\d{1,20}$/.test(d.seed) || BigInt(d.seed) >= 2n ** 64n) {
    fail('seed', 'an unsigned 64-bit integer in decimal');
  }
  if (typeof d.index !== 'number' || !Number.isInteger(d.index) || d.index < 0 || d.index >= 2 ** 32) {
    fail('index', 'an integer in [0, 2^32)');
  }
  if (typeof d.verify !== 'boolean') fail('verify', 'true or false');
  if (d.avoidWorker !== undefined && typeof d.avoidWorker !== 'string') fail('avoidWorker', 'a string');
  if (d.timeout !== undefined && !(typeof d.timeout === 'number' && d.timeout > 0))
    fail('timeout', 'a number of seconds > 0');
  let design: RepeatDesign | undefined;
  try {
    design = d.design === undefined ? undefined : checkDesign('`design`', d.design);
  } catch (error) {
    throw new Error(`malformed job payload: ${(error as Error).message}`);
  }
  return {
    v: 1,
    file: d.file as string,
    exportName: d.exportName as string,
    moduleHash: d.moduleHash as string,
    dittoVersion: d.dittoVersion as string,
    dittoCode: d.dittoCode as string,
    seed: d.seed as string,
    index: d.index as number,
    verify: d.verify as boolean,
    ...(d.avoidWorker === undefined ? {} : { avoidWorker: d.avoidWorker as string }),
    ...(d.timeout === undefined ? {} : { timeout: d.timeout as number }),
    ...(design === undefined ? {} : { design }),
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
