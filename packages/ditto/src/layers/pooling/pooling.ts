/**
 * Max and average pooling layers, 1-D and 2-D, channels-last (Keras `MaxPooling2D`, …):
 * poolSize default 2 per axis, strides default poolSize, padding 'valid' or 'same'. A 1-D pool is
 * the 2-D one over images of height 1.
 */
import * as ops from '../../tensor/ops/index.js';
import type { Padding, WindowGeometry } from '../../tensor/ops/window.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import {
  asImageShape,
  checkSampleRank,
  paddingOption,
  type SpatialValue,
  spatialTuple,
} from '../conv/window-options.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

export interface PoolingOptions extends LayerOptions {
  /** The window: a number or one per spatial axis (default 2). */
  poolSize?: SpatialValue;
  /** Default: poolSize. */
  strides?: SpatialValue;
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
}

const POOLING_OPTIONS = optionNames<PoolingOptions>({
  ...LAYER_OPTIONS,
  poolSize: true,
  strides: true,
  padding: true,
});

abstract class Pooling extends Layer {
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;

  protected constructor(
    private readonly spatialRank: 1 | 2,
    private readonly reduce: 'max' | 'avg',
    options: PoolingOptions,
  ) {
    const kind = new.target.name;
    checkOptions(kind, options, POOLING_OPTIONS);
    super(options);
    this.poolSize = spatialTuple(kind, 'poolSize', options.poolSize ?? 2, spatialRank);
    this.strides = spatialTuple(kind, 'strides', options.strides ?? this.poolSize, spatialRank);
    this.padding = paddingOption(kind, options.padding);
  }

  private options2d(): ops.Pool2dOptions {
    const two = (v: readonly number[]) =>
      (this.spatialRank === 1 ? [1, v[0]] : [v[0], v[1]]) as [number, number];
    return { poolSize: two(this.poolSize), strides: two(this.strides), padding: this.padding };
  }

  private geometry(sampleShape: readonly number[]): WindowGeometry {
    checkSampleRank(this.name, this.constructor.name, sampleShape, this.spatialRank + 1);
    const o = this.options2d();
    return ops.windowGeometry(this.name, [1, ...asImageShape(sampleShape, this.spatialRank)], {
      kernel: o.poolSize,
      strides: o.strides ?? o.poolSize,
      dilation: [1, 1],
      padding: this.padding,
    });
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const g = this.geometry(inputShape);
    return this.spatialRank === 1 ? [g.outWidth, g.channels] : [g.outHeight, g.outWidth, g.channels];
  }

  call(inputs: Tensor): Tensor {
    if (inputs.rank !== this.spatialRank + 2) {
      throw new ShapeError(
        `${this.name}: expected inputs of rank ${this.spatialRank + 2} [batch, ${this.spatialRank === 1 ? 'steps' : 'height, width'}, channels], got ${formatShape(inputs.shape)}`,
      );
    }
    const [batch, ...sample] = inputs.shape;
    const image = this.spatialRank === 1 ? ops.reshape(inputs, [batch, 1, ...sample]) : inputs;
    const pool = this.reduce === 'max' ? ops.maxPool2d : ops.avgPool2d;
    const y = pool(image, this.options2d());
    return this.spatialRank === 1 ? ops.reshape(y, [batch, y.shape[2], y.shape[3]]) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      strides: [...this.strides],
      padding: this.padding,
    };
  }
}

/**
 * The maximum over each window of [height, width, channels] samples (Keras `MaxPooling2D`).
 *
 * @example
 * ```ts
 * model.add(new MaxPooling2D({ poolSize: 2 }));
 * ```
 */
export class MaxPooling2D extends Pooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: PoolingOptions = {}) {
    super(2, 'max', options);
  }
}

/**
 * The average over each window of [height, width, channels] samples, padding not counted (Keras
 * `AveragePooling2D`).
 *
 * @example
 * ```ts
 * model.add(new AveragePooling2D({ poolSize: [2, 2], padding: 'same' }));
 * ```
 */
export class AveragePooling2D extends Pooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: PoolingOptions = {}) {
    super(2, 'avg', options);
  }
}

/**
 * The maximum over each window of [steps, channels] samples (Keras `MaxPooling1D`).
 *
 * @example
 * ```ts
 * model.add(new MaxPooling1D({ poolSize: 3 }));
 * ```
 */
export class MaxPooling1D extends Pooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: PoolingOptions = {}) {
    super(1, 'max', options);
  }
}

/**
 * The average over each window of [steps, channels] samples (Keras `AveragePooling1D`).
 *
 * @example
 * ```ts
 * model.add(new AveragePooling1D({ poolSize: 2 }));
 * ```
 */
export class AveragePooling1D extends Pooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: PoolingOptions = {}) {
    super(1, 'avg', options);
  }
}
