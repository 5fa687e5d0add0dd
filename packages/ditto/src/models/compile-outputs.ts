/**
 * compile's per-output settings: a loss, a loss weight and metrics for each output, from one for
 * all, a list in output order or an object by output name.
 */
import { getLoss } from '../losses/index.js';
import { getMetric, type StatefulMetric } from '../metrics/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkArray, checkObject, describe } from '../validate/index.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export type LossSpec = string | LossFn;
export type MetricSpec = string | MetricFn | StatefulMetric;

/** A compiled output: its loss, its factor in the total and its metrics. */
export interface CompiledOutput {
  readonly loss: { name: string; fn: LossFn };
  readonly weight: number | undefined;
  readonly metrics: Array<{ name: string; fn: MetricFn; create?: () => StatefulMetric }>;
}

/** What compile receives for the outputs. */
export interface OutputSettings {
  /**
   * A loss name ('meanSquaredError', 'mse', 'mean_squared_error', …) or a per-sample loss
   * function; for several outputs one for all, a list in output order or an object by output name.
   */
  loss: LossSpec | readonly LossSpec[] | Readonly<Record<string, LossSpec>>;
  /** Per-output factors of the total loss (a list in output order or by name; default: each 1, unmultiplied). */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /**
   * Metric names, per-sample metric functions or stateful metrics (`new AUC({ curve: 'PR' })`),
   * reported per epoch; for several outputs a list for each (in output order) or an object by name.
   */
  metrics?:
    | ReadonlyArray<MetricSpec>
    | ReadonlyArray<readonly MetricSpec[]>
    | Readonly<Record<string, readonly MetricSpec[]>>;
}

/** Each output's loss, loss weight and metrics, checked (errors start with `where`). */
export function compileOutputs(
  where: string,
  names: readonly string[],
  options: OutputSettings,
): CompiledOutput[] {
  const perOutput = <T>(what: string, value: unknown, isOne: (v: unknown) => boolean): (T | undefined)[] => {
    if (value === undefined) return names.map(() => undefined);
    if (isOne(value)) return names.map(() => value as T);
    if (Array.isArray(value)) {
      if (value.length !== names.length) {
        throw new RangeError(
          `${where}: ${what} has ${value.length} entries, the model has ${names.length} outputs (${names.join(', ')})`,
        );
      }
      return value as T[];
    }
    checkObject(where, what, value);
    const record = value as Record<string, T>;
    for (const key of Object.keys(record)) {
      if (!names.includes(key))
        throw new Error(`${where}: ${what} names '${key}', not an output (${names.join(', ')})`);
    }
    return names.map((n) => record[n]);
  };
  const losses = perOutput<LossSpec>(
    'loss',
    options.loss,
    (v) => typeof v === 'string' || typeof v === 'function',
  );
  losses.forEach((l, k) => {
    if (l === undefined) throw new Error(`${where}: no loss for output '${names[k]}'`);
  });
  const lossWeights = perOutput<number>('lossWeights', options.lossWeights, (v) => typeof v === 'number');
  lossWeights.forEach((w, k) => {
    if (w !== undefined && !(typeof w === 'number' && Number.isFinite(w))) {
      throw new TypeError(
        `${where}: the loss weight of '${names[k]}' must be a finite number, got ${describe(w)}`,
      );
    }
  });
  const givenMetrics: unknown = options.metrics;
  if (givenMetrics !== undefined && !Array.isArray(givenMetrics)) {
    // An object by output name is for several outputs; anything else must be a list.
    if (names.length === 1 || typeof givenMetrics !== 'object' || givenMetrics === null)
      checkArray(where, 'metrics', givenMetrics);
  }
  let metrics: (readonly MetricSpec[] | undefined)[];
  if (options.metrics === undefined) metrics = names.map(() => []);
  else if (names.length === 1 && Array.isArray(options.metrics) && !options.metrics.some(Array.isArray)) {
    metrics = [options.metrics as readonly MetricSpec[]];
  } else if (Array.isArray(options.metrics) && !options.metrics.some(Array.isArray)) {
    // One flat list for a model of several outputs: every output gets it (tf.keras's convention).
    metrics = names.map(() => options.metrics as readonly MetricSpec[]);
  } else {
    metrics = perOutput<readonly MetricSpec[]>('metrics', options.metrics, () => false);
  }
  metrics.forEach((list, k) => {
    if (list !== undefined) checkArray(where, `metrics of '${names[k]}'`, list);
  });
  return names.map((_, k) => ({
    loss: getLoss(losses[k] as LossSpec) as { name: string; fn: LossFn },
    weight: lossWeights[k],
    metrics: (metrics[k] ?? []).map((m) => getMetric(m) as { name: string; fn: MetricFn }),
  }));
}
