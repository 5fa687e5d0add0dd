/**
 * `experiment()`: the definition of a repeated experiment. It only describes and validates; the
 * runners (in-process here, worker threads in src/node/experiments) execute it.
 *
 * @module
 */

import { drawSeed } from '../random/global.js';
import type { Key, Seed, SeedAssignment, SeedSource } from '../random/index.js';
import { seedToUint64 } from '../random/index.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { checkVary, type RepeatDesign, type Vary, varyDesign } from './attribution-design.js';
import { EXPERIMENT, type ExperimentHandle, experimentHandle } from './brand.js';
import { runRepeat } from './repeat.js';
import { type Config, type ConfigGrid, type Configs, configId, configLabel, expandConfigs } from './sweep.js';

/** Named metrics of one repeat, e.g. `{ mse: 0.0123 }`. Every value must be a finite number. */
export type Metrics = Record<string, number>;

/**
 * What `run` returns: its metrics as named numbers (`{ mse }`), plus optionally `weightsHash`, a
 * fingerprint of the trained weights (`model.weightsHash()`) that the run records keep so that
 * `ditto rerun` can check a replay bit for bit. `weightsHash` is the one field that is not a metric.
 */
export type RepeatOutput = { [metric: string]: number | string | undefined; weightsHash?: string };

/** Which direction of a metric is better, for comparisons and verdicts. */
export type Direction = 'lower' | 'higher';

/**
 * What `run` receives: which repeat this is, the randomness that belongs to it and, in a sweep,
 * the configuration (`C`: its type, inferred from `configs`).
 */
export interface RepeatContext<C extends Config | undefined = Config | undefined> {
  /** The repeat's index, 0 … repeats − 1. */
  readonly index: number;
  /**
   * The repeat's own 64-bit seed, `repeatSeed(experimentSeed, index)`. The runner has already
   * called `setSeed(seed)` (with `vary`, `setSeed(seeds)`), so code that uses the global seed is
   * reproducible per repeat.
   */
  readonly seed: bigint;
  /**
   * What the runner passed to `setSeed`: `seed`, or with `vary` (or an attribution's design) the
   * assignment that gives each source its seed. Draw through the global seed (`nextKey(source)`)
   * for your draws to follow it; `key` below belongs to the repeat, not to a source.
   */
  readonly seeds: Seed | SeedAssignment;
  /** The repeat's key, `key(seed)` (equal to `foldIn(key(experimentSeed), index)`). */
  readonly key: Key;
  /** The experiment's seed as an unsigned 64-bit integer. */
  readonly experimentSeed: bigint;
  /**
   * The configuration this repeat runs, for an experiment with `configs` (frozen, as JSON holds
   * it); undefined otherwise.
   */
  readonly config: C;
}

/** The argument of {@link experiment}; `C` is the type of a configuration of a sweep. */
export interface ExperimentDefinition<C extends Config | undefined = Config | undefined> {
  /** A short name shown in reports and comparisons. */
  name: string;
  /** How many times to repeat `run`; default 30. */
  repeats?: number;
  /**
   * The experiment seed: an integer of up to 64 bits or a string. Repeat i's seed is derived from
   * (seed, i). When neither this nor a run option gives one, a seed is drawn from the system's
   * entropy and recorded with the run.
   */
  seed?: Seed;
  /** Worker threads for the Node runner; default one per core. Results never depend on it. */
  workers?: number;
  /**
   * Time limit per repeat for the Node runner, in seconds (default none): a repeat still running
   * after it is stopped and recorded as failed (timed out), and the run goes on.
   */
  timeout?: number;
  /** Per metric, whether lower or higher is better; metrics not listed: lower. */
  better?: Record<string, Direction>;
  /**
   * Which sources of randomness vary from repeat to repeat: 'all' (default), or a list such as
   * `['init']` — repeat i gives those sources seeds derived from (experiment seed, i) and every
   * other source one fixed seed, so only the listed sources make the repeats differ. Sources:
   * init, dropout, order, split, augment, user (docs/random.md).
   */
  vary?: Vary;
  /**
   * A sweep: a grid `{ units: [8, 16], lr: [1e-3, 1e-2] }` (every combination, the last key
   * varying fastest) or a list `[{ units: 8 }, { units: 16, lr: 0.01 }]`. Each configuration is
   * run and recorded as an experiment of its own, named `name [units=8, lr=0.001]`, with
   * `context.config` set; all use the same experiment seed (see docs/experiments.md, "Sweeps").
   */
  configs?: Configs;
  /** One repeat: train, evaluate, return named metrics. May be async. */
  run(context: RepeatContext<C>): RepeatOutput | Promise<RepeatOutput>;
}

/** One configuration of a sweep, as an experiment of its own. */
export interface SweepPoint {
  /** Appended to the sweep's export name to address this configuration: `[units=8,lr=0.001]`. */
  readonly id: string;
  readonly config: Config;
  /** The configuration's experiment, named `sweep name [units=8, lr=0.001]`. */
  readonly experiment: Experiment;
}

