/**
 * `ditto verify`'s result as it reads in a terminal.
 *
 * @module
 */

import type { RunEnvironment } from 'ditto/internal';
import { describeChanges } from '../records/module-identity.js';
import type { RepeatCheck, VerifyResult } from './verify.js';

function environmentText(env: RunEnvironment): string {
  return (
    `ditto ${env.dittoVersion}, ${env.runtime} ${env.runtimeVersion}, ${env.platform}-${env.arch}, ` +
    `backend ${env.backend ?? '?'}, ${env.workers} worker${env.workers === 1 ? '' : 's'}`
  );
}

const short = (hash: string | null) => (hash ? `${hash.slice(0, 16)}…` : 'none');

const explanations: Record<VerifyResult['verdict'], string> = {
  identical: '',
  'edited-record':
    'the record was changed after it was written (its checksums or seed derivations no longer match): ' +
    'these differences are edits of the record, not results of the experiment',
  'changed-code':
    "the experiment's code changed since the run was recorded: the replay runs other code than the record's",
  'ditto-version': '',
  nondeterministic: '',
  environment: '',
  'nothing-verified': '',
};

function metricText(c: RepeatCheck): string {
  return c.metricDifferences
    .slice(0, 3)
    .map((d) => `${d.metric} recorded ${d.recorded ?? 'none'} replayed ${d.replayed ?? 'none'}`)
    .join(', ');
}

/**
 * The result as lines of text, e.g.
 *
 * ```text
 * verify run 20261126-153000-ab12 (tutorial 1→10→1, seed 7, 30 repeats, examples/experiment.ts)
 *   recorded: ditto 0.1.0, node 20.20.2, linux-x64, backend js, 2 workers
 *   now:      ditto 0.1.0, node 20.20.2, linux-x64, backend js, 2 workers
 *   code:     unchanged since the run (experiment.ts)
 * identical: all 30 repeats reproduce their recorded weights hash and every metric bit for bit
 * ```
 */
export function formatVerifyResult(result: VerifyResult): string {
  const r = result.run;
  const lines = [
    `verify run ${r.id} (${r.name}, seed ${r.seed}, ${r.repeats} repeats, ${r.module})`,
    `  recorded: ${environmentText(result.recorded)}`,
    `  now:      ${environmentText(result.now)}`,
  ];
  if (result.module === null) {
    lines.push('  code:     not recorded (an older record): a change of the code cannot be told apart');
  } else if (result.module.unchanged) {
    lines.push('  code:     unchanged since the run (same hash of the module and its local imports)');
  } else {
    lines.push(`  code:     CHANGED since the run: ${describeChanges(result.module.changes)}`);
  }
  for (const d of result.configuration) {
    lines.push(`  config:   ${d.field} recorded ${d.recorded}, the experiment now says ${d.now}`);
  }
  if (result.recordProblems.length > 0) {
    lines.push(
      `EDITED RECORD: ${result.recordProblems.length} field${result.recordProblems.length === 1 ? '' : 's'} of the record no longer match what was written`,
    );
    for (const p of result.recordProblems.slice(0, 10)) {
      lines.push(`  ${p.index === null ? 'the run' : `repeat ${p.index}`}: ${p.problem}`);
    }
    if (result.recordProblems.length > 10) lines.push(`  … and ${result.recordProblems.length - 10} more`);
  }
  const verified = result.checks.filter((c) => c.status !== 'skipped');
  const different = verified.filter((c) => c.status !== 'identical');
  const skipped = result.checks.filter((c) => c.status === 'skipped');
  if (result.identical) {
    lines.push(
      `identical: ${verified.length === 1 ? 'the repeat reproduces' : verified.length === 2 ? 'both repeats reproduce' : `all ${verified.length} repeats reproduce`} ` +
        'the recorded weights hash bit for bit, and every metric',
    );
  } else if (verified.length === 0) {
    lines.push('nothing to verify: the record has no successful repeat among those asked for');
  } else {
    if (different.length > 0) {
      lines.push(`DIFFERENT: ${different.length} of ${verified.length} repeats do not reproduce the record`);
    }
    for (const c of different.slice(0, 10)) {
      const hashes =
        c.recordedHash === c.replayedHash
          ? 'weights match'
          : `recorded ${short(c.recordedHash)}  replayed ${short(c.replayedHash)}`;
      lines.push(
        `  repeat ${c.index} (seed ${c.seed})${c.status === 'edited' ? ' [edited]' : ''}: ${hashes}` +
          (c.metricsMatch
            ? '  (metrics match)'
            : c.metricDifferences.length > 0
              ? `  — ${metricText(c)}`
              : '') +
          (c.note && c.status !== 'edited' ? `  — ${c.note}` : ''),
      );
    }
    if (different.length > 10) lines.push(`  … and ${different.length - 10} more`);
    const explanation = explanations[result.verdict];
    if (explanation) lines.push(explanation);
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
    } else if (result.verdict === 'nondeterministic') {
      lines.push(
        result.replaysAgree === false
          ? 'the experiment itself is not deterministic: two replays of the same repeat in this process differ'
          : 'the fingerprints match (same ditto version, backend and runtime, same code): the experiment itself is not deterministic (it differs between processes)',
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
