/**
 * `Sequential`: a stack of layers with Keras's compile / fit / predict / evaluate.
 */
import type { Callback, Logs } from '../callbacks/callback.js';
import { ProgressLogger } from '../callbacks/progress-logger.js';
import type { Buffer } from '../engine/primitive.js';
import { TraceCache } from '../engine/trace-cache.js';
import { hashArrays } from '../hash/fingerprint.js';
import type { CompileSettings } from '../io/compile-config.js';
import { modelToBytes } from '../io/encode.js';
import { modelFileSystem } from '../io/file-system.js';
import type { ModelFileOptions } from '../io/format.js';
import { Layer, untraceableLayer } from '../layers/layer.js';
import { type CallOptions, outputMask } from '../layers/masking.js';
import type { Variable } from '../layers/variable.js';
import { getLoss } from '../losses/index.js';
import { epochMetric, getMetric, MeanAccumulator, type StatefulMetric } from '../metrics/index.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { applyGradientsPrimitive } from '../optimizers/update-primitive.js';
import { foldIn, type Key, key, nextKey, permutation, type Seed } from '../random/index.js';
import { backward, noGrad } from '../tensor/autograd.js';
import type { DType } from '../tensor/dtype.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import * as ops from '../tensor/ops/index.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';
import {
  checkArray,
  checkBoolean,
  checkObject,
  checkOptions,
  checkPositiveInteger,
  checkSeed,
  describe,
  optionNames,
} from '../validate/index.js';
import { BatchRows } from './batch-rows.js';
import { History } from './history.js';
import { type InputData, rowRange, toSamples } from './inputs.js';
import { formatSummary } from './summary.js';
import { readTrainingState, type TrainingState, writeTrainingState } from './training-state.js';

type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface CompileOptions {
  /** An optimizer instance or name (default 'rmsprop', as Keras). */
  optimizer?: string | Optimizer;
  /** A loss name ('meanSquaredError', 'mse', 'mean_squared_error', …) or a per-sample loss function. */
  loss: string | LossFn;
  /** Metric names, per-sample metric functions or stateful metrics (`new AUC({ curve: 'PR' })`), reported per epoch. */
  metrics?: ReadonlyArray<string | MetricFn | StatefulMetric>;
}

export interface FitOptions {
  /** Passes over the training data (default 1). */
  epochs?: number;
  /** Samples per gradient step (default 32). */
  batchSize?: number;
  /** Shuffle the training samples every epoch, keyed per epoch (default true). */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** Explicit validation data [x, y] (takes precedence over validationSplit). */
  validationData?: readonly [InputData, InputData];
  /** 0 silent, 1 a progress bar per epoch, 2 one line per epoch (default 1). */
  verbose?: 0 | 1 | 2;
  callbacks?: readonly Callback[];
  /** Overrides the global seed for this fit's shuffling. */
  seed?: Seed;
  /** Epoch to start counting from (for resumed training; default 0). */
  initialEpoch?: number;
}

export interface EvaluateOptions {
  /** Samples per batch (default 32). */
  batchSize?: number;
}

const COMPILE_OPTIONS = optionNames<CompileOptions>({ optimizer: true, loss: true, metrics: true });
const FIT_OPTIONS = optionNames<FitOptions>({
  epochs: true,
  batchSize: true,
  shuffle: true,
  validationSplit: true,
  validationData: true,
  verbose: true,
  callbacks: true,
  seed: true,
  initialEpoch: true,
});
const EVALUATE_OPTIONS = optionNames<EvaluateOptions>({ batchSize: true });

/** The checks of fit's options that its body does not make where it reads them. */
function checkFitOptionTypes(options: FitOptions): void {
  checkOptions('fit', options, FIT_OPTIONS);
  if (options.shuffle !== undefined) checkBoolean('fit', 'shuffle', options.shuffle);
  if (options.seed !== undefined) checkSeed('fit', 'seed', options.seed);
  if (options.callbacks !== undefined) {
    checkArray('fit', 'callbacks', options.callbacks);
    options.callbacks.forEach((cb, i) => {
      checkObject('fit', `callbacks[${i}]`, cb);
    });
  }
  if (options.validationData !== undefined) {
    const data: unknown = options.validationData;
    if (!Array.isArray(data) || data.length !== 2) {
      throw new TypeError(`fit: validationData must be an array [x, y], got ${describe(data)}`);
    }
  }
  if (options.validationSplit !== undefined && typeof options.validationSplit !== 'number') {
    throw new TypeError(
      `fit: validationSplit must be a number in (0, 1), got ${describe(options.validationSplit)}`,
    );
  }
}

