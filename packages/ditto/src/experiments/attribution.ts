/**
 * `attribute()`: which source of randomness makes an experiment's results vary. A probe repeat
 * finds the sources the model draws from; a design varies them (crossed, or one at a time, see
 * attribution-plan.ts) while every other source stays bit-fixed; the method of moments splits each
 * metric's variance among them. Runs in-process (any runtime); `ditto attribute` runs the same
 * plan on the Node worker pool with run records.
 *
 * @module
 */

import type { Seed, SeedSource } from '../random/index.js';
import {
  type AttributionEstimateOptions,
  attributeMetric,
  type MetricAttribution,
} from './attribution-estimate.js';
import { type AttributionPlan, DEFAULT_LEVELS, planAttribution } from './attribution-plan.js';
import { EXPERIMENT, type ExperimentHandle } from './brand.js';
import { type Experiment, isExperiment, show } from './experiment.js';
import { type ExperimentRun, metricNames, metricValues, orderByIndex, type RepeatResult } from './results.js';
import { resolveExperimentSeed } from './seed.js';

/** Options of {@link attribute}. */
export interface AttributeOptions {
  /** k, the seeds per source (default 5); must be ≥ 2. */
  levels?: number;
  /** The experiment seed (default: the experiment's, else drawn and recorded). */
  seed?: Seed;
  /** Metrics to attribute (default: every metric the runs report). */
  metrics?: readonly string[];
  /** Bootstrap resamples per interval (default 2000). */
  nResamples?: number;
  /** Confidence of the intervals (default 0.95). */
  confidence?: number;
  /** Called after each repeat of each arm. */
  onResult?: (result: RepeatResult, arm: string) => void;
}

/** What {@link attribute} found. */
export interface Attribution {
  /** The experiment's name. */
  readonly name: string;
  /** The experiment seed, unsigned 64-bit decimal. */
  readonly seed: string;
  readonly seedDrawn: boolean;
  /** The sources the probe repeat drew from (what was varied). */
  readonly sources: readonly SeedSource[];
  readonly plan: AttributionPlan;
  /** One run per arm of the plan, in order. */
  readonly runs: readonly ExperimentRun[];
  /** One answer per metric. */
  readonly metrics: readonly MetricAttribution[];
}

/**
 * Attributes the spread of an experiment's metrics to the sources of randomness it uses. The
 * sources are detected, not guessed: repeat 0 runs once and reports what it drew from
 * (`drawnSources()`), so a model without dropout has no dropout source.
 *
 * @throws Error for a non-experiment or a sweep, `levels` < 2, a probe repeat that fails, an
 *   experiment that draws no randomness, an unknown metric, or an arm with failed repeats (crossed).
 * @example
 * ```ts
 * const answer = await attribute(tutorialExperiment({ seed: 7 }), { levels: 5 });
 * console.log(answer.metrics[0].verdict); // "…% of the spread of mse comes from weight initialisation …"
 * ```
 */
export async function attribute(target: Experiment, options: AttributeOptions = {}): Promise<Attribution> {
  if (!isExperiment(target)) {
    throw new TypeError(`attribute: expected an experiment made by experiment({ … }) (got ${show(target)})`);
  }
  const where = `attribute: experiment '${target.name}'`;
  const seed = resolveExperimentSeed(where, options.seed, target.seed);
  const handle = target[EXPERIMENT];
  const sources = await probeSources(where, handle, seed.value);
  const plan = planAttribution(sources, options.levels ?? DEFAULT_LEVELS);
  const runs: ExperimentRun[] = [];
  for (const arm of plan.arms) {
    const results: RepeatResult[] = [];
    for (let index = 0; index < arm.repeats; index++) {
      const result = await handle.runRepeat(seed.value, index, arm.design);
      results.push(result);
      options.onResult?.(result, arm.label);
    }
    runs.push({
      name: `${target.name} (${arm.label})`,
      seed: String(seed.value),
      seedDrawn: seed.drawn,
      repeats: arm.repeats,
      better: target.better,
      results: orderByIndex(results),
    });
  }
  return Object.freeze({
    name: target.name,
    seed: String(seed.value),
    seedDrawn: seed.drawn,
    sources: plan.sources,
    plan,
    runs: Object.freeze(runs),
    metrics: attributionFromRuns(plan, runs, { ...options, seed: String(seed.value) }),
  });
}

/**
 * The sources repeat 0 of the experiment draws from.
 *
 * @throws Error when the handle cannot probe (made by an older ditto) or the repeat fails.
 */
export async function probeSources(
  where: string,
  handle: ExperimentHandle,
  experimentSeed: bigint,
): Promise<SeedSource[]> {
  if (typeof handle.probeSources !== 'function') {
    throw new Error(`${where} was made by a ditto without source detection; update the ditto it imports`);
  }
  const { result, sources } = await handle.probeSources(experimentSeed, 0);
  if (result.status === 'failed') {
    throw new Error(
      `${where}: the probe repeat (repeat 0), which finds the sources of randomness it uses, failed: ${result.error.message}`,
    );
  }
  return sources;
}

/**
 * Each metric's attribution from the runs of a plan's arms (in order).
 *
 * @throws RangeError for a metric no run reports, or an arm that lacks values (see attributeMetric).
 * @example
 * ```ts
 * // runs: one ExperimentRun per arm of the plan, e.g. read back from run records
 * const [mse] = attributionFromRuns(plan, runs, { seed: runs[0].seed, metrics: ['mse'] });
 * ```
 */
export function attributionFromRuns(
  plan: AttributionPlan,
  runs: readonly Pick<ExperimentRun, 'results'>[],
  options: AttributionEstimateOptions & { metrics?: readonly string[] },
): MetricAttribution[] {
  const known = metricNames(runs[0]);
  const metrics = options.metrics ?? known;
  for (const metric of metrics) {
    if (!known.includes(metric)) {
      throw new RangeError(`attribute: no metric '${metric}' in the runs (metrics: ${known.join(', ')})`);
    }
  }
  return metrics.map((metric) =>
    attributeMetric(
      plan,
      metric,
      runs.map((run) => metricValues(run, metric)),
      options,
    ),
  );
}
