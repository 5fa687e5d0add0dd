import { declareOpsOnly } from '../engine/twin.js';
import { getInitializer } from '../initializers/index.js';
import type { Initializer } from '../initializers/initializer.js';
import * as ops from '../tensor/ops/index.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkOptions, checkPositiveInteger, optionNames } from '../validate/index.js';
import { type ActivationFn, getActivation } from './activations.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';
import { getRegularizer, type Regularizer } from './regularizers.js';
import { initializerConfig, regularizerConfig } from './serialize.js';
import type { Variable } from './variable.js';

export interface DenseOptions extends LayerOptions {
  /** Activation by name or function (default linear). */
  activation?: string | ActivationFn;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Default 'glorotUniform', as Keras. */
  kernelInitializer?: string | Initializer;
  /** Default 'zeros', as Keras. */
  biasInitializer?: string | Initializer;
  kernelRegularizer?: string | Regularizer;
  biasRegularizer?: string | Regularizer;
}

const DENSE_OPTIONS = optionNames<DenseOptions>({
  ...LAYER_OPTIONS,
  activation: true,
  useBias: true,
  kernelInitializer: true,
  biasInitializer: true,
  kernelRegularizer: true,
  biasRegularizer: true,
});

/**
 * A densely connected layer: `activation(inputs · kernel + bias)` over the last axis.
 *
 * @example
 * ```ts
 * const model = new Sequential();
 * model.add(new Dense(10, { inputDim: 1 }));
 * model.add(new Dense(1));
 * ```
 */
export class Dense extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  /**
   * The fields only building reads: every other field is part of the model's description, by which
   * a new model replays a kept program from its first step (models/replay-description.ts).
   */
  static readonly buildOnlyFields: readonly string[] = ['kernelInitializer', 'biasInitializer'];
  static {
    declareOpsOnly(Dense);
  }
  readonly units: number;
  readonly activation: { name: string; fn: ActivationFn };
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;
  private kernelVar: Variable | undefined;
  private biasVar: Variable | undefined;

  constructor(units: number, options: DenseOptions = {}) {
    checkPositiveInteger('Dense', 'units', units);
    checkOptions('Dense', options, DENSE_OPTIONS);
    super(options);
    this.units = units;
    this.activation = getActivation(options.activation);
    this.useBias = options.useBias ?? true;
    checkBoolean('Dense', 'useBias', this.useBias);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(options.kernelRegularizer);
    this.biasRegularizer = getRegularizer(options.biasRegularizer);
  }

  get kernel(): Variable {
    if (!this.kernelVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.kernelVar;
  }

  get bias(): Variable | undefined {
    return this.biasVar;
  }

  protected override createWeights(inputShape: readonly number[]): void {
    const inputWidth = inputShape[inputShape.length - 1];
    this.kernelVar = this.addWeight('kernel', [inputWidth, this.units], this.kernelInitializer);
    if (this.useBias) this.biasVar = this.addWeight('bias', [this.units], this.biasInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length === 0)
      throw new ShapeError(`${this.name}: Dense needs inputs with at least one feature axis`);
    return [...inputShape.slice(0, -1), this.units];
  }

  call(inputs: Tensor): Tensor {
    const width = this.kernel.shape[0];
    if (inputs.shape[inputs.rank - 1] !== width) {
      throw new ShapeError(
        `${this.name}: expected inputs with ${width} features in the last axis, got shape ${formatShape(inputs.shape)}`,
      );
    }
    // Dense works on the last axis: fold any leading axes into the batch.
    const flat = inputs.rank === 2 ? inputs : ops.reshape(inputs, [-1, width]);
    let y = ops.matmul(flat, this.kernel.value);
    if (this.biasVar) y = ops.add(y, this.biasVar.value);
    y = this.activation.fn(y);
    return inputs.rank === 2 ? y : ops.reshape(y, [...inputs.shape.slice(0, -1), this.units]);
  }

  override regularizationLosses(): Tensor[] {
    const losses: Tensor[] = [];
    if (this.kernelRegularizer) losses.push(this.kernelRegularizer(this.kernel.value));
    if (this.biasRegularizer && this.biasVar) losses.push(this.biasRegularizer(this.biasVar.value));
    return losses;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
    };
  }
}
