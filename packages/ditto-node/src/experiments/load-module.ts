/**
 * Loading experiment modules by path: JavaScript with `import()`, TypeScript through tsx's API.
 * Used by the command line (to read an experiment's settings) and by every worker thread (to run
 * its repeats).
 *
 * @module
 */

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Experiment } from 'ditto/internal';
import { EXPERIMENT, type ExperimentHandle, experimentHandle } from 'ditto/internal';

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
 * Imports a module by file path: a plain `import()` first (enough for JavaScript, and for
 * TypeScript when a loader such as tsx is already active), else through tsx's `tsImport`, a scoped
 * loader that leaves the process's own module loading alone.
 *
 * @throws Error naming the path if the file does not exist; the module's own error if it fails.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new Error(`cannot find the experiment module ${file} (looked for ${path})`);
  }
  const url = pathToFileURL(path).href;
  try {
    return await import(url);
  } catch (error) {
    if (NEEDS_TSX.has((error as { code?: string }).code ?? '')) return tsImport(url);
    throw error;
  }
}

/**
 * Modules loaded through tsx, by URL. Each `tsImport` call evaluates the module graph afresh (in its
 * own namespace), so repeated loads in one process are served from here, as `import()` would be.
 */
const tsModules = new Map<string, Promise<Record<string, unknown>>>();

function tsImport(url: string): Promise<Record<string, unknown>> {
  let module = tsModules.get(url);
  if (module === undefined) {
    module = (async () => {
      let api: typeof import('tsx/esm/api');
      try {
        api = await import('tsx/esm/api');
      } catch (error) {
        throw new Error(
          `loading TypeScript experiment modules needs the tsx package (${(error as Error).message})`,
        );
      }
      return api.tsImport(url, import.meta.url);
    })();
    // A failed load is not kept: the next attempt (after a fix) tries again.
    module.catch(() => tsModules.delete(url));
    tsModules.set(url, module);
  }
  return module;
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
    found.push({ exportName, experiment: value as Experiment });
  }
  return found;
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
 * The experiment exported as `exportName` by an already imported module (the worker's lookup).
 *
 * @throws Error when that export is missing or is not an experiment.
 */
export function experimentExport(
  module: Record<string, unknown>,
  exportName: string,
  file: string,
): ExperimentHandle {
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
