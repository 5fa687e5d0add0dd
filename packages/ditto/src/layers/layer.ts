/**
 * The layer base class. A layer owns its variables, creates them in `build` once the input shape is
 * known, and computes its output in `call` from differentiable ops.
 *
 * Keys (docs/random.md): a layer with weights takes one key of the `init` source when it creates its
 * first weight — `sourceKey(seed, 'init')` when it was given a seed, otherwise `nextKey('init')` —
 * and weight i gets `foldIn(initKey, i)`. A layer that draws masks or noise in training
 * ({@link Layer.drawsMasks}) takes one key of the `dropout` source at build time
 * (`sourceKey(seed, 'dropout')` or `nextKey('dropout')`), and its c-th training call draws from
 * `foldIn(dropoutKey, c)`. So a layer without weights draws nothing from `init`, and a model
 * without dropout draws nothing from `dropout`.
 */

import { stateCopy } from '../backend/resident.js';
import type { Initializer } from '../initializers/initializer.js';
import type { SymbolicTensor } from '../models/symbolic.js';
import { foldIn, type Key, key, nextKey, type Seed, sourceKey } from '../random/index.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import {
  checkAllocation,
  checkArray,
  checkBoolean,
  checkNonEmptyString,
  checkObject,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  type OptionSpec,
} from '../validate/index.js';
import { Variable } from './variable.js';

export interface LayerOptions {
  /** Unique name (default: the class name in snake_case with a counter, as Keras). */
  name?: string;
  /** Overrides the global seed for this layer's random draws (initial weights, dropout masks). */
  seed?: Seed;
  /** Storage type of the layer's weights (default float32). */
  dtype?: DType;
  /** Shape of one input sample (without the batch dimension); makes this the model's first layer. */
  inputShape?: readonly number[];
  /** Shorthand for `inputShape: [inputDim]`. */
  inputDim?: number;
  /** Whether `fit` updates this layer's weights (default true). */
  trainable?: boolean;
}

/** The names of {@link LayerOptions}, for subclasses' option checks (`{ ...LAYER_OPTIONS, units: true }`). */
export const LAYER_OPTIONS: OptionSpec<LayerOptions> = {
  name: true,
  seed: true,
  dtype: true,
  inputShape: true,
  inputDim: true,
  trainable: true,
};

const nameCounters = new Map<string, number>();

