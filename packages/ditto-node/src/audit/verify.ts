/**
 * `ditto verify <run-id | exported record file>`: re-executes a recorded experiment run and compares
 * every recorded field with the replay — each repeat's weights hash and every metric bit for bit,
 * each repeat's seed against its derivation, the configuration and the module's code against the
 * record. It tells an edited record (its checksums or seeds no longer match what was written) from
 * changed code, another ditto version, and an experiment that is not deterministic (a differing
 * repeat replayed twice in this process); for the latter it points to `ditto check` and `ditto
 * diverge`, with the exact arguments for the first differing repeat.
 *
 * The records are the experiment runner's (src/node/experiments: SQLite, exported as JSON schema
 * `ditto.run/1`); this module only reads them.
 *
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Experiment, RepeatResult } from 'ditto/internal';
import {
  experimentHandle,
  parseRunRecord,
  type RunEnvironment,
  type RunRecord,
  seedToUint64,
} from 'ditto/internal';
import { currentEnvironment } from '../experiments/environment.js';
import { chooseExperiment, loadExperiments, runLoadedExperiment } from '../experiments/index.js';
import { DEFAULT_RECORDS_PATH, openRecords } from '../experiments/records.js';
import { type RecordProblem, recordProblems } from '../records/checksum.js';
import { type ModuleChanges, moduleChanges, moduleIdentity } from '../records/module-identity.js';

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
   * 'identical': same weights hash and the same metrics, each with the same float64 bits;
   * 'different': not; 'edited': the record of this repeat contradicts its checksum or its seed
   * derivation (see {@link VerifyResult.recordProblems}); 'skipped': the record has no successful
   * result for it.
   */
  readonly status: 'identical' | 'different' | 'edited' | 'skipped';
  readonly recordedHash: string | null;
  readonly replayedHash: string | null;
  /** Whether every metric has the same float64 bits (and no metric is missing or extra). */
  readonly metricsMatch: boolean;
  /** The metrics whose bits differ (null: the metric is absent on that side). */
  readonly metricDifferences: readonly {
    readonly metric: string;
    readonly recorded: number | null;
    readonly replayed: number | null;
  }[];
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

/** A field of the run's configuration that the experiment, as it is now, defines differently. */
export interface ConfigurationDifference {
  readonly field: string;
  readonly recorded: string;
  readonly now: string;
}

/**
 * What the comparison comes to, most basic cause first: 'identical'; 'edited-record' (the record
 * no longer matches what was written, whatever the replay gives); 'changed-code' (the module or its
 * imports differ from the recorded hash); 'ditto-version'; 'nondeterministic' (same code, version and
 * fingerprints, yet different bits); 'environment' (only the backend or runtime differs: a broken
 * promise of ditto's); 'nothing-verified'.
 */
export type VerifyVerdict =
  | 'identical'
  | 'edited-record'
  | 'changed-code'
  | 'ditto-version'
  | 'nondeterministic'
  | 'environment'
  | 'nothing-verified';

/** What {@link verifyRun} found. */
export interface VerifyResult {
  readonly run: Pick<RunRecord, 'id' | 'name' | 'seed' | 'repeats'> & { readonly module: string };
  readonly recorded: RunEnvironment;
  readonly now: RunEnvironment;
  readonly checks: readonly RepeatCheck[];
  /**
   * Every verified repeat is identical, at least one was verified, and the record itself is intact
   * (no {@link recordProblems}).
   */
  readonly identical: boolean;
  readonly verdict: VerifyVerdict;
  /** What the record's checksums and seed derivations contradict: edits made after it was written. */
  readonly recordProblems: readonly RecordProblem[];
  /** The module's code now against the recorded hash: null when the record has no hash. */
  readonly module: { readonly unchanged: boolean; readonly changes: ModuleChanges } | null;
  /** Configuration fields the experiment now defines differently from the record. */
  readonly configuration: readonly ConfigurationDifference[];
  /**
   * For the first differing repeat, whether two replays in this process agree with each other
   * (null when no repeat differs): false means the experiment is not deterministic even here.
   */
  readonly replaysAgree: boolean | null;
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
  const records = openRecords(db ?? process.env.DITTO_DB ?? DEFAULT_RECORDS_PATH, { readonly: true });
  try {
    return records.findRun(target);
  } finally {
    records.close();
  }
}

/** The metrics whose float64 bits differ between a recorded and a replayed result. */
function metricDifferences(
  recorded: Record<string, number>,
  replayed: Record<string, number>,
): RepeatCheck['metricDifferences'] {
  const names = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])];
  return names
    .filter(
      (m) =>
        !(Object.hasOwn(recorded, m) && Object.hasOwn(replayed, m) && Object.is(recorded[m], replayed[m])),
    )
    .map((metric) => ({
      metric,
      recorded: Object.hasOwn(recorded, metric) ? recorded[metric] : null,
      replayed: Object.hasOwn(replayed, metric) ? replayed[metric] : null,
    }));
}

/** Whether two results carry the same bits (status, weights hash, every metric). */
function sameResult(a: RepeatResult, b: RepeatResult): boolean {
  if (a.status !== 'ok' || b.status !== 'ok') return a.status === b.status;
  return a.weightsHash === b.weightsHash && metricDifferences(a.metrics, b.metrics).length === 0;
}

