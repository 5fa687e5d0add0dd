/**
 * Exports of a run record: JSON (the record itself, schema `ditto.run/1`) and CSV (one row per
 * recorded repeat, one column per metric).
 *
 * @module
 */

import { stringify } from 'csv-stringify/sync';
import type { RunRecord } from 'ditto/internal';

/** The record as pretty-printed JSON (numbers print in shortest round-trip form: exact). */
export function recordToJson(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/**
 * The record as CSV: columns run_id, name, index, seed, status, one per metric (in order of first
 * appearance), weights_hash, milliseconds, backend, finished_at, error. Metric values are written in
 * JavaScript's shortest round-trip form, so parsing them back gives the same float64 bits.
 *
 * @example
 * ```ts
 * writeFileSync('run.csv', recordToCsv(records.exportRun(id)));
 * ```
 */
export function recordToCsv(record: RunRecord): string {
  const metrics: string[] = [];
  for (const r of record.results) {
    if (r.status !== 'ok') continue;
    for (const name of Object.keys(r.metrics)) if (!metrics.includes(name)) metrics.push(name);
  }
  const header = [
    'run_id',
    'name',
    'index',
    'seed',
    'status',
    ...metrics,
    'weights_hash',
    'milliseconds',
    'backend',
    'finished_at',
    'error',
  ];
  const rows = record.results.map((r) => [
    record.id,
    record.name,
    r.index,
    r.seed,
    r.status,
    ...metrics.map((m) => (r.status === 'ok' && Object.hasOwn(r.metrics, m) ? String(r.metrics[m]) : '')),
    r.status === 'ok' ? (r.weightsHash ?? '') : '',
    r.milliseconds,
    r.backend,
    r.finishedAt,
    r.status === 'failed' ? r.error.message : '',
  ]);
  return stringify([header, ...rows]);
}
