/**
 * `ditto diverge <script>`: runs a training twice, in two separate processes (optionally with
 * different worker counts or backends), traces every step of both and reports where they first
 * differ — the step, the tensor, the differing values and their ulp distances — or that they never
 * differ, with the final weights hash.
 *
 * Two passes: the first records only 64-bit fingerprints of every tensor at every step, which is
 * cheap; when the traces differ, a second pass runs both twins again up to the first differing step
 * and captures that tensor's values. A twin whose second pass does not reproduce its own first pass
 * is itself nondeterministic, which the result says.
 *
 * @module
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainingTraceData } from 'ditto/internal';
import {
  compareTraces,
  diffValues,
  type TraceComparison,
  type TracesDiffer,
  traceFromJSON,
} from 'ditto/internal';
import { isTypeScript, tsxLoaderUrl } from './script.js';
import {
  decodeValues,
  type TwinConfig,
  type TwinFailure,
  type TwinFingerprint,
  type TwinOutput,
} from './twin-protocol.js';

/** The backends a twin can select. */
const TWIN_BACKENDS = ['js', 'wasm'];

/** How one twin runs. */
export interface TwinSetting {
  /** Worker count passed to the script as `ctx.workers` (default 1). */
  workers?: number;
  /** Backend name, selected before the script runs (default 'js'). */
  backend?: string;
}

/** Options of {@link divergeScript}. */
export interface DivergeOptions {
  /** Passed to both twins as `ctx.seed` (as text, parsed like the command line's `--seed`). */
  seed?: string;
  /** Twin A's setting. */
  a?: TwinSetting;
  /** Twin B's setting (default: the same as A's). */
  b?: TwinSetting;
  /** Run the twins one after the other instead of at the same time (default false). */
  sequential?: boolean;
  /** For an experiment module: which repeat both twins run (default 0). */
  repeat?: number;
  /** For a module that exports several experiments: the export both twins run. */
  exportName?: string;
  /** Extra environment variables for both twins. */
  env?: NodeJS.ProcessEnv;
}

/** One twin as it ran. */
export interface TwinSummary {
  readonly label: string;
  readonly fingerprint: TwinFingerprint;
  readonly steps: number;
  readonly weightsHash?: string;
}

/** What {@link divergeScript} found. */
export interface DivergeResult {
  readonly comparison: TraceComparison;
  readonly twins: readonly [TwinSummary, TwinSummary];
  /** The twins' weights hashes agree (or neither is known). */
  readonly weightsAgree: boolean;
  /** Caveats: a twin that did not reproduce itself in the second pass, a run with no training steps. */
  readonly notes: readonly string[];
}

/** The file that runs one twin: the built .js next to this module, or the .ts source under tsx. */
function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return join(here, '..', `twin-child${extname(here)}`);
}

/** A twin's output with its trace decoded. */
type TwinRun = Omit<TwinOutput, 'trace'> & { readonly trace: TrainingTraceData };

function runTwin(config: TwinConfig, env: NodeJS.ProcessEnv | undefined): Promise<TwinRun> {
  const entry = childEntry();
  const needsLoader = isTypeScript(entry) || isTypeScript(config.script);
  // The twins resolve ditto as this process does (the ditto-source condition in the repository).
  const conditions = conditionArgs(process.execArgv);
  const loader = needsLoader ? ['--import', tsxLoaderUrl()] : [];
  const args = [...conditions, ...loader, entry, JSON.stringify(config)];
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      args,
      { env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) {
          reject(twinError(config, error.code, stderr));
          return;
        }
        try {
          const output = JSON.parse(readFileSync(config.out, 'utf8')) as TwinOutput;
          resolvePromise({ ...output, trace: traceFromJSON(output.trace) });
        } catch (readError) {
          reject(new Error(`diverge: twin ${config.twin} wrote no result: ${String(readError)}`));
        }
      },
    );
  });
}

/** The `--conditions` (`-C`) flags among Node's arguments, in either form (`--conditions=x`, `--conditions x`). */
function conditionArgs(execArgv: readonly string[]): string[] {
  const found: string[] = [];
  execArgv.forEach((arg, i) => {
    if (/^(--conditions|-C)=/.test(arg)) found.push(arg);
    else if ((arg === '--conditions' || arg === '-C') && execArgv[i + 1] !== undefined)
      found.push(`--conditions=${execArgv[i + 1]}`);
  });
  return found;
}

/**
 * A twin's failure as one line — the script's own error, as the twin wrote it — with the twin's
 * stack (or its stderr) kept as the error's stack for --debug.
 */
function twinError(config: TwinConfig, code: unknown, stderr: string): Error {
  let failure: TwinFailure | undefined;
  try {
    failure = JSON.parse(readFileSync(config.out, 'utf8')) as TwinFailure;
  } catch {
    failure = undefined;
  }
  const what = failure?.error
    ? failure.error.message
    : (stderr
        .trim()
        .split('\n')
        .find((line) => /\w+Error\b|Error:/.test(line)) ?? `exit code ${String(code)}`);
  const error = new Error(`twin ${config.twin} failed: ${what}`);
  error.stack = failure?.error ? failure.error.stack : `${error.message}\n${stderr}`;
  return error;
}

