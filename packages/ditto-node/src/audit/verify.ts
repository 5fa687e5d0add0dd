/**
 * `ditto verify <run-id | exported record file>`: re-executes a recorded experiment run and compares
 * each repeat's weights hash with the record. On a mismatch it explains what the fingerprints can
 * explain — a different ditto version, backend or runtime — and otherwise points to `ditto check`
 * and `ditto diverge`, with the exact arguments for the first differing repeat.
 *
 * The records are the experiment runner's (src/node/experiments: SQLite, exported as JSON schema
 * `ditto.run/1`); this module only reads them.
 *
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { RepeatResult } from 'ditto/internal';
import { experimentHandle, parseRunRecord, type RunEnvironment, type RunRecord } from 'ditto/internal';
import { currentEnvironment } from '../experiments/environment.js';
import { chooseExperiment, loadExperiments, runLoadedExperiment } from '../experiments/index.js';
import { DEFAULT_RECORDS_PATH, openRecords } from '../experiments/records.js';

/** Options of {@link verifyRun}. */
export interface VerifyOptions {
  /** The run records database (default $DITTO_DB, else `.ditto/runs.db`). */
  db?: string;
  /** Verify only these repeat indices (default: every recorded repeat). */
  repeats?: readonly number[];
  /** Worker threads for the re-execution (results never depend on it). */
  workers?: number;
}

/** How one repeat compares with its record. */
export interface RepeatCheck {
  readonly index: number;
  /** The repeat's seed, decimal. */
  readonly seed: string;
  /**
   * 'identical': same weights hash (or, when none was recorded, the same metric bits);
   * 'different': not; 'skipped': the record has no successful result for it.
   */
  readonly status: 'identical' | 'different' | 'skipped';
  readonly recordedHash: string | null;
  readonly replayedHash: string | null;
  /** Whether every metric has the same float64 bits. */
  readonly metricsMatch: boolean;
  readonly recordedBackend: string | null;
  readonly replayedBackend: string | null;
  /** Why it was skipped, or the replay's error. */
  readonly note?: string;
}

/** A fingerprint field that differs between the record and now. */
export interface FingerprintDifference {
  readonly field: 'ditto version' | 'backend' | 'runtime' | 'platform' | 'CPU' | 'workers';
  readonly recorded: string;
  readonly now: string;
  /** Whether ditto's contract allows this difference to change the bits (only the ditto version does). */
  readonly mayChangeResults: boolean;
  readonly meaning: string;
}

/** What {@link verifyRun} found. */
export interface VerifyResult {
  readonly run: Pick<RunRecord, 'id' | 'name' | 'seed' | 'repeats'> & { readonly module: string };
  readonly recorded: RunEnvironment;
  readonly now: RunEnvironment;
  readonly checks: readonly RepeatCheck[];
  /** Every verified repeat is identical (and at least one was verified). */
  readonly identical: boolean;
  readonly differences: readonly FingerprintDifference[];
  /** What to do next when repeats differ. */
  readonly advice: readonly string[];
}

/** A record from an exported JSON file, or from the records database by id, unique prefix or 'latest'. */
export function loadRecord(target: string, db?: string): RunRecord {
  if (target.endsWith('.json') || (existsSync(target) && !target.endsWith('.db'))) {
    if (!existsSync(target)) throw new Error(`verify: no such record file: ${target}`);
    return parseRunRecord(JSON.parse(readFileSync(target, 'utf8')));
  }
  const records = openRecords(db ?? process.env.DITTO_DB ?? DEFAULT_RECORDS_PATH, { create: false });
  try {
    return records.findRun(target);
  } finally {
    records.close();
  }
}

function sameMetrics(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && Object.is(a[k], b[k]))
  );
}

function runtimeText(env: RunEnvironment): string {
  return `${env.runtime} ${env.runtimeVersion}`;
}

/** The fingerprint fields that differ, most telling first. */
export function fingerprintDifferences(
  recorded: RunEnvironment,
  now: RunEnvironment,
  backends: { recorded: string | null; replayed: string | null } = {
    recorded: recorded.backend,
    replayed: now.backend,
  },
): FingerprintDifference[] {
  const out: FingerprintDifference[] = [];
  if (recorded.dittoVersion !== now.dittoVersion) {
    out.push({
      field: 'ditto version',
      recorded: recorded.dittoVersion,
      now: now.dittoVersion,
      mayChangeResults: true,
      meaning:
        'numeric results may change between ditto versions (deliberately, and listed in the changelog): ' +
        `verify with ditto ${recorded.dittoVersion}, or re-run the experiment with this version`,
    });
  }
  if (backends.recorded && backends.replayed && backends.recorded !== backends.replayed) {
    out.push({
      field: 'backend',
      recorded: backends.recorded,
      now: backends.replayed,
      mayChangeResults: false,
      meaning:
        'ditto promises the same bits on every backend, so a difference here is a ditto bug: find its first ' +
        `step with \`ditto diverge --backend ${backends.recorded},${backends.replayed}\` and report it`,
    });
  }
  if (runtimeText(recorded) !== runtimeText(now)) {
    out.push({
      field: 'runtime',
      recorded: runtimeText(recorded),
      now: runtimeText(now),
      mayChangeResults: false,
      meaning:
        'ditto promises the same bits in every runtime; if only the runtime differs, this is a ditto bug ' +
        '(or a runtime that breaks IEEE arithmetic): please report it',
    });
  }
  const platform = (e: RunEnvironment) => `${e.platform}-${e.arch}`;
  if (platform(recorded) !== platform(now)) {
    out.push({
      field: 'platform',
      recorded: platform(recorded),
      now: platform(now),
      mayChangeResults: false,
      meaning: "ditto's results do not depend on the operating system or CPU architecture",
    });
  }
  if (recorded.cpuModel !== now.cpuModel) {
    out.push({
      field: 'CPU',
      recorded: recorded.cpuModel,
      now: now.cpuModel,
      mayChangeResults: false,
      meaning: "ditto's results do not depend on the CPU model",
    });
  }
  if (recorded.workers !== now.workers) {
    out.push({
      field: 'workers',
      recorded: String(recorded.workers),
      now: String(now.workers),
      mayChangeResults: false,
      meaning: 'results never depend on the worker count',
    });
  }
  return out;
}

