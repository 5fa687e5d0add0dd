import * as ops from '../../tensor/ops/index.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';
import { checkFiniteNumber, checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

export interface RescalingOptions extends LayerOptions {
  /** Added after scaling (default 0). */
  offset?: number;
}

const RESCALING_OPTIONS = optionNames<RescalingOptions>({ ...LAYER_OPTIONS, offset: true });

/**
 * y = x·scale + offset (Keras `Rescaling`), e.g. pixel values to [0, 1] with scale 1/255.
 *
 * @example
 * ```ts
 * model.add(new Rescaling(1 / 255, { inputShape: [28, 28, 1] }));
 * ```
 */
export class Rescaling extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly scale: number;
  readonly offset: number;

  constructor(scale: number, options: RescalingOptions = {}) {
    checkFiniteNumber('Rescaling', 'scale', scale);
    checkOptions('Rescaling', options, RESCALING_OPTIONS);
    super(options);
    this.scale = scale;
    this.offset = options.offset ?? 0;
    checkFiniteNumber('Rescaling', 'offset', this.offset);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(inputs: Tensor): Tensor {
    const y = ops.mul(inputs, scalar(this.scale, inputs.dtype));
    return this.offset === 0 ? y : ops.add(y, scalar(this.offset, inputs.dtype));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