async function runPair(
  make: (twin: 'a' | 'b') => TwinConfig,
  options: DivergeOptions,
): Promise<[TwinRun, TwinRun]> {
  if (options.sequential) {
    const a = await runTwin(make('a'), options.env);
    return [a, await runTwin(make('b'), options.env)];
  }
  return Promise.all([runTwin(make('a'), options.env), runTwin(make('b'), options.env)]);
}

function label(twin: 'a' | 'b', setting: Required<TwinSetting>, other: Required<TwinSetting>): string {
  const parts: string[] = [];
  if (setting.workers !== other.workers)
    parts.push(`${setting.workers} worker${setting.workers === 1 ? '' : 's'}`);
  if (setting.backend !== other.backend) parts.push(setting.backend);
  return parts.length ? `${twin.toUpperCase()} (${parts.join(', ')})` : twin.toUpperCase();
}

/** Whether a rerun's steps up to `step` equal the first run's, hash for hash. */
function reproduces(first: TrainingTraceData, rerun: TrainingTraceData, step: number): boolean {
  for (let i = 0; i <= step; i++) {
    const a = first.steps[i];
    const b = rerun.steps[i];
    if (!a || !b || a.hashes.length !== b.hashes.length || a.hashes.some((w, k) => w !== b.hashes[k]))
      return false;
  }
  return true;
}

/**
 * Runs the script as two twins and compares their traces.
 *
 * @example
 * ```ts
 * const result = await divergeScript('train.ts', { a: { workers: 1 }, b: { workers: 2 } });
 * console.log(formatDivergeResult(result));
 * ```
 */
export async function divergeScript(script: string, options: DivergeOptions = {}): Promise<DivergeResult> {
  const settingA: Required<TwinSetting> = {
    workers: options.a?.workers ?? 1,
    backend: options.a?.backend ?? 'js',
  };
  const settingB: Required<TwinSetting> = {
    workers: options.b?.workers ?? settingA.workers,
    backend: options.b?.backend ?? settingA.backend,
  };
  const labels = [label('a', settingA, settingB), label('b', settingB, settingA)] as const;
  const path = resolve(script);
  // Fail here, in one line, rather than in both twins.
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new Error(`cannot find the script ${script} (looked for ${path})`);
  }
  for (const backend of new Set([settingA.backend, settingB.backend])) {
    if (!TWIN_BACKENDS.includes(backend)) {
      throw new Error(`--backend: unknown backend '${backend}' (choose from ${TWIN_BACKENDS.join(', ')})`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'ditto-diverge-'));
  try {
    const make =
      (pass: number, capture?: TwinConfig['capture']) =>
      (twin: 'a' | 'b'): TwinConfig => ({
        script: path,
        twin,
        ...(twin === 'a' ? settingA : settingB),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.repeat !== undefined ? { repeat: options.repeat } : {}),
        ...(options.exportName !== undefined ? { exportName: options.exportName } : {}),
        out: join(dir, `pass${pass}-${twin}.json`),
        ...(capture ? { capture } : {}),
      });
    const [a, b] = await runPair(make(1), options);
    let comparison = compareTraces(a.trace, b.trace);
    const notes: string[] = [];
    if (a.trace.steps.length === 0 && b.trace.steps.length === 0) {
      notes.push('no training steps were traced: does the script call fit() on a Sequential model?');
    }
    if (!comparison.same && comparison.kind === 'tensor' && comparison.step !== undefined) {
      comparison = await captureValues(
        comparison,
        a.trace,
        b.trace,
        make(2, {
          step: comparison.step,
          tensor: comparison.tensorIndex ?? 0,
        }),
        options,
        labels,
        notes,
      );
    }
    const twins: [TwinSummary, TwinSummary] = [
      {
        label: labels[0],
        fingerprint: a.fingerprint,
        steps: a.trace.steps.length,
        ...(a.weightsHash ? { weightsHash: a.weightsHash } : {}),
      },
      {
        label: labels[1],
        fingerprint: b.fingerprint,
        steps: b.trace.steps.length,
        ...(b.weightsHash ? { weightsHash: b.weightsHash } : {}),
      },
    ];
    const weightsAgree =
      a.weightsHash === undefined || b.weightsHash === undefined || a.weightsHash === b.weightsHash;
    return { comparison, twins, weightsAgree, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The second pass: both twins again, up to the first differing step, capturing that tensor. */
async function captureValues(
  comparison: TracesDiffer,
  traceA: TrainingTraceData,
  traceB: TrainingTraceData,
  make: (twin: 'a' | 'b') => TwinConfig,
  options: DivergeOptions,
  labels: readonly [string, string],
  notes: string[],
): Promise<TracesDiffer> {
  const step = comparison.step ?? 0;
  const [a, b] = await runPair(make, options);
  const selfCheck: Array<[string, TrainingTraceData, TwinRun]> = [
    [labels[0], traceA, a],
    [labels[1], traceB, b],
  ];
  let reproducible = true;
  for (const [name, first, rerun] of selfCheck) {
    if (!rerun.captured || !reproduces(first, rerun.trace, step)) {
      reproducible = false;
      notes.push(
        `twin ${name} did not reproduce its own first run up to step ${step}: the script is ` +
          'nondeterministic even in one configuration — run `ditto check` on it',
      );
    }
  }
  if (!reproducible || !a.captured || !b.captured || !comparison.tensor) return comparison;
  const values = diffValues(
    comparison.tensor.dtype,
    decodeValues(a.captured.values),
    decodeValues(b.captured.values),
  );
  return { ...comparison, values };
}
