/**
 * Runs an experiment exported by a module on worker threads, recording every repeat as it
 * finishes. Resuming continues an unfinished run with only its missing repeats.
 *
 * @module
 */

import { relative, resolve } from 'node:path';
import {
  checkWorkers,
  type Experiment,
  type ExperimentHandle,
  type ExperimentRun,
  experimentHandle,
  missingIndices,
  orderByIndex,
  planRun,
  type RepeatDesign,
  type RepeatResult,
  type RunOverrides,
  type RunRecord,
  runFromRecord,
  seedToUint64,
  VERSION,
  varyDesign,
} from 'ditto/internal';
import { recordProblems } from '../records/checksum.js';
import {
  describeChanges,
  type ModuleIdentity,
  moduleChanges,
  moduleIdentity,
} from '../records/module-identity.js';
import { currentEnvironment } from './environment.js';
import { type ExportedExperiment, loadExperiments } from './load-module.js';
import { defaultWorkers, RepeatPool } from './pool.js';
import { type RepeatProgress, silentProgress } from './progress.js';
import { DEFAULT_RECORDS_PATH, openRecords, type RunRecords } from './records.js';
import type { RepeatRunner } from './repeat-runner.js';
import { runRepeats } from './schedule.js';

/** Options of {@link runExperimentFile}. */
export interface FileRunOptions extends RunOverrides {
  /** Which export to run when the module exports several experiments. */
  exportName?: string;
  /** Worker threads (default: the experiment's, else one per core). Results never depend on it. */
  workers?: number;
  /**
   * Where to record the run: a path, an open {@link RunRecords}, or false for no record.
   * Default `.ditto/runs.db` under the working directory.
   */
  records?: string | RunRecords | false;
  /**
   * Continue the most recent unfinished run of this export (true) or the run with this id, running
   * only its missing (or failed) repeats. With no unfinished run, a new run starts.
   */
  resume?: boolean | string;
  /** A pool to run on (shared across runs); default a new one, destroyed at the end. */
  pool?: RepeatRunner;
  /** Progress display; default none. */
  progress?: RepeatProgress;
  /**
   * Which sources vary (an attribution's design, recorded with the run); default the experiment's
   * own `vary`.
   */
  design?: RepeatDesign;
  /**
   * Time limit per repeat in seconds (default: the experiment's `timeout`, else none): a repeat
   * past it is stopped and recorded as failed, and the run goes on.
   */
  timeout?: number;
}

/** Result of {@link runExperimentFile}. */
export interface FileRunResult {
  /** All results of the run, ordered by index (those of earlier sessions included when resumed). */
  run: ExperimentRun;
  /** The run's record, or null when not recorded. */
  record: RunRecord | null;
  /** Whether an unfinished run was continued. */
  resumed: boolean;
  /** Repeats run in this session. */
  ran: number;
  /** Wall time of this session in milliseconds (pool start-up excluded when a pool is passed). */
  milliseconds: number;
  workers: number;
}

/**
 * Runs the experiment exported by `file` on worker threads: each repeat imports the module in its
 * worker, sets its own seed and runs; results are ordered by index and committed one by one.
 *
 * @throws Error when the module exports no experiment (or several and no `exportName`), for bad
 *   options, or when resuming a run recorded by another ditto version.
 * @example
 * ```ts
 * const { run, record } = await runExperimentFile('examples/experiment.ts', { workers: 2, seed: 7 });
 * console.log(record?.id, summarize(run).metrics[0].description.mean);
 * ```
 */
export async function runExperimentFile(file: string, options: FileRunOptions = {}): Promise<FileRunResult> {
  const chosen = chooseExperiment(file, await loadExperiments(file), options.exportName);
  return runLoadedExperiment(file, chosen, options);
}

/**
 * {@link runExperimentFile} for an experiment already loaded from `file` (by
 * {@link loadExperiments}), so a caller that inspects a module first does not import it twice.
 */
export async function runLoadedExperiment(
  file: string,
  chosen: ExportedExperiment,
  options: FileRunOptions = {},
): Promise<FileRunResult> {
  if (options.workers !== undefined) checkWorkers('run', options.workers);
  const records = openStore(options.records);
  try {
    return await runChosen(resolve(file), chosen, records, options);
  } finally {
    // The session's claim on its run ends with it (see RunRecords.claimRun).
    records?.releaseClaims();
    // Close only what this call opened.
    if (records !== null && typeof options.records !== 'object') records.close();
  }
}

