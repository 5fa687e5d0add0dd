// Statistics that summarise and compare repeated experiments (float64 reporting tools; results
// match SciPy's where an equivalent exists). See docs/statistics.md.
export {
  type BootstrapInterval,
  type BootstrapMethod,
  type BootstrapOptions,
  bcaAcceleration,
  bcaInterval,
  bootstrap,
  bootstrapSamples,
  type Statistic,
} from './bootstrap.js';
export * from './compare.js';
export {
  type Convergence,
  type ConvergencePoint,
  convergence,
  MIN_DISTINCT_VALUES,
} from './convergence.js';
export { type Description, describe, quantile } from './describe.js';
export { hedgesCorrection } from './effect-size.js';
export { type PowerAnalysis, type PowerOptions, power } from './power.js';
export type { RandomSource } from './random-source.js';
export {
  DEFAULT_PRIOR_EFFECT,
  type SequentialComparison,
  type SequentialOptions,
  sequentialComparison,
} from './sequential.js';
export type { Sample } from './validate.js';
export {
  crossedVarianceComponents,
  type OneAtATimeComponents,
  oneAtATimeComponents,
  type VarianceComponent,
} from './variance-components.js';
export { type NamedSample, type Verdict, type VerdictOptions, verdict } from './verdict.js';