/** A validated, frozen experiment. */
export interface Experiment {
  readonly name: string;
  readonly repeats: number;
  readonly seed: Seed | undefined;
  readonly workers: number | undefined;
  readonly timeout: number | undefined;
  readonly better: Readonly<Record<string, Direction>>;
  /** Which sources vary across repeats ('all', or the listed ones; see the definition's `vary`). */
  readonly vary: Vary;
  readonly run: ExperimentDefinition['run'];
  /** The configuration of one configuration of a sweep; undefined otherwise. */
  readonly config: Config | undefined;
  /**
   * For an experiment defined with `configs`: its configurations, in order, each an experiment
   * to run (runners run these, never the sweep itself); undefined otherwise.
   */
  readonly sweep: readonly SweepPoint[] | undefined;
  readonly [EXPERIMENT]: ExperimentHandle;
}

const DEFINITION_FIELDS = optionNames<ExperimentDefinition>({
  name: true,
  repeats: true,
  seed: true,
  workers: true,
  timeout: true,
  better: true,
  vary: true,
  configs: true,
  run: true,
});

/** Repeats run when neither the definition nor the run options say. */
export const DEFAULT_REPEATS = 30;
/** Repeat indices are folded into the key as uint32 words. */
const MAX_REPEATS = 2 ** 32;

/**
 * Defines a repeated experiment: `run` is called once per repeat with that repeat's own seed,
 * derived from (experiment seed, repeat index), so repeat 17 re-run alone gives the same bits and
 * no result depends on worker count or scheduling. Export it from a module for `ditto run`.
 *
 * With `configs` it defines a sweep: one experiment per configuration (in `sweep`), each with
 * `context.config` set, all sharing the experiment seed, so repeat i of every configuration
 * gets the same seed (common random numbers: differences come from the configuration, not from
 * luck). Without a seed, one is drawn when first needed and shared by all configurations.
 *
 * @throws Error naming the field, for a missing name, an unknown field (with the nearest valid
 *   one), `repeats` < 1, an invalid seed, a `workers` or `timeout` that is not positive, a bad
 *   `better` or `configs` (see {@link expandConfigs}) or a `run` that is not a function.
 * @example
 * ```ts
 * import { experiment, fitTutorial } from 'ditto';
 *
 * export default experiment({
 *   name: 'tutorial 1→10→1',
 *   repeats: 30,
 *   seed: 7,
 *   run: async () => {
 *     const { mse, weightsHash } = await fitTutorial(); // uses the repeat's global seed
 *     return { mse, weightsHash };
 *   },
 * });
 *
 * export const sweep = experiment({
 *   name: 'tutorial sweep',
 *   seed: 7,
 *   configs: { units: [5, 10], lr: [0.001, 0.01] }, // 4 configurations
 *   run: async ({ config }) => {
 *     const { mse, weightsHash } = await fitTutorial({ hiddenUnits: config.units, learningRate: config.lr });
 *     return { mse, weightsHash };
 *   },
 * });
 * ```
 */
export function experiment<C extends Config>(
  definition: ExperimentDefinition<C> & { configs: ConfigGrid<C> },
): Experiment;
export function experiment<const L extends readonly Config[]>(
  definition: ExperimentDefinition<L[number]> & { configs: L },
): Experiment;
export function experiment(definition: ExperimentDefinition<undefined> & { configs?: undefined }): Experiment;
/** A definition built elsewhere, typed `ExperimentDefinition` (its `config` is `Config | undefined`). */
export function experiment(definition: ExperimentDefinition): Experiment;
export function experiment(definition: ExperimentDefinition): Experiment {
  if (definition === null || typeof definition !== 'object') {
    throw new TypeError('experiment: expected an object { name, run, repeats?, seed?, workers?, configs? }');
  }
  const {
    name,
    repeats = DEFAULT_REPEATS,
    seed,
    workers,
    timeout,
    better = {},
    vary = 'all',
    configs,
    run,
  } = definition;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(`experiment: \`name\` must be a non-empty string (got ${show(name)})`);
  }
  const where = `experiment '${name}'`;
  checkOptions(where, definition, DEFINITION_FIELDS);
  checkRepeats(where, repeats);
  if (seed !== undefined) checkSeed(where, seed);
  if (workers !== undefined) checkWorkers(where, workers);
  if (timeout !== undefined) checkTimeout(where, timeout);
  if (typeof run !== 'function') {
    throw new TypeError(`${where}: \`run\` must be a function (got ${show(run)})`);
  }
  const settings = {
    repeats,
    workers,
    timeout,
    better: checkBetter(where, better),
    vary: checkVary(where, vary),
    run,
  };
  if (configs === undefined) return freezeExperiment({ ...settings, name, seed }, undefined, undefined);
  // One seed for every configuration: the definition's, else one drawn on first use.
  let shared = seed;
  const sharedSeed = () => {
    shared ??= drawSeed(where);
    return shared;
  };
  const sweep = expandConfigs(where, configs).map(
    (config): SweepPoint =>
      Object.freeze({
        id: configId(config),
        config,
        experiment: freezeExperiment(
          { ...settings, name: `${name} ${configLabel(config)}`, seed: sharedSeed },
          config,
          undefined,
        ),
      }),
  );
  return freezeExperiment({ ...settings, name, seed }, undefined, Object.freeze(sweep));
}

