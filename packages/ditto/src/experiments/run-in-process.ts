/**
 * The in-process runner: repeats one after another on the calling thread. It runs anywhere (Node,
 * Bun, Deno, browsers) and gives exactly the results of the Node worker pool, which calls the same
 * per-repeat function.
 *
 * @module
 */

import type { Seed } from '../random/index.js';
import { checkRepeats, EXPERIMENT, type Experiment, isExperiment, show } from './experiment.js';
import { type ExperimentRun, orderByIndex, type RepeatResult } from './results.js';
import { resolveExperimentSeed } from './seed.js';

/** Options that override an experiment's own settings for one run. */
export interface RunOverrides {
  /** Number of repeats (default: the experiment's). */
  repeats?: number;
  /** Experiment seed (default: the experiment's, else drawn and recorded). */
  seed?: Seed;
}

/** Options of {@link runExperiment}. */
export interface RunOptions extends RunOverrides {
  /** Run only these repeat indices (e.g. the missing ones of a resumed run); default all. */
  indices?: readonly number[];
  /** Called after each repeat, in the order repeats finish. */
  onResult?: (result: RepeatResult, done: number, total: number) => void;
}

/** What a run is about to do: resolved repeats and seed. */
export interface RunPlan {
  name: string;
  repeats: number;
  /** Unsigned 64-bit experiment seed. */
  seed: bigint;
  seedDrawn: boolean;
}

/**
 * Resolves the repeats and seed of a run from the overrides and the experiment's definition.
 *
 * @throws Error for a non-experiment, `repeats` < 1 or an invalid seed.
 */
export function planRun(target: Experiment, overrides: RunOverrides = {}): RunPlan {
  if (!isExperiment(target)) {
    throw new TypeError(
      `runExperiment: expected an experiment made by experiment({ … }) (got ${show(target)})`,
    );
  }
  const repeats = overrides.repeats ?? target.repeats;
  checkRepeats(`experiment '${target.name}'`, repeats);
  const seed = resolveExperimentSeed(`experiment '${target.name}'`, overrides.seed, target.seed);
  return { name: target.name, repeats, seed: seed.value, seedDrawn: seed.drawn };
}

/** Throws unless every index is an integer in [0, repeats), without duplicates. */
export function checkIndices(repeats: number, indices: readonly number[]): void {
  const seen = new Set<number>();
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= repeats) {
      throw new RangeError(`repeat index ${show(i)} is not an integer in [0, ${repeats})`);
    }
    if (seen.has(i)) throw new RangeError(`repeat index ${i} is listed twice`);
    seen.add(i);
  }
}

/**
 * Runs an experiment's repeats in this thread, in index order, and returns their results ordered by
 * index. A repeat that throws (or returns invalid metrics) becomes a failure record; the others
 * still run. The global seed state is the same before and after.
 *
 * @example
 * ```ts
 * const run = await runExperiment(tutorialExperiment, { repeats: 30, seed: 7 });
 * run.results[17]; // the same bits as runExperiment(tutorialExperiment, { seed: 7, indices: [17] })
 * ```
 */
export async function runExperiment(target: Experiment, options: RunOptions = {}): Promise<ExperimentRun> {
  const plan = planRun(target, options);
  const indices = options.indices ?? Array.from({ length: plan.repeats }, (_, i) => i);
  checkIndices(plan.repeats, indices);
  const results: RepeatResult[] = [];
  for (const index of indices) {
    const result = await target[EXPERIMENT].runRepeat(plan.seed, index);
    results.push(result);
    options.onResult?.(result, results.length, indices.length);
  }
  return {
    name: plan.name,
    seed: String(plan.seed),
    seedDrawn: plan.seedDrawn,
    repeats: plan.repeats,
    better: target.better,
    results: orderByIndex(results),
  };
}
