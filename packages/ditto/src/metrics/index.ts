/**
 * Metrics: functions `(yTrue, yPred) => Tensor` returning one value per sample (shape [batch]),
 * averaged over an epoch by {@link MeanAccumulator} as Keras's Mean metric averages them.
 * docs/losses-and-metrics.md gives the exact definitions.
 *
 * @module
 */
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  meanAbsolutePercentageError,
  sparseCategoricalCrossentropy,
} from '../losses/index.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { didYouMean } from '../validate/index.js';
import {
  accuracy,
  accuracyForShapes,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
} from './accuracy.js';
import { AUC } from './auc.js';
import type { StatefulMetric } from './epoch-metric.js';
import { Precision, Recall } from './precision-recall.js';
import { mae, mse } from './regression.js';
import { sparseTopKCategoricalAccuracy, topKCategoricalAccuracy } from './top-k.js';

export {
  accuracy,
  accuracyForShapes,
  type BinaryAccuracyOptions,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
} from './accuracy.js';
export { AUC, type AUCOptions } from './auc.js';
export { ConfusionAccumulator, type ConfusionCounts } from './confusion.js';
export { type EpochMetric, epochMetric, type StatefulMetric } from './epoch-metric.js';
export { F1Score, type F1ScoreOptions } from './f1-score.js';
export { MeanAccumulator } from './mean-accumulator.js';
export { Precision, Recall, type ThresholdOptions } from './precision-recall.js';
export { mae, mse } from './regression.js';
export { sparseTopKCategoricalAccuracy, type TopKOptions, topKCategoricalAccuracy } from './top-k.js';

/** A metric: targets and predictions in, one value per sample out (shape [batch]). */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A resolved metric: its key in History and the function (and, for a stateful metric, its factory). */
export interface ResolvedMetric {
  readonly name: string;
  readonly fn: MetricFn;
  /** For AUC, Precision and Recall: a fresh metric, fed every batch of an epoch (see epochMetric). */
  readonly create?: () => StatefulMetric;
}

/**
 * The stateful metrics compile accepts by name (Keras's class name or its snake_case), each with
 * its Keras default name as History key and a stable `fn` that explains it has no per-sample form.
 */
const STATEFUL: ReadonlyArray<{ name: string; create: () => StatefulMetric; aliases: readonly string[] }> = [
  { name: 'auc', create: () => new AUC(), aliases: ['AUC'] },
  { name: 'precision', create: () => new Precision(), aliases: ['Precision'] },
  { name: 'recall', create: () => new Recall(), aliases: ['Recall'] },
];

/** The `fn` of a stateful metric: there are no per-sample values to give. */
function noPerSampleValues(name: string): MetricFn {
  return () => {
    throw new TypeError(`metric '${name}' is stateful: it has no per-sample values (use updateState/result)`);
  };
}

const STATEFUL_BY_NAME = new Map<string, ResolvedMetric>();
for (const entry of STATEFUL) {
  const resolved = { name: entry.name, fn: noPerSampleValues(entry.name), create: entry.create };
  for (const key of [entry.name, ...entry.aliases]) STATEFUL_BY_NAME.set(key, resolved);
}

function isStatefulMetric(value: unknown): value is StatefulMetric {
  const m = value as Partial<StatefulMetric> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.name === 'string' &&
    typeof m.updateState === 'function' &&
    typeof m.result === 'function' &&
    typeof m.resetState === 'function'
  );
}

/** A loss used as a metric: the same values, without recording gradients. */
function asMetric(loss: MetricFn): MetricFn {
  return (yTrue, yPred) => noGrad(() => loss(yTrue, yPred));
}

/** Each metric under its Keras function name, with every other name it answers to. */
const METRICS: ReadonlyArray<{ name: string; fn: MetricFn; lossFn?: MetricFn; aliases: readonly string[] }> =
  [
    {
      name: 'mean_squared_error',
      fn: mse,
      aliases: ['meanSquaredError', 'MeanSquaredError', 'mse', 'MSE'],
    },
    {
      name: 'mean_absolute_error',
      fn: mae,
      aliases: ['meanAbsoluteError', 'MeanAbsoluteError', 'mae', 'MAE'],
    },
    {
      name: 'mean_absolute_percentage_error',
      fn: asMetric(meanAbsolutePercentageError),
      lossFn: meanAbsolutePercentageError,
      aliases: ['meanAbsolutePercentageError', 'MeanAbsolutePercentageError', 'mape', 'MAPE'],
    },
    {
      name: 'binary_crossentropy',
      fn: asMetric(binaryCrossentropy),
      lossFn: binaryCrossentropy,
      aliases: ['binaryCrossentropy', 'BinaryCrossentropy', 'bce', 'BCE'],
    },
    {
      name: 'categorical_crossentropy',
      fn: asMetric(categoricalCrossentropy),
      lossFn: categoricalCrossentropy,
      aliases: ['categoricalCrossentropy', 'CategoricalCrossentropy'],
    },
    {
      name: 'sparse_categorical_crossentropy',
      fn: asMetric(sparseCategoricalCrossentropy),
      lossFn: sparseCategoricalCrossentropy,
      aliases: ['sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy'],
    },
    {
      name: 'binary_accuracy',
      fn: binaryAccuracy,
      aliases: ['binaryAccuracy', 'BinaryAccuracy'],
    },
    {
      name: 'categorical_accuracy',
      fn: categoricalAccuracy,
      aliases: ['categoricalAccuracy', 'CategoricalAccuracy'],
    },
    {
      name: 'sparse_categorical_accuracy',
      fn: sparseCategoricalAccuracy,
      aliases: ['sparseCategoricalAccuracy', 'SparseCategoricalAccuracy'],
    },
    {
      name: 'top_k_categorical_accuracy',
      fn: topKCategoricalAccuracy,
      aliases: ['topKCategoricalAccuracy', 'TopKCategoricalAccuracy'],
    },
    {
      name: 'sparse_top_k_categorical_accuracy',
      fn: sparseTopKCategoricalAccuracy,
      aliases: ['sparseTopKCategoricalAccuracy', 'SparseTopKCategoricalAccuracy'],
    },
  ];

