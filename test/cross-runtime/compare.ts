/**
 * Comparing the runtimes' reports: every (runtime, variant) pair must give the reference's bits for
 * every workload. A mismatch names the runtime and variant, the workload, what differs (weights,
 * predictions, per-epoch history) and — from the training traces, with ditto's divergence tool —
 * the first step and tensor (weights, gradient or optimizer slot) where the runs part ways.
 */
import { compareTraces, formatComparison } from '../../packages/ditto/src/audit/index.js';
import type { PinnedHashes } from './pins.js';
import { traceFromTransport } from './trace-transport.js';
import { type RuntimeReport, WORKLOAD_NAMES, type WorkloadName, type WorkloadResult } from './workloads.js';

/** A runtime's report under a label (e.g. 'node (source)', 'firefox'). */
export interface LabelledReport {
  label: string;
  report: RuntimeReport;
  /**
   * The variants this runtime is expected to run (default: all of the reference's). QuickJS has no
   * WebAssembly, so it is held to the js variants only.
   */
  variants?: readonly string[];
}

const FIELDS = ['weights', 'predictions', 'history'] as const;

/**
 * Where `result` differs from `reference`, in words (the divergence tool's first difference
 * included); empty when identical.
 */
export function describeDifference(
  reference: WorkloadResult,
  result: WorkloadResult,
  labels: readonly [string, string] = ['reference', 'this run'],
): string {
  const fields = FIELDS.filter((f) => reference[f] !== result[f]);
  const traces = compareTraces(traceFromTransport(reference.trace), traceFromTransport(result.trace));
  if (fields.length === 0 && traces.same) return '';
  const what = fields.length > 0 ? fields.join(', ') : 'the training trace';
  return `${what}\n${indent(formatComparison(traces, { labels }), '      ')}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/**
 * Every difference from the reference (the first report's 'js' backend), one sentence each: a
 * missing backend, a workload that differs (see {@link describeDifference}), and fitTutorial's own
 * hash disagreeing with the tutorial workload. Empty when every runtime and backend agrees.
 */
export function findMismatches(reports: readonly LabelledReport[]): string[] {
  const [reference] = reports;
  if (!reference) return ['no reports to compare'];
  const expectedBackends = Object.keys(reference.report.backends);
  const ref = reference.report.backends.js;
  const refLabel = `${reference.label} / js`;
  const mismatches: string[] = [];
  for (const { label, report, variants = expectedBackends } of reports) {
    for (const backend of variants) {
      const results = report.backends[backend];
      if (!results) {
        const why =
          report.unavailableBackends.find((u) => u.startsWith(backend.split('/')[0])) ??
          `${backend} (not reported)`;
        mismatches.push(`${label}: backend unavailable: ${why}`);
        continue;
      }
      for (const workload of WORKLOAD_NAMES) {
        const difference = results[workload]
          ? describeDifference(ref[workload], results[workload], [refLabel, `${label} / ${backend}`])
          : 'workload missing';
        if (difference) {
          mismatches.push(`${label} / ${backend} differs from ${refLabel} in ${workload}: ${difference}`);
        }
      }
    }
    if (report.fitTutorialHash !== report.backends.js?.tutorial?.weights) {
      mismatches.push(
        `${label}: fitTutorial({ seed: 1 }) gives ${report.fitTutorialHash.slice(0, 12)}…, not the tutorial workload's weights`,
      );
    }
  }
  return mismatches;
}

/**
 * Every hash in the reports that differs from the pins, one sentence each (runtime / variant,
 * workload, field, the two hashes' beginnings). Empty when every runtime gave the pinned bits.
 */
export function pinMismatches(
  reports: readonly LabelledReport[],
  pins: Readonly<Record<WorkloadName, PinnedHashes>>,
): string[] {
  const mismatches: string[] = [];
  for (const { label, report } of reports) {
    for (const [variant, results] of Object.entries(report.backends)) {
      for (const workload of WORKLOAD_NAMES) {
        for (const field of FIELDS) {
          const got = results[workload]?.[field];
          const pinned = pins[workload][field];
          if (got !== pinned) {
            mismatches.push(
              `${label} / ${variant} / ${workload}: ${field} ${got?.slice(0, 12) ?? 'missing'}…, pinned ${pinned.slice(0, 12)}…`,
            );
          }
        }
      }
    }
  }
  return mismatches;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Short hash for the table; the full reference hashes are listed under it. */
function short(hash: string | undefined): string {
  return hash ? hash.slice(0, 8) : '—';
}

/**
 * The hash table: one row per runtime and variant (backend and training path), the first 8 hex digits of each workload's weights
 * and predictions hash, ✓ where the row matches the reference in everything compared, and the
 * engine `Math` hash (expected to vary: it is what ditto avoids). Full reference hashes follow.
 */
export function formatHashTable(reports: readonly LabelledReport[], mismatches: readonly string[]): string {
  const header = [
    'runtime',
    'variant',
    ...WORKLOAD_NAMES.flatMap((w) => [`${w} w`, `${w} p`]),
    'same',
    'engine Math',
  ];
  const rows: string[][] = [];
  for (const { label, report } of reports) {
    const backends = Object.keys(report.backends);
    for (const backend of backends) {
      const results = report.backends[backend];
      const bad = mismatches.some(
        (m) => m.startsWith(`${label} / ${backend} `) || m.startsWith(`${label}: `),
      );
      rows.push([
        label,
        backend,
        ...WORKLOAD_NAMES.flatMap((w) => [short(results[w]?.weights), short(results[w]?.predictions)]),
        bad ? '✗' : '✓',
        short(report.engineMath),
      ]);
    }
    for (const missing of report.unavailableBackends) rows.push([label, missing, 'unavailable']);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const [reference] = reports;
  if (reference) {
    out.push('', `reference (${reference.label} / js), seed 1:`);
    for (const w of WORKLOAD_NAMES) {
      const r = reference.report.backends.js[w];
      out.push(`  ${pad(w, 9)} weights ${r.weights}`, `  ${pad('', 9)} predictions ${r.predictions}`);
    }
  }
  out.push(
    '',
    'w = weights hash, p = predictions hash. Also compared: every per-epoch loss and metric, and every',
    "step's weights, gradients and optimizer slots (the training trace). /autograd = the general",
    'autograd path; without it, the fused fast path that fit chooses by itself.',
  );
  out.push(
    'engine Math = a hash of Math.exp/log/sin/pow/tanh/cbrt: engines may differ there; ditto never uses them.',
  );
  return out.join('\n');
}
