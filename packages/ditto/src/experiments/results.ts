/**
 * The plain-data results of an experiment run: one record per repeat, ordered by repeat index.
 * Everything here survives JSON and structured cloning unchanged (seeds are decimal strings).
 *
 * @module
 */

import type { Direction, Metrics } from './experiment.js';

/** A repeat that returned valid metrics. */
export interface RepeatSuccess {
  index: number;
  /** The repeat's 64-bit seed, `repeatSeed(experimentSeed, index)`, in decimal. */
  seed: string;
  status: 'ok';
  metrics: Metrics;
  /** The fingerprint the repeat reported (e.g. `model.weightsHash()`), or null. */
  weightsHash: string | null;
  /** Wall time of `run`, in milliseconds (reported, never used in results). */
  milliseconds: number;
  /** `getBackend().name` when the repeat finished. */
  backend: string;
}

/** A repeat that threw, or returned something that is not valid metrics. */
export interface RepeatFailure {
  index: number;
  seed: string;
  status: 'failed';
  error: { name: string; message: string; stack: string };
  milliseconds: number;
  backend: string;
}

export type RepeatResult = RepeatSuccess | RepeatFailure;

/** The outcome of running (some or all of) an experiment's repeats. */
export interface ExperimentRun {
  name: string;
  /** The experiment seed as an unsigned 64-bit integer, in decimal. */
  seed: string;
  /** Whether the seed was drawn from the system's entropy (nobody gave one). */
  seedDrawn: boolean;
  /** How many repeats the run has in total. */
  repeats: number;
  /** Per metric, which direction is better (unlisted metrics: lower). */
  better: Readonly<Record<string, Direction>>;
  /** The repeats that have a result, ordered by index (failures included). */
  results: RepeatResult[];
}

/** Sorts results by repeat index (in place) and returns them; duplicate indices are an error. */
export function orderByIndex<T extends { index: number }>(results: T[]): T[] {
  results.sort((a, b) => a.index - b.index);
  for (let i = 1; i < results.length; i++) {
    if (results[i].index === results[i - 1].index) {
      throw new Error(`experiments: two results for repeat ${results[i].index}`);
    }
  }
  return results;
}

/** The successful repeats of a run, by index. */
export function successes(run: Pick<ExperimentRun, 'results'>): RepeatSuccess[] {
  return run.results.filter((r): r is RepeatSuccess => r.status === 'ok');
}

/** The failed repeats of a run, by index. */
export function failures(run: Pick<ExperimentRun, 'results'>): RepeatFailure[] {
  return run.results.filter((r): r is RepeatFailure => r.status === 'failed');
}

/** Metric names in order of first appearance over the successful repeats (by index). */
export function metricNames(run: Pick<ExperimentRun, 'results'>): string[] {
  const names = new Set<string>();
  for (const r of successes(run)) for (const name of Object.keys(r.metrics)) names.add(name);
  return [...names];
}

/** One metric's values over the successful repeats that report it, in repeat order. */
export function metricValues(run: Pick<ExperimentRun, 'results'>, metric: string): number[] {
  const values: number[] = [];
  for (const r of successes(run)) if (Object.hasOwn(r.metrics, metric)) values.push(r.metrics[metric]);
  return values;
}

/** Indices 0 … repeats − 1 that have no successful result yet (what a resume still has to run). */
export function missingIndices(repeats: number, results: readonly RepeatResult[]): number[] {
  const done = new Set(results.filter((r) => r.status === 'ok').map((r) => r.index));
  const missing: number[] = [];
  for (let i = 0; i < repeats; i++) if (!done.has(i)) missing.push(i);
  return missing;
}

/** Which direction is better for `metric` (default lower). */
export function directionOf(better: Readonly<Record<string, Direction>>, metric: string): Direction {
  return Object.hasOwn(better, metric) ? better[metric] : 'lower';
}