/** The experiment to run among a module's exports. */
export function chooseExperiment(
  file: string,
  found: ExportedExperiment[],
  exportName: string | undefined,
): ExportedExperiment {
  if (exportName !== undefined) {
    const match = found.find((e) => e.exportName === exportName);
    if (match === undefined) {
      throw new Error(
        `${file} has no experiment exported as '${exportName}' (experiments: ${found.map((e) => e.exportName).join(', ')})`,
      );
    }
    return match;
  }
  if (found.length > 1) {
    throw new Error(
      `${file} exports ${found.length} experiments (${found.map((e) => e.exportName).join(', ')}); choose one by export name`,
    );
  }
  return found[0];
}

function openStore(records: FileRunOptions['records']): RunRecords | null {
  if (records === false) return null;
  if (records !== undefined && typeof records !== 'string') return records;
  return openRecords(records ?? DEFAULT_RECORDS_PATH);
}

async function runChosen(
  path: string,
  { exportName, experiment }: ExportedExperiment,
  records: RunRecords | null,
  options: FileRunOptions,
): Promise<FileRunResult> {
  const progress = options.progress ?? silentProgress;
  // The code's identity, recorded with the run and checked when it is resumed.
  const identity = records === null ? null : moduleIdentity(path);
  const resumable = options.resume
    ? claimResumable(records, path, exportName, experiment, options, identity)
    : undefined;
  const plan = resumable
    ? {
        name: experiment.name,
        repeats: resumable.repeats,
        seed: BigInt(resumable.seed),
        seedDrawn: resumable.seedDrawn,
      }
    : planRun(experiment, options);
  const earlier = resumable ? runFromRecord(resumable).results : [];
  const indices = missingIndices(plan.repeats, earlier);
  const kept = earlier.filter((r) => r.status === 'ok');
  const workers = Math.max(
    1,
    Math.min(
      options.pool?.workers ?? options.workers ?? experiment.workers ?? defaultWorkers(),
      indices.length,
    ),
  );
  const environment = currentEnvironment(workers, resumable?.environment.backend ?? null);
  let runId: string | null = resumable?.id ?? null;
  if (records !== null && runId === null) {
    // Created already claimed by this session (see RunRecords.claimRun).
    runId = records.createRun({
      name: experiment.name,
      module: {
        path,
        relativePath: relative(process.cwd(), path),
        export: exportName,
        ...(identity === null ? {} : { hash: identity.hash, files: identity.files }),
      },
      seed: String(plan.seed),
      seedDrawn: plan.seedDrawn,
      repeats: plan.repeats,
      better: experiment.better,
      options: requestedOptions(options, experiment),
      environment,
    });
  } else if (records !== null && runId !== null) {
    records.updateEnvironment(runId, environment);
  }

  const started = performance.now(); // determinism-ok: timing, reported only
  const pool = indices.length === 0 ? null : (options.pool ?? new RepeatPool(workers));
  const fresh: RepeatResult[] = [];
  progress.start(experiment.name, indices.length, kept.length);
  try {
    // A resumed run with no repeat missing has nothing to run, and no pool to run it on.
    if (pool !== null)
      await runRepeats({
        file: path,
        exportName,
        seed: plan.seed,
        indices,
        pool,
        handle: experimentHandle(experiment) as ExperimentHandle,
        timeout: options.timeout ?? experiment.timeout,
        design: resumable?.options.design ?? options.design,
        onResult(result) {
          if (records !== null && runId !== null) {
            if (environment.backend === null) {
              environment.backend = result.backend;
              records.updateEnvironment(runId, environment);
            }
            records.recordRepeat(runId, result);
          }
          fresh.push(result);
          progress.update(result, fresh.length, indices.length);
        },
      });
  } finally {
    progress.stop();
    if (pool !== null && pool !== options.pool) await pool.destroy();
  }
  const milliseconds = performance.now() - started; // determinism-ok: timing, reported only
  if (records !== null && runId !== null) records.finishSession(runId, milliseconds);
  const record = records !== null && runId !== null ? records.getRun(runId) : null;
  const run: ExperimentRun = record
    ? runFromRecord(record)
    : {
        name: experiment.name,
        seed: String(plan.seed),
        seedDrawn: plan.seedDrawn,
        repeats: plan.repeats,
        better: experiment.better,
        results: orderByIndex([...fresh]),
      };
  return { run, record, resumed: resumable !== undefined, ran: indices.length, milliseconds, workers };
}