const BY_NAME = new Map<string, MetricFn>();
for (const entry of METRICS) {
  for (const key of [entry.name, ...entry.aliases]) BY_NAME.set(key, entry.fn);
}

/** Function names Keras gives to metric functions passed as objects (its `get_object_name`). */
const FUNCTION_NAMES = new Map<unknown, string>([
  [accuracy, 'accuracy'],
  [accuracyForShapes, 'accuracy'],
  ...METRICS.map((e) => [e.fn, e.name] as [unknown, string]),
  ...METRICS.filter((e) => e.lossFn).map((e) => [e.lossFn, e.name] as [unknown, string]),
]);

/** Every name {@link getMetric} accepts, grouped by metric (for error messages and docs). */
export function metricNames(): string[] {
  return [
    "accuracy (acc, any capitalisation: chosen from the shapes as Keras's compile does)",
    ...METRICS.map((e) => `${e.name} (${e.aliases.join(', ')})`),
    ...STATEFUL.map((e) => `${e.name} (${e.aliases.join(', ')}; stateful)`),
  ];
}

/**
 * Resolves a metric given by name or as a function. Names are Keras's (function, class and short
 * names such as 'mean_squared_error', 'MeanSquaredError', 'mse', 'acc') plus ditto's camelCase
 * ('meanSquaredError'). As in Keras, the History key is the name exactly as given; a function is
 * keyed by its Keras function name ('mean_squared_error' for `mse`), or by its own `fn.name`
 * ('metric' when anonymous). 'accuracy' and 'acc' (any capitalisation) pick binary, sparse
 * categorical or categorical accuracy from the shapes, as Keras's compile does
 * ({@link accuracyForShapes}). The stateful metrics — the names 'auc', 'precision', 'recall' (or
 * their class names), or an instance such as `new AUC({ curve: 'PR' })` — come with a `create`
 * factory that fit and evaluate use instead of averaging per-sample values; they are keyed by
 * Keras's metric name ('auc', …).
 *
 * @throws Error naming the value and listing the valid names, for an unknown name.
 * @example
 * ```ts
 * getMetric('mse');      // { name: 'mse', fn: mse }
 * getMetric('accuracy'); // { name: 'accuracy', fn: accuracyForShapes }
 * getMetric('AUC');      // { name: 'auc', fn, create: () => new AUC() }
 * ```
 */
export function getMetric(nameOrFn: string | MetricFn | StatefulMetric): ResolvedMetric {
  if (typeof nameOrFn === 'function') {
    return { name: FUNCTION_NAMES.get(nameOrFn) ?? (nameOrFn.name || 'metric'), fn: nameOrFn };
  }
  if (isStatefulMetric(nameOrFn)) {
    // An instance (new AUC({ curve: 'PR' })): reset and fed again for every epoch, as Keras does.
    const metric = nameOrFn;
    const create = () => {
      metric.resetState();
      return metric;
    };
    return { name: metric.name, fn: noPerSampleValues(metric.name), create };
  }
  if (typeof nameOrFn !== 'string') {
    throw new TypeError(
      `getMetric: expected a metric name, a function or a stateful metric, got ${nameOrFn === null ? 'null' : typeof nameOrFn}`,
    );
  }
  const stateful = STATEFUL_BY_NAME.get(nameOrFn);
  if (stateful) return stateful;
  const lower = nameOrFn.toLowerCase();
  if (lower === 'accuracy' || lower === 'acc') return { name: nameOrFn, fn: accuracyForShapes };
  const fn = BY_NAME.get(nameOrFn);
  if (!fn) {
    throw new Error(
      `getMetric: unknown metric ${JSON.stringify(nameOrFn)}${didYouMean(nameOrFn, ['accuracy', ...BY_NAME.keys(), ...STATEFUL_BY_NAME.keys()])}; ` +
        `valid names: ${metricNames().join('; ')}`,
    );
  }
  return { name: nameOrFn, fn };
}
