/**
 * What Conv1D and Conv2D share: the options, the Keras kernel layout, and the call — unfold the
 * input into patches, one matmul with the kernel, bias, activation (the Dense epilogue the engine
 * fuses). A 1-D convolution is the 2-D one over images of height 1, with the same bits.
 */
import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import * as ops from '../../tensor/ops/index.js';
import type { Padding, WindowGeometry } from '../../tensor/ops/window.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkBoolean, type OptionSpec } from '../../validate/index.js';
import { type ActivationFn, getActivation } from '../activations.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { initializerConfig, regularizerConfig } from '../serialize.js';
import type { Variable } from '../variable.js';
import {
  asImageShape,
  checkSampleRank,
  paddingOption,
  type SpatialValue,
  spatialTuple,
} from './window-options.js';

export interface ConvOptions extends LayerOptions {
  /** Default 1 (a number, or one per spatial axis). */
  strides?: SpatialValue;
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
  /** Default 1 (a number, or one per spatial axis). */
  dilationRate?: SpatialValue;
  /** Activation by name or function (default linear). */
  activation?: string | ActivationFn;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform', as Keras. */
  kernelInitializer?: string | Initializer;
  /** Default 'zeros', as Keras. */
  biasInitializer?: string | Initializer;
  kernelRegularizer?: string | Regularizer;
  biasRegularizer?: string | Regularizer;
}

/** Every option name of {@link ConvOptions}. */
export const CONV_OPTIONS: OptionSpec<ConvOptions> = {
  ...LAYER_OPTIONS,
  strides: true,
  padding: true,
  dilationRate: true,
  activation: true,
  useBias: true,
  kernelInitializer: true,
  biasInitializer: true,
  kernelRegularizer: true,
  biasRegularizer: true,
};

/** A convolution over `rank` spatial axes, channels-last. */
export abstract class BaseConv extends Layer {
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilationRate: readonly number[];
  readonly padding: Padding;
  readonly activation: { name: string; fn: ActivationFn };
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;
  private kernelVar: Variable | undefined;
  private biasVar: Variable | undefined;

  protected constructor(
    private readonly rank: 1 | 2,
    filters: number,
    kernelSize: SpatialValue,
    options: ConvOptions,
  ) {
    super(options);
    const kind = this.constructor.name;
    if (!Number.isInteger(filters) || filters < 1) {
      throw new RangeError(`${kind}: filters must be a positive integer, got ${String(filters)}`);
    }
    this.filters = filters;
    this.kernelSize = spatialTuple(kind, 'kernelSize', kernelSize, rank);
    this.strides = spatialTuple(kind, 'strides', options.strides ?? 1, rank);
    this.dilationRate = spatialTuple(kind, 'dilationRate', options.dilationRate ?? 1, rank);
    this.padding = paddingOption(kind, options.padding);
    this.activation = getActivation(options.activation);
    this.useBias = options.useBias ?? true;
    checkBoolean(kind, 'useBias', this.useBias);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(options.kernelRegularizer);
    this.biasRegularizer = getRegularizer(options.biasRegularizer);
  }

  /** The kernel, in Keras's layout: [kernelSize…, inChannels, filters]. */
  get kernel(): Variable {
    if (!this.kernelVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.kernelVar;
  }

  get bias(): Variable | undefined {
    return this.biasVar;
  }

  /** The window of this layer over a batch of samples of `sampleShape`. */
  private geometry(batch: number, sampleShape: readonly number[]): WindowGeometry {
    checkSampleRank(this.name, this.constructor.name, sampleShape, this.rank + 1);
    const two = (v: readonly number[]) => (this.rank === 1 ? [1, v[0]] : [v[0], v[1]]) as [number, number];
    return ops.windowGeometry(this.name, [batch, ...asImageShape(sampleShape, this.rank)], {
      kernel: two(this.kernelSize),
      strides: two(this.strides),
      dilation: two(this.dilationRate),
      padding: this.padding,
    });
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.geometry(1, inputShape);
    const channels = inputShape[inputShape.length - 1];
    this.kernelVar = this.addWeight(
      'kernel',
      [...this.kernelSize, channels, this.filters],
      this.kernelInitializer,
    );
    if (this.useBias) this.biasVar = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const g = this.geometry(1, inputShape);
    const channels = this.kernelVar?.shape[this.rank];
    if (channels !== undefined && inputShape[this.rank] !== channels) {
      throw new ShapeError(
        `${this.name}: built for ${channels} input channels, got samples of shape ${formatShape(inputShape)}`,
      );
    }
    return this.rank === 1 ? [g.outWidth, this.filters] : [g.outHeight, g.outWidth, this.filters];
  }

  call(inputs: Tensor): Tensor {
    const sample = inputs.shape.slice(1);
    const channels = this.kernel.shape[this.rank];
    if (inputs.rank !== this.rank + 2 || sample[this.rank] !== channels) {
      throw new ShapeError(
        `${this.name}: expected inputs [batch, ${this.rank === 1 ? 'steps' : 'height, width'}, ${channels}], got ${formatShape(inputs.shape)}`,
      );
    }
    const g = this.geometry(inputs.shape[0], sample);
    const image = this.rank === 1 ? ops.reshape(inputs, [g.batch, 1, g.width, g.channels]) : inputs;
    const patchWidth = g.kernelHeight * g.kernelWidth * g.channels;
    let y = ops.matmul(ops.unfold2d(image, g), ops.reshape(this.kernel.value, [patchWidth, this.filters]));
    if (this.biasVar) y = ops.add(y, this.biasVar.value);
    y = this.activation.fn(y);
    const spatial = this.rank === 1 ? [g.outWidth] : [g.outHeight, g.outWidth];
    return ops.reshape(y, [g.batch, ...spatial, this.filters]);
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
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
    };
  }
}
