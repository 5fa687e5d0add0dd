/**
 * The run record: everything needed to summarise, compare, replay and audit a run, as plain JSON.
 * The SQLite store (src/node/experiments/records.ts) exports runs in this form and `ditto export
 * --format json` writes it; docs/experiments.md documents every field.
 *
 * @module
 */

import type { RepeatDesign } from './attribution-design.js';
import type { Direction } from './experiment.js';
import type { ExperimentRun, RepeatFailure, RepeatResult, RepeatSuccess } from './results.js';

/** The `schema` field of a run record; bumped on any incompatible change. */
export const RUN_RECORD_SCHEMA = 'ditto.run/1';

/** Where and with what a run executed. */
export interface RunEnvironment {
  /** ditto's VERSION (numeric results may change between versions). */
  dittoVersion: string;
  /** 'node', 'bun', 'deno' or 'browser'. */
  runtime: string;
  runtimeVersion: string;
  /** e.g. 'linux'. */
  platform: string;
  /** e.g. 'x64'. */
  arch: string;
  cpuModel: string;
  cpuCount: number;
  /** Backend name of the first recorded repeat (each repeat also records its own). */
  backend: string | null;
  /** Worker threads of the latest session of the run. */
  workers: number;
}

/** One recorded repeat: a result plus when it was committed. */
export type RecordedRepeat = (RepeatSuccess | RepeatFailure) & {
  /** ISO 8601 time the repeat's result was committed. */
  finishedAt: string;
  /**
   * SHA-256 of the result as committed (index, seed, status, metric bits, weights hash, backend or
   * error), so an edited result is told from one that does not reproduce. Absent in older records.
   */
  checksum?: string | null;
};

/** A recorded repeat whose stored result could not be read (malformed: edited or damaged). */
export interface UnreadableRepeat {
  index: number;
  /** What is wrong with it, e.g. "metrics is not valid JSON". */
  reason: string;
}

/** Whether every repeat has a successful result, some failed, or some have no result yet. */
export type RunStatus = 'complete' | 'failed' | 'incomplete';

/** A run as exported: schema `ditto.run/1`. */
export interface RunRecord {
  schema: typeof RUN_RECORD_SCHEMA;
  /** The run's id, e.g. '20250301-142233-5f3a'. */
  id: string;
  name: string;
  /** The module the experiment was loaded from. */
  module: {
    /** Absolute path at run time. */
    path: string;
    /** Path relative to the working directory the run started in. */
    relativePath: string;
    /** The export that holds the experiment ('default' or a named export). */
    export: string;
    /**
     * SHA-256 over the module and its local imports when the run started (see `files`); absent
     * or null in records made before ditto recorded it.
     */
    hash?: string | null;
    /** Each hashed file (relative to the module's directory, `/`-separated) → its SHA-256. */
    files?: Record<string, string>;
  };
  /** The experiment seed, unsigned 64-bit, decimal. Repeat i's seed is repeatSeed(seed, i). */
  seed: string;
  /** Whether the seed was drawn from the system's entropy. */
  seedDrawn: boolean;
  /** Total repeats of the run. */
  repeats: number;
  /** Per metric, which direction is better. */
  better: Record<string, Direction>;
  /** The options the run was asked for (command line or API), as given; absent ones omitted. */
  options: {
    repeats?: number;
    seed?: string;
    workers?: number;
    /** Which sources varied (`vary`, or an attribution's design); absent: every source. */
    design?: RepeatDesign;
  };
  environment: RunEnvironment;
  status: RunStatus;
  /** ISO 8601 start of the first session. */
  startedAt: string;
  /** ISO 8601 end of the latest session that finished, or null if none has. */
  finishedAt: string | null;
  /** Sum of the sessions' wall times, in milliseconds. */
  milliseconds: number;
  /** The recorded repeats, ordered by index; a missing index has not run (yet). */
  results: RecordedRepeat[];
  /**
   * SHA-256 of the configuration (id, name, module and its hash, seed, seedDrawn, repeats, better,
   * options) when the run was created; absent in older records.
   */
  checksum?: string | null;
  /** Repeats whose stored result could not be read; absent when every one could. */
  unreadable?: UnreadableRepeat[];
}

/** The status implied by a run's results. */
export function runStatus(repeats: number, results: readonly RepeatResult[]): RunStatus {
  const indices = new Set(results.map((r) => r.index));
  if (indices.size < repeats) return 'incomplete';
  return results.every((r) => r.status === 'ok') ? 'complete' : 'failed';
}

