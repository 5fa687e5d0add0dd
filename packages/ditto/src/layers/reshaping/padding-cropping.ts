/**
 * Zero padding and cropping of the spatial axes of channels-last samples (Keras `ZeroPadding1D`,
 * `ZeroPadding2D`, `Cropping1D`, `Cropping2D`). An amount is a number (both sides of every axis),
 * one number per axis (both sides), or a [before, after] pair per axis — as Keras; a 1-D amount
 * may also be the pair [before, after] itself.
 */
import * as ops from '../../tensor/ops/index.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, describe, optionNames } from '../../validate/index.js';
import { checkSampleRank } from '../conv/window-options.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';

/** Rows/columns to add or remove: n, [n per axis], or [[before, after] per axis]. */
export type SpatialAmount = number | readonly number[] | ReadonlyArray<readonly [number, number]>;

const OPTIONS = optionNames<LayerOptions>(LAYER_OPTIONS);

function amounts(where: string, name: string, value: SpatialAmount, rank: number): Array<[number, number]> {
  const ok = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  if (ok(value)) return new Array(rank).fill(0).map(() => [value, value]);
  // A 1-D amount [before, after] (Keras's `(1, 2)` for Cropping1D / ZeroPadding1D).
  if (rank === 1 && Array.isArray(value) && value.length === 2 && value.every(ok)) {
    return [[value[0] as number, value[1] as number]];
  }
  if (Array.isArray(value) && value.length === rank) {
    if (value.every(ok)) return (value as number[]).map((v) => [v, v]);
    if (value.every((p) => Array.isArray(p) && p.length === 2 && p.every(ok))) {
      return (value as Array<[number, number]>).map(([a, b]) => [a, b]);
    }
  }
  throw new RangeError(
    `${where}: ${name} must be a non-negative integer, ${rank} of them, or ${rank} [before, after] pairs, got ${describe(value)}`,
  );
}

abstract class SpatialEdges extends Layer {
  readonly amounts: ReadonlyArray<readonly [number, number]>;

  protected constructor(
    private readonly spatialRank: 1 | 2,
    private readonly crop: boolean,
    value: SpatialAmount,
    options: LayerOptions,
  ) {
    const kind = new.target.name;
    checkOptions(kind, options, OPTIONS);
    super(options);
    this.amounts = amounts(kind, crop ? 'cropping' : 'padding', value, spatialRank);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    checkSampleRank(this.name, this.constructor.name, inputShape, this.spatialRank + 1);
    const out = [...inputShape];
    this.amounts.forEach(([a, b], i) => {
      out[i] = this.crop ? inputShape[i] - a - b : inputShape[i] + a + b;
    });
    if (out.some((d) => d < 1)) {
      throw new ShapeError(
        `${this.name}: cropping ${JSON.stringify(this.amounts)} leaves nothing of samples of shape ${formatShape(inputShape)}`,
      );
    }
    return out;
  }

  call(inputs: Tensor): Tensor {
    const out = this.computeOutputShape(inputs.shape.slice(1));
    if (this.crop) {
      const begin = [0, ...this.amounts.map(([a]) => a), 0];
      return ops.slice(inputs, begin, [inputs.shape[0], ...out]);
    }
    return ops.pad(inputs, [[0, 0], ...this.amounts, [0, 0]]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), [this.crop ? 'cropping' : 'padding']: this.amounts.map((p) => [...p]) };
  }
}

/**
 * Zeros around the height and width of [height, width, channels] samples (default 1 each side).
 *
 * @example
 * ```ts
 * model.add(new ZeroPadding2D([[1, 2], [0, 1]]));
 * ```
 */
export class ZeroPadding2D extends SpatialEdges {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(padding: SpatialAmount = 1, options: LayerOptions = {}) {
    super(2, false, padding, options);
  }
}

/**
 * Zeros before and after the steps of [steps, channels] samples (default 1 each side).
 *
 * @example
 * ```ts
 * model.add(new ZeroPadding1D(2));
 * ```
 */
export class ZeroPadding1D extends SpatialEdges {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(padding: SpatialAmount = 1, options: LayerOptions = {}) {
    super(1, false, padding, options);
  }
}

/**
 * Removes rows and columns from the edges of [height, width, channels] samples.
 *
 * @example
 * ```ts
 * model.add(new Cropping2D([[2, 2], [4, 4]]));
 * ```
 */
export class Cropping2D extends SpatialEdges {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(cropping: SpatialAmount = 0, options: LayerOptions = {}) {
    super(2, true, cropping, options);
  }
}

/**
 * Removes steps from both ends of [steps, channels] samples (default 1 each side, as Keras).
 *
 * @example
 * ```ts
 * model.add(new Cropping1D([1, 2]));
 * ```
 */
export class Cropping1D extends SpatialEdges {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  constructor(cropping: SpatialAmount = 1, options: LayerOptions = {}) {
    super(1, true, cropping, options);
  }
}
