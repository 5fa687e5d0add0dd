/**
 * Loading experiment modules by path: JavaScript with `import()`, TypeScript through tsx (imported
 * only for a TypeScript file). Used by the command line (to read an experiment's settings), the
 * audit tools (to run a script) and every worker thread (to run its repeats). A module that fails
 * to load is reported in one line naming its file, line and column.
 *
 * @module
 */

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Experiment } from 'ditto/internal';
import { EXPERIMENT, type ExperimentHandle, experimentHandle, type SweepPoint } from 'ditto/internal';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Whether a file needs a TypeScript loader (tsx) to be imported. */
export function isTypeScript(file: string): boolean {
  return TYPESCRIPT.has(extname(file));
}

/**
 * Errors of a plain `import()` that mean "this runtime cannot load that TypeScript by itself"
 * (no loader: unknown extension; Node's type stripping: `.js` specifiers of `.ts` files, or syntax
 * it does not strip). They arise while loading, before any module is evaluated.
 */
const NEEDS_TSX = new Set([
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
]);

/**
 * Imports a module by file path. JavaScript loads with a plain `import()`; TypeScript too when a
 * loader is already active (tsx, Vitest, Node's type stripping), else tsx is registered in this
 * thread first. tsx is imported only then: JavaScript modules never load it. Registering (rather
 * than tsx's scoped `tsImport`) lets the module share this process's copy of ditto, which is then
 * loaded once.
 *
 * @param role What the file is, for the error when it is missing ('experiment module', 'script').
 * @throws ModuleLoadError naming the file (and line and column where known) when the file is
 *   missing or fails to load.
 * @example
 * ```ts
 * const module = await importModule('examples/experiment.ts');
 * ```
 */
export async function importModule(
  file: string,
  { role = 'experiment module' }: { role?: string } = {},
): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ModuleLoadError(`cannot find the ${role} ${file} (looked for ${path})`, { file: path });
  }
  const url = pathToFileURL(path).href;
  // hrtime, not performance.now: `ditto check` watches the latter while a script loads.
  const started = process.hrtime.bigint();
  try {
    try {
      const module = await import(url);
      importTimes.set(path, elapsedMs(started));
      return module;
    } catch (error) {
      if (!isTypeScript(path) || !NEEDS_TSX.has((error as { code?: string }).code ?? '')) throw error;
    }
    await registerTsx();
    // A query gives the module a fresh identity: the failed attempt may be cached under the bare URL.
    const module = await import(`${url}?ditto-tsx`);
    importTimes.set(path, elapsedMs(started));
    return module;
  } catch (error) {
    throw locatedLoadError(file, path, error);
  }
}

const importTimes = new Map<string, number>();

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/**
 * How long the last {@link importModule} of `file` took in this thread, in milliseconds (tsx's
 * registration included), or undefined if it was not imported here. A worker thread has to pay
 * at least as much before it can run a repeat.
 */
export function importMilliseconds(file: string): number | undefined {
  return importTimes.get(resolve(file));
}

let tsxRegistered: Promise<void> | undefined;

/** Registers tsx's loader in this thread, once. */
function registerTsx(): Promise<void> {
  tsxRegistered ??= (async () => {
    let api: { register: () => unknown };
    try {
      api = await import('tsx/esm/api');
    } catch (error) {
      tsxRegistered = undefined;
      throw new Error(
        `loading a TypeScript module needs the tsx package: npm install --save-dev tsx (${(error as Error).message})`,
      );
    }
    // With tsx registered, every import becomes a round trip to its loader thread. Load ditto's
    // entry natively first: the module's own `import … from 'ditto'` (the same copy, as npm installs
    // it once) is then served from the cache instead of resolving ditto's whole graph through tsx.
    await import('ditto').catch(() => undefined);
    api.register();
  })();
  return tsxRegistered;
}

/** Where a module failed to load, and why. */
export interface LoadErrorLocation {
  /** Absolute path of the file at fault (the module given, or one it imports). */
  file: string;
  line?: number;
  column?: number;
  /** The runtime's own description, where the error object lacks it. */
  message?: string;
}

