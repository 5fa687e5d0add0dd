/**
 * The training fast path: models made only of Dense, Activation and Dropout layers train on fused
 * kernels and reused arrays instead of the general autograd tape — with exactly the same bits
 * (docs/performance.md). `fit` and `predict` choose it by themselves; everything else takes the
 * autograd path.
 *
 * @module
 */
export { type FastFit, startFastFit } from './fit.js';
export { fromLogits, type LogitsLossName } from './from-logits.js';
export { planLayers } from './plan.js';
export { fastPredict } from './predict.js';
export { isFastPathEnabled, setFastPath } from './settings.js';
