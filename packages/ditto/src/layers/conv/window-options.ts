/**
 * The window options that convolution and pooling layers share (kernelSize, strides,
 * dilationRate, poolSize, padding): a number or one positive integer per spatial axis, as Keras.
 */
import type { Padding } from '../../tensor/ops/window.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import { checkOneOf, describe } from '../../validate/index.js';

/** One value for every spatial axis, or one per axis. */
export type SpatialValue = number | readonly number[];

/**
 * `value` as `rank` positive integers (a number is repeated). Throws a RangeError naming the layer
 * and the option for a zero, a negative, a fraction or a list of the wrong length.
 */
export function spatialTuple(where: string, name: string, value: SpatialValue, rank: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(rank).fill(value) : value;
  const valid =
    Array.isArray(list) && list.length === rank && list.every((d) => Number.isInteger(d) && d >= 1);
  if (!valid) {
    throw new RangeError(
      `${where}: ${name} must be a positive integer or ${rank} positive integers, got ${describe(value)}`,
    );
  }
  return [...list];
}

/** The padding option ('valid' by default, as Keras), one of `allowed` ('valid' and 'same' unless given). */
export function paddingOption<P extends string = Padding>(
  where: string,
  value: P | undefined,
  allowed: readonly P[] = ['valid', 'same'] as unknown as readonly P[],
): P {
  const padding = value ?? ('valid' as P);
  checkOneOf(where, 'padding', padding, allowed);
  return padding;
}

/**
 * Checks that a sample shape has the rank a layer expects ([steps, channels] or
 * [height, width, channels]), naming the layer and both shapes.
 */
export function checkSampleRank(
  layer: string,
  kind: string,
  inputShape: readonly number[],
  rank: number,
): void {
  if (inputShape.length !== rank) {
    const expected = rank === 2 ? '[steps, channels]' : '[height, width, channels]';
    throw new ShapeError(
      `${layer}: ${kind} expects samples of shape ${expected} (rank ${rank}), got ${formatShape(inputShape)} (rank ${inputShape.length})`,
    );
  }
}

/** A 1-D sample [steps, channels] seen as the 2-D one [1, steps, channels]. */
export function asImageShape(inputShape: readonly number[], rank: 1 | 2): readonly number[] {
  return rank === 1 ? [1, ...inputShape] : inputShape;
}
