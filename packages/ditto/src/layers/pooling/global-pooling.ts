/**
 * Global pooling: the mean or maximum over every spatial axis of channels-last samples (Keras
 * `GlobalAveragePooling1D/2D`, `GlobalMaxPooling1D/2D`). The mean is the ascending sum over the
 * positions (row-major), divided once by their count; a maximum's gradient is shared equally
 * among tied maxima (ops.max).
 */
import * as ops from '../../tensor/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkBoolean, checkOptions, optionNames } from '../../validate/index.js';
import { checkSampleRank } from '../conv/window-options.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

export interface GlobalPoolingOptions extends LayerOptions {
  /** Keep the spatial axes as size 1 (default false, Keras's `keepdims`). */
  keepDims?: boolean;
}

const GLOBAL_POOLING_OPTIONS = optionNames<GlobalPoolingOptions>({ ...LAYER_OPTIONS, keepDims: true });

abstract class GlobalPooling extends Layer {
  readonly keepDims: boolean;

  protected constructor(
    private readonly spatialRank: 1 | 2,
    private readonly reduce: 'mean' | 'max',
    options: GlobalPoolingOptions,
  ) {
    const kind = new.target.name;
    checkOptions(kind, options, GLOBAL_POOLING_OPTIONS);
    super(options);
    this.keepDims = options.keepDims ?? false;
    checkBoolean(kind, 'keepDims', this.keepDims);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    checkSampleRank(this.name, this.constructor.name, inputShape, this.spatialRank + 1);
    const channels = inputShape[this.spatialRank];
    return this.keepDims ? [...new Array<number>(this.spatialRank).fill(1), channels] : [channels];
  }

  call(inputs: Tensor): Tensor {
    checkSampleRank(this.name, this.constructor.name, inputs.shape.slice(1), this.spatialRank + 1);
    const axes = this.spatialRank === 1 ? [1] : [1, 2];
    const reduce = this.reduce === 'mean' ? ops.mean : ops.max;
    return reduce(inputs, axes, { keepDims: this.keepDims });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), keepDims: this.keepDims };
  }
}

/**
 * The mean over height and width of [height, width, channels] samples.
 *
 * @example
 * ```ts
 * model.add(new GlobalAveragePooling2D()); // [batch, h, w, c] → [batch, c]
 * ```
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: GlobalPoolingOptions = {}) {
    super(2, 'mean', options);
  }
}

/**
 * The maximum over height and width of [height, width, channels] samples.
 *
 * @example
 * ```ts
 * model.add(new GlobalMaxPooling2D());
 * ```
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: GlobalPoolingOptions = {}) {
    super(2, 'max', options);
  }
}

/**
 * The mean over the steps of [steps, channels] samples.
 *
 * @example
 * ```ts
 * model.add(new GlobalAveragePooling1D()); // [batch, steps, c] → [batch, c]
 * ```
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: GlobalPoolingOptions = {}) {
    super(1, 'mean', options);
  }
}

/**
 * The maximum over the steps of [steps, channels] samples.
 *
 * @example
 * ```ts
 * model.add(new GlobalMaxPooling1D());
 * ```
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(options: GlobalPoolingOptions = {}) {
    super(1, 'max', options);
  }
}
