/**
 * The recurrent layer: runs a cell over the timesteps of [batch, timesteps, features] inputs, with
 * Keras 3's options (returnSequences, returnState, goBackwards, dropout, recurrentDropout, masks).
 * Subclasses define the cell — its weights and one step — from ops; the loop, masks and dropout
 * live here once.
 */

import { callKernel } from '../../engine/kernels.js';
import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import { allocate, type FloatArray } from '../../tensor/dtype.js';
import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import { type Tensor, Tensor as TensorClass, zeros } from '../../tensor/tensor.js';
import { checkBoolean, checkPositiveInteger, type OptionSpec } from '../../validate/index.js';
import { type ActivationFn, getActivation } from '../activations.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import { type CallOptions, checkMask, type MaskingLayer } from '../masking.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { initializerConfig, regularizerConfig } from '../serialize.js';
import type { Variable } from '../variable.js';
import { type MaskConsumer, recurrentDropoutMasks } from './dropout-masks.js';

export interface RecurrentOptions extends LayerOptions {
  /** Default 'tanh'. */
  activation?: string | ActivationFn;
  /** Whether to add biases (default true). */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: string | Initializer;
  /** Default 'orthogonal'. */
  recurrentInitializer?: string | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: string | Initializer;
  kernelRegularizer?: string | Regularizer;
  recurrentRegularizer?: string | Regularizer;
  biasRegularizer?: string | Regularizer;
  /** Fraction of the inputs dropped in training, one mask per sequence (default 0). */
  dropout?: number;
  /** Fraction of the recurrent state dropped in training, one mask per sequence (default 0). */
  recurrentDropout?: number;
  /** Output every step's output [batch, timesteps, units] instead of the last [batch, units]. */
  returnSequences?: boolean;
  /** Also return the final states (use {@link RecurrentLayer.callWithStates}). */
  returnState?: boolean;
  /** Process the sequence from its last step to its first (outputs come in that order too, as Keras). */
  goBackwards?: boolean;
}

/** Option names every recurrent layer accepts, for the subclasses' option checks. */
export const RECURRENT_OPTIONS: OptionSpec<RecurrentOptions> = {
  ...LAYER_OPTIONS,
  activation: true,
  useBias: true,
  kernelInitializer: true,
  recurrentInitializer: true,
  biasInitializer: true,
  kernelRegularizer: true,
  recurrentRegularizer: true,
  biasRegularizer: true,
  dropout: true,
  recurrentDropout: true,
  returnSequences: true,
  returnState: true,
  goBackwards: true,
};

/** The shared options resolved once, for subclasses. */
interface Resolved {
  activation: { name: string; fn: ActivationFn };
  useBias: boolean;
  kernelInitializer: Initializer;
  recurrentInitializer: Initializer;
  biasInitializer: Initializer;
  regularizers: { kernel: Regularizer | null; recurrent: Regularizer | null; bias: Regularizer | null };
}

function checkRate(where: string, name: string, rate: number): number {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`${where}: ${name} must be in [0, 1), got ${rate}`);
  return rate;
}

/** The weights a cell step reads, and the per-call dropout masks. */
export interface StepContext {
  /** Multiplies the recurrent state before it enters the step's matmuls, when recurrentDropout is on. */
  recurrentMask: Tensor | null;
}

