/**
 * Losses: functions `(yTrue, yPred) => Tensor` returning one loss value per sample (shape
 * [batch]), built from differentiable ops so gradients come for free. The model averages them over
 * the batch, which is Keras's 'sum_over_batch_size' reduction. docs/losses-and-metrics.md gives
 * the exact definitions.
 *
 * @module
 */
import { declareOpsOnly } from '../engine/twin.js';
import type { Tensor } from '../tensor/tensor.js';
import { didYouMean } from '../validate/index.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from './crossentropy.js';
import { categoricalHinge, hinge, squaredHinge } from './hinge.js';
import { kld, poisson } from './probabilistic.js';
import { huber, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError } from './regression.js';
import { cosineSimilarity, logCosh } from './similarity.js';

export {
  binaryCrossentropy,
  type CrossentropyOptions,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from './crossentropy.js';
export { categoricalHinge, hinge, squaredHinge } from './hinge.js';
export { kld, poisson } from './probabilistic.js';
export {
  type HuberOptions,
  huber,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
} from './regression.js';
export { cosineSimilarity, logCosh } from './similarity.js';

/** A loss: targets and predictions in, one value per sample out (shape [batch]). */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A resolved loss: Keras's snake_case name and the function. */
export interface ResolvedLoss {
  readonly name: string;
  readonly fn: LossFn;
}

/** Each loss under its Keras function name, with every other name it answers to. */
const LOSSES: ReadonlyArray<{ name: string; fn: LossFn; aliases: readonly string[] }> = [
  {
    name: 'mean_squared_error',
    fn: meanSquaredError,
    aliases: ['meanSquaredError', 'MeanSquaredError', 'mse', 'MSE'],
  },
  {
    name: 'mean_absolute_error',
    fn: meanAbsoluteError,
    aliases: ['meanAbsoluteError', 'MeanAbsoluteError', 'mae', 'MAE'],
  },
  {
    name: 'mean_absolute_percentage_error',
    fn: meanAbsolutePercentageError,
    aliases: ['meanAbsolutePercentageError', 'MeanAbsolutePercentageError', 'mape', 'MAPE'],
  },
  { name: 'huber', fn: huber, aliases: ['Huber'] },
  {
    name: 'binary_crossentropy',
    fn: binaryCrossentropy,
    aliases: ['binaryCrossentropy', 'BinaryCrossentropy', 'bce', 'BCE'],
  },
  {
    name: 'categorical_crossentropy',
    fn: categoricalCrossentropy,
    aliases: ['categoricalCrossentropy', 'CategoricalCrossentropy'],
  },
  {
    name: 'sparse_categorical_crossentropy',
    fn: sparseCategoricalCrossentropy,
    aliases: ['sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy'],
  },
  { name: 'hinge', fn: hinge, aliases: ['Hinge'] },
  { name: 'squared_hinge', fn: squaredHinge, aliases: ['squaredHinge', 'SquaredHinge'] },
  { name: 'categorical_hinge', fn: categoricalHinge, aliases: ['categoricalHinge', 'CategoricalHinge'] },
  {
    name: 'kl_divergence',
    fn: kld,
    aliases: [
      'kld',
      'KLD',
      'klDivergence',
      'KLDivergence',
      'kullback_leibler_divergence',
      'kullbackLeiblerDivergence',
    ],
  },
  { name: 'poisson', fn: poisson, aliases: ['Poisson'] },
  { name: 'cosine_similarity', fn: cosineSimilarity, aliases: ['cosineSimilarity', 'CosineSimilarity'] },
  { name: 'log_cosh', fn: logCosh, aliases: ['logCosh', 'LogCosh', 'logcosh'] },
];

const BY_NAME = new Map<string, { name: string; fn: LossFn }>();
// Built from ops alone: a model compiled with them can be described (engine/twin.ts).
declareOpsOnly(...LOSSES.map((entry) => entry.fn));

for (const entry of LOSSES) {
  for (const key of [entry.name, ...entry.aliases]) BY_NAME.set(key, entry);
}

/** Every name {@link getLoss} accepts, grouped by loss (for error messages and docs). */
export function lossNames(): string[] {
  return LOSSES.map((e) => `${e.name} (${e.aliases.join(', ')})`);
}

/**
 * Resolves a loss given by name or as a function. Names are Keras's: the function name
 * ('mean_squared_error'), the class name ('MeanSquaredError'), ditto's camelCase
 * ('meanSquaredError') and the short aliases ('mse', 'mae', 'mape', 'bce'). The returned name is
 * Keras's function name; a function of this module keeps that name, another function its own
 * (`fn.name`, or 'loss' when anonymous).
 *
 * @throws Error naming the value and listing the valid names, for an unknown name.
 * @example
 * ```ts
 * getLoss('mse');        // { name: 'mean_squared_error', fn: meanSquaredError }
 * getLoss((t, p) => binaryCrossentropy(t, p, { fromLogits: true }));
 * ```
 */
export function getLoss(nameOrFn: string | LossFn): ResolvedLoss {
  if (typeof nameOrFn === 'function') {
    const known = LOSSES.find((e) => e.fn === nameOrFn);
    return { name: known?.name ?? (nameOrFn.name || 'loss'), fn: nameOrFn };
  }
  if (typeof nameOrFn !== 'string') {
    throw new TypeError(
      `getLoss: expected a loss name or a function, got ${nameOrFn === null ? 'null' : typeof nameOrFn}`,
    );
  }
  const entry = BY_NAME.get(nameOrFn);
  if (!entry) {
    throw new Error(
      `getLoss: unknown loss ${JSON.stringify(nameOrFn)}${didYouMean(nameOrFn, [...BY_NAME.keys()])}; ` +
        `valid names: ${lossNames().join('; ')}`,
    );
  }
  return { name: entry.name, fn: entry.fn };
}
