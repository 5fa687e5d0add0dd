/**
 * The workload of the reproducibility tutorial: a 1→10→1 multilayer perceptron fitted to the
 * sequence 0.0, 0.1, … 0.9 (given x predict the next value: 9 pairs) for 100 epochs with Adam and
 * mean squared error, full batch. The demo, the examples, the experiment runner's examples, the
 * benchmarks and the browser playground all run this one definition.
 */
import { meanSquaredError, seriesToSupervised } from '../data/index.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { type Seed, setSeed } from '../random/index.js';

export interface TutorialData {
  /** 9 inputs, one feature each. */
  X: number[][];
  /** 9 targets. */
  y: number[][];
}

/** The tutorial's data: the sequence 0.0 … 0.9 as (value, next value) pairs. */
export function tutorialData(length = 10): TutorialData {
  const sequence = Array.from({ length }, (_, i) => i / length);
  const { X, y } = seriesToSupervised(sequence, { lag: 1 });
  return { X, y };
}

export interface TutorialOptions {
  /** Hidden units (default 10). */
  hiddenUnits?: number;
  /** Epochs (default 100). */
  epochs?: number;
  /** Optimizer name (default 'adam'). */
  optimizer?: string;
  /** Learning rate (default: the optimizer's Keras default). */
  learningRate?: number;
  /** When given, `setSeed(seed)` runs first, making the fit exactly repeatable. */
  seed?: Seed;
}

export interface TutorialResult {
  /** Mean squared error of the fitted model's predictions on the 9 training pairs. */
  mse: number;
  /** SHA-256 of the trained weights. */
  weightsHash: string;
  /** Per-epoch training loss. */
  losses: number[];
}

function makeOptimizer(name: string, learningRate: number | undefined): Optimizer | string {
  if (learningRate === undefined) return name;
  const optimizer = getOptimizer(name);
  const Ctor = optimizer.constructor as new (options: { learningRate: number }) => Optimizer;
  return new Ctor({ learningRate });
}

/**
 * Builds, fits and scores the tutorial network once.
 *
 * @example
 * ```ts
 * const { mse, weightsHash } = await fitTutorial({ seed: 1 });
 * ```
 */
export async function fitTutorial(
  options: TutorialOptions = {},
  data: TutorialData = tutorialData(),
): Promise<TutorialResult> {
  if (options.seed !== undefined) setSeed(options.seed);
  const model = new Sequential();
  model.add(new Dense(options.hiddenUnits ?? 10, { inputDim: 1 }));
  model.add(new Dense(1));
  model.compile({
    loss: 'meanSquaredError',
    optimizer: makeOptimizer(options.optimizer ?? 'adam', options.learningRate),
  });
  const history = await model.fit(data.X, data.y, {
    epochs: options.epochs ?? 100,
    batchSize: data.X.length,
    verbose: 0,
  });
  const yhat = model.predict(data.X);
  return {
    mse: meanSquaredError(data.y, yhat),
    weightsHash: model.weightsHash(),
    losses: history.history.loss,
  };
}
