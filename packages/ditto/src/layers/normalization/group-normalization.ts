import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  checkBoolean,
  checkFiniteNumber,
  checkOptions,
  checkPositiveInteger,
  optionNames,
} from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import { initializerConfig } from '../serialize.js';
import type { Variable } from '../variable.js';
import { moments, normalize } from './moments.js';

export interface GroupNormalizationOptions extends LayerOptions {
  /** Groups the channels are split into (default 32, as Keras); must divide the channels. */
  groups?: number;
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
  /** Whether to add β (default true). */
  center?: boolean;
  /** Whether to multiply by γ (default true). */
  scale?: boolean;
  betaInitializer?: string | Initializer;
  gammaInitializer?: string | Initializer;
}

const GROUP_NORMALIZATION_OPTIONS = optionNames<GroupNormalizationOptions>({
  ...LAYER_OPTIONS,
  groups: true,
  epsilon: true,
  center: true,
  scale: true,
  betaInitializer: true,
  gammaInitializer: true,
});

/**
 * Group normalisation (Keras `GroupNormalization`, channels-last): the channels are split into
 * `groups` consecutive groups, and each sample is normalised per group over its spatial positions
 * and the group's channels; γ and β are per channel.
 *
 * @example
 * ```ts
 * model.add(new GroupNormalization({ groups: 4 }));
 * ```
 */
export class GroupNormalization extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly betaInitializer: Initializer;
  private readonly gammaInitializer: Initializer;
  private gammaVar: Variable | undefined;
  private betaVar: Variable | undefined;

  constructor(options: GroupNormalizationOptions = {}) {
    checkOptions('GroupNormalization', options, GROUP_NORMALIZATION_OPTIONS);
    super(options);
    this.groups = options.groups ?? 32;
    checkPositiveInteger('GroupNormalization', 'groups', this.groups);
    this.epsilon = options.epsilon ?? 1e-3;
    checkFiniteNumber('GroupNormalization', 'epsilon', this.epsilon);
    if (!(this.epsilon > 0))
      throw new RangeError(`GroupNormalization: epsilon must be positive, got ${this.epsilon}`);
    this.center = options.center ?? true;
    checkBoolean('GroupNormalization', 'center', this.center);
    this.scale = options.scale ?? true;
    checkBoolean('GroupNormalization', 'scale', this.scale);
    this.betaInitializer = getInitializer(options.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInitializer(options.gammaInitializer ?? 'ones');
  }

  get gamma(): Variable | undefined {
    return this.gammaVar;
  }

  get beta(): Variable | undefined {
    return this.betaVar;
  }

  private channels(inputShape: readonly number[]): number {
    const channels = inputShape[inputShape.length - 1];
    if (inputShape.length === 0 || channels % this.groups !== 0) {
      throw new ShapeError(
        `${this.name}: ${this.groups} groups must divide the channels (last axis) of samples of shape ${formatShape(inputShape)}`,
      );
    }
    return channels;
  }

  protected override createWeights(inputShape: readonly number[]): void {
    const channels = this.channels(inputShape);
    if (this.scale) this.gammaVar = this.addWeight('gamma', [channels], this.gammaInitializer);
    if (this.center) this.betaVar = this.addWeight('beta', [channels], this.betaInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    this.channels(inputShape);
    return [...inputShape];
  }

  call(inputs: Tensor): Tensor {
    const channels = this.channels(inputs.shape.slice(1));
    const perGroup = channels / this.groups;
    const [batch, ...sample] = inputs.shape;
    const spatial = sample.slice(0, -1);
    // [batch, …spatial, groups, perGroup]: reduce over the spatial axes and perGroup.
    const grouped = ops.reshape(inputs, [batch, ...spatial, this.groups, perGroup]);
    const rank = grouped.rank;
    const axes = [...spatial.map((_, i) => i + 1), rank - 1];
    const { variance, centered } = moments(grouped, axes);
    const y = normalize(centered, variance, this.epsilon, undefined, undefined);
    let out = ops.reshape(y, inputs.shape);
    if (this.gammaVar) out = ops.mul(out, this.gammaVar.value);
    if (this.betaVar) out = ops.add(out, this.betaVar.value);
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      groups: this.groups,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: initializerConfig(this.betaInitializer),
      gammaInitializer: initializerConfig(this.gammaInitializer),
    };
  }
}
