/**
 * What Conv1D and Conv2D share: the options, the Keras kernel layout, and the call — unfold the
 * input into patches, one matmul with the kernel, bias, activation (the Dense epilogue the engine
 * fuses). A 1-D convolution is the 2-D one over images of height 1, with the same bits. With
 * `groups` > 1 each group of input channels is its own convolution (unfold + matmul) with its own
 * filters, and the groups' outputs are concatenated along the channels, group 0 first.
 */
import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import * as ops from '../../tensor/ops/index.js';
import type { Padding, WindowGeometry } from '../../tensor/ops/window.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkBoolean, checkPositiveInteger, type OptionSpec } from '../../validate/index.js';
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

/**
 * How Conv1D and Conv2D treat the borders: 'valid', 'same', or (Conv1D only) 'causal' — zeros
 * before the first step only, (kernelSize − 1)·dilationRate of them, so that output t sees inputs
 * up to t (Keras's causal padding; the output has ceil(steps / stride) steps).
 */
export type ConvPadding = Padding | 'causal';

/** The options of Conv1D and Conv2D: {@link ConvOptions} with Keras's `groups`. */
export interface GroupedConvOptions extends Omit<ConvOptions, 'padding'> {
  /** 'valid' (default) or 'same'; Conv1D also 'causal'. */
  padding?: ConvPadding;
  /**
   * Keras's `groups` (default 1): input channels and filters are cut into this many equal groups,
   * and group g's filters see only group g's channels. Both counts must be divisible by it; the
   * kernel is [kernelSize…, inChannels / groups, filters].
   */
  groups?: number;
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

/** Every option name of {@link GroupedConvOptions}. */
export const GROUPED_CONV_OPTIONS: OptionSpec<GroupedConvOptions> = { ...CONV_OPTIONS, groups: true };

/** A convolution over `rank` spatial axes, channels-last. */
export abstract class BaseConv extends Layer {
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilationRate: readonly number[];
  readonly padding: ConvPadding;
  /** Keras's `groups`: filters and input channels are cut into this many groups (1: none). */
  readonly groups: number;
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
    options: GroupedConvOptions,
  ) {
    super(options);
    const kind = this.constructor.name;
    if (!Number.isInteger(filters) || filters < 1) {
      throw new RangeError(`${kind}: filters must be a positive integer, got ${String(filters)}`);
    }
    this.filters = filters;
    this.groups = options.groups ?? 1;
    checkPositiveInteger(kind, 'groups', this.groups);
    if (filters % this.groups !== 0) {
      throw new RangeError(
        `${this.name}: ${kind} filters (${filters}) must be divisible by groups (${this.groups})`,
      );
    }
    this.kernelSize = spatialTuple(kind, 'kernelSize', kernelSize, rank);
    this.strides = spatialTuple(kind, 'strides', options.strides ?? 1, rank);
    this.dilationRate = spatialTuple(kind, 'dilationRate', options.dilationRate ?? 1, rank);
    this.padding = paddingOption<ConvPadding>(
      kind,
      options.padding,
      rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'],
    );
    this.activation = getActivation(options.activation);
    this.useBias = options.useBias ?? true;
    checkBoolean(kind, 'useBias', this.useBias);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(options.kernelRegularizer);
    this.biasRegularizer = getRegularizer(options.biasRegularizer);
  }

  /** The kernel, in Keras's layout: [kernelSize…, inChannels / groups, filters]. */
  get kernel(): Variable {
    if (!this.kernelVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.kernelVar;
  }

  get bias(): Variable | undefined {
    return this.biasVar;
  }

  /**
   * The window of this layer over a batch of samples of `sampleShape` (their channel count
   * replaced by `channels`: one group's). Causal padding is the 'valid' window over the steps with
   * (k − 1)·d zeros before them, which unfold reads as left padding — no padded copy is made.
   */
  private geometry(batch: number, sampleShape: readonly number[], channels?: number): WindowGeometry {
    checkSampleRank(this.name, this.constructor.name, sampleShape, this.rank + 1);
    const two = (v: readonly number[]) => (this.rank === 1 ? [1, v[0]] : [v[0], v[1]]) as [number, number];
    const image = [batch, ...asImageShape(sampleShape, this.rank)];
    if (channels !== undefined) image[3] = channels;
    const spec = {
      kernel: two(this.kernelSize),
      strides: two(this.strides),
      dilation: two(this.dilationRate),
    };
    if (this.padding !== 'causal')
      return ops.windowGeometry(this.name, image, { ...spec, padding: this.padding });
    const left = (this.kernelSize[0] - 1) * this.dilationRate[0];
    const width = image[2];
    image[2] = width + left;
    return { ...ops.windowGeometry(this.name, image, { ...spec, padding: 'valid' }), width, padLeft: left };
  }

  /** Input channels per group, checked to divide evenly (naming the layer and both numbers). */
  private groupChannels(channels: number): number {
    if (channels % this.groups !== 0) {
      throw new ShapeError(
        `${this.name}: ${this.constructor.name} input channels (${channels}) must be divisible by groups (${this.groups})`,
      );
    }
    return channels / this.groups;
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.geometry(1, inputShape);
    const channels = this.groupChannels(inputShape[inputShape.length - 1]);
    this.kernelVar = this.addWeight(
      'kernel',
      [...this.kernelSize, channels, this.filters],
      this.kernelInitializer,
    );
    if (this.useBias) this.biasVar = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const g = this.geometry(1, inputShape);
    const perGroup = this.kernelVar?.shape[this.rank];
    const channels = perGroup === undefined ? undefined : perGroup * this.groups;
    if (channels === undefined) this.groupChannels(inputShape[this.rank]);
    if (channels !== undefined && inputShape[this.rank] !== channels) {
      throw new ShapeError(
        `${this.name}: built for ${channels} input channels, got samples of shape ${formatShape(inputShape)}`,
      );
    }
    return this.rank === 1 ? [g.outWidth, this.filters] : [g.outHeight, g.outWidth, this.filters];
  }

  call(inputs: Tensor): Tensor {
    const sample = inputs.shape.slice(1);
    const channels = this.kernel.shape[this.rank] * this.groups;
    if (inputs.rank !== this.rank + 2 || sample[this.rank] !== channels) {
      throw new ShapeError(
        `${this.name}: expected inputs [batch, ${this.rank === 1 ? 'steps' : 'height, width'}, ${channels}], got ${formatShape(inputs.shape)}`,
      );
    }
    const g = this.geometry(inputs.shape[0], sample, channels / this.groups);
    const image = this.rank === 1 ? ops.reshape(inputs, [g.batch, 1, g.width, channels]) : inputs;
    const patchWidth = g.kernelHeight * g.kernelWidth * g.channels;
    const convolve = (x: Tensor, kernel: Tensor, filters: number) =>
      ops.matmul(ops.unfold2d(x, g), ops.reshape(kernel, [patchWidth, filters]));
    let y: Tensor;
    if (this.groups === 1) {
      y = convolve(image, this.kernel.value, this.filters);
    } else {
      // Group i: channels [i·C/G, (i+1)·C/G) with filters [i·F/G, (i+1)·F/G), each one convolution.
      const images = ops.split(image, this.groups, 3);
      const kernels = ops.split(this.kernel.value, this.groups, this.rank + 1);
      const filters = this.filters / this.groups;
      y = ops.concat(
        images.map((x, i) => convolve(x, kernels[i], filters)),
        1,
      );
    }
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
      // Only when set: configs of ungrouped convolutions (and the files that hold them) stay as they were.
      ...(this.groups === 1 ? {} : { groups: this.groups }),
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
    };
  }
}