export abstract class RecurrentLayer extends Layer implements MaskingLayer, MaskConsumer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  protected readonly options: RecurrentOptions;
  protected readonly resolved: Resolved;
  protected kernelVar: Variable | undefined;
  protected recurrentVar: Variable | undefined;
  protected biasVar: Variable | undefined;

  /** Subclasses check their option names (with {@link RECURRENT_OPTIONS}) before calling this. */
  constructor(units: number, options: RecurrentOptions = {}) {
    checkPositiveInteger(new.target.name, 'units', units);
    super(options);
    this.units = units;
    this.options = options;
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.goBackwards = options.goBackwards ?? false;
    checkBoolean(this.name, 'returnSequences', this.returnSequences);
    checkBoolean(this.name, 'returnState', this.returnState);
    checkBoolean(this.name, 'goBackwards', this.goBackwards);
    this.dropout = checkRate(this.name, 'dropout', options.dropout ?? 0);
    this.recurrentDropout = checkRate(this.name, 'recurrentDropout', options.recurrentDropout ?? 0);
    this.resolved = {
      activation: getActivation(options.activation ?? 'tanh'),
      useBias: options.useBias ?? true,
      kernelInitializer: getInitializer(options.kernelInitializer ?? 'glorotUniform'),
      recurrentInitializer: getInitializer(options.recurrentInitializer ?? 'orthogonal'),
      biasInitializer: getInitializer(options.biasInitializer ?? 'zeros'),
      regularizers: {
        kernel: getRegularizer(options.kernelRegularizer),
        recurrent: getRegularizer(options.recurrentRegularizer),
        bias: getRegularizer(options.biasRegularizer),
      },
    };
  }

  /** Takes a `dropout` key at build time only when it has dropout or recurrentDropout. */
  protected override drawsMasks(): boolean {
    return this.dropout > 0 || this.recurrentDropout > 0;
  }

  /** Gate blocks per weight: 1 for SimpleRNN, 4 for LSTM, 3 for GRU. */
  protected abstract readonly gates: number;
  /** How many state tensors the cell carries (LSTM: h and c). */
  protected abstract readonly stateCount: number;

  /**
   * A new, unbuilt layer with this one's options and some changed (Bidirectional's backward layer).
   * The copy never declares an input shape.
   */
  abstract withOptions(overrides: RecurrentOptions): RecurrentLayer;

  /** This layer's options without the input shape, for {@link withOptions}. */
  protected copyOptions(overrides: RecurrentOptions): RecurrentOptions {
    const { inputShape: _shape, inputDim: _dim, ...rest } = this.options;
    return { ...rest, ...overrides };
  }

  /**
   * One step: the input at this step [batch, features] (after input dropout) and the previous
   * states [batch, units] each; returns the new states, the output first.
   */
  protected abstract step(x: Tensor, states: readonly Tensor[], context: StepContext): Tensor[];

  /** [inputDim, gates·units], Keras's `kernel`. */
  get kernel(): Variable {
    if (!this.kernelVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.kernelVar;
  }

  /** [units, gates·units], Keras's `recurrent_kernel`. */
  get recurrentKernel(): Variable {
    if (!this.recurrentVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.recurrentVar;
  }

  get bias(): Variable | undefined {
    return this.biasVar;
  }

  /** The shape of the bias weight (GRU with resetAfter has two rows). */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias's starting values (LSTM puts ones on its forget gate). */
  protected biasInitializer(): Initializer {
    return this.resolved.biasInitializer;
  }

  private checkSampleShape(inputShape: readonly number[]): void {
    if (inputShape.length !== 2) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape [batch, timesteps, features], got [batch, ${inputShape.join(', ')}]`,
      );
    }
    if (inputShape[0] === 0) {
      throw new ShapeError(
        `${this.name}: sequences of length 0 (input shape [batch, ${inputShape.join(', ')}])`,
      );
    }
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.checkSampleShape(inputShape);
    const width = this.gates * this.units;
    this.kernelVar = this.addWeight('kernel', [inputShape[1], width], this.resolved.kernelInitializer);
    this.recurrentVar = this.addWeight(
      'recurrent_kernel',
      [this.units, width],
      this.resolved.recurrentInitializer,
    );
    if (this.resolved.useBias)
      this.biasVar = this.addWeight('bias', this.biasShape(), this.biasInitializer());
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    this.checkSampleShape(inputShape);
    return this.returnSequences ? [inputShape[0], this.units] : [this.units];
  }

  computeMask(_inputs: Tensor, mask: Tensor | null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  call(inputs: Tensor, options: CallOptions): Tensor {
    if (this.returnState) {
      throw new Error(
        `${this.name}: with returnState the layer returns [output, ...states]: call callWithStates() instead`,
      );
    }
    return this.run(inputs, options)[0];
  }

  /**
   * The output followed by the final states ([h] for SimpleRNN and GRU, [h, c] for LSTM), as
   * Keras returns them with `return_state=True`; `initialState` replaces the zero start.
   */
  callWithStates(inputs: Tensor, options: CallOptions & { initialState?: readonly Tensor[] }): Tensor[] {
    return this.run(inputs, options);
  }

  private checkInputs(inputs: Tensor, mask: Tensor | null | undefined): void {
    if (inputs.rank !== 3) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape [batch, timesteps, features], got ${formatShape(inputs.shape)}`,
      );
    }
    if (inputs.shape[1] === 0) {
      throw new ShapeError(
        `${this.name}: sequences of length 0 (inputs of shape ${formatShape(inputs.shape)})`,
      );
    }
    const features = this.kernel.shape[0];
    if (inputs.shape[2] !== features) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape [batch, timesteps, ${features}], got ${formatShape(inputs.shape)}`,
      );
    }
    if (mask) checkMask(this.name, inputs, mask);
  }

  private run(inputs: Tensor, options: CallOptions & { initialState?: readonly Tensor[] }): Tensor[] {
    const mask = options.mask ?? null;
    this.checkInputs(inputs, mask);
    const [batch, timesteps, features] = inputs.shape;
    let states: Tensor[];
    if (options.initialState) {
      states = [...options.initialState];
      const fits =
        states.length === this.stateCount &&
        states.every((s) => s.rank === 2 && s.shape[0] === batch && s.shape[1] === this.units);
      if (!fits) {
        throw new ShapeError(
          `${this.name}: initialState must be ${this.stateCount} tensor(s) of shape [${batch}, ${this.units}], got ` +
            `${states.map((s) => formatShape(s.shape)).join(', ') || 'none'}`,
        );
      }
    } else {
      states = Array.from({ length: this.stateCount }, () => zeros([batch, this.units], this.dtype));
    }
    let inputMask: Tensor | null = null;
    const context: StepContext = { recurrentMask: null };
    const dropping = options.training && (this.dropout > 0 || this.recurrentDropout > 0);
    if (dropping) {
      const masks: FloatArray[] = [];
      if (this.dropout > 0) {
        inputMask = new TensorClass(allocate(this.dtype, batch * features), [batch, features]);
        masks.push(inputMask.data);
      }
      if (this.recurrentDropout > 0) {
        context.recurrentMask = new TensorClass(allocate(this.dtype, batch * this.units), [
          batch,
          this.units,
        ]);
        masks.push(context.recurrentMask.data);
      }
      callKernel(recurrentDropoutMasks, masks, 0, [this], {
        effect: true,
        signature: `recurrentDropoutMasks:${this.dropout},${this.recurrentDropout}:${masks.map((m) => m.length)}`,
      });
    }
    const steps = ops.unstack(inputs, 1);
    const maskSteps = mask ? ops.unstack(ops.reshape(mask, [batch, timesteps, 1]), 1) : null;
    const outputs: Tensor[] = [];
    for (let i = 0; i < timesteps; i++) {
      const t = this.goBackwards ? timesteps - 1 - i : i;
      const x = inputMask ? ops.mul(steps[t], inputMask) : steps[t];
      let next = this.step(x, states, context);
      if (maskSteps) {
        // A masked step keeps the previous states (and so repeats the previous output), as Keras.
        const keep = maskSteps[t];
        next = next.map((s, k) => ops.where(keep, s, states[k]));
      }
      states = next;
      if (this.returnSequences) outputs.push(states[0]);
    }
    const output = this.returnSequences ? ops.stack(outputs, 1) : states[0];
    return [output, ...states];
  }

  override regularizationLosses(): Tensor[] {
    const { kernel, recurrent, bias } = this.resolved.regularizers;
    const losses: Tensor[] = [];
    if (kernel) losses.push(kernel(this.kernel.value));
    if (recurrent) losses.push(recurrent(this.recurrentKernel.value));
    if (bias && this.biasVar) losses.push(bias(this.biasVar.value));
    return losses;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.resolved.activation.name,
      useBias: this.resolved.useBias,
      kernelInitializer: initializerConfig(this.resolved.kernelInitializer),
      recurrentInitializer: initializerConfig(this.resolved.recurrentInitializer),
      biasInitializer: initializerConfig(this.resolved.biasInitializer),
      kernelRegularizer: regularizerConfig(this.resolved.regularizers.kernel),
      recurrentRegularizer: regularizerConfig(this.resolved.regularizers.recurrent),
      biasRegularizer: regularizerConfig(this.resolved.regularizers.bias),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
    };
  }
}
