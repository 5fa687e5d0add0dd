/**
 * `ditto verify`'s result as it reads in a terminal.
 *
 * @module
 */

import type { RunEnvironment } from 'ditto/internal';
import type { VerifyResult } from './verify.js';

function environmentText(env: RunEnvironment): string {
  return (
    `ditto ${env.dittoVersion}, ${env.runtime} ${env.runtimeVersion}, ${env.platform}-${env.arch}, ` +
    `backend ${env.backend ?? '?'}, ${env.workers} worker${env.workers === 1 ? '' : 's'}`
  );
}

const short = (hash: string | null) => (hash ? `${hash.slice(0, 16)}…` : 'none');

/**
 * The result as lines of text, e.g.
 *
 * ```text
 * verify run 20261126-153000-ab12 (tutorial 1→10→1, seed 7, 30 repeats, examples/experiment.ts)
 *   recorded: ditto 0.1.0, node 20.20.2, linux-x64, backend js, 2 workers
 *   now:      ditto 0.1.0, node 20.20.2, linux-x64, backend js, 2 workers
 * identical: all 30 repeats reproduce their recorded weights hash bit for bit
 * ```
 */
export function formatVerifyResult(result: VerifyResult): string {
  const r = result.run;
  const lines = [
    `verify run ${r.id} (${r.name}, seed ${r.seed}, ${r.repeats} repeats, ${r.module})`,
    `  recorded: ${environmentText(result.recorded)}`,
    `  now:      ${environmentText(result.now)}`,
  ];
  const verified = result.checks.filter((c) => c.status !== 'skipped');
  const different = verified.filter((c) => c.status === 'different');
  const skipped = result.checks.filter((c) => c.status === 'skipped');
  if (result.identical) {
    const metricsOnly = verified.filter((c) => c.recordedHash === null).length;
    lines.push(
      `identical: ${verified.length === 1 ? 'the repeat reproduces' : verified.length === 2 ? 'both repeats reproduce' : `all ${verified.length} repeats reproduce`} ` +
        `the recorded weights hash bit for bit` +
        (metricsOnly > 0 ? ` (${metricsOnly} without a recorded hash: their metrics match bit for bit)` : ''),
    );
  } else if (verified.length === 0) {
    lines.push('nothing to verify: the record has no successful repeat among those asked for');
  } else {
    lines.push(`DIFFERENT: ${different.length} of ${verified.length} repeats do not reproduce the record`);
    for (const c of different.slice(0, 10)) {
      lines.push(
        `  repeat ${c.index} (seed ${c.seed}): recorded ${short(c.recordedHash)}  replayed ${short(c.replayedHash)}` +
          (c.metricsMatch ? '  (metrics match)' : '') +
          (c.note ? `  — ${c.note}` : ''),
      );
    }
    if (different.length > 10) lines.push(`  … and ${different.length - 10} more`);
    const causes = result.differences.filter((d) => d.mayChangeResults);
    const suspects = result.differences.filter(
      (d) => !d.mayChangeResults && (d.field === 'backend' || d.field === 'runtime'),
    );
    if (causes.length > 0) {
      lines.push('explained by the fingerprints:');
      for (const d of causes) lines.push(`  ${d.field}: recorded ${d.recorded}, now ${d.now} — ${d.meaning}`);
    } else if (suspects.length > 0) {
      lines.push('the fingerprints differ where ditto promises identical bits:');
      for (const d of suspects)
        lines.push(`  ${d.field}: recorded ${d.recorded}, now ${d.now} — ${d.meaning}`);
    } else {
      lines.push(
        'the fingerprints match (same ditto version, backend and runtime): the experiment itself is not deterministic',
      );
    }
    for (const advice of result.advice) lines.push(`  → ${advice}`);
  }
  const others = result.differences.filter(
    (d) => !d.mayChangeResults && d.field !== 'backend' && d.field !== 'runtime',
  );
  for (const d of others)
    lines.push(`note: ${d.field} differs (recorded ${d.recorded}, now ${d.now}); ${d.meaning}`);
  if (skipped.length > 0) {
    lines.push(
      `note: ${skipped.length} repeat${skipped.length === 1 ? '' : 's'} not verified (${skipped[0].note})`,
    );
  }
  return lines.join('\n');
}
