/**
 * Depthwise and separable convolutions (Keras `DepthwiseConv2D`, `SeparableConv2D`), channels-last.
 * A depthwise convolution convolves each input channel with its own `depthMultiplier` filters:
 * the patches of unfold2d, seen as [positions, kh·kw, C, 1], times the kernel [kh·kw, C, m], summed
 * over the kh·kw taps in ascending (ky, kx) order; output channel c·m + j, as Keras. A separable
 * convolution follows it with a pointwise (1×1) convolution: one matmul.
 */
import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import * as ops from '../../tensor/ops/index.js';
import type { Padding, WindowGeometry } from '../../tensor/ops/window.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  checkBoolean,
  checkOptions,
  checkPositiveInteger,
  type OptionSpec,
  optionNames,
} from '../../validate/index.js';
import { type ActivationFn, getActivation } from '../activations.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import { initializerConfig } from '../serialize.js';
import type { Variable } from '../variable.js';
import { checkSampleRank, paddingOption, type SpatialValue, spatialTuple } from './window-options.js';

export interface DepthwiseConv2DOptions extends LayerOptions {
  /** Filters per input channel (default 1). */
  depthMultiplier?: number;
  /** Default 1. */
  strides?: SpatialValue;
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
  /** Default 1. */
  dilationRate?: SpatialValue;
  /** Default linear. */
  activation?: string | ActivationFn;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  depthwiseInitializer?: string | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: string | Initializer;
}

export interface SeparableConv2DOptions extends DepthwiseConv2DOptions {
  /** Default 'glorotUniform'. */
  pointwiseInitializer?: string | Initializer;
}

const DEPTHWISE_SPEC: OptionSpec<DepthwiseConv2DOptions> = {
  ...LAYER_OPTIONS,
  depthMultiplier: true,
  strides: true,
  padding: true,
  dilationRate: true,
  activation: true,
  useBias: true,
  depthwiseInitializer: true,
  biasInitializer: true,
};
const DEPTHWISE_OPTIONS = optionNames<DepthwiseConv2DOptions>(DEPTHWISE_SPEC);
const SEPARABLE_OPTIONS = optionNames<SeparableConv2DOptions>({
  ...DEPTHWISE_SPEC,
  pointwiseInitializer: true,
});

/** The depthwise convolution of x by a kernel [kh, kw, C, m]: [batch·outH·outW, C·m] rows. */
function depthwiseRows(x: Tensor, kernel: Tensor, g: WindowGeometry): Tensor {
  const [kh, kw, channels, multiplier] = kernel.shape;
  const taps = kh * kw;
  const patches = ops.reshape(ops.unfold2d(x, g), [-1, taps, channels, 1]);
  const products = ops.mul(patches, ops.reshape(kernel, [1, taps, channels, multiplier]));
  return ops.reshape(ops.sum(products, 1), [-1, channels * multiplier]);
}

abstract class DepthwiseBase extends Layer {
  readonly kernelSize: readonly number[];
  readonly depthMultiplier: number;
  readonly strides: readonly number[];
  readonly dilationRate: readonly number[];
  readonly padding: Padding;
  readonly activation: { name: string; fn: ActivationFn };
  readonly useBias: boolean;
  protected readonly depthwiseInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  private depthwiseVar: Variable | undefined;

