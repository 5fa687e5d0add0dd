/**
 * ditto — deterministic deep learning in TypeScript: one seed, the same bits in every process,
 * worker count, backend and JavaScript runtime.
 *
 * This entry point is runtime-neutral (no Node-specific imports); it runs unchanged in Node, Bun,
 * Deno and browsers.
 *
 * @example
 * ```ts
 * import { Sequential, Dense, setSeed } from 'ditto';
 * setSeed(1);
 * const model = new Sequential([new Dense(10, { inputDim: 1 }), new Dense(1)]);
 * model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
 * ```
 *
 * @packageDocumentation
 */
export { VERSION } from './version.js';

// Random streams: `random.key`, `random.split`, … and Keras-like global seeding.
export * as random from './random/index.js';
export { getSeed, nextKey, setSeed, seedWasDrawn } from './random/index.js';

// Tensors, ops and gradients.
export type { DType, FloatArray } from './tensor/dtype.js';
export { ShapeError } from './tensor/shape.js';
export { fill, ones, scalar, Tensor, tensor, zeros } from './tensor/tensor.js';
export { backward, noGrad } from './tensor/autograd.js';
export * as ops from './tensor/ops/index.js';

// Backends.
export type { Backend } from './backend/backend.js';
export { getBackend, listBackends, registerBackend, setBackend } from './backend/registry.js';

// Layers, models, training.
export { Layer, type LayerOptions } from './layers/layer.js';
export { Variable } from './layers/variable.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export { Activation } from './layers/activation-layer.js';
export { Dropout } from './layers/dropout.js';
export { getActivation } from './layers/activations.js';
export * as regularizers from './layers/regularizers.js';
export * as initializers from './initializers/index.js';
export * as optimizers from './optimizers/index.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export { Sequential, type CompileOptions, type FitOptions, type EvaluateOptions } from './models/sequential.js';
export { History } from './models/history.js';
export type { InputData } from './models/inputs.js';
export type { Callback, Logs } from './callbacks/callback.js';
export { EarlyStopping, type EarlyStoppingOptions } from './callbacks/early-stopping.js';
export { TerminateOnNaN } from './callbacks/terminate-on-nan.js';
export { setProgressDisplay, type ProgressDisplay } from './callbacks/progress-display.js';

// Data helpers and plain-array metrics (the tutorial's sklearn/pandas steps).
export * from './data/index.js';

// Fingerprints.
export { canonicalBytes, hashArrays } from './hash/fingerprint.js';