/** The run a record describes, for `summarize` and `compareRuns`. */
export function runFromRecord(record: RunRecord): ExperimentRun {
  return {
    name: record.name,
    seed: record.seed,
    seedDrawn: record.seedDrawn,
    repeats: record.repeats,
    better: record.better,
    results: record.results.map(({ finishedAt: _, checksum: __, ...result }) => result as RepeatResult),
  };
}

/**
 * Checks that `value` (e.g. parsed from an exported file) is a run record of this schema, and
 * returns it typed.
 *
 * @throws Error naming the first field that is missing or of the wrong type.
 * @example
 * ```ts
 * const record = parseRunRecord(JSON.parse(text));
 * ```
 */
export function parseRunRecord(value: unknown): RunRecord {
  const r = object(value, 'run record');
  if (r.schema !== RUN_RECORD_SCHEMA) {
    throw new Error(`run record: schema must be '${RUN_RECORD_SCHEMA}' (got ${JSON.stringify(r.schema)})`);
  }
  for (const field of ['id', 'name', 'seed', 'startedAt'] as const) string(r[field], field);
  if (!/^\d+$/.test(r.seed as string))
    throw new Error('run record: seed must be an unsigned decimal integer');
  boolean(r.seedDrawn, 'seedDrawn');
  integer(r.repeats, 'repeats', 1);
  const module = object(r.module, 'module');
  for (const field of ['path', 'relativePath', 'export'] as const) string(module[field], `module.${field}`);
  optionalString(module.hash, 'module.hash');
  if (module.files !== undefined) {
    for (const [file, hash] of Object.entries(object(module.files, 'module.files'))) {
      string(hash, `module.files[${JSON.stringify(file)}]`);
    }
  }
  optionalString(r.checksum, 'checksum');
  if (r.unreadable !== undefined) {
    if (!Array.isArray(r.unreadable)) throw new Error('run record: unreadable must be an array');
    r.unreadable.forEach((entry, i) => {
      const u = object(entry, `unreadable[${i}]`);
      integer(u.index, `unreadable[${i}].index`, 0);
      string(u.reason, `unreadable[${i}].reason`);
    });
  }
  const better = object(r.better, 'better');
  for (const [metric, direction] of Object.entries(better)) {
    if (direction !== 'lower' && direction !== 'higher')
      throw new Error(`run record: better.${metric} is invalid`);
  }
  object(r.options, 'options');
  const env = object(r.environment, 'environment');
  for (const field of [
    'dittoVersion',
    'runtime',
    'runtimeVersion',
    'platform',
    'arch',
    'cpuModel',
  ] as const) {
    string(env[field], `environment.${field}`);
  }
  integer(env.cpuCount, 'environment.cpuCount', 0);
  integer(env.workers, 'environment.workers', 0);
  if (!['complete', 'failed', 'incomplete'].includes(r.status as string)) {
    throw new Error(
      `run record: status must be complete, failed or incomplete (got ${JSON.stringify(r.status)})`,
    );
  }
  if (r.finishedAt !== null) string(r.finishedAt, 'finishedAt');
  if (typeof r.milliseconds !== 'number') throw new Error('run record: milliseconds must be a number');
  if (!Array.isArray(r.results)) throw new Error('run record: results must be an array');
  r.results.forEach((entry, i) => {
    const where = `results[${i}]`;
    const result = object(entry, where);
    integer(result.index, `${where}.index`, 0);
    string(result.seed, `${where}.seed`);
    string(result.finishedAt, `${where}.finishedAt`);
    optionalString(result.checksum, `${where}.checksum`);
    if (result.status === 'ok') {
      const metrics = object(result.metrics, `${where}.metrics`);
      for (const [name, v] of Object.entries(metrics)) {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new Error(`run record: ${where}.metrics.${name} is not finite`);
      }
      if (result.weightsHash !== null) string(result.weightsHash, `${where}.weightsHash`);
    } else if (result.status === 'failed') {
      const error = object(result.error, `${where}.error`);
      string(error.message, `${where}.error.message`);
    } else {
      throw new Error(`run record: ${where}.status must be 'ok' or 'failed'`);
    }
  });
  return value as RunRecord;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`run record: ${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

function string(value: unknown, where: string): void {
  if (typeof value !== 'string') throw new Error(`run record: ${where} must be a string`);
}

/** A string, null, or absent. */
function optionalString(value: unknown, where: string): void {
  if (value !== undefined && value !== null) string(value, where);
}

function boolean(value: unknown, where: string): void {
  if (typeof value !== 'boolean') throw new Error(`run record: ${where} must be true or false`);
}

function integer(value: unknown, where: string, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`run record: ${where} must be an integer ≥ ${min}`);
  }
}
