import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkArray, checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

const PERMUTE_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/**
 * Permutes the axes of each sample (Keras `Permute`): `dims` numbers the sample's axes from 1, as
 * Keras does (the batch is axis 0 and stays first).
 *
 * @example
 * ```ts
 * model.add(new Permute([2, 1], { inputShape: [10, 64] })); // [batch, 10, 64] → [batch, 64, 10]
 * ```
 */
export class Permute extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly dims: readonly number[];

  constructor(dims: readonly number[], options: LayerOptions = {}) {
    checkArray('Permute', 'dims', dims);
    const valid = [...dims].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!valid || dims.length === 0) {
      throw new RangeError(
        `Permute: dims must be a permutation of 1 … ${dims.length}, got ${JSON.stringify(dims)}`,
      );
    }
    checkOptions('Permute', options, PERMUTE_OPTIONS);
    super(options);
    this.dims = [...dims];
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== this.dims.length) {
      throw new ShapeError(
        `${this.name}: dims ${JSON.stringify(this.dims)} permute samples of rank ${this.dims.length}, got samples of shape ${formatShape(inputShape)}`,
      );
    }
    return this.dims.map((d) => inputShape[d - 1]);
  }

  call(inputs: Tensor): Tensor {
    this.computeOutputShape(inputs.shape.slice(1));
    return ops.transpose(inputs, [0, ...this.dims]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}
