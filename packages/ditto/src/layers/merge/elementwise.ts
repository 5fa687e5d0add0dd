/**
 * The element-wise merge layers of Keras 3 (Add, Subtract, Multiply, Average, Maximum, Minimum):
 * inputs of one rank, each axis equal or 1 (broadcast, as Keras's
 * `_compute_elemwise_op_output_shape`), folded left to right — ((x0 ∘ x1) ∘ x2) ∘ … — so the
 * order of the float32 roundings is the order of the inputs.
 */
import * as ops from '../../tensor/ops/index.js';
import { ShapeError } from '../../tensor/shape.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, type LayerOptions } from '../layer.js';
import { formatShapes, MergeLayer, type SampleShapes } from './merge.js';

const MERGE_OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

/** The base of the element-wise merges: the broadcast shape check and the left fold. */
abstract class ElementwiseMerge extends MergeLayer {
  constructor(kind: string, options: LayerOptions) {
    checkOptions(kind, options, MERGE_OPTIONS);
    super(options);
  }

  /** Combines two batches. */
  protected abstract combine(a: Tensor, b: Tensor): Tensor;

  protected mergedShape(shapes: SampleShapes): number[] {
    const rank = shapes[0].length;
    const out = [...shapes[0]];
    for (const shape of shapes) {
      if (shape.length !== rank) {
        throw new ShapeError(
          `${this.name}: inputs must have samples of one rank, got shapes ${formatShapes(shapes)}`,
        );
      }
      shape.forEach((d, i) => {
        if (d === out[i] || d === 1) return;
        if (out[i] === 1) out[i] = d;
        else
          throw new ShapeError(
            `${this.name}: inputs of shapes ${formatShapes(shapes)} cannot be merged (axis ${i + 1}: ${out[i]} vs ${d})`,
          );
      });
    }
    return out;
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    let out = inputs[0];
    for (let i = 1; i < inputs.length; i++) out = this.combine(out, inputs[i]);
    return out;
  }
}

/**
 * Sums its inputs element-wise (Keras `Add`).
 *
 * @example
 * ```ts
 * const a = Input({ shape: [4] }), b = Input({ shape: [4] });
 * const sum = new Add().apply([a, b]); // [batch, 4]
 * ```
 */
export class Add extends ElementwiseMerge {
  static readonly traceable = true;
  constructor(options: LayerOptions = {}) {
    super('Add', options);
  }
  protected combine(a: Tensor, b: Tensor): Tensor {
    return ops.add(a, b);
  }
}

/**
 * The first input minus the second (Keras `Subtract`: exactly two inputs).
 *
 * @example
 * ```ts
 * const difference = new Subtract().apply([a, b]); // a − b
 * ```
 */
export class Subtract extends ElementwiseMerge {
  static readonly traceable = true;
  protected override readonly maxInputs: number = 2;
  constructor(options: LayerOptions = {}) {
    super('Subtract', options);
  }
  protected combine(a: Tensor, b: Tensor): Tensor {
    return ops.sub(a, b);
  }
}

/**
 * The element-wise product of its inputs (Keras `Multiply`).
 *
 * @example
 * ```ts
 * const gated = new Multiply().apply([features, gate]);
 * ```
 */
export class Multiply extends ElementwiseMerge {
  static readonly traceable = true;
  constructor(options: LayerOptions = {}) {
    super('Multiply', options);
  }
  protected combine(a: Tensor, b: Tensor): Tensor {
    return ops.mul(a, b);
  }
}

/**
 * The element-wise mean of its inputs (Keras `Average`: the left-to-right sum divided by the count).
 *
 * @example
 * ```ts
 * const ensemble = new Average().apply([p1, p2, p3]);
 * ```
 */
export class Average extends ElementwiseMerge {
  static readonly traceable = true;
  constructor(options: LayerOptions = {}) {
    super('Average', options);
  }
  protected combine(a: Tensor, b: Tensor): Tensor {
    return ops.add(a, b);
  }
  protected override merge(inputs: readonly Tensor[]): Tensor {
    return ops.div(super.merge(inputs), scalar(inputs.length, inputs[0].dtype));
  }
}

/**
 * The element-wise maximum of its inputs (Keras `Maximum`).
 *
 * @example
 * ```ts
 * const larger = new Maximum().apply([a, b]);
 * ```
 */
export class Maximum extends ElementwiseMerge {
  static readonly traceable = true;
  constructor(options: LayerOptions = {}) {
    super('Maximum', options);
  }
  protected combine(a: Tensor, b: Tensor): Tensor {
    return ops.maximum(a, b);
  }
}

/**
 * The element-wise minimum of its inputs (Keras `Minimum`).
 *
 * @example
 * ```ts
 * const smaller = new Minimum().apply([a, b]);
 * ```
 */
export class Minimum extends ElementwiseMerge {
  static readonly traceable = true;
  constructor(options: LayerOptions = {}) {
    super('Minimum', options);
  }
  protected combine(a: Tensor, b: Tensor): Tensor {
    return ops.minimum(a, b);
  }
}
