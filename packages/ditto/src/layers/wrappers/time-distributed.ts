import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

const TIME_DISTRIBUTED_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

import type { CallOptions, MaskingLayer } from '../masking.js';
import type { Variable } from '../variable.js';

/**
 * Applies one layer to every timestep of [batch, timesteps, …] inputs with the same weights, as
 * Keras's `TimeDistributed`: the timesteps are folded into the batch, the layer runs once, and the
 * result is unfolded. The mask passes through.
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new LSTM(16, { inputShape: [20, 3], returnSequences: true }),
 *   new TimeDistributed(new Dense(1)),
 * ]);
 * ```
 */
export class TimeDistributed extends Layer implements MaskingLayer {
  /** Traceable when the layers it wraps are (see {@link wrappedLayers}). */
  static readonly traceable = true;
  readonly layer: Layer;

  constructor(layer: Layer, options: LayerOptions = {}) {
    checkOptions('TimeDistributed', options, TIME_DISTRIBUTED_OPTIONS);
    if (!(layer instanceof Layer)) throw new TypeError('TimeDistributed: expected a layer');
    const inner = layer.requestedInputShape;
    super(
      options.inputShape || options.inputDim !== undefined || !inner
        ? options
        : { ...options, inputShape: inner },
    );
    this.layer = layer;
  }

  override wrappedLayers(): readonly Layer[] {
    return [this.layer];
  }

  override get variables(): readonly Variable[] {
    return this.layer.variables;
  }

  override get trainableVariables(): readonly Variable[] {
    return this.trainable ? this.layer.trainableVariables : [];
  }

  override countParams(): number {
    return this.layer.countParams();
  }

  private checkShape(inputShape: readonly number[]): void {
    if (inputShape.length < 2) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape [batch, timesteps, …] with at least 3 axes, got [batch, ${inputShape.join(', ')}]`,
      );
    }
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.checkShape(inputShape);
    this.layer.build(inputShape.slice(1));
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    this.checkShape(inputShape);
    return [inputShape[0], ...this.layer.computeOutputShape(inputShape.slice(1))];
  }

  computeMask(_inputs: Tensor, mask: Tensor | null): Tensor | null {
    return mask;
  }

  call(inputs: Tensor, options: CallOptions): Tensor {
    if (inputs.rank < 3) {
      throw new ShapeError(
        `${this.name}: expected inputs of shape [batch, timesteps, …] with at least 3 axes, got ${formatShape(inputs.shape)}`,
      );
    }
    const [batch, timesteps, ...rest] = inputs.shape;
    const folded = ops.reshape(inputs, [batch * timesteps, ...rest]);
    const y = this.layer.call(folded, { training: options.training });
    return ops.reshape(y, [batch, timesteps, ...y.shape.slice(1)]);
  }

  override regularizationLosses(): Tensor[] {
    return this.layer.regularizationLosses();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: this.layer.getConfig() };
  }
}
