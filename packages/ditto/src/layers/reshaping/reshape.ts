import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkArray, checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

const RESHAPE_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/**
 * Gives each sample a new shape with the same number of values (Keras `Reshape`); one dimension
 * may be −1 (inferred). The batch axis is kept.
 *
 * @example
 * ```ts
 * model.add(new Reshape([28, 28, 1], { inputShape: [784] }));
 * ```
 */
export class Reshape extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly targetShape: readonly number[];

  constructor(targetShape: readonly number[], options: LayerOptions = {}) {
    checkArray('Reshape', 'targetShape', targetShape);
    const valid =
      targetShape.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) &&
      targetShape.filter((d) => d === -1).length <= 1;
    if (!valid) {
      throw new RangeError(
        `Reshape: targetShape must hold positive integers and at most one -1, got ${JSON.stringify(targetShape)}`,
      );
    }
    checkOptions('Reshape', options, RESHAPE_OPTIONS);
    super(options);
    this.targetShape = [...targetShape];
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const size = inputShape.reduce((p, d) => p * d, 1);
    const known = this.targetShape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const shape = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (!shape.every(Number.isInteger) || shape.reduce((p, d) => p * d, 1) !== size) {
      throw new ShapeError(
        `${this.name}: cannot reshape samples of shape ${formatShape(inputShape)} (${size} values) to ${formatShape(this.targetShape)}`,
      );
    }
    return shape;
  }

  call(inputs: Tensor): Tensor {
    return ops.reshape(inputs, [inputs.shape[0], ...this.computeOutputShape(inputs.shape.slice(1))]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}
