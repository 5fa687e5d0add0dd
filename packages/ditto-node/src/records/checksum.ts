/**
 * Checksums of a run record's contents, stored next to them when they are written: a record whose
 * configuration or results were edited afterwards no longer matches its checksum, so `verify` can
 * tell an edited record from an experiment that does not reproduce. They detect edits and damage,
 * not forgery (anyone who can edit the database can recompute them).
 *
 * Each is SHA-256 (hex) over a canonical text: fields in a fixed order, metrics sorted by name and
 * written as their float64 bits, so the checksum does not depend on JSON formatting or key order.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import type { RepeatResult, RunRecord } from 'ditto/internal';
import { repeatSeed, runFromRecord } from 'ditto/internal';

/** The fields of a run that are fixed when it is created (the configuration). */
export type RunConfiguration = Pick<
  RunRecord,
  'id' | 'name' | 'seed' | 'seedDrawn' | 'repeats' | 'better' | 'options'
> & {
  module: Pick<RunRecord['module'], 'path' | 'relativePath' | 'export'> & { hash: string | null };
};

/** The checksum of a run's configuration. */
export function runChecksum(run: RunConfiguration): string {
  return sha256([
    'ditto.run-checksum/1',
    run.id,
    run.name,
    run.module.path,
    run.module.relativePath,
    run.module.export,
    run.module.hash ?? '',
    run.seed,
    String(run.seedDrawn),
    String(run.repeats),
    sortedEntries(run.better).join(','),
    sortedEntries(run.options as Record<string, unknown>).join(','),
  ]);
}

/** The checksum of one repeat's result in run `runId` (its timings are not covered). */
export function repeatChecksum(runId: string, result: RepeatResult): string {
  const common = ['ditto.repeat-checksum/1', runId, String(result.index), result.seed, result.status];
  if (result.status === 'ok') {
    const metrics = Object.keys(result.metrics)
      .sort()
      .map((name) => `${name}=${float64Bits(result.metrics[name])}`);
    return sha256([...common, metrics.join(','), result.weightsHash ?? '\0null', result.backend]);
  }
  return sha256([...common, result.error.name, result.error.message, result.backend]);
}

/** A float64 as 16 hex digits of its bits: distinguishes every value, -0 and NaN payloads included. */
export function float64Bits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

function sortedEntries(object: Record<string, unknown>): string[] {
  return Object.keys(object)
    .sort()
    .map((k) => `${k}:${JSON.stringify(object[k])}`);
}

function sha256(fields: string[]): string {
  // Each field is length-prefixed, so no two different field lists give the same text.
  return createHash('sha256')
    .update(fields.map((f) => `${f.length}:${f}`).join('\n'))
    .digest('hex');
}

/** Something in a record that its checksums or its seed derivation contradict. */
export interface RecordProblem {
  /** The repeat concerned, or null for the run's configuration. */
  index: number | null;
  problem: string;
}

/**
 * What is wrong with a record as a record, before anything is re-run: a configuration or result
 * that no longer matches its checksum, a repeat seed that is not `repeatSeed(seed, index)`, a row
 * that could not be read. Records made before checksums were stored are only checked for seeds.
 *
 * @example
 * ```ts
 * for (const p of recordProblems(record)) console.log(p.index ?? 'run', p.problem);
 * ```
 */
export function recordProblems(record: RunRecord): RecordProblem[] {
  const problems: RecordProblem[] = [];
  if (typeof record.checksum === 'string') {
    const expected = runChecksum({
      ...record,
      module: { ...record.module, hash: record.module.hash ?? null },
    });
    if (expected !== record.checksum) {
      problems.push({
        index: null,
        problem:
          'the configuration (name, module, seed, repeats, better or options) was changed after the run was recorded: it no longer matches its checksum',
      });
    }
  }
  let experimentSeed: bigint | undefined;
  try {
    experimentSeed = BigInt(record.seed);
  } catch {
    problems.push({ index: null, problem: `the seed ${JSON.stringify(record.seed)} is not an integer` });
  }
  const results = runFromRecord(record).results;
  record.results.forEach((recorded, i) => {
    const result = results[i];
    if (experimentSeed !== undefined && String(repeatSeed(experimentSeed, result.index)) !== result.seed) {
      problems.push({
        index: result.index,
        problem: `its seed ${result.seed} is not the one derived from the run's seed (${repeatSeed(experimentSeed, result.index)})`,
      });
    }
    if (typeof recorded.checksum === 'string' && recorded.checksum !== repeatChecksum(record.id, result)) {
      problems.push({
        index: result.index,
        problem:
          'its result (metrics, weights hash, status, seed or backend) was changed after it was recorded',
      });
    }
  });
  for (const u of record.unreadable ?? []) {
    problems.push({ index: u.index, problem: `its stored result cannot be read: ${u.reason}` });
  }
  return problems;
}