/** The configuration fields the experiment now defines differently from the record. */
function configurationDifferences(record: RunRecord, experiment: Experiment): ConfigurationDifference[] {
  const out: ConfigurationDifference[] = [];
  const metrics = new Set([...Object.keys(record.better), ...Object.keys(experiment.better)]);
  for (const metric of metrics) {
    const recorded = record.better[metric] ?? 'lower (default)';
    const now = experiment.better[metric] ?? 'lower (default)';
    if (recorded.split(' ')[0] !== now.split(' ')[0]) out.push({ field: `better.${metric}`, recorded, now });
  }
  // Repeats and seed as the experiment declares them, where the run did not override them.
  if (record.options.repeats === undefined && experiment.repeats !== record.repeats) {
    out.push({ field: 'repeats', recorded: String(record.repeats), now: String(experiment.repeats) });
  }
  if (!record.seedDrawn && record.options.seed === undefined && experiment.seed !== undefined) {
    const now = String(seedToUint64(experiment.seed));
    if (now !== record.seed) out.push({ field: 'seed', recorded: record.seed, now });
  }
  return out;
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
async function replay(
  record: RunRecord,
  path: string,
  options: VerifyOptions,
): Promise<{ results: RepeatResult[]; experiment: Experiment }> {
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
    return { results: run.results, experiment: chosen.experiment };
  }
  const results: RepeatResult[] = [];
  for (const index of options.repeats)
    results.push(await replayInProcess(chosen.experiment, path, record, index));
  return { results, experiment: chosen.experiment };
}

/** One repeat, replayed in this process. */
function replayInProcess(
  experiment: Experiment,
  path: string,
  record: RunRecord,
  index: number,
): Promise<RepeatResult> {
  const handle = experimentHandle(experiment);
  if (!handle) throw new Error(`verify: ${path} export '${record.module.export}' is not an experiment`);
  return handle.runRepeat(BigInt(record.seed), index, record.options.design);
}

/**
 * Re-executes a recorded run (or some of its repeats) and compares every recorded field with the
 * replay and with the module as it is now.
 *
 * @throws Error when the record cannot be found or read, or its module is gone.
 * @example
 * ```ts
 * const result = await verifyRun('latest');
 * console.log(result.verdict, formatVerifyResult(result));
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
  const problems = recordProblems(record);
  const editedRepeats = new Set(problems.map((p) => p.index).filter((i): i is number => i !== null));
  const identity = moduleIdentity(path);
  const module =
    typeof record.module.hash === 'string'
      ? {
          unchanged: record.module.hash === identity.hash,
          changes: moduleChanges(record.module.files ?? {}, identity.files),
        }
      : null;
  const { results: replayed, experiment } = await replay(record, path, options);
  const configuration = configurationDifferences(record, experiment);
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
    const replayedHash = after?.status === 'ok' ? after.weightsHash : null;
    if (before?.status !== 'ok') {
      const unreadable = record.unreadable?.find((u) => u.index === index);
      return {
        ...base,
        status: unreadable ? ('edited' as const) : ('skipped' as const),
        recordedHash: null,
        replayedHash,
        metricsMatch: false,
        metricDifferences: [],
        note: unreadable
          ? `the record of this repeat cannot be read: ${unreadable.reason}`
          : before
            ? 'the repeat failed when it was recorded'
            : 'the record has no result for this repeat',
      };
    }
    const differing = after?.status === 'ok' ? metricDifferences(before.metrics, after.metrics) : [];
    const metricsMatch = after?.status === 'ok' && differing.length === 0;
    const same = after?.status === 'ok' && metricsMatch && before.weightsHash === replayedHash;
    const edited = editedRepeats.has(index);
    return {
      ...base,
      status: edited ? ('edited' as const) : same ? ('identical' as const) : ('different' as const),
      recordedHash: before.weightsHash,
      replayedHash,
      metricsMatch,
      metricDifferences: differing,
      ...(after?.status === 'failed'
        ? { note: `the replay failed: ${after.error.message}` }
        : edited
          ? { note: problems.find((p) => p.index === index)?.problem }
          : {}),
    };
  });
  const now = currentEnvironment(options.workers ?? record.environment.workers, replayed[0]?.backend ?? null);
  const firstDifferent = checks.find((c) => c.status === 'different');
  const differences = fingerprintDifferences(record.environment, now, {
    recorded: firstDifferent?.recordedBackend ?? record.environment.backend,
    replayed: firstDifferent?.replayedBackend ?? now.backend,
  });
  // A differing repeat replayed once more, here: two replays that disagree prove nondeterminism.
  let replaysAgree: boolean | null = null;
  if (firstDifferent !== undefined && problems.length === 0) {
    const first = byIndex.get(firstDifferent.index);
    const again = await replayInProcess(experiment, path, record, firstDifferent.index);
    replaysAgree = first !== undefined && sameResult(first, again);
  }
  const verified = checks.filter((c) => c.status !== 'skipped');
  const allIdentical = verified.length > 0 && verified.every((c) => c.status === 'identical');
  const verdict: VerifyVerdict =
    problems.length > 0
      ? 'edited-record'
      : verified.length === 0
        ? 'nothing-verified'
        : allIdentical
          ? 'identical'
          : replaysAgree === false
            ? 'nondeterministic'
            : module !== null && !module.unchanged
              ? 'changed-code'
              : differences.some((d) => d.mayChangeResults)
                ? 'ditto-version'
                : differences.some((d) => d.field === 'backend' || d.field === 'runtime')
                  ? 'environment'
                  : 'nondeterministic';
  const advice: string[] = [];
  if (firstDifferent && verdict === 'nondeterministic') {
    const relativeModule = relative(process.cwd(), path) || path;
    const args = `${relativeModule} --seed ${record.seed} --repeat ${firstDifferent.index}`;
    advice.push(
      `look for unseeded randomness or clock reads in repeat ${firstDifferent.index}: ditto check ${args}`,
      `find the first step where two runs of it part ways: ditto diverge ${args}`,
    );
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
    identical: allIdentical && problems.length === 0,
    verdict,
    recordProblems: problems,
    module,
    configuration,
    replaysAgree,
    differences,
    advice,
  };
}