  protected constructor(kind: string, kernelSize: SpatialValue, options: DepthwiseConv2DOptions) {
    super(options);
    this.kernelSize = spatialTuple(kind, 'kernelSize', kernelSize, 2);
    this.depthMultiplier = options.depthMultiplier ?? 1;
    checkPositiveInteger(kind, 'depthMultiplier', this.depthMultiplier);
    this.strides = spatialTuple(kind, 'strides', options.strides ?? 1, 2);
    this.dilationRate = spatialTuple(kind, 'dilationRate', options.dilationRate ?? 1, 2);
    this.padding = paddingOption(kind, options.padding);
    this.activation = getActivation(options.activation);
    this.useBias = options.useBias ?? true;
    checkBoolean(kind, 'useBias', this.useBias);
    this.depthwiseInitializer = getInitializer(options.depthwiseInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros');
  }

  /** The depthwise kernel [kh, kw, inChannels, depthMultiplier]. */
  get depthwiseKernel(): Variable {
    if (!this.depthwiseVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.depthwiseVar;
  }

  protected geometry(batch: number, sampleShape: readonly number[]): WindowGeometry {
    checkSampleRank(this.name, this.constructor.name, sampleShape, 3);
    return ops.windowGeometry(this.name, [batch, ...sampleShape], {
      kernel: [this.kernelSize[0], this.kernelSize[1]],
      strides: [this.strides[0], this.strides[1]],
      dilation: [this.dilationRate[0], this.dilationRate[1]],
      padding: this.padding,
    });
  }

  protected createDepthwise(inputShape: readonly number[]): void {
    this.geometry(1, inputShape);
    const shape = [...this.kernelSize, inputShape[2], this.depthMultiplier];
    this.depthwiseVar = this.addWeight('depthwise_kernel', shape, this.depthwiseInitializer);
  }

  /** Checks the batch and returns its depthwise rows and geometry. */
  protected depthwise(inputs: Tensor): { rows: Tensor; g: WindowGeometry } {
    const channels = this.depthwiseKernel.shape[2];
    if (inputs.rank !== 4 || inputs.shape[3] !== channels) {
      throw new ShapeError(
        `${this.name}: expected inputs [batch, height, width, ${channels}], got ${formatShape(inputs.shape)}`,
      );
    }
    const g = this.geometry(inputs.shape[0], inputs.shape.slice(1));
    return { rows: depthwiseRows(inputs, this.depthwiseKernel.value, g), g };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernelSize: [...this.kernelSize],
      depthMultiplier: this.depthMultiplier,
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      activation: this.activation.name,
      useBias: this.useBias,
      depthwiseInitializer: initializerConfig(this.depthwiseInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
    };
  }
}

/**
 * Depthwise 2-D convolution: weights depthwise_kernel [kh, kw, C, depthMultiplier], bias [C·m].
 *
 * @example
 * ```ts
 * model.add(new DepthwiseConv2D(3, { depthMultiplier: 2, padding: 'same' }));
 * ```
 */
export class DepthwiseConv2D extends DepthwiseBase {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  private biasVar: Variable | undefined;

  constructor(kernelSize: SpatialValue, options: DepthwiseConv2DOptions = {}) {
    checkOptions('DepthwiseConv2D', options, DEPTHWISE_OPTIONS);
    super('DepthwiseConv2D', kernelSize, options);
  }

  get bias(): Variable | undefined {
    return this.biasVar;
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.createDepthwise(inputShape);
    if (this.useBias)
      this.biasVar = this.addWeight('bias', [inputShape[2] * this.depthMultiplier], this.biasInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const g = this.geometry(1, inputShape);
    return [g.outHeight, g.outWidth, inputShape[2] * this.depthMultiplier];
  }

  call(inputs: Tensor): Tensor {
    const { rows, g } = this.depthwise(inputs);
    let y = this.biasVar ? ops.add(rows, this.biasVar.value) : rows;
    y = this.activation.fn(y);
    return ops.reshape(y, [g.batch, g.outHeight, g.outWidth, rows.shape[1]]);
  }
}

/**
 * Depthwise convolution then a pointwise (1×1) one: weights depthwise_kernel [kh, kw, C, m],
 * pointwise_kernel [1, 1, C·m, filters], bias [filters] (Keras's order).
 *
 * @example
 * ```ts
 * model.add(new SeparableConv2D(32, 3, { activation: 'relu' }));
 * ```
 */
export class SeparableConv2D extends DepthwiseBase {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly filters: number;
  private readonly pointwiseInitializer: Initializer;
  private pointwiseVar: Variable | undefined;
  private biasVar: Variable | undefined;

  constructor(filters: number, kernelSize: SpatialValue, options: SeparableConv2DOptions = {}) {
    checkPositiveInteger('SeparableConv2D', 'filters', filters);
    checkOptions('SeparableConv2D', options, SEPARABLE_OPTIONS);
    super('SeparableConv2D', kernelSize, options);
    this.filters = filters;
    this.pointwiseInitializer = getInitializer(options.pointwiseInitializer ?? 'glorotUniform');
  }

  get pointwiseKernel(): Variable {
    if (!this.pointwiseVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.pointwiseVar;
  }

  get bias(): Variable | undefined {
    return this.biasVar;
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.createDepthwise(inputShape);
    const depth = inputShape[2] * this.depthMultiplier;
    this.pointwiseVar = this.addWeight(
      'pointwise_kernel',
      [1, 1, depth, this.filters],
      this.pointwiseInitializer,
    );
    if (this.useBias) this.biasVar = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const g = this.geometry(1, inputShape);
    return [g.outHeight, g.outWidth, this.filters];
  }

  call(inputs: Tensor): Tensor {
    const { rows, g } = this.depthwise(inputs);
    let y = ops.matmul(rows, ops.reshape(this.pointwiseKernel.value, [rows.shape[1], this.filters]));
    if (this.biasVar) y = ops.add(y, this.biasVar.value);
    y = this.activation.fn(y);
    return ops.reshape(y, [g.batch, g.outHeight, g.outWidth, this.filters]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      pointwiseInitializer: initializerConfig(this.pointwiseInitializer),
    };
  }
}
