/**
 * What the determinism guard found, and how it reads in a terminal.
 *
 * @module
 */

import type { SourceKind } from './sources.js';
import { formatFrame, type StackFrame } from './stack.js';
import { formatPosition, type TrainingPosition } from './training-position.js';

/** How the guard treats a call to a watched source. */
export type GuardMode = 'warn' | 'throw' | 'seed';

/** One watched source called from one call site. */
export interface Finding {
  /** The source, e.g. 'Math.random'. */ // determinism-ok: names the source, calls nothing
  readonly source: string;
  readonly kind: SourceKind;
  /** The code that made the call (the first frame outside ditto and the runtime). */
  readonly site: StackFrame | undefined;
  /** The first frame of the user's own code, when it differs from `site` (e.g. a library was called). */
  readonly userSite: StackFrame | undefined;
  /** Where training was at the first call. */
  readonly firstSeen: TrainingPosition;
  /** Calls from this site during the guarded run. */
  calls: number;
  /** Whether 'seed' mode answered the calls from the keyed replacement stream. */
  readonly replaced: boolean;
  /** An explanation, when the guard knows more (ditto drawing a seed because none was set). */
  note?: string;
}

/** The guard's findings for one guarded run. */
export interface GuardReport {
  readonly mode: GuardMode;
  /** Each (source, call site) pair seen, in order of first call. */
  readonly findings: readonly Finding[];
  /** True when nothing was found. */
  readonly clean: boolean;
  /** Calls made by ditto itself (progress timing), which the guard does not report. */
  readonly trustedCalls: number;
  /** 'seed' mode: the seed the replacement streams were derived from (as text), once one was used. */
  readonly streamSeed?: string;
  /** Whether that seed had to be drawn from the system's entropy (no seed option, no `setSeed`). */
  readonly streamSeedDrawn?: boolean;
}

/** Options for {@link formatGuardReport}. */
export interface FormatGuardOptions {
  /** Paths are shown relative to this directory (with a trailing separator or not). */
  relativeTo?: string;
  /** A title for the first line (default 'determinism guard'). */
  title?: string;
}

/** A frame's location, relative to a base directory when it lies below it. */
export function frameText(frame: StackFrame | undefined, relativeTo?: string): string {
  if (!frame) return 'an unknown call site';
  const text = formatFrame(frame);
  if (!relativeTo) return text;
  const base = relativeTo.endsWith('/') ? relativeTo : `${relativeTo}/`;
  return text.startsWith(base) ? text.slice(base.length) : text;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The report as lines of text:
 *
 * ```text
 * determinism guard (mode warn): 1 source of nondeterminism
 *   Math.random — 10 calls, first at epoch 0, before its first batch
 *     at test/fixtures/audit/random-init-layer.ts:21:27
 * ```
 */
export function formatGuardReport(report: GuardReport, options: FormatGuardOptions = {}): string {
  const title = options.title ?? 'determinism guard';
  const lines: string[] = [];
  if (report.clean) {
    lines.push(
      `${title} (mode ${report.mode}): no unseeded randomness and no clock reads outside ditto` +
        (report.trustedCalls > 0 ? ` (${plural(report.trustedCalls, 'call')} by ditto itself ignored)` : ''),
    );
    return lines.join('\n');
  }
  const count = report.findings.length;
  lines.push(`${title} (mode ${report.mode}): ${plural(count, 'source')} of nondeterminism`);
  for (const f of report.findings) {
    const what = f.replaced ? ' — replaced by the keyed stream' : '';
    lines.push(`  ${f.source} — ${plural(f.calls, 'call')}, first ${describeWhen(f)}${what}`);
    lines.push(`    at ${frameText(f.site, options.relativeTo)}`);
    if (f.userSite && f.userSite !== f.site)
      lines.push(`    from ${frameText(f.userSite, options.relativeTo)}`);
    if (f.note) lines.push(`    ${f.note}`);
  }
  if (report.streamSeed !== undefined) {
    lines.push(
      report.streamSeedDrawn
        ? `  replacement streams keyed by seed ${report.streamSeed}, drawn because no seed was set: replay with --seed ${report.streamSeed}`
        : `  replacement streams keyed by seed ${report.streamSeed} (see docs/reproducibility.md)`,
    );
  }
  return lines.join('\n');
}

function describeWhen(f: Finding): string {
  const where = formatPosition(f.firstSeen);
  return f.firstSeen.phase === 'training' ? `at ${where}` : where;
}
