import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import * as ops from '../../tensor/ops/index.js';
import { formatShape, normalizeAxis, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  checkBoolean,
  checkFiniteNumber,
  checkInteger,
  checkOptions,
  optionNames,
} from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import { initializerConfig } from '../serialize.js';
import type { Variable } from '../variable.js';
import { moments, normalize } from './moments.js';
import { updateMovingAverage } from './moving-average.js';

export interface BatchNormalizationOptions extends LayerOptions {
  /** The features axis of a sample's batch (default −1, channels-last). */
  axis?: number;
  /** Of the moving statistics (default 0.99, as Keras). */
  momentum?: number;
  /** Added to the variance (default 1e-3, as Keras). */
  epsilon?: number;
  /** Whether to add β (default true). */
  center?: boolean;
  /** Whether to multiply by γ (default true). */
  scale?: boolean;
  betaInitializer?: string | Initializer;
  gammaInitializer?: string | Initializer;
  movingMeanInitializer?: string | Initializer;
  movingVarianceInitializer?: string | Initializer;
}

const BATCH_NORMALIZATION_OPTIONS = optionNames<BatchNormalizationOptions>({
  ...LAYER_OPTIONS,
  axis: true,
  momentum: true,
  epsilon: true,
  center: true,
  scale: true,
  betaInitializer: true,
  gammaInitializer: true,
  movingMeanInitializer: true,
  movingVarianceInitializer: true,
});

/**
 * Batch normalisation (Keras `BatchNormalization`). In training, each feature is normalised with
 * the batch's mean and biased variance over every other axis, y = (x − mean)·(γ/√(var + ε)) + β,
 * and the moving statistics are updated as moving·momentum + batch·(1 − momentum); at inference
 * the moving statistics are used instead. As in Keras 3, a frozen layer (`trainable: false`) runs in
 * inference mode while its model trains, for fine-tuning on top of it. Weights in Keras's order: γ, β, moving mean, moving
 * variance (the last two not trainable).
 *
 * @example
 * ```ts
 * model.add(new Conv2D(16, 3));
 * model.add(new BatchNormalization());
 * model.add(new Activation('relu'));
 * ```
 */
export class BatchNormalization extends Layer {
  /** Its `call` is built from ops and an effect primitive: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly initializers: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', Initializer>;
  private gammaVar: Variable | undefined;
  private betaVar: Variable | undefined;
  private movingMeanVar: Variable | undefined;
  private movingVarianceVar: Variable | undefined;
  /** The features axis within a batch (set at build). */
  private featureAxis = -1;

  constructor(options: BatchNormalizationOptions = {}) {
    checkOptions('BatchNormalization', options, BATCH_NORMALIZATION_OPTIONS);
    super(options);
    this.axis = options.axis ?? -1;
    checkInteger('BatchNormalization', 'axis', this.axis);
    this.momentum = options.momentum ?? 0.99;
    checkFiniteNumber('BatchNormalization', 'momentum', this.momentum);
    if (this.momentum < 0 || this.momentum > 1) {
      throw new RangeError(`BatchNormalization: momentum must be in [0, 1], got ${this.momentum}`);
    }
    this.epsilon = options.epsilon ?? 1e-3;
    checkFiniteNumber('BatchNormalization', 'epsilon', this.epsilon);
    if (!(this.epsilon > 0))
      throw new RangeError(`BatchNormalization: epsilon must be positive, got ${this.epsilon}`);
    this.center = options.center ?? true;
    checkBoolean('BatchNormalization', 'center', this.center);
    this.scale = options.scale ?? true;
    checkBoolean('BatchNormalization', 'scale', this.scale);
    this.initializers = {
      beta: getInitializer(options.betaInitializer ?? 'zeros'),
      gamma: getInitializer(options.gammaInitializer ?? 'ones'),
      movingMean: getInitializer(options.movingMeanInitializer ?? 'zeros'),
      movingVariance: getInitializer(options.movingVarianceInitializer ?? 'ones'),
    };
  }

