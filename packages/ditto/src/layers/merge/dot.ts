import * as ops from '../../tensor/ops/index.js';
import { ShapeError } from '../../tensor/shape.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';
import { checkBoolean, checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, type LayerOptions } from '../layer.js';
import { formatShapes, MergeLayer, type SampleShapes } from './merge.js';

export interface DotOptions extends LayerOptions {
  /**
   * The axis of each input to contract, counted with the batch as axis 0 (negative from the end):
   * one number for both, or one per input.
   */
  axes: number | readonly [number, number];
  /** L2-normalise each input along its axis first, so the result is the cosine similarity (default false). */
  normalize?: boolean;
}

const DOT_OPTIONS = optionNames<DotOptions>({ ...LAYER_OPTIONS, axes: true, normalize: true });

/** Keras 3's `backend.epsilon()`: normalisation caps 1/‖x‖ at 1/ε. */
const EPSILON = 1e-7;

/**
 * The dot product of two inputs per sample (Keras `Dot`, a batch_dot): contracts axis `axes[0]` of
 * the first with `axes[1]` of the second; the output keeps the first input's other axes, then the
 * second's (`[batch, 1]` when nothing else is left). With `normalize`, each input is first
 * multiplied by min(1/√Σx², 1/ε) along its axis, as Keras 3's `normalize` does.
 *
 * The contraction is one broadcast product and one sum over the contracted axis, so every output
 * is summed in the contracted axis's order.
 *
 * @example
 * ```ts
 * const a = Input({ shape: [8] }), b = Input({ shape: [8] });
 * const cosine = new Dot({ axes: 1, normalize: true }).apply([a, b]); // [batch, 1]
 * ```
 */
export class Dot extends MergeLayer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  protected override readonly maxInputs: number = 2;
  readonly axes: number | readonly [number, number];
  readonly normalize: boolean;

  constructor(options: DotOptions) {
    checkOptions('Dot', options, DOT_OPTIONS);
    super(options);
    const axes: unknown = options.axes;
    const valid = (a: unknown) => Number.isInteger(a) && a !== 0;
    const ok = Array.isArray(axes) ? axes.length === 2 && axes.every(valid) : valid(axes);
    if (!ok) {
      throw new RangeError(
        `Dot: axes must be a non-zero integer or two of them (axis 0 is the batch), got ${JSON.stringify(axes)}`,
      );
    }
    if (options.normalize !== undefined) checkBoolean('Dot', 'normalize', options.normalize);
    this.axes = Array.isArray(axes) ? [axes[0], axes[1]] : (axes as number);
    this.normalize = options.normalize ?? false;
  }

  /** The contracted sample axes (0-based, without the batch) of both inputs. */
  private sampleAxes(shapes: SampleShapes): [number, number] {
    const given = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    return [0, 1].map((i) => {
      const rank = shapes[i].length + 1;
      const axis = given[i] < 0 ? rank + given[i] : given[i];
      if (axis < 1 || axis >= rank) {
        throw new ShapeError(
          `${this.name}: axes ${JSON.stringify(this.axes)} are outside inputs of shapes ${formatShapes(shapes)} (with the batch as axis 0)`,
        );
      }
      return axis - 1;
    }) as [number, number];
  }

  protected mergedShape(shapes: SampleShapes): number[] {
    const [a, b] = this.sampleAxes(shapes);
    if (shapes[0][a] !== shapes[1][b]) {
      throw new ShapeError(
        `${this.name}: inputs of shapes ${formatShapes(shapes)} differ on the contracted axes ${JSON.stringify(this.axes)} (${shapes[0][a]} vs ${shapes[1][b]})`,
      );
    }
    const out = [...shapes[0].filter((_, i) => i !== a), ...shapes[1].filter((_, i) => i !== b)];
    return out.length === 0 ? [1] : out;
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    const shapes = inputs.map((t) => t.shape.slice(1));
    const [a, b] = this.sampleAxes(shapes);
    let [x, y] = inputs;
    if (this.normalize) {
      x = l2Normalize(x, a + 1);
      y = l2Normalize(y, b + 1);
    }
    const batch = x.shape[0];
    const k = shapes[0][a];
    const xRest = shapes[0].filter((_, i) => i !== a);
    const yRest = shapes[1].filter((_, i) => i !== b);
    const size = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);
    // x → [batch, X, k, 1] with the contracted axis last; y → [batch, 1, k, Y] with it first.
    const xPerm = [0, ...xRest.map((_, i) => (i < a ? i + 1 : i + 2)), a + 1];
    const yPerm = [0, b + 1, ...yRest.map((_, i) => (i < b ? i + 1 : i + 2))];
    const xs = ops.reshape(moveAxes(x, xPerm), [batch, size(xRest), k, 1]);
    const ys = ops.reshape(moveAxes(y, yPerm), [batch, 1, k, size(yRest)]);
    const products = ops.sum(ops.mul(xs, ys), 2);
    const outShape = this.mergedShape(shapes);
    return ops.reshape(products, [batch, ...outShape]);
  }

  override getConfig(): Record<string, unknown> {
    const axes = typeof this.axes === 'number' ? this.axes : [...this.axes];
    return { ...super.getConfig(), axes, normalize: this.normalize };
  }
}

function moveAxes(x: Tensor, perm: readonly number[]): Tensor {
  return perm.every((p, i) => p === i) ? x : ops.transpose(x, perm);
}

/** x · min(1/√Σx², 1/ε) along `axis` (Keras 3's `ops.normalize` with order 2). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  const squareSum = ops.sum(ops.square(x), axis, { keepDims: true });
  const inverse = ops.div(scalar(1, x.dtype), ops.sqrt(squareSum));
  return ops.mul(x, ops.minimum(inverse, scalar(1 / EPSILON, x.dtype)));
}
