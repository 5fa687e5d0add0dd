/** The optimizer, loss and metrics given to `compile`, as JSON and back. */
import { getLoss } from '../losses/index.js';
import { getMetric } from '../metrics/index.js';
import type { CompileOptions } from '../models/sequential.js';
import { BaseOptimizer } from '../optimizers/base-optimizer.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { ModelFileError } from './errors.js';

/** What a model file keeps of `compile`. */
export interface CompileConfig {
  /** `{ className, config }` with the optimizer's `getConfig()` (its constructor's options). */
  readonly optimizer: { readonly className: string; readonly config: Record<string, unknown> };
  readonly loss: string;
  readonly metrics: readonly string[];
}

/** What `Sequential.compileSettings` reports. */
export interface CompileSettings {
  readonly optimizer: Optimizer;
  readonly loss: { readonly name: string; readonly fn: unknown };
  readonly metrics: ReadonlyArray<{ readonly name: string; readonly fn: unknown }>;
}

/** Throws, naming the part, when a custom function or optimizer cannot be written. */
export function compileToConfig(settings: CompileSettings): CompileConfig {
  const { optimizer, loss, metrics } = settings;
  if (!(optimizer instanceof BaseOptimizer)) {
    throw new TypeError(
      `compile: the optimizer '${optimizer.name}' is not a ditto optimizer and cannot be saved`,
    );
  }
  const lossFn = safely(() => getLoss(loss.name).fn);
  if (lossFn !== loss.fn) {
    throw new TypeError(
      `compile: the loss '${loss.name}' is a custom function and cannot be saved; pass a loss name`,
    );
  }
  for (const m of metrics) {
    if (safely(() => getMetric(m.name).fn) !== m.fn) {
      throw new TypeError(
        `compile: the metric '${m.name}' is a custom function and cannot be saved; pass a metric name`,
      );
    }
  }
  const { name, ...config } = optimizer.getConfig();
  return {
    optimizer: { className: String(name), config },
    loss: loss.name,
    metrics: metrics.map((m) => m.name),
  };
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Options for `compile` from {@link compileToConfig}'s form; `where` names it in errors. */
export function compileFromConfig(value: unknown, where = 'compile'): CompileOptions {
  if (typeof value !== 'object' || value === null) throw new ModelFileError(where, 'is not an object');
  const { optimizer, loss, metrics } = value as Partial<CompileConfig>;
  if (typeof loss !== 'string') throw new ModelFileError(`${where}.loss`, 'is not a loss name');
  if (!Array.isArray(metrics) || !metrics.every((m) => typeof m === 'string')) {
    throw new ModelFileError(`${where}.metrics`, 'is not a list of metric names');
  }
  const blame = (field: string, fn: () => unknown) => {
    try {
      return fn();
    } catch (error) {
      throw new ModelFileError(`${where}.${field}`, (error as Error).message);
    }
  };
  blame('loss', () => getLoss(loss));
  metrics.forEach((m, i) => {
    blame(`metrics[${i}]`, () => getMetric(m));
  });
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.className !== 'string') {
    throw new ModelFileError(`${where}.optimizer`, 'is not { className, config }');
  }
  const built = blame('optimizer', () => {
    const blank = getOptimizer(optimizer.className) as BaseOptimizer;
    const type = blank.constructor as new (options: Record<string, unknown>) => Optimizer;
    return new type({ ...optimizer.config });
  }) as Optimizer;
  return { optimizer: built, loss, metrics };
}
