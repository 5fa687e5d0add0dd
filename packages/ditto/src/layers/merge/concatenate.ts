import * as ops from '../../tensor/ops/index.js';
import { ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, type LayerOptions } from '../layer.js';
import { formatShapes, MergeLayer, type SampleShapes } from './merge.js';

export interface ConcatenateOptions extends LayerOptions {
  /** The axis to join along, counted with the batch as axis 0; negative from the end (default −1). */
  axis?: number;
}

const CONCATENATE_OPTIONS = optionNames<ConcatenateOptions>({ ...LAYER_OPTIONS, axis: true });

/**
 * Joins its inputs along one axis (Keras `Concatenate`): every other axis must agree.
 *
 * @example
 * ```ts
 * const a = Input({ shape: [4] }), b = Input({ shape: [3] });
 * const joined = new Concatenate().apply([a, b]); // [batch, 7]
 * ```
 */
export class Concatenate extends MergeLayer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly axis: number;

  constructor(options: ConcatenateOptions = {}) {
    checkOptions('Concatenate', options, CONCATENATE_OPTIONS);
    super(options);
    const axis = options.axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0) {
      throw new RangeError(
        `Concatenate: axis must be a non-zero integer (axis 0 is the batch), got ${String(options.axis)}`,
      );
    }
    this.axis = axis;
  }

  /** The sample axis (0-based, without the batch) for samples of this rank. */
  private sampleAxis(shapes: SampleShapes): number {
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? rank + 1 + this.axis : this.axis;
    if (axis < 1 || axis > rank) {
      throw new ShapeError(
        `${this.name}: axis ${this.axis} is outside inputs of shapes ${formatShapes(shapes)} (with the batch as axis 0)`,
      );
    }
    return axis - 1;
  }

  protected mergedShape(shapes: SampleShapes): number[] {
    const rank = shapes[0].length;
    if (shapes.some((s) => s.length !== rank)) {
      throw new ShapeError(
        `${this.name}: inputs must have samples of one rank, got shapes ${formatShapes(shapes)}`,
      );
    }
    const axis = this.sampleAxis(shapes);
    const out = [...shapes[0]];
    out[axis] = 0;
    for (const shape of shapes) {
      shape.forEach((d, i) => {
        if (i !== axis && d !== out[i]) {
          throw new ShapeError(
            `${this.name}: inputs of shapes ${formatShapes(shapes)} differ outside the concatenation axis ${this.axis}`,
          );
        }
      });
      out[axis] += shape[axis];
    }
    return out;
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return ops.concat(inputs, this.sampleAxis(inputs.map((t) => t.shape.slice(1))) + 1);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
