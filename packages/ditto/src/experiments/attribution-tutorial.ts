/**
 * The tutorial's network with dropout and mini-batches: where the tutorial's full-batch fit lets
 * the data order act only through the order of float32 sums, here dropout masks and the order of
 * the batches act on every step. Part 4 of `ditto demo` and examples/attribution.ts attribute it.
 *
 * @module
 */

import { meanSquaredError } from '../data/index.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Sequential } from '../models/sequential.js';
import type { Seed } from '../random/index.js';
import { tutorialData } from '../tutorial/tutorial.js';
import { type Experiment, experiment } from './experiment.js';

/**
 * Fits the tutorial's 1→10→1 network (ReLU hidden layer) with Dropout(0.5) after the hidden layer,
 * Adam, batches of 1 (9 steps per epoch), 50 epochs, from the global seed; scores it on the 9
 * training pairs (inference: no dropout).
 *
 * @example
 * ```ts
 * setSeed(1);
 * const { mse, weightsHash } = await fitTutorialWithDropout();
 * ```
 */
export async function fitTutorialWithDropout(): Promise<{ mse: number; weightsHash: string }> {
  const data = tutorialData();
  const model = new Sequential();
  model.add(new Dense(10, { inputDim: 1, activation: 'relu' }));
  model.add(new Dropout(0.5));
  model.add(new Dense(1));
  model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
  await model.fit(data.X, data.y, { epochs: 50, batchSize: 1, verbose: 0 });
  return { mse: meanSquaredError(data.y, model.predict(data.X)), weightsHash: model.weightsHash() };
}

/**
 * {@link fitTutorialWithDropout} as an experiment (`{ mse, weightsHash }` per repeat).
 *
 * @example
 * ```ts
 * const answer = await attribute(dropoutTutorialExperiment({ seed: 7 }), { levels: 4 });
 * ```
 */
export function dropoutTutorialExperiment(
  options: { name?: string; seed?: Seed; repeats?: number } = {},
): Experiment {
  const { name = 'tutorial with dropout, batches of 1', seed, repeats } = options;
  return experiment({ name, seed, repeats, run: () => fitTutorialWithDropout() });
}
