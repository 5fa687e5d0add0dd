/**
 * `Model`: Keras's functional model, and the one training engine every model runs on. compile /
 * fit / evaluate / predict / trainOnBatch / testOnBatch / predictOnBatch, the weights and the
 * training state live here; a model only says how its layers are connected (`forward`). A
 * functional model is a graph of nodes from `Input`s (models/graph.ts); `Sequential` is the
 * linear case and overrides only how it is built and run.
 */
import type { Callback, Logs } from '../callbacks/callback.js';
import { ProgressLogger } from '../callbacks/progress-logger.js';
import type { Buffer } from '../engine/primitive.js';
import { TraceCache } from '../engine/trace-cache.js';
import type { Description } from '../engine/twin.js';
import { hashArrays } from '../hash/fingerprint.js';
import type { CompileSettings } from '../io/compile-config.js';
import { modelToBytes } from '../io/encode.js';
import { modelFileSystem } from '../io/file-system.js';
import type { ModelFileOptions } from '../io/format.js';
import { type Layer, untraceableLayer } from '../layers/layer.js';
import type { Variable } from '../layers/variable.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { applyGradientsPrimitive } from '../optimizers/update-primitive.js';
import { foldIn, type Key, key, nextKey, permutation, type Seed } from '../random/index.js';
import { backward, noGrad } from '../tensor/autograd.js';
import type { DType } from '../tensor/dtype.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import * as ops from '../tensor/ops/index.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import { scalar, Tensor } from '../tensor/tensor.js';
import {
  checkArray,
  checkBoolean,
  checkNonEmptyString,
  checkObject,
  checkOptions,
  checkPositiveInteger,
  checkSeed,
  describe,
  optionNames,
} from '../validate/index.js';
import {
  type ClassWeight,
  classWeightsToSampleWeights,
  type ModelData,
  toSampleWeights,
  toTensors,
} from './batch-data.js';
import { type CompiledOutput, compileOutputs, type OutputSettings } from './compile-outputs.js';
import { FitBatches, type StepBatch } from './fit-batches.js';
import { withGradientsFor } from './gradient-scope.js';
import { buildGraph, type Graph, runGraph } from './graph.js';
import { History } from './history.js';
import { type InputData, rowRange } from './inputs.js';
import { PassLogs } from './pass-logs.js';
import { type Describer, describeWith } from './replay-description.js';
import { formatGraphSummary } from './summary.js';
import { readTrainingState, type TrainingState, writeTrainingState } from './training-state.js';

export interface CompileOptions extends OutputSettings {
  /** An optimizer instance or name (default 'rmsprop', as Keras). */
  optimizer?: string | Optimizer;
}

export interface FitOptions {
  /** Passes over the training data (default 1). */
  epochs?: number;
  /** Samples per gradient step (default 32). Arrays only: a batch source yields its own batches. */
  batchSize?: number;
  /** Shuffle the training samples every epoch, keyed per epoch (default true). Arrays only. */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. Arrays only. */
  validationSplit?: number;
  /** Explicit validation data [x, y] or [x, y, sampleWeight] (takes precedence over validationSplit). */
  validationData?: readonly [ModelData, ModelData] | readonly [ModelData, ModelData, InputData];
  /** 0 silent, 1 a progress bar per epoch, 2 one line per epoch (default 1). */
  verbose?: 0 | 1 | 2;
  callbacks?: readonly Callback[];
  /** Overrides the global seed for this fit's shuffling. */
  seed?: Seed;
  /** Epoch to start counting from (for resumed training; default 0). */
  initialEpoch?: number;
  /** One weight per training sample (Keras's sample_weight): the loss is Σ w·loss / batch size. */
  sampleWeight?: InputData;
  /** A weight per class index (Keras's class_weight), turned into sample weights; one output only. */
  classWeight?: ClassWeight;
  /** A batch source only: batches per epoch (default: until the source's iterator ends). */
  stepsPerEpoch?: number;
}

export interface EvaluateOptions {
  /** Samples per batch (default 32). */
  batchSize?: number;
  /** One weight per sample (evaluate only). */
  sampleWeight?: InputData;
  /** A weight per class index (evaluate only). */
  classWeight?: ClassWeight;
}

export interface BatchOptions {
  /** One weight per sample of the batch. */
  sampleWeight?: InputData;
  /** A weight per class index. */
  classWeight?: ClassWeight;
  /** Return the logs as an object by name instead of Keras's list (default false). */
  returnDict?: boolean;
}

/** One batch from a batch source: `[x, y]` or `[x, y, sampleWeight]`. */
export type Batch = readonly [ModelData, ModelData] | readonly [ModelData, ModelData, InputData];

/** A source of training batches for `fit(source, options)`: an iterable or async iterable. */
export type BatchSource = Iterable<Batch> | AsyncIterable<Batch>;

export interface ModelConfig {
  /** The model's Input tensors (one or a list). */
  inputs: unknown;
  /** Symbolic tensors computed from the inputs (one or a list). */
  outputs: unknown;
  name?: string;
}

