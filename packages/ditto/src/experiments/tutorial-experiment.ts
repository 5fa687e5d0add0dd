/**
 * The tutorial's workload as a ready-made experiment: the demo's "30 repeats" step, the benchmarks
 * and quick checks run it in-process with `runExperiment`.
 *
 * @module
 */

import type { Seed } from '../random/index.js';
import { fitTutorial, type TutorialOptions } from '../tutorial/tutorial.js';
import { type Experiment, experiment } from './experiment.js';

/** Options of {@link tutorialExperiment}: the fit's settings plus the experiment's. */
export interface TutorialExperimentOptions extends Omit<TutorialOptions, 'seed'> {
  name?: string;
  repeats?: number;
  seed?: Seed;
}

/**
 * An experiment that fits the tutorial's 1→10→1 network once per repeat (from the repeat's global
 * seed) and reports `{ mse, weightsHash }`.
 *
 * @example
 * ```ts
 * const run = await runExperiment(tutorialExperiment({ seed: 7 })); // 30 repeats, in-process
 * const { mean, median } = summarize(run).metrics[0].description;
 * ```
 */
export function tutorialExperiment(options: TutorialExperimentOptions = {}): Experiment {
  const { name = 'tutorial 1→10→1', repeats, seed, ...fit } = options;
  return experiment({
    name,
    repeats,
    seed,
    async run() {
      const { mse, weightsHash } = await fitTutorial(fit);
      return { mse, weightsHash };
    },
  });
}
