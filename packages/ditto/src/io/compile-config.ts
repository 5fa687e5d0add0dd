/** The optimizer, loss and metrics given to `compile`, as JSON and back. */
import { getLoss } from '../losses/index.js';
import { getMetric } from '../metrics/index.js';
import type { CompileOptions } from '../models/sequential.js';
import { BaseOptimizer } from '../optimizers/base-optimizer.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { ModelFileError } from './errors.js';

/**
 * What a model file keeps of `compile`. A model of one output without a loss weight (every
 * Sequential) has a loss name and a list of metric names; any other model has them by output
 * name, with `lossWeights` by output name for the outputs that have one.
 */
export interface CompileConfig {
  /** `{ className, config }` with the optimizer's `getConfig()` (its constructor's options). */
  readonly optimizer: { readonly className: string; readonly config: Record<string, unknown> };
  readonly loss: string | Readonly<Record<string, string>>;
  readonly metrics: readonly string[] | Readonly<Record<string, readonly string[]>>;
  readonly lossWeights?: Readonly<Record<string, number>>;
}

/** One output's compiled loss, loss weight and metrics (as `Model.compiledOutputs` lists them). */
export interface OutputCompileSettings {
  readonly loss: { readonly name: string; readonly fn: unknown };
  readonly weight: number | undefined;
  readonly metrics: ReadonlyArray<{ readonly name: string; readonly fn: unknown }>;
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
  checkSaveable(loss, metrics);
  return { optimizer: optimizerToConfig(optimizer), loss: loss.name, metrics: metrics.map((m) => m.name) };
}

/**
 * A compile config for a model of several outputs or loss weights: the losses, metrics and loss
 * weights by output name. Throws, naming the part, as {@link compileToConfig}.
 */
export function outputsCompileToConfig(
  optimizer: Optimizer,
  outputNames: readonly string[],
  outputs: readonly OutputCompileSettings[],
): CompileConfig {
  const loss: Record<string, string> = {};
  const metrics: Record<string, string[]> = {};
  const lossWeights: Record<string, number> = {};
  outputs.forEach((output, k) => {
    checkSaveable(output.loss, output.metrics);
    const name = outputNames[k];
    loss[name] = output.loss.name;
    metrics[name] = output.metrics.map((m) => m.name);
    if (output.weight !== undefined) lossWeights[name] = output.weight;
  });
  return {
    optimizer: optimizerToConfig(optimizer),
    loss,
    metrics,
    ...(Object.keys(lossWeights).length > 0 ? { lossWeights } : {}),
  };
}

function optimizerToConfig(optimizer: Optimizer): CompileConfig['optimizer'] {
  if (!(optimizer instanceof BaseOptimizer)) {
    throw new TypeError(
      `compile: the optimizer '${optimizer.name}' is not a ditto optimizer and cannot be saved`,
    );
  }
  const { name, ...config } = optimizer.getConfig();
  return { className: String(name), config };
}

function checkSaveable(loss: CompileSettings['loss'], metrics: CompileSettings['metrics']): void {
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
  const { optimizer, loss, metrics, lossWeights } = value as Partial<CompileConfig>;
  const blame = (field: string, fn: () => unknown) => {
    try {
      return fn();
    } catch (error) {
      throw new ModelFileError(`${where}.${field}`, (error as Error).message);
    }
  };
  const checkMetrics = (list: unknown, at: string) => {
    if (!Array.isArray(list) || !list.every((m) => typeof m === 'string'))
      throw new ModelFileError(`${where}.${at}`, 'is not a list of metric names');
    list.forEach((m, i) => {
      blame(`${at}[${i}]`, () => getMetric(m));
    });
  };
  if (typeof loss === 'string') {
    blame('loss', () => getLoss(loss));
    checkMetrics(metrics, 'metrics');
    if (lossWeights !== undefined)
      throw new ModelFileError(`${where}.lossWeights`, 'needs losses by output name');
  } else {
    if (typeof loss !== 'object' || loss === null || Array.isArray(loss))
      throw new ModelFileError(`${where}.loss`, 'is not a loss name or losses by output name');
    for (const [output, name] of Object.entries(loss)) {
      if (typeof name !== 'string') throw new ModelFileError(`${where}.loss.${output}`, 'is not a loss name');
      blame(`loss.${output}`, () => getLoss(name));
    }
    if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics))
      throw new ModelFileError(`${where}.metrics`, 'is not metric names by output name');
    for (const [output, list] of Object.entries(metrics)) checkMetrics(list, `metrics.${output}`);
    if (lossWeights !== undefined) {
      if (typeof lossWeights !== 'object' || lossWeights === null || Array.isArray(lossWeights))
        throw new ModelFileError(`${where}.lossWeights`, 'is not loss weights by output name');
      for (const [output, w] of Object.entries(lossWeights)) {
        if (typeof w !== 'number' || !Number.isFinite(w))
          throw new ModelFileError(`${where}.lossWeights.${output}`, 'is not a finite number');
      }
    }
  }
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.className !== 'string') {
    throw new ModelFileError(`${where}.optimizer`, 'is not { className, config }');
  }
  const built = blame('optimizer', () => {
    const blank = getOptimizer(optimizer.className) as BaseOptimizer;
    const type = blank.constructor as new (options: Record<string, unknown>) => Optimizer;
    return new type({ ...optimizer.config });
  }) as Optimizer;
  return {
    optimizer: built,
    loss: loss as CompileOptions['loss'],
    metrics: metrics as CompileOptions['metrics'],
    ...(lossWeights === undefined ? {} : { lossWeights }),
  };
}
