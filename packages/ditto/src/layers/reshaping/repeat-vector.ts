import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, checkPositiveInteger, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

const REPEAT_VECTOR_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/**
 * Repeats each sample's feature vector `n` times (Keras `RepeatVector`): [batch, features] →
 * [batch, n, features]. Its gradient sums the n copies in ascending order.
 *
 * @example
 * ```ts
 * model.add(new RepeatVector(12)); // an encoder's state, fed to each step of a decoder
 * ```
 */
export class RepeatVector extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly n: number;

  constructor(n: number, options: LayerOptions = {}) {
    checkPositiveInteger('RepeatVector', 'n', n);
    checkOptions('RepeatVector', options, REPEAT_VECTOR_OPTIONS);
    super(options);
    this.n = n;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1) {
      throw new ShapeError(
        `${this.name}: RepeatVector expects samples of shape [features] (rank 1), got ${formatShape(inputShape)}`,
      );
    }
    return [this.n, inputShape[0]];
  }

  call(inputs: Tensor): Tensor {
    const [features] = this.computeOutputShape(inputs.shape.slice(1)).slice(1);
    const row = ops.reshape(inputs, [inputs.shape[0], 1, features]);
    return ops.concat(new Array<Tensor>(this.n).fill(row), 1);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}