/**
 * A linear stack of layers.
 *
 * @example
 * ```ts
 * import { Sequential, Dense, setSeed, meanSquaredError } from 'ditto';
 * setSeed(1);
 * const model = new Sequential();
 * model.add(new Dense(10, { inputDim: 1 }));
 * model.add(new Dense(1));
 * model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
 * await model.fit(X, y, { epochs: 100, batchSize: X.length, verbose: 0 });
 * console.log(meanSquaredError(y, model.predict(X)));
 * ```
 */
export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  /** Set by callbacks to end `fit` early. */
  stopTraining = false;
  /**
   * Audit hook: callbacks that every `fit` of every model runs before its own, registered by ditto's
   * audit tools (`withDeterminismGuard`, `traceTraining`) to follow training. Application code passes
   * `callbacks` to `fit` instead.
   */
  static readonly auditCallbacks = new Set<Callback>();
  private compiled:
    | {
        optimizer: Optimizer;
        loss: { name: string; fn: LossFn };
        metrics: Array<{ name: string; fn: MetricFn }>;
      }
    | undefined;
  private modelInputShape: readonly number[] | undefined;
  /** The traced steps of this model (engine/trace-cache.ts), rebuilt when layers or compile change. */
  private traces: TraceCache | undefined;
  /** Where training stands: the fit key, the next epoch and the steps taken (see getTrainingState). */
  private position: { fitKey: Key | undefined; epoch: number; step: number } = {
    fitKey: undefined,
    epoch: 0,
    step: 0,
  };
  /** Set by setTrainingState: the next fit continues from here. */
  private resume: { fitKey: Key; epoch: number } | undefined;

  constructor(layers: readonly Layer[] = [], options: { name?: string } = {}) {
    checkArray('Sequential', 'layers', layers);
    checkOptions('Sequential', options, ['name']);
    this.name = options.name ?? 'sequential';
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer; builds it at once when the model's input shape is known. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) {
      throw new TypeError(
        `${this.name}.add: expected a layer (new Dense(…), new Dropout(…), …), got ${describe(layer)}`,
      );
    }
    if (this.layers.includes(layer)) throw new Error(`${this.name}: layer '${layer.name}' was already added`);
    if (this.layers.length > 0 && layer.requestedInputShape) {
      throw new Error(
        `${this.name}: only the first layer may declare inputShape/inputDim ('${layer.name}' does)`,
      );
    }
    this.layers.push(layer);
    this.traces = undefined;
    if (this.layers.length === 1 && layer.requestedInputShape)
      this.modelInputShape = layer.requestedInputShape;
    if (this.modelInputShape) this.buildLayers(this.modelInputShape);
  }

  /** Whether every layer has its weights. */
  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.built);
  }

  /** Builds every layer for inputs of this sample shape (without the batch axis). */
  build(inputShape: readonly number[]): void {
    checkArray(`${this.name}.build`, 'inputShape', inputShape);
    inputShape.forEach((d, i) => {
      checkPositiveInteger(`${this.name}.build`, `inputShape[${i}]`, d);
    });
    if (this.layers.length === 0) throw new Error(`${this.name}: add at least one layer before building`);
    if (this.modelInputShape && !sameDims(this.modelInputShape, inputShape)) {
      throw new ShapeError(
        `${this.name}: expects samples of shape ${formatShape(this.modelInputShape)}, got ${formatShape(inputShape)} ` +
          `(first layer '${this.layers[0].name}')`,
      );
    }
    this.modelInputShape = [...inputShape];
    this.buildLayers(inputShape);
  }

  private buildLayers(inputShape: readonly number[]): void {
    let shape = inputShape;
    for (const layer of this.layers) {
      if (!layer.built) layer.build(shape);
      else if (!sameDims(layer.inputShape, shape)) {
        throw new ShapeError(
          `${layer.name}: built for inputs of shape ${formatShape(layer.inputShape)}, but receives ${formatShape(shape)}`,
        );
      }
      shape = layer.computeOutputShape(shape);
    }
  }

  /** The weight storage type (the first layer's). */
  get dtype(): DType {
    return this.layers[0]?.dtype ?? 'float32';
  }

  /** Every variable, layer by layer, in creation order. */
  get variables(): Variable[] {
    return this.layers.flatMap((l) => [...l.variables]);
  }

  get trainableVariables(): Variable[] {
    return this.layers.flatMap((l) => [...l.trainableVariables]);
  }

  /** Configures training. */
  compile(options: CompileOptions): void {
    checkObject(`${this.name}.compile`, 'options', options);
    checkOptions(`${this.name}.compile`, options, COMPILE_OPTIONS);
    if (options.loss === undefined) throw new Error(`${this.name}.compile: a loss is required`);
    if (options.metrics !== undefined) checkArray(`${this.name}.compile`, 'metrics', options.metrics);
    this.traces = undefined;
    this.compiled = {
      optimizer: getOptimizer(options.optimizer ?? 'rmsprop'),
      loss: getLoss(options.loss) as { name: string; fn: LossFn },
      metrics: (options.metrics ?? []).map((m) => getMetric(m) as { name: string; fn: MetricFn }),
    };
  }

  /** The optimizer given to compile. */
  get optimizer(): Optimizer {
    return this.requireCompiled('optimizer').optimizer;
  }

  /** The optimizer, loss and metrics given to compile (undefined before), as model files keep them. */
  get compileSettings(): CompileSettings | undefined {
    return this.compiled;
  }

  /**
   * The model as ditto model file bytes (docs/file-format.md): config, weights in the safetensors
   * layout, compile settings and (compiled models) the training state, with SHA-256 checksums.
   * Works in every runtime; `loadModel(bytes)` reads it back bit for bit.
   *
   * @example
   * ```ts
   * const copy = await loadModel(model.toBytes());
   * copy.weightsHash() === model.weightsHash(); // true
   * ```
   */
  toBytes(options: ModelFileOptions = {}): Uint8Array {
    return modelToBytes(this, options);
  }

  /**
   * Writes {@link toBytes} to a file, atomically (Node: import from 'ditto-node', which registers
   * the file system).
   *
   * @example
   * ```ts
   * await model.save('model.safetensors');
   * const again = await loadModel('model.safetensors');
   * ```
   */
  async save(path: string, options: ModelFileOptions = {}): Promise<void> {
    if (typeof path !== 'string' || path.length === 0) {
      throw new TypeError(`${this.name}.save: path must be a non-empty string, got ${describe(path)}`);
    }
    const fileSystem = modelFileSystem(`${this.name}.save`);
    await fileSystem.write(path, this.toBytes(options));
  }

  private requireCompiled(what: string) {
    if (!this.compiled) throw new Error(`${this.name}: call compile() before ${what}`);
    return this.compiled;
  }

  private ensureBuilt(sampleShape: readonly number[], what: string): void {
    if (this.layers.length === 0) throw new Error(`${this.name}: the model has no layers (${what})`);
    if (!this.modelInputShape) {
      this.build(sampleShape);
      return;
    }
    if (!sameDims(this.modelInputShape, sampleShape)) {
      throw new ShapeError(
        `${this.name}.${what}: the model expects samples of shape ${formatShape(this.modelInputShape)}, ` +
          `got ${formatShape(sampleShape)} (first layer '${this.layers[0].name}')`,
      );
    }
    if (!this.built) this.buildLayers(this.modelInputShape);
  }

  /** The forward pass on a batch. */
  call(x: Tensor, training = false): Tensor {
    let h = x;
    // Masks (Embedding's maskZero) travel along to the layers that use them (layers/masking.ts).
    let mask: Tensor | null = null;
    for (const layer of this.layers) {
      const options: CallOptions = { training, mask };
      const next = layer.call(h, options);
      mask = outputMask(layer, h, mask);
      h = next;
    }
    return h;
  }

  /**
   * Trains the model. Returns the History of per-epoch losses and metrics.
   *
   * Reproducibility: the shuffle of epoch e is `permutation(foldIn(fitKey, e), n)` where fitKey is
   * `key(seed)` for an explicit seed, else the next global key.
   */
  async fit(x: InputData, y: InputData, options: FitOptions = {}): Promise<History> {
    checkFitOptionTypes(options);
    const compiled = this.requireCompiled('fit');
    const epochs = options.epochs ?? 1;
    const initialEpoch = options.initialEpoch ?? 0;
    checkPositiveInteger('fit', 'epochs', epochs);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
      throw new RangeError(`fit: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
    }
    const verbose = options.verbose ?? 1;
    if (![0, 1, 2].includes(verbose)) throw new RangeError(`fit: verbose must be 0, 1 or 2, got ${verbose}`);

    let xs = toSamples(x, 'fit: x', this.dtype);
    let ys = toSamples(y, 'fit: y', this.dtype);
    if (xs.shape[0] !== ys.shape[0]) {
      throw new ShapeError(`fit: x has ${xs.shape[0]} samples but y has ${ys.shape[0]}`);
    }
    this.ensureBuilt(xs.shape.slice(1), 'fit');

    let validation: [Tensor, Tensor] | null = null;
    if (options.validationData) {
      const [vx, vy] = options.validationData;
      validation = [
        toSamples(vx, 'fit: validationData x', this.dtype),
        toSamples(vy, 'fit: validationData y', this.dtype),
      ];
      if (validation[0].shape[0] !== validation[1].shape[0]) {
        throw new ShapeError(
          `fit: validationData x has ${validation[0].shape[0]} samples but y has ${validation[1].shape[0]}`,
        );
      }
    } else if (options.validationSplit !== undefined && options.validationSplit !== 0) {
      const split = options.validationSplit;
      if (!(split > 0 && split < 1))
        throw new RangeError(`fit: validationSplit must be in (0, 1), got ${split}`);
      // Keras: the last fraction of the samples, before any shuffling.
      const at = Math.floor(xs.shape[0] * (1 - split));
      if (at < 1 || at >= xs.shape[0]) {
        throw new RangeError(
          `fit: validationSplit ${split} of ${xs.shape[0]} samples leaves an empty training or validation set`,
        );
      }
      validation = [rowRange(xs, at, xs.shape[0]), rowRange(ys, at, ys.shape[0])];
      xs = rowRange(xs, 0, at);
      ys = rowRange(ys, 0, at);
    }

    const n = xs.shape[0];
    const batchSize = options.batchSize ?? 32;
    checkPositiveInteger('fit', 'batchSize', batchSize);
    const steps = Math.ceil(n / batchSize);
    const shuffle = options.shuffle ?? true;
    const resume = this.resume;
    this.resume = undefined;
    const fitKey: Key = resume ? resume.fitKey : options.seed !== undefined ? key(options.seed) : nextKey('order');
    const firstEpoch = resume && options.initialEpoch === undefined ? resume.epoch : initialEpoch;
    this.position = { fitKey, epoch: firstEpoch, step: this.position.step };

    const history = new History();
    history.params = { epochs, batchSize, samples: n, steps, shuffle, verbose };
    const callbacks: Callback[] = [...Sequential.auditCallbacks, ...(options.callbacks ?? [])]; // audit hook
    if (verbose > 0) callbacks.push(new ProgressLogger(verbose as 1 | 2, epochs, steps));
    for (const cb of callbacks) cb.setModel?.(this);

    this.stopTraining = false;
    await runHooks(callbacks, (cb) => cb.onTrainBegin?.({}));
    const identity = Int32Array.from({ length: n }, (_, i) => i);
    // Every step runs through the engine: traced on its first two runs per batch shape, replayed
    // afterwards (src/engine); batches are gathered into arrays reused by every step.
    const xRows = new BatchRows(xs);
    const yRows = new BatchRows(ys);
    const traces = this.traceCache();
    const trainable = this.trainableVariables;
    const trainableKey = trainable.map((v) => v.name).join(',');
    const outputShape = this.outputShape();
    const stepKeys = new Map<number, string>();
    // Without callbacks there is nothing to await: a microtask per hook would cost more than a
    // small model's step.
    const hooks = callbacks.length > 0;
    for (let epoch = firstEpoch; epoch < epochs && !this.stopTraining; epoch++) {
      if (hooks) await runHooks(callbacks, (cb) => cb.onEpochBegin?.(epoch, {}));
      const order = shuffle ? permutation(foldIn(fitKey, epoch), n) : identity;
      const lossMean = new MeanAccumulator();
      const metricMeans = compiled.metrics.map((m) => epochMetric(m));
      for (let step = 0; step < steps && !this.stopTraining; step++) {
        if (hooks) await runHooks(callbacks, (cb) => cb.onBatchBegin?.(step, {}));
        const start = step * batchSize;
        const end = Math.min(n, start + batchSize);
        let stepKey = stepKeys.get(end - start);
        if (stepKey === undefined) {
          const rows = end - start;
          stepKey = `fit:${[rows, ...xs.shape.slice(1)]}:${[rows, ...ys.shape.slice(1)]}:${xs.dtype}:${trainableKey}`;
          stepKeys.set(end - start, stepKey);
        }
        // A replayed step's batch is gathered straight into its input slots.
        const slots = traces.replayInputs(stepKey);
        const xb = xRows.gather(order, start, end, slots?.[0] as FloatArray | undefined);
        const yb = yRows.gather(order, start, end, slots?.[1] as FloatArray | undefined);
        const [lossBuffer, predictions] = traces.run('fit', stepKey, [xb.data, yb.data], () =>
          this.trainStep(xb, yb, trainable),
        );
        this.position.step++;
        const loss = lossBuffer[0];
        lossMean.updateWeighted(loss, end - start);
        if (compiled.metrics.length > 0) {
          const yPred = new TensorClass(predictions as FloatArray, [end - start, ...outputShape]);
          for (const metric of metricMeans) metric.update(yb, yPred);
        }
        if (hooks) {
          const batchLogs: Logs = { loss: lossMean.result() };
          compiled.metrics.forEach((m, i) => {
            batchLogs[m.name] = metricMeans[i].result();
          });
          await runHooks(callbacks, (cb) => cb.onBatchEnd?.(step, batchLogs));
        }
      }
      const logs: Logs = { loss: lossMean.result() };
      compiled.metrics.forEach((m, i) => {
        logs[m.name] = metricMeans[i].result();
      });
      if (validation) {
        const v = this.evaluateSamples(validation[0], validation[1], batchSize);
        for (const [name, value] of Object.entries(v)) logs[`val_${name}`] = value;
      }
      this.position.epoch = epoch + 1;
      if (hooks) await runHooks(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs));
      // After the callbacks, as Keras's History (the last callback): it keeps what they add (learning_rate).
      history.record(epoch, logs);
    }
    await runHooks(callbacks, (cb) => cb.onTrainEnd?.({}));
    return history;
  }

  /**
   * One gradient step on a batch, op by op (the engine traces it, then replays it): forward, the
   * mean loss plus penalties, backward, the optimizer's update. Returns the loss's and the
   * predictions' buffers.
   */
  private trainStep(xb: Tensor, yb: Tensor, trainable: readonly Variable[]): readonly Buffer[] {
    const compiled = this.requireCompiled('fit');
    const yPred = this.call(xb, true);
    let loss = ops.mean(compiled.loss.fn(yb, yPred));
    for (const layer of this.layers)
      for (const penalty of layer.regularizationLosses()) loss = ops.add(loss, penalty);
    for (const v of trainable) v.value.grad = null;
    backward(loss);
    // A variable the loss does not depend on gets a zero gradient, as in Keras.
    const grads = trainable.map((v) => v.value.grad?.data ?? allocate(v.dtype, v.value.size));
    for (const v of trainable) v.value.grad = null;
    if (trainable.length > 0) applyGradientsPrimitive(compiled.optimizer, trainable, grads);
    return [loss.data, yPred.data];
  }

  /** The output sample shape of the built model. */
  private outputShape(): number[] {
    let shape: readonly number[] = this.modelInputShape ?? [];
    for (const layer of this.layers) shape = layer.computeOutputShape(shape);
    return [...shape];
  }

  /** The model's traced steps (created on first use). */
  private traceCache(): TraceCache {
    if (!this.traces) {
      this.traces = new TraceCache(this.name, () => new Set(this.variables.map((v) => v.value.data)));
      const opaque = this.layers.map(untraceableLayer).find((layer) => layer !== undefined);
      if (opaque) {
        this.traces.markUntraceable(
          `layer '${opaque.name}' (${opaque.constructor.name}) does not declare itself traceable ` +
            '(static readonly traceable = true: its call uses ops only, the same way at every step)',
        );
      }
    }
    return this.traces;
  }

  /**
   * Everything training carries between steps besides the weights, as one plain object: the
   * optimizer's step count and slots, each random consumer's key and counter (Dropout layers), the
   * fit's shuffling key, the next epoch and the steps taken. Save it with the weights; restore both
   * into a model of the same architecture and the next `fit` continues where this one stopped,
   * with the same bits as an uninterrupted run.
   *
   * @example
   * ```ts
   * await model.fit(x, y, { epochs: 4 });
   * const saved = { weights: model.getWeights(), state: model.getTrainingState() };
   * // … later, in a fresh model of the same architecture, compiled the same way:
   * fresh.setWeights(saved.weights);
   * fresh.setTrainingState(saved.state);
   * await fresh.fit(x, y, { epochs: 10 }); // epochs 4 … 9, as if never interrupted
   * ```
   */
  getTrainingState(): TrainingState {
    const compiled = this.requireCompiled('getTrainingState');
    if (!this.built) throw new Error(`${this.name}: getTrainingState() needs a built model`);
    return readTrainingState(this.layers, this.variables, compiled.optimizer, this.position);
  }

  /** Restores a state from {@link getTrainingState} (checked against this model first). */
  setTrainingState(state: TrainingState): void {
    const compiled = this.requireCompiled('setTrainingState');
    if (!this.built) throw new Error(`${this.name}: setTrainingState() needs a built model`);
    const position = writeTrainingState(this.name, state, this.layers, this.variables, compiled.optimizer);
    this.position = { fitKey: position.fitKey, epoch: position.epoch, step: position.step };
    this.resume = position.fitKey ? { fitKey: position.fitKey, epoch: position.epoch } : undefined;
    this.traces = undefined;
  }

  /**
   * Predictions for the samples of x, computed in batches (rows are independent, so the batch size
   * never changes the bits).
   */
  predict(x: InputData, options: EvaluateOptions = {}): Tensor {
    checkOptions('predict', options, EVALUATE_OPTIONS);
    if (this.layers.length === 0 || (!this.built && !this.modelInputShape)) {
      throw new Error(
        `${this.name}: predict() needs a built model: give the first layer inputDim/inputShape, or fit first`,
      );
    }
    const xs = toSamples(x, 'predict: x', this.dtype);
    this.ensureBuilt(xs.shape.slice(1), 'predict');
    const batchSize = options.batchSize ?? 32;
    checkPositiveInteger('predict', 'batchSize', batchSize);
    const n = xs.shape[0];
    const outputShape = this.outputShape();
    const width = outputShape.reduce((a, b) => a * b, 1);
    const out = allocate(xs.dtype, n * width);
    const traces = this.traceCache();
    for (let start = 0; start < n; start += batchSize) {
      const xb = rowRange(xs, start, Math.min(n, start + batchSize));
      const [y] = traces.run('predict', `predict:${xb.shape}:${xb.dtype}`, [xb.data], () =>
        noGrad(() => [this.call(xb, false).data]),
      );
      out.set(y as FloatArray, start * width);
    }
    return new TensorClass(out, [n, ...outputShape]);
  }

  /** The loss and metrics on data, batch by batch, averaged as in fit. */
  evaluate(x: InputData, y: InputData, options: EvaluateOptions = {}): Logs {
    checkOptions('evaluate', options, EVALUATE_OPTIONS);
    this.requireCompiled('evaluate');
    const xs = toSamples(x, 'evaluate: x', this.dtype);
    const ys = toSamples(y, 'evaluate: y', this.dtype);
    if (xs.shape[0] !== ys.shape[0])
      throw new ShapeError(`evaluate: x has ${xs.shape[0]} samples but y has ${ys.shape[0]}`);
    this.ensureBuilt(xs.shape.slice(1), 'evaluate');
    const batchSize = options.batchSize ?? 32;
    checkPositiveInteger('evaluate', 'batchSize', batchSize);
    return this.evaluateSamples(xs, ys, batchSize);
  }

  private evaluateSamples(xs: Tensor, ys: Tensor, batchSize: number): Logs {
    const compiled = this.requireCompiled('evaluate');
    return noGrad(() => {
      const lossMean = new MeanAccumulator();
      const metricMeans = compiled.metrics.map((m) => epochMetric(m));
      const n = xs.shape[0];
      const traces = this.traceCache();
      const outputShape = this.outputShape();
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const xb = rowRange(xs, start, end);
        const yb = rowRange(ys, start, end);
        // Traced and replayed like fit's steps (the loss and penalties too); metrics read the
        // predictions afterwards, as in fit.
        const stepKey = `evaluate:${xb.shape}:${yb.shape}:${xb.dtype}`;
        const [lossBuffer, predictions] = traces.run('evaluate', stepKey, [xb.data, yb.data], () => {
          const yPred = this.call(xb, false);
          let loss = ops.mean(compiled.loss.fn(yb, yPred));
          for (const layer of this.layers)
            for (const penalty of layer.regularizationLosses()) loss = ops.add(loss, penalty);
          return [loss.data, yPred.data];
        });
        lossMean.updateWeighted(lossBuffer[0], end - start);
        if (compiled.metrics.length > 0) {
          const yPred = new TensorClass(predictions as FloatArray, [end - start, ...outputShape]);
          for (const metric of metricMeans) metric.update(yb, yPred);
        }
      }
      const logs: Logs = { loss: lossMean.result() };
      compiled.metrics.forEach((m, i) => {
        logs[m.name] = metricMeans[i].result();
      });
      return logs;
    });
  }

  /** Copies of every weight array, layer by layer (Keras's get_weights). */
  getWeights(): Array<Float32Array | Float64Array> {
    return this.variables.map((v) => v.value.data.slice());
  }

  /** Replaces every weight array; sizes must match getWeights(). */
  setWeights(weights: ReadonlyArray<ArrayLike<number>>): void {
    const vars = this.variables;
    checkArray(`${this.name}.setWeights`, 'weights', weights);
    weights.forEach((w: unknown, i) => {
      const isArrayLike =
        typeof w === 'object' && w !== null && typeof (w as ArrayLike<number>).length === 'number';
      if (!isArrayLike) {
        throw new TypeError(
          `${this.name}.setWeights: weights[${i}] must be an array or typed array of numbers, got ${describe(w)}`,
        );
      }
    });
    if (weights.length !== vars.length) {
      throw new RangeError(`${this.name}.setWeights: expected ${vars.length} arrays, got ${weights.length}`);
    }
    vars.forEach((v, i) => {
      if (weights[i].length !== v.value.size) {
        throw new RangeError(
          `${this.name}.setWeights: '${v.name}' has ${v.value.size} values (shape ${formatShape(v.shape)}), got ${weights[i].length}`,
        );
      }
    });
    vars.forEach((v, i) => {
      v.assign(weights[i]);
    });
  }

  /**
   * SHA-256 over the canonical little-endian bytes of every parameter in layer order: the fingerprint
   * ditto uses to state that two trainings produced the same bits.
   */
  weightsHash(): string {
    if (!this.built) throw new Error(`${this.name}: weightsHash() needs a built model`);
    return hashArrays(this.variables.map((v) => v.value.data));
  }

  /** Number of scalar parameters. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * A Keras-like table of layers, output shapes and parameter counts. Printed with `print`
   * (console.log by default) and returned.
   */
  summary(print: ((line: string) => void) | null = console.log): string {
    if (print !== null && typeof print !== 'function') {
      throw new TypeError(`${this.name}.summary: print must be a function or null, got ${describe(print)}`);
    }
    if (!this.built)
      throw new Error(
        `${this.name}: summary() needs a built model: give the first layer inputDim/inputShape`,
      );
    const text = formatSummary(this);
    if (print) print(text);
    return text;
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

async function runHooks(
  callbacks: readonly Callback[],
  hook: (cb: Callback) => void | Promise<void>,
): Promise<void> {
  for (const cb of callbacks) {
    const result = hook(cb);
    // Await only real promises: a microtask per hook per batch would cost more than a small model's step.
    if (result instanceof Promise) await result;
  }
}
