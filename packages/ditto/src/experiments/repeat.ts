/**
 * One repeat: derive its seed, set the global seed, call `run`, check what it returned. Failures
 * are caught and returned as data, so one repeat that throws never loses the others.
 *
 * @module
 */

import { getBackend } from '../backend/registry.js';
import {
  drawnSources,
  key,
  restoreSeedState,
  type SeedSource,
  saveSeedState,
  setSeed,
} from '../random/index.js';
import { repeatSeed } from '../tutorial/repeat-seed.js';
import { designSeed, type RepeatDesign } from './attribution-design.js';
import type { ExperimentDefinition, Metrics, RepeatContext, RepeatOutput } from './experiment.js';
import type { RepeatFailure, RepeatResult } from './results.js';
import type { Config } from './sweep.js';

/** Metric names: identifiers with dots and dashes, so they work as CSV columns and CLI options. */
const METRIC_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * Runs repeat `index` of an experiment seeded with `experimentSeed` (an unsigned 64-bit integer):
 * `setSeed(repeatSeed(experimentSeed, index))` — or, with a `design`, the seed assignment it gives
 * (see {@link designSeed}) — then `run(context)`. The global seed state is restored afterwards,
 * so running repeats in-process leaves the caller's seeding untouched. `config` (one
 * configuration of a sweep) is passed to `run` as `context.config`; it does not change the seed.
 * `observe`, if given, receives the sources the repeat drew from (`drawnSources()` at its end).
 */
export async function runRepeat(
  run: ExperimentDefinition['run'],
  experimentSeed: bigint,
  index: number,
  config?: Config,
  design?: RepeatDesign,
  observe?: (sources: SeedSource[]) => void,
): Promise<RepeatResult> {
  const seed = repeatSeed(experimentSeed, index);
  const seeds = designSeed(experimentSeed, index, design);
  const context: RepeatContext = Object.freeze({
    index,
    seed,
    key: key(seed),
    experimentSeed,
    config,
    seeds,
  });
  const saved = saveSeedState();
  setSeed(seeds);
  const started = performance.now(); // determinism-ok: timing is reported, never used in results
  try {
    const output = checkOutput(await run(context));
    observe?.(drawnSources());
    return {
      index,
      seed: String(seed),
      status: 'ok',
      metrics: output.metrics,
      weightsHash: output.weightsHash,
      milliseconds: performance.now() - started, // determinism-ok: reporting only
      backend: getBackend().name,
    };
  } catch (error) {
    return failure(index, seed, error, performance.now() - started); // determinism-ok: reporting only
  } finally {
    restoreSeedState(saved);
  }
}

/** A failure record for repeat `index`, from anything that was thrown. */
export function failure(
  index: number,
  seed: bigint | string,
  error: unknown,
  milliseconds = 0,
): RepeatFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    index,
    seed: String(seed),
    status: 'failed',
    error: { name: e.name, message: e.message, stack: e.stack ?? `${e.name}: ${e.message}` },
    milliseconds,
    backend: getBackend().name,
  };
}

/**
 * Validates what `run` returned: an object whose fields are named finite numbers (the metrics),
 * plus optionally `weightsHash`, a non-empty string (the only field that is not a metric). A
 * metric of −0 is recorded as 0.
 */
export function checkOutput(output: RepeatOutput): { metrics: Metrics; weightsHash: string | null } {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) {
    throw new TypeError(
      `run must return named metrics such as { mse: 0.01 } or { mse: 0.01, weightsHash } (got ${describeValue(output)})`,
    );
  }
  const { weightsHash, ...metrics } = output as Record<string, unknown>;
  if (weightsHash !== undefined && (typeof weightsHash !== 'string' || weightsHash === '')) {
    throw new TypeError(
      `run returned a weightsHash that is not a non-empty string (got ${describeValue(weightsHash)})`,
    );
  }
  const names = Object.keys(metrics);
  if (names.length === 0) throw new TypeError('run returned no metrics; return at least one, e.g. { mse }');
  const checked: Metrics = {};
  for (const name of names) {
    const value = metrics[name];
    if (!METRIC_NAME.test(name)) {
      throw new TypeError(
        `metric name ${JSON.stringify(name)} must start with a letter or _ and use only letters, digits, _ . -`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(
        `metric '${name}' is ${describeValue(value)}; every metric must be a finite number`,
      );
    }
    // −0 becomes 0: JSON (the run records) cannot tell them apart, and a replay must match the record.
    checked[name] = value === 0 ? 0 : value;
  }
  return { metrics: checked, weightsHash: (weightsHash as string | undefined) ?? null };
}

function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : typeof value;
}