/**
 * A module that could not be imported: its message names the file, line and column (when the
 * runtime or the TypeScript compiler says where) and the original error is its `cause`.
 */
export class ModuleLoadError extends Error {
  readonly location: LoadErrorLocation;
  constructor(message: string, location: LoadErrorLocation, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModuleLoadError';
    this.location = location;
  }
}

/** "file:line:column" (relative to the working directory when inside it). */
function formatLocation(location: LoadErrorLocation): string {
  const shown = relative(process.cwd(), location.file);
  const file = shown.startsWith('..') || isAbsolute(shown) ? location.file : shown;
  return [file, location.line, location.column].filter((part) => part !== undefined).join(':');
}

/** The error of a failed import, as a one-line ModuleLoadError that says where. */
function locatedLoadError(given: string, path: string, error: unknown): Error {
  if (error instanceof ModuleLoadError) return error;
  const e = error instanceof Error ? error : new Error(String(error));
  const location = errorLocation(e, path) ?? { file: path };
  const message = oneLine(e.message.replace(/^Transform failed with \d+ errors?:\s*/, ''));
  // esbuild's messages start with their own "file:line:column: ERROR:"; keep one location.
  const text = location.message ?? message.replace(/^\S+:\d+:\d+: ERROR: /, '');
  const kind = e.name === 'TransformError' || /^Parse error /.test(e.message) ? 'SyntaxError' : e.name;
  return new ModuleLoadError(
    `cannot load ${given}: ${formatLocation(location)}: ${kind}: ${text}`,
    location,
    { cause: error },
  );
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

/**
 * Where an import error points, from (in order): esbuild's "file:line:column: ERROR" (TypeScript),
 * the "file:line" header and caret Node puts on link errors, the first stack frame in a user file
 * (an error thrown while the module ran), or — for a JavaScript syntax error, which Node reports
 * without any location — a child process that links the module again and prints where.
 */
function errorLocation(error: Error, path: string): LoadErrorLocation | undefined {
  // tsx's loader, when active, reports a JavaScript syntax error as "Parse error <file>:1:1".
  if ((error.name === 'SyntaxError' || /^Parse error /.test(error.message)) && !isTypeScript(path)) {
    const located = syntaxErrorLocation(path);
    if (located) return located;
  }
  const esbuild = /(\/[^\s:]+):(\d+):(\d+): ERROR/.exec(error.message);
  // esbuild counts columns from 0.
  if (esbuild) return { file: esbuild[1], line: Number(esbuild[2]), column: Number(esbuild[3]) + 1 };
  const stack = error.stack ?? '';
  const header = caretLocation(stack);
  if (header) return header;
  for (const frame of stack.split('\n').slice(1)) {
    const match = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(frame);
    if (match && !match[1].includes('/node_modules/')) {
      const file = match[1].startsWith('file:') ? fileURLToPath(match[1]) : match[1];
      return { file: file.replace(/\?.*$/, ''), line: Number(match[2]), column: Number(match[3]) };
    }
  }
  return undefined;
}

/** Node's "file:///x.mjs:3\n<source line>\n     ^^^" header of a link or syntax error. */
function caretLocation(text: string): LoadErrorLocation | undefined {
  const match = /^(file:\/\/\S+?):(\d+)\n.*\n(\s*)\^/m.exec(text);
  if (!match) return undefined;
  return {
    file: fileURLToPath(match[1].replace(/\?.*$/, '')),
    line: Number(match[2]),
    column: match[3].length + 1,
  };
}

/**
 * Links the module in a child Node process, whose uncaught-error report names the file and line
 * that Node's SyntaxError object leaves out. Nothing runs there: a module graph with a syntax error
 * fails to link before any of its modules is evaluated.
 */
function syntaxErrorLocation(path: string): LoadErrorLocation | undefined {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(path).href)})`],
    { encoding: 'utf8', timeout: 10_000, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const stderr = child.stderr ?? '';
  const location = caretLocation(stderr);
  const message = /^SyntaxError: (.*)$/m.exec(stderr)?.[1];
  return location && message ? { ...location, message } : location;
}

/** An experiment found in a module, with the name it is exported under. */
export interface ExportedExperiment {
  exportName: string;
  experiment: Experiment;
}

/**
 * The experiments a module exports: the default export first, then named exports in alphabetical
 * order (the order of a module namespace; source order is not observable).
 * One experiment exported under two names (`export default e; export { e }`) counts once.
 * A sweep (an experiment with `configs`) counts as its configurations, in order, each exported
 * under the sweep's export name and the configuration's id: `default[units=8,lr=0.001]`.
 */
export function findExperiments(module: Record<string, unknown>): ExportedExperiment[] {
  const found: ExportedExperiment[] = [];
  const seen = new Set<unknown>();
  const names = Object.keys(module);
  const ordered = names.includes('default') ? ['default', ...names.filter((n) => n !== 'default')] : names;
  for (const exportName of ordered) {
    const value = module[exportName];
    if (experimentHandle(value) === undefined || seen.has(value)) continue;
    seen.add(value);
    const points = sweepOf(value);
    if (points === undefined) found.push({ exportName, experiment: value as Experiment });
    else for (const p of points) found.push({ exportName: `${exportName}${p.id}`, experiment: p.experiment });
  }
  return found;
}

/** The configurations of a sweep (read off the object: it may come from another copy of ditto). */
function sweepOf(value: unknown): readonly SweepPoint[] | undefined {
  const sweep = (value as { sweep?: unknown }).sweep;
  return Array.isArray(sweep) ? (sweep as readonly SweepPoint[]) : undefined;
}

/**
 * Imports `file` and returns the experiments it exports.
 *
 * @throws Error when the file is missing, fails to load, or exports no experiment.
 * @example
 * ```ts
 * const [{ exportName, experiment }] = await loadExperiments('examples/experiment.ts');
 * ```
 */
export async function loadExperiments(file: string): Promise<ExportedExperiment[]> {
  const module = await importModule(file);
  const found = findExperiments(module);
  if (found.length === 0) throw new Error(noExperimentMessage(file, module));
  return found;
}

/**
 * The experiment exported as `exportName` by an already imported module (the worker's lookup); a
 * configuration of a sweep is named by the sweep's export and its id, `default[units=8,lr=0.001]`.
 *
 * @throws Error when that export is missing or is not an experiment, names a sweep without a
 *   configuration, or a configuration the sweep does not have.
 */
export function experimentExport(
  module: Record<string, unknown>,
  exportName: string,
  file: string,
): ExperimentHandle {
  const open = exportName.indexOf('[');
  const base = open > 0 && !Object.hasOwn(module, exportName) ? exportName.slice(0, open) : exportName;
  const points = experimentHandle(module[base]) === undefined ? undefined : sweepOf(module[base]);
  if (points !== undefined) {
    const ids = points.map((p) => `${base}${p.id}`);
    if (base === exportName) {
      throw new Error(
        `${file}: export '${base}' is a sweep of ${points.length} configurations; name one: ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}`,
      );
    }
    const point = points.find((p) => p.id === exportName.slice(base.length));
    if (point === undefined) {
      throw new Error(
        `${file}: the sweep exported as '${base}' has no configuration ${exportName.slice(base.length)} ` +
          `(its configurations: ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}); was the file changed?`,
      );
    }
    return experimentHandle(point.experiment) as ExperimentHandle;
  }
  const handle = experimentHandle(module[exportName]);
  if (handle === undefined) {
    throw new Error(
      `${file}: export '${exportName}' is not an experiment. ${noExperimentMessage(file, module)}`,
    );
  }
  return handle;
}

function noExperimentMessage(file: string, module: Record<string, unknown>): string {
  const names = Object.keys(module);
  const definition = names.find((n) => {
    const v = module[n] as { run?: unknown; name?: unknown } | null;
    return v !== null && typeof v === 'object' && typeof v.run === 'function' && !(EXPERIMENT in v);
  });
  const hint =
    definition === undefined
      ? ''
      : ` Export '${definition}' looks like a plain definition: wrap it as experiment({ … }).`;
  return (
    `${file} exports no experiment (exports: ${names.length > 0 ? names.join(', ') : 'none'}). ` +
    `Export one made with experiment({ name, run }), e.g. \`export default experiment({ … })\`.${hint}`
  );
}