const COMPILE_OPTIONS = optionNames<CompileOptions>({
  optimizer: true,
  loss: true,
  lossWeights: true,
  metrics: true,
});
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
  sampleWeight: true,
  classWeight: true,
  stepsPerEpoch: true,
});
const EVALUATE_OPTIONS = optionNames<EvaluateOptions>({
  batchSize: true,
  sampleWeight: true,
  classWeight: true,
});
const PREDICT_OPTIONS = ['batchSize'] as const;
const BATCH_OPTIONS = optionNames<BatchOptions>({ sampleWeight: true, classWeight: true, returnDict: true });
const MODEL_OPTIONS = optionNames<ModelConfig>({ inputs: true, outputs: true, name: true });

/** Passed by Sequential to the constructor: a linear stack, built from its layers, not from a graph. */
export const LINEAR_STACK: unique symbol = Symbol('linear stack');

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
    if (!Array.isArray(data) || (data.length !== 2 && data.length !== 3)) {
      throw new TypeError(`fit: validationData must be an array [x, y], got ${describe(data)}`);
    }
  }
  if (options.validationSplit !== undefined && typeof options.validationSplit !== 'number') {
    throw new TypeError(
      `fit: validationSplit must be a number in (0, 1), got ${describe(options.validationSplit)}`,
    );
  }
}

/** A batch source rather than arrays: iterable, but not an array, typed array or tensor. */
function isBatchSource(x: unknown): x is BatchSource {
  if (
    typeof x !== 'object' ||
    x === null ||
    Array.isArray(x) ||
    ArrayBuffer.isView(x) ||
    x instanceof Tensor
  ) {
    return false;
  }
  return Symbol.asyncIterator in x || Symbol.iterator in x;
}

/**
 * A model: a graph of layers from `Input`s to outputs (Keras's functional API), trained with
 * compile / fit / evaluate / predict. Several inputs and outputs, shared layers (one layer applied
 * twice shares its weights), per-output losses, loss weights and metrics.
 *
 * @example
 * ```ts
 * import { Concatenate, Dense, Input, Model, setSeed } from 'ditto';
 * setSeed(1);
 * const a = Input({ shape: [4], name: 'a' });
 * const b = Input({ shape: [2], name: 'b' });
 * const h = new Dense(8, { activation: 'relu' }).apply(new Concatenate().apply([a, b]));
 * const model = new Model({ inputs: [a, b], outputs: new Dense(1, { name: 'score' }).apply(h) });
 * model.compile({ optimizer: 'adam', loss: 'mse' });
 * await model.fit({ a: xa, b: xb }, y, { epochs: 10, verbose: 0 });
 * model.predict([xa, xb]);
 * ```
 */
export class Model {
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
  private compiled: { optimizer: Optimizer; outputs: CompiledOutput[] } | undefined;
  /** The functional graph (undefined for Sequential). */
  private readonly graph: Graph | undefined;
  /** The traced steps of this model (engine/trace-cache.ts), rebuilt when layers or compile change. */
  protected traces: TraceCache | undefined;
  /** Where training stands: the fit key, the next epoch and the steps taken (see getTrainingState). */
  private position: { fitKey: Key | undefined; epoch: number; step: number } = {
    fitKey: undefined,
    epoch: 0,
    step: 0,
  };
  /** Set by setTrainingState: the next fit continues from here. */
  private resume: { fitKey: Key; epoch: number } | undefined;

  constructor(config: ModelConfig);
  /** @internal Sequential's constructor. */
  constructor(config: typeof LINEAR_STACK, name: string);
  constructor(config: ModelConfig | typeof LINEAR_STACK, name?: string) {
    if (config === LINEAR_STACK) {
      this.name = name as string;
      this.graph = undefined;
      return;
    }
    checkObject('Model', 'config', config);
    checkOptions('Model', config, MODEL_OPTIONS);
    if (config.name !== undefined) checkNonEmptyString('Model', 'name', config.name);
    this.name = config.name ?? 'functional';
    this.graph = buildGraph(this.name, config.inputs, config.outputs);
    this.layers.push(...this.graph.layers);
  }

  // ——— what a model says about itself (Sequential overrides these) ———

  /** The names of the inputs: the keys of named input data. */
  get inputNames(): readonly string[] {
    return (this.graph as Graph).inputs.map((i) => i.name);
  }

  /** The names of the outputs (their layers'): the keys of named targets, losses and metrics. */
  get outputNames(): readonly string[] {
    return (this.graph as Graph).outputs.map((o) => o.name);
  }

  /**
   * The functional graph — its Inputs, its layer nodes in run order, its outputs — for tools that
   * read a model's structure (ditto-node's ONNX export); undefined for Sequential.
   */
  get functionalGraph(): Graph | undefined {
    return this.graph;
  }

  /** The dtype each input's data is read as. */
  protected get inputDTypes(): readonly DType[] {
    return (this.graph as Graph).inputs.map((i) => i.dtype);
  }

  /** The sample shape of each output of the built model. */
  protected outputShapes(): number[][] {
    return (this.graph as Graph).outputs.map((o) => [...o.shape]);
  }

  /** Checks (and for Sequential, builds for) input batches of these sample shapes. */
  protected prepare(sampleShapes: readonly (readonly number[])[], what: string): void {
    const graph = this.graph as Graph;
    sampleShapes.forEach((shape, i) => {
      const expected = graph.inputs[i].shape;
      if (shape.length !== expected.length || shape.some((d, j) => d !== expected[j])) {
        throw new ShapeError(
          `${this.name}.${what}: input '${graph.inputs[i].name}' expects samples of shape ${formatShape(expected)}, got ${formatShape(shape)}`,
        );
      }
    });
  }

