/**
 * Comparing the runtimes' reports: every (runtime, backend) pair must give the reference's bits for
 * every workload. A mismatch names the runtime and backend, the workload, what differs (weights,
 * predictions, per-epoch history), the first epoch after which the weights differ and which
 * variables differ at the end.
 */
import { type RuntimeReport, WORKLOAD_NAMES, type WorkloadResult } from './workloads.js';

/** A runtime's report under a label (e.g. 'node (source)', 'firefox'). */
export interface LabelledReport {
  label: string;
  report: RuntimeReport;
}

const FIELDS = ['weights', 'predictions', 'history'] as const;

function firstDifferentEpoch(a: readonly string[], b: readonly string[]): number | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return undefined;
}

/** Where `result` differs from `reference`, in words; empty when identical. */
export function describeDifference(reference: WorkloadResult, result: WorkloadResult): string {
  const fields = FIELDS.filter((f) => reference[f] !== result[f]);
  const epoch = firstDifferentEpoch(reference.epochs, result.epochs);
  if (fields.length === 0 && epoch === undefined) return '';
  const parts = [fields.length > 0 ? fields.join(', ') : 'per-epoch weights'];
  if (epoch !== undefined) {
    parts.push(
      epoch < Math.min(reference.epochs.length, result.epochs.length)
        ? `weights first differ after epoch ${epoch + 1} of ${reference.epochs.length}`
        : `trained ${result.epochs.length} epochs instead of ${reference.epochs.length}`,
    );
  }
  const variables = reference.variables
    .map((v, i) => ({
      index: i,
      name: result.variables[i]?.name ?? v.name,
      same: result.variables[i]?.hash === v.hash,
    }))
    .filter((v) => !v.same)
    .map((v) => `#${v.index} ${v.name}`);
  if (variables.length > 0) parts.push(`final variables differing: ${variables.join(', ')}`);
  return parts.join('; ');
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
  for (const { label, report } of reports) {
    for (const backend of expectedBackends) {
      const results = report.backends[backend];
      if (!results) {
        const why =
          report.unavailableBackends.find((u) => u.startsWith(backend)) ?? `${backend} (not reported)`;
        mismatches.push(`${label}: backend unavailable: ${why}`);
        continue;
      }
      for (const workload of WORKLOAD_NAMES) {
        const difference = results[workload]
          ? describeDifference(ref[workload], results[workload])
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

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Short hash for the table; the full reference hashes are listed under it. */
function short(hash: string | undefined): string {
  return hash ? hash.slice(0, 8) : '—';
}

/**
 * The hash table: one row per runtime and backend, the first 8 hex digits of each workload's weights
 * and predictions hash, ✓ where the row matches the reference in everything compared, and the
 * engine `Math` hash (expected to vary: it is what ditto avoids). Full reference hashes follow.
 */
export function formatHashTable(reports: readonly LabelledReport[], mismatches: readonly string[]): string {
  const header = [
    'runtime',
    'backend',
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
    'w = weights hash, p = predictions hash; per-epoch losses/metrics and per-epoch weights are compared too.',
  );
  out.push(
    'engine Math = a hash of Math.exp/log/sin/pow/tanh/cbrt: engines may differ there; ditto never uses them.',
  );
  return out.join('\n');
}