function uniqueName(base: string): string {
  const count = nameCounters.get(base) ?? 0;
  nameCounters.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

/** The types of the base options (their names are checked by each subclass, before `super`). */
function checkLayerOptionTypes(where: string, options: LayerOptions): void {
  checkObject(where, 'options', options);
  if (options.name !== undefined) checkNonEmptyString(where, 'name', options.name);
  if (options.dtype !== undefined) checkOneOf(where, 'dtype', options.dtype, ['float32', 'float64']);
  if (options.trainable !== undefined) checkBoolean(where, 'trainable', options.trainable);
  if (options.inputShape !== undefined) checkArray(where, 'inputShape', options.inputShape);
  if (options.inputDim !== undefined) checkPositiveInteger(where, 'inputDim', options.inputDim);
  if (options.seed !== undefined) checkSeed(where, 'seed', options.seed);
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Whether the engine may trace a layer's `call` and replay the trace instead of calling it again:
 * true only when its class itself declares `static readonly traceable = true` (a subclass does
 * not inherit it — it may compute differently). Declare it on a layer whose `call` computes only
 * with ops, the same way at every step (state such as a random counter lives in primitives).
 */
export function isTraceableLayer(layer: Layer): boolean {
  return untraceableLayer(layer) === undefined;
}

/** The first layer (this one, or one it wraps) that does not declare itself traceable. */
export function untraceableLayer(layer: Layer): Layer | undefined {
  const kind = layer.constructor as { traceable?: unknown };
  if (!(Object.hasOwn(kind, 'traceable') && kind.traceable === true)) return layer;
  for (const inner of layer.wrappedLayers()) {
    const opaque = untraceableLayer(inner);
    if (opaque) return opaque;
  }
  return undefined;
}

export abstract class Layer {
  readonly name: string;
  readonly dtype: DType;
  /** Input sample shape requested by the user, if any. */
  readonly requestedInputShape: readonly number[] | undefined;
  trainable: boolean;
  protected readonly seed: Seed | undefined;
  private initKey: Key | undefined;
  private maskKey: Key | undefined;
  private maskCalls = 0;
  private builtInputShape: readonly number[] | undefined;
  private readonly ownVariables: Variable[] = [];

  constructor(options: LayerOptions = {}) {
    checkLayerOptionTypes(this.constructor.name, options);
    this.name = options.name ?? uniqueName(snakeCase(this.constructor.name));
    this.dtype = options.dtype ?? 'float32';
    this.seed = options.seed;
    this.trainable = options.trainable ?? true;
    if (options.inputDim !== undefined && options.inputShape !== undefined) {
      throw new Error(`${this.name}: give either inputDim or inputShape, not both`);
    }
    const requested = options.inputShape ?? (options.inputDim !== undefined ? [options.inputDim] : undefined);
    if (requested) {
      for (const d of requested) {
        if (!Number.isInteger(d) || d < 1) {
          throw new RangeError(
            `${this.name}: input shape ${formatShape(requested)} must hold positive integers`,
          );
        }
      }
    }
    this.requestedInputShape = requested;
    if (options.seed !== undefined) key(options.seed); // validates the seed now, where the user wrote it
  }

  /** Whether the layer has created its weights. */
  get built(): boolean {
    return this.builtInputShape !== undefined;
  }

  /** The input sample shape the layer was built for. */
  get inputShape(): readonly number[] {
    if (!this.builtInputShape) throw new Error(`${this.name}: the layer is not built yet`);
    return this.builtInputShape;
  }

  /** The layer's variables in creation order. */
  /** The layers this one wraps and calls (TimeDistributed's, Bidirectional's); none by default. */
  wrappedLayers(): readonly Layer[] {
    return [];
  }

  get variables(): readonly Variable[] {
    return this.ownVariables;
  }

  /** The variables `fit` updates. */
  get trainableVariables(): readonly Variable[] {
    return this.trainable ? this.ownVariables.filter((v) => v.trainable) : [];
  }

  /**
   * Whether the layer draws masks or noise in training and so takes a key of the `dropout` source
   * at build time (Dropout and the noise layers; recurrent layers with dropout). False by default.
   */
  protected drawsMasks(): boolean {
    return false;
  }

  /** The `dropout`-source key this layer took at build time (undefined if it draws no masks), for the training state. */
  get dropoutKey(): Key | undefined {
    return this.maskKey;
  }

  /**
   * Replaces the layer's dropout key when a training state or model file is restored, so its later
   * draws (masks, noise) continue the saved run's.
   */
  restoreDropoutKey(restored: Key): void {
    if (!this.built) throw new Error(`${this.name}: restore a key only into a built layer`);
    if (!this.drawsMasks()) throw new Error(`${this.name}: this layer draws no masks and has no dropout key`);
    const valid =
      Array.isArray(restored) &&
      restored.length === 2 &&
      restored.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffffffff);
    if (!valid)
      throw new RangeError(
        `${this.name}: a key is two 32-bit unsigned integers, got ${JSON.stringify(restored)}`,
      );
    this.maskKey = Object.freeze([restored[0], restored[1]]) as Key;
  }

  /** The random consumer's state: how many training calls have drawn masks or noise. */
  get callCount(): number {
    return this.maskCalls;
  }

  set callCount(count: number) {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`${this.name}: callCount must be a non-negative integer, got ${count}`);
    }
    this.maskCalls = count;
  }

  /** The key of the next training call's masks, `foldIn(dropoutKey, callCount)`, advancing the counter. */
  nextMaskKey(): Key {
    if (!this.maskKey)
      throw new Error(`${this.name}: the layer has no dropout key (not built, or draws no masks)`);
    return foldIn(this.maskKey, this.maskCalls++);
  }

  /** Creates the weights for inputs of this sample shape. Called once, by the model. */
  build(inputShape: readonly number[]): void {
    if (this.built) {
      const same =
        inputShape.length === this.inputShape.length && inputShape.every((d, i) => d === this.inputShape[i]);
      if (!same) {
        throw new Error(
          `${this.name}: already built for inputs of shape ${formatShape(this.inputShape)}, got ${formatShape(inputShape)}`,
        );
      }
      return;
    }
    if (this.drawsMasks()) {
      this.maskKey = this.seed !== undefined ? sourceKey(this.seed, 'dropout') : nextKey('dropout');
    }
    this.builtInputShape = [...inputShape];
    this.createWeights(inputShape);
  }

  /** Subclasses create their variables here with {@link addWeight}. */
  protected createWeights(_inputShape: readonly number[]): void {}

  /** Creates a variable initialised from the layer's `init` key (taken at the first weight). */
  protected addWeight(name: string, shape: Shape, initializer: Initializer, trainable = true): Variable {
    checkAllocation(this.name, name, shape, this.dtype);
    this.initKey ??= this.seed !== undefined ? sourceKey(this.seed, 'init') : nextKey('init');
    const weightKey = foldIn(this.initKey, this.ownVariables.length);
    // In the backend's memory where it keeps state (Backend.residentArray): its kernels then read
    // and update the variable in place.
    const data = stateCopy(initializer.init(shape, this.dtype, weightKey));
    const variable = new Variable(`${this.name}/${name}`, new Tensor(data, shape), trainable);
    this.ownVariables.push(variable);
    return variable;
  }

  /** The output sample shape for an input sample shape. */
  abstract computeOutputShape(inputShape: readonly number[]): number[];

  /** The forward pass on a batch (first dimension = batch). */
  abstract call(inputs: Tensor, options: { training: boolean }): Tensor;

  /**
   * The functional API: applies the layer to symbolic tensors (from `Input`), building it for their
   * shape, and returns the output's symbolic tensor (models/symbolic.ts records the node). Applied
   * twice, a layer shares its weights.
   *
   * @example
   * ```ts
   * const x = Input({ shape: [4] });
   * const y = new Dense(1).apply(x);
   * ```
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    const first = (Array.isArray(inputs) ? inputs[0] : inputs) as Partial<SymbolicTensor> | undefined;
    if (typeof first?.applyLayer !== 'function') {
      throw new TypeError(
        `${this.name}.apply: expected symbolic tensors (from Input(…) or another layer's apply), got ${typeof first === 'object' ? (first?.constructor?.name ?? 'null') : typeof first}`,
      );
    }
    return first.applyLayer(this, inputs);
  }

  /** Penalties this layer adds to the training loss (regularizers). */
  regularizationLosses(): Tensor[] {
    return [];
  }

  /** Number of scalar parameters. */
  countParams(): number {
    return this.ownVariables.reduce((n, v) => n + v.value.size, 0);
  }

  /** The layer's configuration, for summaries, run records and model files (its constructor's options). */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.seed !== undefined) config.seed = this.seed;
    if (this.requestedInputShape) config.inputShape = [...this.requestedInputShape];
    return config;
  }
}