  get gamma(): Variable | undefined {
    return this.gammaVar;
  }

  get beta(): Variable | undefined {
    return this.betaVar;
  }

  get movingMean(): Variable {
    if (!this.movingMeanVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.movingMeanVar;
  }

  get movingVariance(): Variable {
    if (!this.movingVarianceVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.movingVarianceVar;
  }

  /** The axis within a batch [batch, …sample] (the sample's axis + 1). */
  private batchAxis(sampleShape: readonly number[]): number {
    if (sampleShape.length === 0) {
      throw new ShapeError(`${this.name}: BatchNormalization needs samples with at least one axis, got []`);
    }
    const sampleAxis = this.axis < 0 ? this.axis + sampleShape.length : this.axis - 1;
    if (sampleAxis < 0 || sampleAxis >= sampleShape.length) {
      throw new ShapeError(
        `${this.name}: axis ${this.axis} is outside batches of samples of shape ${formatShape(sampleShape)} (the batch is axis 0)`,
      );
    }
    return sampleAxis + 1;
  }

  /** The shape γ, β and the statistics take to broadcast over a batch. */
  private broadcastShape(rank: number, features: number): number[] {
    return Array.from({ length: rank }, (_, i) => (i === this.featureAxis ? features : 1));
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.featureAxis = this.batchAxis(inputShape);
    const features = inputShape[this.featureAxis - 1];
    if (this.scale) this.gammaVar = this.addWeight('gamma', [features], this.initializers.gamma);
    if (this.center) this.betaVar = this.addWeight('beta', [features], this.initializers.beta);
    this.movingMeanVar = this.addWeight('moving_mean', [features], this.initializers.movingMean, false);
    this.movingVarianceVar = this.addWeight(
      'moving_variance',
      [features],
      this.initializers.movingVariance,
      false,
    );
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const axis = this.batchAxis(inputShape);
    const features = this.movingMeanVar?.shape[0];
    if (features !== undefined && inputShape[axis - 1] !== features) {
      throw new ShapeError(
        `${this.name}: built for ${features} features on axis ${this.axis}, got samples of shape ${formatShape(inputShape)}`,
      );
    }
    return [...inputShape];
  }

  call(inputs: Tensor, options: { training: boolean }): Tensor {
    const features = this.movingMean.shape[0];
    const axis = normalizeAxis(this.name, this.featureAxis, inputs.rank);
    if (inputs.rank !== this.inputShape.length + 1 || inputs.shape[axis] !== features) {
      throw new ShapeError(
        `${this.name}: expected batches of samples ${formatShape(this.inputShape)}, got ${formatShape(inputs.shape)}`,
      );
    }
    const shape = this.broadcastShape(inputs.rank, features);
    const view = (v: Variable | undefined) => (v ? ops.reshape(v.value, shape) : undefined);
    const gamma = view(this.gammaVar);
    const beta = view(this.betaVar);
    // Keras 3: a frozen BatchNormalization normalises with its moving statistics in training too.
    if (!options.training || !this.trainable) {
      const centered = ops.sub(inputs, view(this.movingMeanVar) as Tensor);
      return normalize(centered, view(this.movingVarianceVar) as Tensor, this.epsilon, gamma, beta);
    }
    const reduced = Array.from({ length: inputs.rank }, (_, i) => i).filter((i) => i !== axis);
    const { mean, variance, centered } = moments(inputs, reduced);
    updateMovingAverage(this.movingMean, mean.data, this.momentum);
    updateMovingAverage(this.movingVariance, variance.data, this.momentum);
    return normalize(centered, variance, this.epsilon, gamma, beta);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: initializerConfig(this.initializers.beta),
      gammaInitializer: initializerConfig(this.initializers.gamma),
      movingMeanInitializer: initializerConfig(this.initializers.movingMean),
      movingVarianceInitializer: initializerConfig(this.initializers.movingVariance),
    };
  }
}