type Settings = Pick<Experiment, 'name' | 'repeats' | 'workers' | 'timeout' | 'better' | 'vary' | 'run'> & {
  /** A seed, or (in a sweep) the function that gives the seed all configurations share. */
  seed: Seed | undefined | (() => Seed);
};

function freezeExperiment(
  { name, repeats, workers, timeout, better, vary, run, seed }: Settings,
  config: Config | undefined,
  sweep: readonly SweepPoint[] | undefined,
): Experiment {
  const own = varyDesign(vary);
  const warned = new Set<SeedSource>();
  // A varied source the model never draws from would vary nothing: say so, once per source.
  const warnUnused = (design: RepeatDesign) => (drawn: SeedSource[]) => {
    if (design === 'all' || !('vary' in design)) return;
    for (const source of design.vary) {
      if (drawn.includes(source) || warned.has(source)) continue;
      warned.add(source);
      console.warn(
        `ditto: experiment '${name}' varies '${source}', but its repeats draw no randomness from it (they draw from ${drawn.join(', ') || 'no source'}): varying it changes nothing`,
      );
    }
  };
  const handle: ExperimentHandle = Object.freeze({
    version: 1 as const,
    name,
    runRepeat:
      sweep === undefined
        ? (experimentSeed: bigint, index: number, design: RepeatDesign = own) =>
            runRepeat(run, experimentSeed, index, config, design, warnUnused(design))
        : () => Promise.reject(sweepNotRunnable(name, sweep)),
    probeSources:
      sweep === undefined
        ? async (experimentSeed: bigint, index: number) => {
            let sources: SeedSource[] = [];
            const result = await runRepeat(run, experimentSeed, index, config, undefined, (drawn) => {
              sources = drawn;
            });
            return { result, sources };
          }
        : () => Promise.reject(sweepNotRunnable(name, sweep)),
  });
  return Object.freeze({
    name,
    repeats,
    get seed() {
      return typeof seed === 'function' ? seed() : seed;
    },
    workers,
    timeout,
    better,
    vary,
    run,
    config,
    sweep,
    [EXPERIMENT]: handle,
  });
}

function sweepNotRunnable(name: string, sweep: readonly SweepPoint[]): Error {
  return new Error(
    `experiment '${name}' is a sweep of ${sweep.length} configurations; run each of its \`sweep[i].experiment\` ` +
      `(ditto run does), e.g. '${sweep[0].experiment.name}'`,
  );
}

/** Whether `value` is an experiment made by {@link experiment} (from any copy of ditto). */
export function isExperiment(value: unknown): value is Experiment {
  return experimentHandle(value) !== undefined;
}

/** Throws unless `repeats` is an integer in [1, 2^32]. */
export function checkRepeats(where: string, repeats: unknown): asserts repeats is number {
  if (typeof repeats !== 'number' || !Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS) {
    throw new RangeError(`${where}: \`repeats\` must be an integer ≥ 1 (got ${show(repeats)})`);
  }
}

/** Throws unless `workers` is a positive integer. */
export function checkWorkers(where: string, workers: unknown): asserts workers is number {
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`${where}: \`workers\` must be an integer ≥ 1 (got ${show(workers)})`);
  }
}

/** Throws unless `timeout` is a number of seconds > 0 (finite). */
export function checkTimeout(where: string, timeout: unknown): asserts timeout is number {
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) {
    throw new RangeError(`${where}: \`timeout\` must be a number of seconds > 0 (got ${show(timeout)})`);
  }
}

/** Throws unless `seed` is a valid seed (see `random.key`). */
export function checkSeed(where: string, seed: unknown): asserts seed is Seed {
  try {
    seedToUint64(seed as Seed);
  } catch (error) {
    throw new RangeError(`${where}: invalid \`seed\`: ${(error as Error).message}`);
  }
}

function checkBetter(where: string, better: unknown): Readonly<Record<string, Direction>> {
  if (better === null || typeof better !== 'object' || Array.isArray(better)) {
    throw new TypeError(`${where}: \`better\` must be an object { metric: 'lower' | 'higher' }`);
  }
  const out: Record<string, Direction> = {};
  for (const [metric, direction] of Object.entries(better)) {
    if (direction !== 'lower' && direction !== 'higher') {
      throw new RangeError(
        `${where}: \`better.${metric}\` must be 'lower' or 'higher' (got ${show(direction)})`,
      );
    }
    out[metric] = direction;
  }
  return Object.freeze(out);
}

/** A short description of a value for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

export { EXPERIMENT, type ExperimentHandle } from './brand.js';
export {
  type Config,
  type ConfigGrid,
  type Configs,
  type ConfigValue,
  configId,
  configLabel,
  expandConfigs,
  MAX_CONFIGS,
  parseConfigExport,
  recordConfig,
} from './sweep.js';