/** Re-executes the chosen repeats: all of them on the runner's worker pool, a few in this process. */
async function replay(record: RunRecord, path: string, options: VerifyOptions): Promise<RepeatResult[]> {
  const chosen = chooseExperiment(path, await loadExperiments(path), record.module.export);
  if (chosen.experiment.name !== record.name) {
    throw new Error(
      `verify: ${record.module.relativePath} now exports experiment '${chosen.experiment.name}', the run recorded '${record.name}'`,
    );
  }
  const seed = BigInt(record.seed);
  if (options.repeats === undefined) {
    const { run } = await runLoadedExperiment(path, chosen, {
      seed,
      repeats: record.repeats,
      records: false,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    });
    return run.results;
  }
  const handle = experimentHandle(chosen.experiment);
  if (!handle) throw new Error(`verify: ${path} export '${record.module.export}' is not an experiment`);
  const results: RepeatResult[] = [];
  for (const index of options.repeats) results.push(await handle.runRepeat(seed, index));
  return results;
}

/**
 * Re-executes a recorded run (or some of its repeats) and compares weights hashes with the record.
 *
 * @throws Error when the record cannot be found or read, or its module is gone.
 * @example
 * ```ts
 * const result = await verifyRun('latest');
 * console.log(formatVerifyResult(result));
 * ```
 */
export async function verifyRun(target: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const record = loadRecord(target, options.db);
  for (const index of options.repeats ?? []) {
    if (!Number.isInteger(index) || index < 0 || index >= record.repeats) {
      throw new RangeError(
        `verify: run ${record.id} has repeats 0 … ${record.repeats - 1}; there is no repeat ${index}`,
      );
    }
  }
  const path = [record.module.path, resolve(record.module.relativePath)].find((p) => existsSync(p));
  if (path === undefined) {
    throw new Error(`verify: the experiment module of run ${record.id} is gone: ${record.module.path}`);
  }
  const replayed = await replay(record, path, options);
  const byIndex = new Map(replayed.map((r) => [r.index, r]));
  const wanted = options.repeats ?? Array.from({ length: record.repeats }, (_, i) => i);
  const checks: RepeatCheck[] = wanted.map((index) => {
    const before = record.results.find((r) => r.index === index);
    const after = byIndex.get(index);
    const base = {
      index,
      seed: after?.seed ?? before?.seed ?? '',
      recordedBackend: before?.backend ?? null,
      replayedBackend: after?.backend ?? null,
    };
    if (before?.status !== 'ok') {
      return {
        ...base,
        status: 'skipped' as const,
        recordedHash: null,
        replayedHash: after?.status === 'ok' ? after.weightsHash : null,
        metricsMatch: false,
        note: before ? 'the repeat failed when it was recorded' : 'the record has no result for this repeat',
      };
    }
    const replayedHash = after?.status === 'ok' ? after.weightsHash : null;
    const metricsMatch = after?.status === 'ok' && sameMetrics(before.metrics, after.metrics);
    const same =
      after?.status === 'ok' &&
      (before.weightsHash === null ? metricsMatch : before.weightsHash === replayedHash);
    return {
      ...base,
      status: same ? ('identical' as const) : ('different' as const),
      recordedHash: before.weightsHash,
      replayedHash,
      metricsMatch,
      ...(after?.status === 'failed' ? { note: `the replay failed: ${after.error.message}` } : {}),
    };
  });
  const now = currentEnvironment(options.workers ?? record.environment.workers, replayed[0]?.backend ?? null);
  const firstDifferent = checks.find((c) => c.status === 'different');
  const differences = fingerprintDifferences(record.environment, now, {
    recorded: firstDifferent?.recordedBackend ?? record.environment.backend,
    replayed: firstDifferent?.replayedBackend ?? now.backend,
  });
  const verified = checks.filter((c) => c.status !== 'skipped');
  const identical = verified.length > 0 && verified.every((c) => c.status === 'identical');
  const advice: string[] = [];
  if (firstDifferent) {
    const module = relative(process.cwd(), path) || path;
    const args = `${module} --seed ${record.seed} --repeat ${firstDifferent.index}`;
    if (!differences.some((d) => d.mayChangeResults)) {
      advice.push(
        `look for unseeded randomness or clock reads in repeat ${firstDifferent.index}: ditto check ${args}`,
        `find the first step where two runs of it part ways: ditto diverge ${args}`,
      );
    }
  }
  return {
    run: {
      id: record.id,
      name: record.name,
      seed: record.seed,
      repeats: record.repeats,
      module: record.module.relativePath,
    },
    recorded: record.environment,
    now,
    checks,
    identical,
    differences,
    advice,
  };
}