function requestedOptions(options: FileRunOptions, experiment: Experiment): RunRecord['options'] {
  const requested: RunRecord['options'] = {};
  // The sources that varied, so a replay sets the same seeds.
  const design = options.design ?? varyDesign(experiment.vary);
  if (design !== 'all' || experiment.vary !== 'all') requested.design = design;
  if (options.repeats !== undefined) requested.repeats = options.repeats;
  if (options.seed !== undefined) requested.seed = String(options.seed);
  if (options.workers !== undefined) requested.workers = options.workers;
  return requested;
}

/**
 * The run `--resume` continues, claimed for this session and read again after the claim (another
 * session may have added repeats meanwhile): `options.resume` by id, else the most recent
 * unfinished run of this export (matching `--seed`/`-n` when given). Undefined when there is none.
 *
 * @throws Error saying what differs when the run cannot be continued faithfully: another ditto
 *   version, experiment name, module code, a conflicting `--seed`/`-n`, an edited or unreadable
 *   record; RunBusyError when another live session runs it.
 */
function claimResumable(
  records: RunRecords | null,
  path: string,
  exportName: string,
  experiment: Experiment,
  options: FileRunOptions,
  identity: ModuleIdentity | null,
): RunRecord | undefined {
  if (records === null || identity === null) {
    throw new Error('resume needs run records; it cannot resume without a database');
  }
  const seed = options.seed === undefined ? undefined : String(seedToUint64(options.seed));
  let id: string;
  if (typeof options.resume === 'string') {
    const found = records.findRun(options.resume);
    if (found.module.path !== path || found.module.export !== exportName) {
      throw new Error(
        `run ${found.id} is of ${found.module.relativePath} (export '${found.module.export}'), not of this experiment`,
      );
    }
    id = found.id;
  } else {
    const unfinished = records.unfinishedRuns(path, exportName);
    if (unfinished.length === 0) return undefined;
    const lines = new Map(records.listRuns().map((line) => [line.id, line]));
    const matches = (runId: string) => {
      const line = lines.get(runId);
      return (
        line !== undefined &&
        (seed === undefined || line.seed === seed) &&
        (options.repeats === undefined || line.repeats === options.repeats)
      );
    };
    id = unfinished.find(matches) ?? unfinished[0];
  }
  records.claimRun(id);
  try {
    const record = records.getRun(id);
    checkResumable(record, experiment, { seed, repeats: options.repeats }, identity);
    return record;
  } catch (error) {
    records.releaseClaims();
    throw error;
  }
}

/** Refuses, saying what differs, a run that resuming would continue with other code or settings. */
function checkResumable(
  record: RunRecord,
  experiment: Experiment,
  asked: { seed?: string; repeats?: number },
  identity: ModuleIdentity,
): void {
  const restart = 'Start a new run instead (without --resume).';
  if (record.environment.dittoVersion !== VERSION) {
    throw new Error(
      `run ${record.id} was recorded by ditto ${record.environment.dittoVersion}; this is ${VERSION}, whose results may differ. ${restart}`,
    );
  }
  if (record.name !== experiment.name) {
    throw new Error(
      `run ${record.id} is of experiment '${record.name}', not '${experiment.name}'. ${restart}`,
    );
  }
  const conflicts: string[] = [];
  if (asked.seed !== undefined && asked.seed !== record.seed) {
    conflicts.push(`--seed gives seed ${asked.seed}, the run has seed ${record.seed}`);
  }
  if (asked.repeats !== undefined && asked.repeats !== record.repeats) {
    conflicts.push(`-n asks for ${asked.repeats} repeats, the run has ${record.repeats}`);
  }
  if (conflicts.length > 0) {
    throw new Error(
      `cannot resume run ${record.id}: ${conflicts.join('; ')}. Drop those options to resume it with its own, or start a new run without --resume.`,
    );
  }
  const problems = recordProblems(record);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.index === null ? 'the run' : `repeat ${p.index}`}: ${p.problem}`);
    throw new Error(
      `cannot resume run ${record.id}: its record is not what was written (${list.slice(0, 3).join('; ')}${list.length > 3 ? '; …' : ''}). ` +
        `ditto verify ${record.id} shows the details. ${restart}`,
    );
  }
  if (record.module.hash === undefined || record.module.hash === null) {
    throw new Error(
      `cannot resume run ${record.id}: it was recorded without the hash of its module, so it cannot be checked that the code is unchanged. ${restart}`,
    );
  }
  if (record.module.hash !== identity.hash) {
    const changes = describeChanges(moduleChanges(record.module.files ?? {}, identity.files));
    throw new Error(
      `cannot resume run ${record.id}: its experiment's code changed since it was recorded (${changes}); ` +
        `resuming would mix results of two versions of the code. Restore those files, or start a new run (without --resume).`,
    );
  }
}
