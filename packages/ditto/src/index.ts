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
 * Sections: random streams (`random`, `setSeed`); tensors, `ops` and gradients; backends (the
 * WebAssembly SIMD backend is selected where the runtime has it — same bits, more speed —
 * `setBackend('js')` opts out); layers, `Sequential`, optimizers, losses, metrics, callbacks; data
 * helpers; repeated experiments and `stats`; the determinism audit; fingerprints.
 *
 * @packageDocumentation
 */
import { selectDefaultBackend } from './backend/default-backend.js';

selectDefaultBackend();

export * from './audit/index.js';
export type { Backend } from './backend/backend.js';
export { getBackend, listBackends, registerBackend, setBackend } from './backend/registry.js';
export type { ThreadWorker, WorkerSpawner } from './backend/threads/pool.js';
export {
  getThreads,
  registerThreadsBackend,
  setThreads,
  shutdownThreads,
  threadsBackend,
  threadsReady,
} from './backend/threads/register.js';
export {
  createThreadedBackend,
  DEFAULT_THRESHOLDS,
  type ThreadedBackend,
  type ThreadedBackendOptions,
  type ThreadThresholds,
} from './backend/threads/threaded-backend.js';
export { webWorkerSpawner } from './backend/threads/web-spawner.js';
export { registerWasmBackend } from './backend/wasm/register.js';
export { createWasmBackend, type WasmBackendOptions } from './backend/wasm/wasm-backend.js';
export { wasmSimdSupported } from './backend/wasm/wasm-module.js';
export type { Callback, Logs } from './callbacks/callback.js';
export {
  type CSVFileOpener,
  CSVLogger,
  type CSVLoggerOptions,
  type CSVSink,
  setCsvFileOpener,
} from './callbacks/csv-logger.js';
export { EarlyStopping, type EarlyStoppingOptions } from './callbacks/early-stopping.js';
export { LambdaCallback, type LambdaCallbackOptions } from './callbacks/lambda-callback.js';
export {
  LearningRateScheduler,
  type LearningRateSchedulerOptions,
} from './callbacks/learning-rate-scheduler.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './callbacks/model-checkpoint.js';
export { type ProgressDisplay, setProgressDisplay } from './callbacks/progress-display.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './callbacks/reduce-lr-on-plateau.js';
export { TerminateOnNaN } from './callbacks/terminate-on-nan.js';
export * from './data/index.js';
export { type EngineDiagnostic, engineDiagnostics, onEngineDiagnostic } from './engine/diagnostics.js';
export { isTracingEnabled, setTracing } from './engine/trace-cache.js';
export * from './experiments/index.js';
export {
  canonicalBytes,
  canonicalHeader,
  type Fingerprintable,
  hashArrays,
  type ShapedArray,
} from './hash/fingerprint.js';
export * as initializers from './initializers/index.js';
export { type FunctionalConfig, functionalFromConfig, functionalToConfig } from './io/functional-config.js';
export * from './io/index.js';
export { Activation } from './layers/activation-layer.js';
export { getActivation } from './layers/activations.js';
export {
  ActivityRegularization,
  type ActivityRegularizationOptions,
} from './layers/activity-regularization.js';
export type { ConvOptions, ConvPadding, GroupedConvOptions } from './layers/conv/base-conv.js';
export { Conv1D, type Conv1DOptions } from './layers/conv/conv1d.js';
export { Conv2D, type Conv2DOptions } from './layers/conv/conv2d.js';
export { Conv2DTranspose } from './layers/conv/conv2d-transpose.js';
export {
  DepthwiseConv2D,
  type DepthwiseConv2DOptions,
  SeparableConv2D,
  type SeparableConv2DOptions,
} from './layers/conv/depthwise.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export { Dropout } from './layers/dropout.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { Layer, type LayerOptions } from './layers/layer.js';
export type { CallOptions, MaskingLayer } from './layers/masking.js';
// Merge layers (the functional API's joins)
export {
  Add,
  Average,
  Concatenate,
  type ConcatenateOptions,
  Dot,
  type DotOptions,
  Maximum,
  MergeLayer,
  Minimum,
  Multiply,
  type SampleShapes,
  Subtract,
} from './layers/merge/index.js';
export { AlphaDropout } from './layers/noise/alpha-dropout.js';
export { GaussianDropout, GaussianNoise } from './layers/noise/gaussian.js';
export { NoiseLayer } from './layers/noise/noise-layer.js';
export { SpatialDropout1D, SpatialDropout2D } from './layers/noise/spatial-dropout.js';
export {
  BatchNormalization,
  type BatchNormalizationOptions,
} from './layers/normalization/batch-normalization.js';
export {
  GroupNormalization,
  type GroupNormalizationOptions,
} from './layers/normalization/group-normalization.js';
export {
  LayerNormalization,
  type LayerNormalizationOptions,
} from './layers/normalization/layer-normalization.js';
export { Normalization, type NormalizationOptions } from './layers/normalization/normalization.js';
export {
  UnitNormalization,
  type UnitNormalizationOptions,
} from './layers/normalization/unit-normalization.js';
export {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  type GlobalPoolingOptions,
} from './layers/pooling/global-pooling.js';
export {
  AveragePooling1D,
  AveragePooling2D,
  MaxPooling1D,
  MaxPooling2D,
  type PoolingOptions,
} from './layers/pooling/pooling.js';
export { GRU, type GRUOptions } from './layers/recurrent/gru.js';
export { LSTM, type LSTMOptions } from './layers/recurrent/lstm.js';
export { RecurrentLayer, type RecurrentOptions } from './layers/recurrent/recurrent.js';
export { SimpleRNN } from './layers/recurrent/simple-rnn.js';
export * as regularizers from './layers/regularizers.js';
export { Flatten } from './layers/reshaping/flatten.js';
export {
  Cropping1D,
  Cropping2D,
  type SpatialAmount,
  ZeroPadding1D,
  ZeroPadding2D,
} from './layers/reshaping/padding-cropping.js';
export { Permute } from './layers/reshaping/permute.js';
export { RepeatVector } from './layers/reshaping/repeat-vector.js';
export { Rescaling, type RescalingOptions } from './layers/reshaping/rescaling.js';
export { Reshape } from './layers/reshaping/reshape.js';
export { UpSampling2D, type UpSampling2DOptions } from './layers/reshaping/up-sampling.js';
export { Variable } from './layers/variable.js';
export { Bidirectional, type BidirectionalOptions, type MergeMode } from './layers/wrappers/bidirectional.js';
export { TimeDistributed } from './layers/wrappers/time-distributed.js';
export { fromLogits, type LogitsLossName } from './losses/from-logits.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
// The functional API and the shared training engine (models/model.ts)
export type { ClassWeight, ModelData } from './models/batch-data.js';
export { History } from './models/history.js';
export type { InputData } from './models/inputs.js';
export { type Batch, type BatchOptions, type BatchSource, Model, type ModelConfig } from './models/model.js';
export {
  type CompileOptions,
  type EvaluateOptions,
  type FitOptions,
  Sequential,
} from './models/sequential.js';
export { Input, type InputOptions, SymbolicTensor } from './models/symbolic.js';
export type { RandomConsumerState, TrainingState } from './models/training-state.js';
export * as optimizers from './optimizers/index.js';
export * as random from './random/index.js';
export {
  drawnSources,
  getSeed,
  nextKey,
  SEED_SOURCES,
  type SeedAssignment,
  type SeedSource,
  seedWasDrawn,
  setSeed,
} from './random/index.js';
export * as stats from './stats/index.js';
export { backward, noGrad } from './tensor/autograd.js';
export type { DType, FloatArray } from './tensor/dtype.js';
export * as ops from './tensor/ops/index.js';
export { ShapeError } from './tensor/shape.js';
export { fill, ones, scalar, Tensor, tensor, zeros } from './tensor/tensor.js';
export { repeatSeed } from './tutorial/repeat-seed.js';
export { fitTutorial, type TutorialOptions, type TutorialResult, tutorialData } from './tutorial/tutorial.js';

export { VERSION } from './version.js';