  /** The forward pass on input batches: one batch per output. */
  protected forward(inputs: readonly Tensor[], training: boolean): Tensor[] {
    return runGraph(this.graph as Graph, inputs, training);
  }

  /** Whether every layer has its weights. */
  get built(): boolean {
    return this.layers.length > 0 && this.layers.every((l) => l.built);
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

  // ——— compile ———

  /** Configures training. */
  compile(options: CompileOptions): void {
    const where = `${this.name}.compile`;
    checkObject(where, 'options', options);
    checkOptions(where, options, COMPILE_OPTIONS);
    if (options.loss === undefined) throw new Error(`${where}: a loss is required`);
    this.traces = undefined;
    this.compiled = {
      optimizer: getOptimizer(options.optimizer ?? 'rmsprop'),
      outputs: compileOutputs(where, this.outputNames, options),
    };
  }

  /** The optimizer given to compile. */
  get optimizer(): Optimizer {
    return this.requireCompiled('optimizer').optimizer;
  }

  /** Each output's compiled loss, loss weight and metrics (empty before compile). */
  get compiledOutputs(): readonly CompiledOutput[] {
    return this.compiled?.outputs ?? [];
  }

  /**
   * The optimizer, loss and metrics given to compile (undefined before), as model files keep them:
   * a model of one output without a loss weight.
   */
  get compileSettings(): CompileSettings | undefined {
    const compiled = this.compiled;
    if (compiled === undefined || compiled.outputs.length !== 1 || compiled.outputs[0].weight !== undefined)
      return undefined;
    return {
      optimizer: compiled.optimizer,
      loss: compiled.outputs[0].loss,
      metrics: compiled.outputs[0].metrics,
    };
  }

  private requireCompiled(what: string) {
    if (!this.compiled) throw new Error(`${this.name}: call compile() before ${what}`);
    return this.compiled;
  }

  // ——— model files ———

  /**
   * The model as ditto model file bytes (docs/file-format.md): config (a functional model's graph
   * too), weights in the safetensors layout, compile settings and (compiled models) the training
   * state, with SHA-256 checksums. Works in every runtime; `loadModel(bytes)` reads it back bit for bit.
   *
   * @example
   * ```ts
   * const copy = await loadModel<Model>(model.toBytes());
   * copy.weightsHash() === model.weightsHash(); // true
   * ```
   */
  toBytes(options: ModelFileOptions = {}): Uint8Array {
    // The encoder imports no model class at load time (the reader, decode.ts, imports Sequential;
    // functional-config.ts uses Model only when called), so importing it here makes no cycle.
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

  // ——— data ———

  private inputTensors(x: unknown, what: string): Tensor[] {
    const xs = toTensors(x, what, this.inputNames, this.inputDTypes);
    this.prepare(
      xs.map((t) => t.shape.slice(1)),
      what.split(':')[0],
    );
    return xs;
  }

  private targetTensors(y: unknown, what: string): Tensor[] {
    const names = this.outputNames;
    return toTensors(
      y,
      what,
      names,
      names.map(() => this.dtype),
    );
  }

  /** The sample weights of a pass (from sampleWeight or classWeight), or undefined. */
  private sampleWeights(
    where: string,
    ys: readonly Tensor[],
    sampleWeight: InputData | undefined,
    classWeight: ClassWeight | undefined,
  ): Tensor | undefined {
    if (sampleWeight !== undefined && classWeight !== undefined) {
      throw new Error(`${where}: give sampleWeight or classWeight, not both (as Keras)`);
    }
    if (sampleWeight !== undefined)
      return toSampleWeights(sampleWeight, `${where}: sampleWeight`, ys[0].shape[0], this.dtype);
    if (classWeight !== undefined) {
      checkObject(where, 'classWeight', classWeight);
      if (ys.length !== 1)
        throw new Error(`${where}: classWeight needs a model with a single output (as Keras)`);
      return classWeightsToSampleWeights(ys[0], classWeight, `${where}: classWeight`);
    }
    return undefined;
  }

  private checkSameSamples(where: string, xs: readonly Tensor[], ys: readonly Tensor[]): void {
    if (xs[0].shape[0] !== ys[0].shape[0]) {
      throw new ShapeError(`${where}: x has ${xs[0].shape[0]} samples but y has ${ys[0].shape[0]}`);
    }
  }

  // ——— the step: traced on its first runs, replayed afterwards (engine/trace-cache.ts) ———

  /** The model's traced steps (created on first use). */
  protected traceCache(): TraceCache {
    if (!this.traces) {
      this.traces = new TraceCache(
        this.name,
        () => new Set(this.variables.map((v) => v.value.data)),
        () => this.replayDescription(),
      );
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
   * What the model's steps depend on, for programs kept across models (engine/twin.ts): the
   * architecture (only a model that describes it: Sequential), the optimizer's class and name and
   * each output's loss function and weight. Metrics are computed outside the step.
   */
  private replayDescription(): Description | undefined {
    const compiled = this.compiled;
    if (compiled === undefined) return undefined;
    return describeWith((d) => {
      this.describeArchitecture(d);
      d.token('|optimizer');
      d.object(compiled.optimizer);
      d.value(compiled.optimizer.name);
      for (const output of compiled.outputs) {
        d.token('|output');
        d.identity(output.loss.fn);
        d.value(output.weight);
      }
    });
  }

  /**
   * Appends the model's architecture to its description; a model that cannot describe it (a
   * functional graph, not described yet) calls `d.undescribed()`.
   */
  protected describeArchitecture(d: Describer): void {
    d.undescribed();
  }

  /** The key of a step over batches of these shapes. */
  private stepKey(kind: string, batch: StepBatch, rows: number, suffix = ''): string {
    const shapes = (ts: readonly Tensor[]) => ts.map((t) => [rows, ...t.shape.slice(1)].join(',')).join(';');
    return `${kind}:${shapes(batch.xs)}:${shapes(batch.ys)}${batch.weights ? ':weighted' : ''}:${batch.xs[0].dtype}${suffix}`;
  }

  private stepInputs(batch: StepBatch): Buffer[] {
    const buffers = [...batch.xs.map((t) => t.data), ...batch.ys.map((t) => t.data)];
    if (batch.weights) buffers.push(batch.weights.data);
    return buffers;
  }

  /**
   * The losses of a batch, as ops: each output's mean loss — Σ w·loss / batch size with sample
   * weights, as Keras 3's "sum_over_batch_size" — times its loss weight, summed in output order,
   * plus the layers' penalties.
   */
  private lossesOf(batch: StepBatch, predictions: readonly Tensor[]): { total: Tensor; perOutput: Tensor[] } {
    const compiled = this.requireCompiled('fit');
    const perOutput = compiled.outputs.map((o, k) => {
      const values = o.loss.fn(batch.ys[k], predictions[k]);
      if (!batch.weights) return ops.mean(values);
      const w = batch.weights;
      const shaped =
        values.rank === 1 ? w : ops.reshape(w, [w.shape[0], ...values.shape.slice(1).map(() => 1)]);
      return ops.mean(ops.mul(values, shaped));
    });
    const weighted = (loss: Tensor, k: number) => {
      const w = compiled.outputs[k].weight;
      return w === undefined ? loss : ops.mul(loss, scalar(w, loss.dtype));
    };
    let total = weighted(perOutput[0], 0);
    for (let k = 1; k < perOutput.length; k++) total = ops.add(total, weighted(perOutput[k], k));
    for (const layer of this.layers)
      for (const penalty of layer.regularizationLosses()) total = ops.add(total, penalty);
    return { total, perOutput };
  }

  /** The buffers a step returns: the total loss, each output's loss when several, each prediction. */
  private stepResults(
    losses: { total: Tensor; perOutput: Tensor[] },
    predictions: readonly Tensor[],
  ): Buffer[] {
    const perOutput = losses.perOutput.length > 1 ? losses.perOutput.map((l) => l.data) : [];
    return [losses.total.data, ...perOutput, ...predictions.map((p) => p.data)];
  }

  /**
   * One gradient step on a batch, op by op (the engine traces it, then replays it): forward, the
   * losses, backward, the optimizer's update.
   */
  /**
   * What a training step depends on besides shapes and the description: which variables train, and
   * which layers are frozen (a frozen layer may compute differently — BatchNormalization then uses
   * its moving statistics — even when it has no trainable variable to tell).
   */
  private trainableKey(trainable: readonly Variable[]): string {
    const frozen = this.layers.filter((l) => !l.trainable).map((l) => l.name);
    return `:${trainable.map((v) => v.name).join(',')}|${frozen.join(',')}`;
  }

  private trainStep(batch: StepBatch, trainable: readonly Variable[]): readonly Buffer[] {
    const compiled = this.requireCompiled('fit');
    const { predictions, losses, grads } = withGradientsFor(this.variables, trainable, () => {
      const predictions = this.forward(batch.xs, true);
      const losses = this.lossesOf(batch, predictions);
      for (const v of trainable) v.value.grad = null;
      // With every variable frozen (or none reaching the loss) there is nothing to differentiate.
      if (losses.total.requiresGrad) backward(losses.total);
      // A variable the loss does not depend on gets a zero gradient, as in Keras.
      const grads = trainable.map((v) => v.value.grad?.data ?? allocate(v.dtype, v.value.size));
      for (const v of trainable) v.value.grad = null;
      return { predictions, losses, grads };
    });
    if (trainable.length > 0) applyGradientsPrimitive(compiled.optimizer, trainable, grads);
    return this.stepResults(losses, predictions);
  }

  /**
   * Runs fit's step on a batch; returns the step's results (the losses, then the predictions:
   * PassLogs.update reads them), valid until the model's next step.
   */
  private runTrainStep(
    stepKey: string,
    inputs: readonly Buffer[],
    step: () => readonly Buffer[],
    portableKey: string,
  ): readonly Buffer[] {
    const results = this.traceCache().run('fit', stepKey, inputs, step, portableKey);
    this.position.step++;
    return results;
  }

  /** Runs evaluate's step on a batch (no gradient); returns its losses and predictions. */
  private runTestStep(batch: StepBatch): readonly Buffer[] {
    const rows = batch.xs[0].shape[0];
    const stepKey = this.stepKey('evaluate', batch, rows);
    return noGrad(() =>
      this.traceCache().run(
        'evaluate',
        stepKey,
        this.stepInputs(batch),
        () => {
          const predictions = this.forward(batch.xs, false);
          return this.stepResults(this.lossesOf(batch, predictions), predictions);
        },
        stepKey,
      ),
    );
  }

  /** The running means of a new pass (an epoch, an evaluation, one batch). */
  private newPass(): PassLogs {
    return new PassLogs(this, () => this.outputShapes());
  }

  // ——— fit ———

  /**
   * Trains the model. Returns the History of per-epoch losses and metrics.
   *
   * `x` and `y`: arrays or tensors (one per input/output: a list in order or an object by name).
   * Or `fit(source, options)` with an iterable or async iterable of batches `[x, y]` or
   * `[x, y, sampleWeight]`, trained in the order the source yields them (no shuffling).
   *
   * Reproducibility: the shuffle of epoch e is `permutation(foldIn(fitKey, e), n)` where fitKey is
   * `key(seed)` for an explicit seed, else the next global key.
   */
  async fit(x: ModelData, y: ModelData, options?: FitOptions): Promise<History>;
  async fit(source: BatchSource, options?: FitOptions): Promise<History>;
  async fit(
    x: ModelData | BatchSource,
    y?: ModelData | FitOptions,
    options: FitOptions = {},
  ): Promise<History> {
    if (isBatchSource(x)) return this.fitSource(x, (y ?? {}) as FitOptions);
    return this.fitArrays(x, y as ModelData, options);
  }

  private fitSettings(options: FitOptions) {
    checkFitOptionTypes(options);
    this.requireCompiled('fit');
    const epochs = options.epochs ?? 1;
    const initialEpoch = options.initialEpoch ?? 0;
    checkPositiveInteger('fit', 'epochs', epochs);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
      throw new RangeError(`fit: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
    }
    const verbose = options.verbose ?? 1;
    if (![0, 1, 2].includes(verbose)) throw new RangeError(`fit: verbose must be 0, 1 or 2, got ${verbose}`);
    return { epochs, initialEpoch, verbose };
  }

  private validationOf(options: FitOptions): StepBatch | null {
    if (!options.validationData) return null;
    const [vx, vy, vw] = options.validationData as readonly [ModelData, ModelData, InputData?];
    const xs = this.inputTensors(vx, 'fit: validationData x');
    const ys = this.targetTensors(vy, 'fit: validationData y');
    if (xs[0].shape[0] !== ys[0].shape[0]) {
      throw new ShapeError(`fit: validationData x has ${xs[0].shape[0]} samples but y has ${ys[0].shape[0]}`);
    }
    const weights =
      vw === undefined ? undefined : this.sampleWeights('fit: validationData', ys, vw, undefined);
    return { xs, ys, weights };
  }

  /** Starts a fit: the key, the first epoch, the callbacks (the caller runs their onTrainBegin). */
  private beginFit(
    options: FitOptions,
    settings: { epochs: number; initialEpoch: number; verbose: number },
    params: Record<string, unknown>,
    steps: number | undefined,
  ) {
    const resume = this.resume;
    this.resume = undefined;
    const fitKey: Key = resume
      ? resume.fitKey
      : options.seed !== undefined
        ? key(options.seed)
        : nextKey('order');
    const firstEpoch = resume && options.initialEpoch === undefined ? resume.epoch : settings.initialEpoch;
    this.position = { fitKey, epoch: firstEpoch, step: this.position.step };
    const history = new History();
    history.params = { epochs: settings.epochs, ...params, verbose: settings.verbose };
    const callbacks: Callback[] = [...Model.auditCallbacks, ...(options.callbacks ?? [])]; // audit hook
    if (settings.verbose > 0)
      callbacks.push(new ProgressLogger(settings.verbose as 1 | 2, settings.epochs, steps ?? undefined));
    for (const cb of callbacks) cb.setModel?.(this);
    this.stopTraining = false;
    return { fitKey, firstEpoch, history, callbacks };
  }

  /**
   * Ends an epoch: validation, callbacks, history. Returns a promise only when there are callbacks
   * to wait for: without, an epoch ends without a microtask (a small model's epoch is a few µs).
   */
  private endEpoch(
    epoch: number,
    pass: PassLogs,
    validation: StepBatch | null,
    batchSize: number,
    callbacks: readonly Callback[],
    history: History,
  ): Promise<void> | undefined {
    const logs = pass.result();
    if (validation) {
      const v = this.evaluateBatches(validation, batchSize);
      for (const [name, value] of Object.entries(v)) logs[`val_${name}`] = value;
    }
    this.position.epoch = epoch + 1;
    // After the callbacks, as Keras's History (the last callback): it keeps what they add (learning_rate).
    if (callbacks.length === 0) {
      history.record(epoch, logs);
      return undefined;
    }
    return runHooks(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs)).then(() => history.record(epoch, logs));
  }

  private async fitArrays(x: ModelData, y: ModelData, options: FitOptions): Promise<History> {
    const settings = this.fitSettings(options);
    if (options.stepsPerEpoch !== undefined) {
      throw new Error(
        'fit: stepsPerEpoch is for a batch source (fit(source, options)); with arrays, set batchSize',
      );
    }
    let xs = this.inputTensors(x, 'fit: x');
    let ys = this.targetTensors(y, 'fit: y');
    this.checkSameSamples('fit', xs, ys);
    let weights = this.sampleWeights('fit', ys, options.sampleWeight, options.classWeight);
    let validation = this.validationOf(options);
    if (!validation && options.validationSplit !== undefined && options.validationSplit !== 0) {
      const split = options.validationSplit;
      if (!(split > 0 && split < 1))
        throw new RangeError(`fit: validationSplit must be in (0, 1), got ${split}`);
      // Keras: the last fraction of the samples, before any shuffling.
      const total = xs[0].shape[0];
      const at = Math.floor(total * (1 - split));
      if (at < 1 || at >= total) {
        throw new RangeError(
          `fit: validationSplit ${split} of ${total} samples leaves an empty training or validation set`,
        );
      }
      const tail = (t: Tensor) => rowRange(t, at, total);
      const head = (t: Tensor) => rowRange(t, 0, at);
      validation = { xs: xs.map(tail), ys: ys.map(tail), weights: weights && tail(weights) };
      xs = xs.map(head);
      ys = ys.map(head);
      weights = weights && head(weights);
    }

    const n = xs[0].shape[0];
    const batchSize = options.batchSize ?? 32;
    checkPositiveInteger('fit', 'batchSize', batchSize);
    const steps = Math.ceil(n / batchSize);
    const shuffle = options.shuffle ?? true;
    const { fitKey, firstEpoch, history, callbacks } = this.beginFit(
      options,
      settings,
      { batchSize, samples: n, steps, shuffle },
      steps,
    );
    // Without callbacks there is nothing to wait for (an await costs a microtask).
    if (callbacks.length > 0) await runHooks(callbacks, (cb) => cb.onTrainBegin?.({}));
    const identity = Int32Array.from({ length: n }, (_, i) => i);
    // Every step runs through the engine: traced on its first two runs per batch shape, replayed
    // afterwards (src/engine); batches are gathered into arrays reused by every step.
    const trainable = this.trainableVariables;
    const trainableKey = this.trainableKey(trainable);
    const whole: StepBatch = { xs, ys, weights };
    const batches = new FitBatches(whole, (batch) => () => this.trainStep(batch, trainable));
    const stepKeys = new Map<number, string>();
    // The same keys without the variables' names (another model of this description shares them).
    const portableKeys = new Map<number, string>();
    // Without callbacks there is nothing to await: a microtask per hook would cost more than a
    // small model's step.
    const hooks = callbacks.length > 0;
    for (let epoch = firstEpoch; epoch < settings.epochs && !this.stopTraining; epoch++) {
      if (hooks) await runHooks(callbacks, (cb) => cb.onEpochBegin?.(epoch, {}));
      const order = shuffle ? permutation(foldIn(fitKey, epoch), n) : identity;
      const pass = this.newPass();
      for (let step = 0; step < steps && !this.stopTraining; step++) {
        if (hooks) await runHooks(callbacks, (cb) => cb.onBatchBegin?.(step, {}));
        const start = step * batchSize;
        const end = Math.min(n, start + batchSize);
        let stepKey = stepKeys.get(end - start);
        if (stepKey === undefined) {
          stepKey = this.stepKey('fit', whole, end - start, trainableKey);
          stepKeys.set(end - start, stepKey);
          portableKeys.set(end - start, this.stepKey('fit', whole, end - start));
        }
        // A replayed step's batch is gathered straight into its input slots.
        const gathered = batches.gather(order, start, end, this.traceCache().replayInputs(stepKey));
        const results = this.runTrainStep(
          stepKey,
          gathered.inputs,
          gathered.step,
          portableKeys.get(end - start) as string,
        );
        pass.update(results, end - start, gathered.batch.ys);
        if (hooks) {
          const batchLogs = pass.result();
          await runHooks(callbacks, (cb) => cb.onBatchEnd?.(step, batchLogs));
        }
      }
      const ended = this.endEpoch(epoch, pass, validation, batchSize, callbacks, history);
      if (ended) await ended;
    }
    if (callbacks.length > 0) await runHooks(callbacks, (cb) => cb.onTrainEnd?.({}));
    return history;
  }

  /**
   * fit from a batch source. Each epoch reads batches from the source's iterator in order: with
   * `stepsPerEpoch`, one iterator serves every epoch (epoch e takes the next stepsPerEpoch
   * batches, and running out is an error); without, each epoch asks the source for a new iterator
   * and reads it to its end.
   */
  private async fitSource(source: BatchSource, options: FitOptions): Promise<History> {
    const settings = this.fitSettings(options);
    for (const name of ['batchSize', 'shuffle', 'validationSplit', 'sampleWeight'] as const) {
      if (options[name] !== undefined) {
        throw new Error(
          `fit: ${name} is for arrays; a batch source yields its own batches (in order; a third entry is its sample weights)`,
        );
      }
    }
    const stepsPerEpoch = options.stepsPerEpoch;
    if (stepsPerEpoch !== undefined) checkPositiveInteger('fit', 'stepsPerEpoch', stepsPerEpoch);
    const validation = this.validationOf(options);
    const { firstEpoch, history, callbacks } = this.beginFit(
      options,
      settings,
      { steps: stepsPerEpoch ?? null },
      stepsPerEpoch,
    );
    if (callbacks.length > 0) await runHooks(callbacks, (cb) => cb.onTrainBegin?.({}));
    const open = () =>
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Batch>)[Symbol.asyncIterator]()
        : (source as Iterable<Batch>)[Symbol.iterator]();
    const shared = stepsPerEpoch !== undefined ? open() : undefined;
    const trainable = this.trainableVariables;
    const trainableKey = this.trainableKey(trainable);
    const hooks = callbacks.length > 0;
    // Validation arrays are evaluated in batches of 32, Keras's default batch size.
    const validationBatch = 32;
    for (let epoch = firstEpoch; epoch < settings.epochs && !this.stopTraining; epoch++) {
      if (hooks) await runHooks(callbacks, (cb) => cb.onEpochBegin?.(epoch, {}));
      const iterator = shared ?? open();
      const pass = this.newPass();
      for (let step = 0; stepsPerEpoch === undefined || step < stepsPerEpoch; step++) {
        if (this.stopTraining) break;
        const next = await iterator.next();
        if (next.done) {
          if (stepsPerEpoch !== undefined) {
            throw new Error(
              `fit: the batch source ended at epoch ${epoch}, step ${step}, before stepsPerEpoch (${stepsPerEpoch}) × epochs batches`,
            );
          }
          if (step === 0) {
            throw new Error(
              `fit: the batch source yielded no batch in epoch ${epoch} (a generator is used up after one pass: ` +
                'give stepsPerEpoch, or an iterable whose [Symbol.iterator]() starts over)',
            );
          }
          break;
        }
        if (hooks) await runHooks(callbacks, (cb) => cb.onBatchBegin?.(step, {}));
        const batch = this.batchOf(next.value, `fit: batch ${step} of epoch ${epoch}`, options.classWeight);
        const rows = batch.xs[0].shape[0];
        const results = this.runTrainStep(
          this.stepKey('fit', batch, rows, trainableKey),
          this.stepInputs(batch),
          () => this.trainStep(batch, trainable),
          this.stepKey('fit', batch, rows),
        );
        pass.update(results, rows, batch.ys);
        if (hooks) {
          const batchLogs = pass.result();
          await runHooks(callbacks, (cb) => cb.onBatchEnd?.(step, batchLogs));
        }
      }
      const ended = this.endEpoch(epoch, pass, validation, validationBatch, callbacks, history);
      if (ended) await ended;
    }
    if (callbacks.length > 0) await runHooks(callbacks, (cb) => cb.onTrainEnd?.({}));
    return history;
  }

  /** One batch `[x, y]` or `[x, y, sampleWeight]` as tensors. */
  private batchOf(value: unknown, where: string, classWeight: ClassWeight | undefined): StepBatch {
    if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3)) {
      throw new TypeError(`${where}: a batch must be [x, y] or [x, y, sampleWeight], got ${describe(value)}`);
    }
    const xs = this.inputTensors(value[0], `${where} x`);
    const ys = this.targetTensors(value[1], `${where} y`);
    this.checkSameSamples(where, xs, ys);
    return { xs, ys, weights: this.sampleWeights(where, ys, value[2], classWeight) };
  }

  // ——— on one batch ———

  /**
   * One gradient step on one batch, through the same traced step as fit. Returns the batch's loss
   * — Keras's list `[loss, …metrics]` when there are metrics or several outputs, or an object by
   * name with `returnDict`.
   *
   * @example
   * ```ts
   * const loss = model.trainOnBatch(xBatch, yBatch); // a number
   * ```
   */
  trainOnBatch(x: ModelData, y: ModelData, options: BatchOptions = {}): number | number[] | Logs {
    const batch = this.onBatch('trainOnBatch', x, y, options);
    const trainable = this.trainableVariables;
    const rows = batch.xs[0].shape[0];
    const stepKey = this.stepKey('fit', batch, rows, this.trainableKey(trainable));
    const results = this.runTrainStep(
      stepKey,
      this.stepInputs(batch),
      () => this.trainStep(batch, trainable),
      this.stepKey('fit', batch, rows),
    );
    const pass = this.newPass();
    pass.update(results, rows, batch.ys);
    return batchResult(pass.result(), options.returnDict ?? false);
  }

  /**
   * The loss and metrics of one batch, through evaluate's traced step (no update).
   *
   * @example
   * ```ts
   * const [loss, mae] = model.testOnBatch(xBatch, yBatch) as number[];
   * ```
   */
  testOnBatch(x: ModelData, y: ModelData, options: BatchOptions = {}): number | number[] | Logs {
    const batch = this.onBatch('testOnBatch', x, y, options);
    const results = this.runTestStep(batch);
    const pass = this.newPass();
    pass.update(results, batch.xs[0].shape[0], batch.ys);
    return batchResult(pass.result(), options.returnDict ?? false);
  }

  /**
   * Predictions for one batch (predict's traced step): a tensor, or one per output.
   *
   * @example
   * ```ts
   * const yHat = model.predictOnBatch(xBatch);
   * ```
   */
  predictOnBatch(x: ModelData): Tensor | Tensor[] {
    const xs = this.inputTensors(x, 'predictOnBatch: x');
    const out = this.predictBatches(xs, xs[0].shape[0]);
    return out.length === 1 ? out[0] : out;
  }

  private onBatch(where: string, x: ModelData, y: ModelData, options: BatchOptions): StepBatch {
    checkObject(where, 'options', options);
    checkOptions(where, options, BATCH_OPTIONS);
    if (options.returnDict !== undefined) checkBoolean(where, 'returnDict', options.returnDict);
    this.requireCompiled(where);
    const xs = this.inputTensors(x, `${where}: x`);
    const ys = this.targetTensors(y, `${where}: y`);
    this.checkSameSamples(where, xs, ys);
    return { xs, ys, weights: this.sampleWeights(where, ys, options.sampleWeight, options.classWeight) };
  }

  // ——— training state and weights ———

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

  // ——— predict and evaluate ———

  /** Checks that predict can run before any data is read (Sequential: a built model). */
  protected checkPredictable(): void {}

  /**
   * Predictions for the samples of x, computed in batches (rows are independent, so the batch size
   * never changes the bits): a tensor, or a list of one per output.
   */
  predict(x: ModelData, options: { batchSize?: number } = {}): Tensor | Tensor[] {
    checkOptions('predict', options, PREDICT_OPTIONS);
    this.checkPredictable();
    const xs = this.inputTensors(x, 'predict: x');
    const batchSize = options.batchSize ?? 32;
    checkPositiveInteger('predict', 'batchSize', batchSize);
    const out = this.predictBatches(xs, batchSize);
    return out.length === 1 ? out[0] : out;
  }

  private predictBatches(xs: readonly Tensor[], batchSize: number): Tensor[] {
    const n = xs[0].shape[0];
    const shapes = this.outputShapes();
    const widths = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const dtype = xs[0].dtype;
    const outs = widths.map((w) => allocate(dtype, n * w));
    const traces = this.traceCache();
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const xbs = xs.map((t) => rowsOf(t, start, end));
      const stepKey = `predict:${xbs.map((t) => t.shape).join(';')}:${dtype}`;
      const results = traces.run(
        'predict',
        stepKey,
        xbs.map((t) => t.data),
        () => noGrad(() => this.forward(xbs, false).map((t) => t.data)),
        stepKey,
      );
      results.forEach((r, k) => {
        outs[k].set(r as FloatArray, start * widths[k]);
      });
    }
    return outs.map((o, k) => new Tensor(o, [n, ...shapes[k]]));
  }

  /** The loss and metrics on data, batch by batch, averaged as in fit. */
  evaluate(x: ModelData, y: ModelData, options: EvaluateOptions = {}): Logs {
    checkOptions('evaluate', options, EVALUATE_OPTIONS);
    this.requireCompiled('evaluate');
    const xs = this.inputTensors(x, 'evaluate: x');
    const ys = this.targetTensors(y, 'evaluate: y');
    this.checkSameSamples('evaluate', xs, ys);
    const batchSize = options.batchSize ?? 32;
    checkPositiveInteger('evaluate', 'batchSize', batchSize);
    const weights = this.sampleWeights('evaluate', ys, options.sampleWeight, options.classWeight);
    return this.evaluateBatches({ xs, ys, weights }, batchSize);
  }

  private evaluateBatches(data: StepBatch, batchSize: number): Logs {
    this.requireCompiled('evaluate');
    const pass = this.newPass();
    const n = data.xs[0].shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const slice = (t: Tensor) => rowsOf(t, start, end);
      const batch: StepBatch = {
        xs: data.xs.map(slice),
        ys: data.ys.map(slice),
        weights: data.weights && slice(data.weights),
      };
      // Traced and replayed like fit's steps (the loss and penalties too); metrics read the
      // predictions afterwards, as in fit.
      pass.update(this.runTestStep(batch), end - start, batch.ys);
    }
    return pass.result();
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
   * SHA-256 over the canonical layout (dtype, shape, little-endian values; `hashArrays`) of every
   * parameter in layer order: the fingerprint ditto uses to state that two trainings produced the
   * same bits.
   */
  weightsHash(): string {
    if (!this.built) throw new Error(`${this.name}: weightsHash() needs a built model`);
    return hashArrays(this.variables.map((v) => v.value));
  }

  /** Number of scalar parameters. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** The summary text (Sequential: its own table). */
  protected summaryText(): string {
    const graph = this.graph as Graph;
    return formatGraphSummary(this.name, graph.inputs, graph.order, this.layers);
  }

  /**
   * A Keras-like table of layers, output shapes, parameter counts (and for a functional model, the
   * tensors each layer is connected to). Printed with `print` (console.log by default) and returned.
   */
  summary(print: ((line: string) => void) | null = console.log): string {
    if (print !== null && typeof print !== 'function') {
      throw new TypeError(`${this.name}.summary: print must be a function or null, got ${describe(print)}`);
    }
    const text = this.summaryText();
    if (print) print(text);
    return text;
  }
}

/** Rows [start, end) of a sample tensor: the tensor itself when that is all of it (no copy). */
function rowsOf(t: Tensor, start: number, end: number): Tensor {
  return start === 0 && end === t.shape[0] ? t : rowRange(t, start, end);
}

/** Keras's train/test_on_batch result: the loss alone, the list of logs, or the logs by name. */
function batchResult(logs: Logs, returnDict: boolean): number | number[] | Logs {
  if (returnDict) return logs;
  const values = Object.values(logs);
  return values.length === 1 ? values[0] : values;
}

export async function runHooks(
  callbacks: readonly Callback[],
  hook: (cb: Callback) => void | Promise<void>,
): Promise<void> {
  for (const cb of callbacks) {
    const result = hook(cb);
    // Await only real promises: a microtask per hook per batch would cost more than a small model's step.
    if (result instanceof Promise) await result;
  }
}
