/**
 * The playground's results as an experiment run — the very data structure `ditto run` records and
 * `ditto compare` compares — so the page's statistics come from the same functions: `summarize` and
 * `compareRuns`.
 */
import type { ExperimentRun } from '../../packages/ditto/src/experiments/index.js';
import type { FitResult } from './protocol.js';

/** The metric the playground reports for every run. */
export const METRIC = 'mse';

/**
 * An ExperimentRun named `name` of `repeats` repeats with experiment seed `seed` (drawn or given),
 * holding the finished fits.
 *
 * @example
 * ```ts
 * const run = toExperimentRun('A', { value: 1n, drawn: false }, 30, results);
 * summarize(run).metrics[0].description.median;
 * ```
 */
export function toExperimentRun(
  name: string,
  seed: { value: bigint; drawn: boolean },
  repeats: number,
  results: readonly FitResult[],
): ExperimentRun {
  return {
    name,
    seed: String(seed.value),
    seedDrawn: seed.drawn,
    repeats,
    better: { [METRIC]: 'lower' },
    results: [...results]
      .sort((a, b) => a.repeat - b.repeat)
      .map((r) => ({
        index: r.repeat,
        seed: r.seed,
        status: 'ok' as const,
        metrics: { [METRIC]: r.mse },
        weightsHash: r.weightsHash,
        milliseconds: 0,
        backend: r.backend,
      })),
  };
}
