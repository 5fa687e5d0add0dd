/**
 * Internal modules that the Node package (ditto-node) builds on. Not part of ditto's public API:
 * names here may change in any version. Users import from 'ditto'.
 *
 * @packageDocumentation
 */
export * from './audit/divergence.js';
export * from './audit/guard.js';
export * from './audit/guard-report.js';
export * from './audit/replacement-streams.js';
export * from './audit/sources.js';
export * from './audit/trace.js';
export * from './audit/trace-json.js';
export * from './backend/default-backend.js';
export * from './backend/registry.js';
export * from './backend/threads/pool.js';
export * from './backend/threads/register.js';
export * from './backend/threads/threaded-backend.js';
export * from './backend/wasm/register.js';
export * from './callbacks/progress-display.js';
// Attribution (docs/attribution.md)
export * from './experiments/attribution.js';
export * from './experiments/attribution-design.js';
export * from './experiments/attribution-estimate.js';
export * from './experiments/attribution-plan.js';
export * from './experiments/attribution-tutorial.js';
export * from './experiments/brand.js';
export * from './experiments/compare.js';
export * from './experiments/experiment.js';
export * from './experiments/repeat.js';
export * from './experiments/results.js';
export * from './experiments/run-in-process.js';
export * from './experiments/run-record.js';
export * from './experiments/seed.js';
export * from './experiments/summary.js';
export * from './experiments/tutorial-experiment.js';
export * from './layers/dense.js';
export * from './models/sequential.js';
export * from './numeric/elementary.js';
export * from './optimizers/index.js';
export * from './random/index.js';
export * from './stats/index.js';
export * from './stats/variance-components.js';
export * from './stats/verdict.js';
export * from './tensor/dtype.js';
export * from './tensor/tensor.js';
export * from './tutorial/repeat-seed.js';
export * from './tutorial/seeded-fits.js';
export * from './tutorial/tutorial.js';
export * from './version.js';
