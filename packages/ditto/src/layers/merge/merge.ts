/**
 * The base of the merge layers (Keras 3's `Merge`): a layer called on a list of tensors. It widens
 * Layer's single input to a list — `computeOutputShape` and `build` take a list of sample shapes,
 * `call` a list of batches — without changing the base signature for every other layer.
 */
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer } from '../layer.js';

/** Sample shapes (without the batch axis), one per input. */
export type SampleShapes = ReadonlyArray<readonly number[]>;

function isShapeList(shapes: unknown): shapes is SampleShapes {
  return Array.isArray(shapes) && shapes.every((s) => Array.isArray(s));
}

/** `[2, 3] and [4]` — the shapes an error names. */
export function formatShapes(shapes: SampleShapes): string {
  return shapes.map((s) => formatShape(s)).join(' and ');
}

/** A layer whose input is a list of tensors (Add, Concatenate, Dot, …). */
export abstract class MergeLayer extends Layer {
  /** The fewest inputs the layer takes (2 for all merge layers). */
  protected readonly minInputs: number = 2;
  /** The most inputs (Infinity, except Subtract and Dot: 2). */
  protected readonly maxInputs: number = Number.POSITIVE_INFINITY;

  /** Checks that the layer got a list of inputs of an allowed length; returns it. */
  protected inputList<T>(inputs: unknown, what: string): readonly T[] {
    if (!Array.isArray(inputs)) {
      throw new TypeError(`${this.name}: a merge layer takes a list of ${what}, got a single one`);
    }
    if (inputs.length < this.minInputs || inputs.length > this.maxInputs) {
      const wanted =
        this.maxInputs === this.minInputs
          ? `exactly ${this.minInputs}`
          : `at least ${this.minInputs}${Number.isFinite(this.maxInputs) ? ` and at most ${this.maxInputs}` : ''}`;
      throw new ShapeError(`${this.name}: takes ${wanted} inputs, got ${inputs.length}`);
    }
    return inputs as readonly T[];
  }

  private shapeList(inputShape: unknown): SampleShapes {
    if (!isShapeList(inputShape)) {
      throw new TypeError(
        `${this.name}: a merge layer takes a list of sample shapes (one per input), got ${JSON.stringify(inputShape)}`,
      );
    }
    return this.inputList<readonly number[]>(inputShape, 'shapes');
  }

  /** The sample shape of the merged output; the error names the layer and the input shapes. */
  protected abstract mergedShape(shapes: SampleShapes): number[];

  /** Merges the batches (one per input, each [batch, …sample]). */
  protected abstract merge(inputs: readonly Tensor[]): Tensor;

  override computeOutputShape(inputShape: readonly number[] | SampleShapes): number[] {
    return this.mergedShape(this.shapeList(inputShape));
  }

  override build(inputShape: readonly number[] | SampleShapes): void {
    const shapes = this.shapeList(inputShape);
    this.mergedShape(shapes);
    if (this.built) {
      const before = this.inputShape as unknown as SampleShapes;
      const same =
        before.length === shapes.length &&
        before.every((s, i) => s.length === shapes[i].length && s.every((d, j) => d === shapes[i][j]));
      if (!same) {
        throw new ShapeError(
          `${this.name}: already built for inputs of shapes ${formatShapes(before)}, got ${formatShapes(shapes)}`,
        );
      }
      return;
    }
    // The base keeps the list as the built "shape" (a merge layer has no weights to create).
    super.build(shapes.map((s) => [...s]) as unknown as readonly number[]);
  }

  override call(inputs: Tensor | readonly Tensor[], _options?: { training: boolean }): Tensor {
    const list = this.inputList<Tensor>(inputs, 'tensors');
    const batch = list[0].shape[0];
    const shapes = list.map((t) => {
      if (t.shape[0] !== batch) {
        throw new ShapeError(
          `${this.name}: the inputs' batch sizes differ (${list.map((u) => formatShape(u.shape)).join(' and ')})`,
        );
      }
      return t.shape.slice(1);
    });
    this.mergedShape(shapes);
    return this.merge(list);
  }
}
