import { getInitializer } from '../../initializers/index.js';
import { noGrad } from '../../tensor/autograd.js';
import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';
import { checkArray, checkInteger, checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import type { Variable } from '../variable.js';
import { moments } from './moments.js';

export interface NormalizationOptions extends LayerOptions {
  /** The features axis of a batch (default −1): one mean and variance per feature. */
  axis?: number;
  /** Known means per feature (else `adapt` computes them). */
  mean?: readonly number[];
  /** Known variances per feature (with `mean`). */
  variance?: readonly number[];
}

const NORMALIZATION_OPTIONS = optionNames<NormalizationOptions>({
  ...LAYER_OPTIONS,
  axis: true,
  mean: true,
  variance: true,
});

/** Keras's backend epsilon: the smallest standard deviation divided by. */
const EPSILON = 1e-7;

/**
 * Feature-wise standardisation with statistics adapted on data (Keras `Normalization`):
 * y = (x − mean) / max(√variance, 1e-7). `adapt(data)` sets mean and (biased) variance of each
 * feature over every other axis, computed with ops in the reduction order of `mean`; or give
 * `mean` and `variance`. The statistics are non-trainable weights (mean, variance).
 *
 * @example
 * ```ts
 * const norm = new Normalization({ inputShape: [3] });
 * norm.adapt(trainX);                 // before compile/fit
 * const model = new Sequential([norm, new Dense(1)]);
 * ```
 */
export class Normalization extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly axis: number;
  private readonly given: { mean: readonly number[]; variance: readonly number[] } | undefined;
  private meanVar: Variable | undefined;
  private varianceVar: Variable | undefined;
  private adapted = false;

  constructor(options: NormalizationOptions = {}) {
    checkOptions('Normalization', options, NORMALIZATION_OPTIONS);
    super(options);
    this.axis = options.axis ?? -1;
    checkInteger('Normalization', 'axis', this.axis);
    if ((options.mean === undefined) !== (options.variance === undefined)) {
      throw new TypeError('Normalization: give both mean and variance, or neither (and call adapt)');
    }
    if (options.mean && options.variance) {
      checkArray('Normalization', 'mean', options.mean);
      checkArray('Normalization', 'variance', options.variance);
      const finite = (v: readonly number[]) => v.every((x) => Number.isFinite(x));
      if (
        options.mean.length !== options.variance.length ||
        !finite(options.mean) ||
        !finite(options.variance)
      ) {
        throw new RangeError(
          'Normalization: mean and variance must be finite numbers, one per feature, of equal length',
        );
      }
      if (options.variance.some((v) => v < 0)) throw new RangeError('Normalization: a variance is negative');
      this.given = { mean: [...options.mean], variance: [...options.variance] };
      this.adapted = true;
    }
  }

  /** The features axis within a batch. */
  private batchAxis(sampleShape: readonly number[]): number {
    const axis = this.axis < 0 ? this.axis + sampleShape.length + 1 : this.axis;
    if (axis < 1 || axis > sampleShape.length) {
      throw new ShapeError(
        `${this.name}: axis ${this.axis} is outside batches of samples of shape ${formatShape(sampleShape)} (the batch is axis 0)`,
      );
    }
    return axis;
  }

  protected override createWeights(inputShape: readonly number[]): void {
    const features = inputShape[this.batchAxis(inputShape) - 1];
    if (this.given && this.given.mean.length !== features) {
      throw new ShapeError(
        `${this.name}: ${this.given.mean.length} means given for ${features} features (samples of shape ${formatShape(inputShape)})`,
      );
    }
    this.meanVar = this.addWeight('mean', [features], getInitializer('zeros'), false);
    this.varianceVar = this.addWeight('variance', [features], getInitializer('ones'), false);
    if (this.given) {
      this.meanVar.assign(this.given.mean);
      this.varianceVar.assign(this.given.variance);
    }
  }

  /**
   * Sets the mean and variance of each feature from `data` ([samples, …sample shape]), building
   * the layer for that sample shape if it is not built.
   */
  adapt(data: Tensor): void {
    if (data.rank < 2) {
      throw new ShapeError(`${this.name}: adapt needs a batch [samples, …], got ${formatShape(data.shape)}`);
    }
    if (!this.built) this.build(data.shape.slice(1));
    const axis = this.batchAxis(this.inputShape);
    const reduced = data.shape.map((_, i) => i).filter((i) => i !== axis);
    // Computed in the data's own type; assign rounds the results to the layer's.
    const stats = noGrad(() => moments(data, reduced));
    this.meanVar?.assign(stats.mean.data);
    this.varianceVar?.assign(stats.variance.data);
    this.adapted = true;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    this.batchAxis(inputShape);
    return [...inputShape];
  }

  call(inputs: Tensor): Tensor {
    if (!this.adapted) {
      throw new Error(`${this.name}: call adapt(data) before using the layer, or give mean and variance`);
    }
    const axis = this.batchAxis(inputs.shape.slice(1));
    const shape = inputs.shape.map((d, i) => (i === axis ? d : 1));
    const mean = ops.reshape((this.meanVar as Variable).value, shape);
    const deviation = ops.maximum(
      ops.sqrt(ops.reshape((this.varianceVar as Variable).value, shape)),
      scalar(EPSILON, inputs.dtype),
    );
    return ops.div(ops.sub(inputs, mean), deviation);
  }

  override getConfig(): Record<string, unknown> {
    const config = { ...super.getConfig(), axis: this.axis };
    // The statistics go into the config too, so a layer rebuilt from it is adapted and usable.
    if (this.meanVar && this.varianceVar && this.adapted) {
      return {
        ...config,
        mean: Array.from(this.meanVar.value.data),
        variance: Array.from(this.varianceVar.value.data),
      };
    }
    return this.given
      ? { ...config, mean: [...this.given.mean], variance: [...this.given.variance] }
      : config;
  }
}
