import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkBoolean, checkFiniteNumber, checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import { initializerConfig } from '../serialize.js';
import type { Variable } from '../variable.js';
import { moments, normalize } from './moments.js';

export interface LayerNormalizationOptions extends LayerOptions {
  /** The axis or axes of a batch to normalise over (default −1, the features). */
  axis?: number | readonly number[];
  /** Added to the variance (default 1e-3, as Keras). */
  epsilon?: number;
  /** Whether to add β (default true). */
  center?: boolean;
  /** Whether to multiply by γ (default true). */
  scale?: boolean;
  betaInitializer?: string | Initializer;
  gammaInitializer?: string | Initializer;
}

const LAYER_NORMALIZATION_OPTIONS = optionNames<LayerNormalizationOptions>({
  ...LAYER_OPTIONS,
  axis: true,
  epsilon: true,
  center: true,
  scale: true,
  betaInitializer: true,
  gammaInitializer: true,
});

/**
 * Layer normalisation (Keras `LayerNormalization`): each sample is normalised over `axis` with
 * its own mean and biased variance, y = (x − mean)·(γ/√(var + ε)) + β, the same in training and
 * inference. γ and β have the shape of the normalised axes (Keras's order: γ, β).
 *
 * @example
 * ```ts
 * model.add(new LayerNormalization({ inputShape: [10, 16] }));
 * ```
 */
export class LayerNormalization extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly axis: readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly betaInitializer: Initializer;
  private readonly gammaInitializer: Initializer;
  private gammaVar: Variable | undefined;
  private betaVar: Variable | undefined;

  constructor(options: LayerNormalizationOptions = {}) {
    checkOptions('LayerNormalization', options, LAYER_NORMALIZATION_OPTIONS);
    super(options);
    const axis = options.axis ?? -1;
    this.axis = typeof axis === 'number' ? [axis] : [...axis];
    if (this.axis.length === 0 || !this.axis.every((a) => Number.isInteger(a) && a !== 0)) {
      throw new RangeError(
        `LayerNormalization: axis must be a non-zero integer or a non-empty list of them (axis 0 is the batch), got ${JSON.stringify(axis)}`,
      );
    }
    this.epsilon = options.epsilon ?? 1e-3;
    checkFiniteNumber('LayerNormalization', 'epsilon', this.epsilon);
    if (!(this.epsilon > 0))
      throw new RangeError(`LayerNormalization: epsilon must be positive, got ${this.epsilon}`);
    this.center = options.center ?? true;
    checkBoolean('LayerNormalization', 'center', this.center);
    this.scale = options.scale ?? true;
    checkBoolean('LayerNormalization', 'scale', this.scale);
    this.betaInitializer = getInitializer(options.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInitializer(options.gammaInitializer ?? 'ones');
  }

  get gamma(): Variable | undefined {
    return this.gammaVar;
  }

  get beta(): Variable | undefined {
    return this.betaVar;
  }

  /** The normalised axes of a batch, ascending (axis 0 is the batch). */
  private batchAxes(sampleShape: readonly number[]): number[] {
    const rank = sampleShape.length + 1;
    const axes = this.axis.map((a) => (a < 0 ? a + rank : a));
    if (axes.some((a) => a < 1 || a >= rank) || new Set(axes).size !== axes.length) {
      throw new ShapeError(
        `${this.name}: axis ${JSON.stringify(this.axis)} does not name distinct sample axes of batches of ${formatShape(sampleShape)} (the batch is axis 0)`,
      );
    }
    return axes.sort((a, b) => a - b);
  }

  /** γ and β's shape as they broadcast over a batch of `rank` axes. */
  private weightShape(sampleShape: readonly number[]): number[] {
    const axes = this.batchAxes(sampleShape);
    return [1, ...sampleShape].map((d, i) => (axes.includes(i) ? d : 1));
  }

  protected override createWeights(inputShape: readonly number[]): void {
    // Stored with the normalised axes only (Keras's shape); reshaped to broadcast in call.
    const stored = this.batchAxes(inputShape).map((a) => inputShape[a - 1]);
    if (this.scale) this.gammaVar = this.addWeight('gamma', stored, this.gammaInitializer);
    if (this.center) this.betaVar = this.addWeight('beta', stored, this.betaInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    this.batchAxes(inputShape);
    return [...inputShape];
  }

  call(inputs: Tensor): Tensor {
    const sample = inputs.shape.slice(1);
    if (sample.length !== this.inputShape.length || sample.some((d, i) => d !== this.inputShape[i])) {
      throw new ShapeError(
        `${this.name}: expected batches of samples ${formatShape(this.inputShape)}, got ${formatShape(inputs.shape)}`,
      );
    }
    const axes = this.batchAxes(sample);
    const shape = this.weightShape(sample);
    const view = (v: Variable | undefined) => (v ? ops.reshape(v.value, shape) : undefined);
    const { variance, centered } = moments(inputs, axes);
    return normalize(centered, variance, this.epsilon, view(this.gammaVar), view(this.betaVar));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: [...this.axis],
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: initializerConfig(this.betaInitializer),
      gammaInitializer: initializerConfig(this.gammaInitializer),
    };
  }
}
