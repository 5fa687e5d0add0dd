/**
 * The script contract of `ditto check`, `ditto diverge` and `ditto verify`, and the code that loads
 * and runs such a script.
 *
 * A script is a JavaScript or TypeScript module. Its top-level code runs when it is imported. If it
 * exports a function named `train` — or, failing that, a default export that is a function — that
 * function is called with a {@link ScriptContext} and awaited; it may return the trained model (or an
 * object with a `model` property), whose weights hash the tools report. Every `fit` the script runs
 * is followed, whether or not it returns a model.
 *
 * A module that exports an experiment (`experiment({ … })`, as `ditto run` takes) and no `train`
 * function is run as one repeat of that experiment: repeat `ctx.repeat` (`--repeat`, default 0)
 * under the experiment seed `--seed`, else the experiment's own seed.
 *
 * ```ts
 * // train.ts
 * import { Dense, Sequential, setSeed } from 'ditto';
 * export default async function train(ctx) {
 *   setSeed(ctx.seed ?? 1);
 *   const model = new Sequential([new Dense(10, { inputDim: 1 }), new Dense(1)]);
 *   model.compile({ loss: 'mse', optimizer: 'adam' });
 *   await model.fit(X, y, { epochs: 100, verbose: 0 });
 *   return model;
 * }
 * ```
 *
 * @module
 */

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { experimentHandle, type Seed, seedToUint64, setBackend } from 'ditto/internal';
import { findExperiments, importModule } from '../experiments/load-module.js';
import { chooseExperiment } from '../experiments/run-file.js';

/** What a script's `train` (or default) export receives. */
export interface ScriptContext {
  /** The seed given on the command line (`--seed`), if any; most scripts call `setSeed(ctx.seed ?? …)`. */
  readonly seed: Seed | undefined;
  /** The worker count asked for (`--workers`, default 1), for scripts that run a worker pool. */
  readonly workers: number;
  /** The backend in use (already selected with `setBackend`). */
  readonly backend: string;
  /** Which twin of `ditto diverge` this run is; undefined under `check` and `verify`. */
  readonly twin: 'a' | 'b' | undefined;
  /** The tool running the script. */
  readonly tool: 'check' | 'diverge' | 'verify';
  /** For an experiment module: which repeat to run (`--repeat`, default 0). */
  readonly repeat?: number;
  /** For a module that exports several experiments: the export to run (`--export`). */
  readonly exportName?: string;
}

/** A trained model as the tools use it (a `Sequential`, from whichever copy of ditto the script loaded). */
export interface HashableModel {
  weightsHash(): string;
}

/** What running a script gave. */
export interface ScriptOutcome {
  /** The exported function called ('train' or 'default'), 'experiment' for a repeat of an experiment, if any. */
  readonly entry: 'train' | 'default' | 'experiment' | undefined;
  /** What it returned. */
  readonly value: unknown;
  /** The model it returned, if any. */
  readonly model: HashableModel | undefined;
}

/** Whether a file needs a TypeScript loader. */
export { isTypeScript } from '../experiments/load-module.js';

/** The file URL of tsx's loader, for `node --import <url>` in child processes. */
export function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** Selects a backend by name, registering the WebAssembly backend first when it is asked for. */
export async function selectBackend(name: string): Promise<void> {
  if (name === 'wasm') {
    const { registerWasmBackend } = await import('ditto/internal');
    if (!registerWasmBackend()) throw new Error("backend 'wasm': this runtime lacks WebAssembly SIMD");
  }
  setBackend(name);
}

function asModel(value: unknown): HashableModel | undefined {
  const candidate = value as { weightsHash?: unknown; model?: unknown } | null | undefined;
  if (candidate && typeof candidate.weightsHash === 'function') return candidate as HashableModel;
  const inner = candidate?.model as { weightsHash?: unknown } | undefined;
  if (inner && typeof inner.weightsHash === 'function') return inner as HashableModel;
  return undefined;
}

/**
 * Imports the script (running its top-level code) and calls its `train` or default export with the
 * context. Throws when the file cannot be loaded.
 */
export async function runScript(file: string, ctx: ScriptContext): Promise<ScriptOutcome> {
  const module = await importModule(file, { role: 'script' });
  const entry =
    typeof module.train === 'function'
      ? 'train'
      : typeof module.default === 'function'
        ? 'default'
        : undefined;
  if (entry) {
    const value = await (module[entry] as (c: ScriptContext) => unknown)(ctx);
    return { entry, value, model: asModel(value) };
  }
  const found = findExperiments(module);
  if (ctx.exportName !== undefined || found.length > 0) {
    const chosen = chooseExperiment(file, found, ctx.exportName);
    return runExperimentRepeat(chosen.experiment, ctx);
  }
  return { entry, value: undefined, model: undefined };
}

/** One repeat of an experiment, under `ctx.seed` or the experiment's own seed. */
async function runExperimentRepeat(
  experiment: { readonly name: string; readonly seed: Seed | undefined },
  ctx: ScriptContext,
): Promise<ScriptOutcome> {
  const handle = experimentHandle(experiment);
  const seed = ctx.seed ?? experiment.seed;
  if (!handle) throw new Error('not an experiment');
  if (seed === undefined) {
    throw new Error(
      `experiment '${experiment.name}' has no seed of its own: give the run's seed with --seed (ditto show <run-id> prints it)`,
    );
  }
  const repeat = ctx.repeat ?? 0;
  const result = await handle.runRepeat(seedToUint64(seed), repeat);
  if (result.status === 'failed') {
    const error = new Error(
      `repeat ${repeat} of experiment '${experiment.name}' failed: ${result.error.message}`,
    );
    error.stack = result.error.stack;
    throw error;
  }
  const hash = result.weightsHash;
  return {
    entry: 'experiment',
    value: result,
    model: hash === null ? undefined : { weightsHash: () => hash },
  };
}
