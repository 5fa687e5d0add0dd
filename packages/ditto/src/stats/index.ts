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
export { type Convergence, type ConvergencePoint, convergence } from './convergence.js';
export { type Description, describe, quantile } from './describe.js';
export { hedgesCorrection } from './effect-size.js';
export type { RandomSource } from './random-source.js';
export type { Sample } from './validate.js';
export { type NamedSample, type Verdict, type VerdictOptions, verdict } from './verdict.js';
