/** Small shape operations the emitters share (opset 17 forms: axes and shapes as int64 inputs). */
import type { OnnxGraph } from '../graph.js';

/** Reshape to [batch, ...sampleShape] (the batch axis stays symbolic: −1). */
export function reshapeSamples(graph: OnnxGraph, x: string, sampleShape: readonly number[]): string {
  return graph.op('Reshape', [x, graph.int64s('shape', [-1, ...sampleShape])]);
}

export function transpose(graph: OnnxGraph, x: string, perm: readonly number[]): string {
  return graph.op('Transpose', [x], { perm: { ints: perm } });
}

export function squeeze(graph: OnnxGraph, x: string, axes: readonly number[]): string {
  return graph.op('Squeeze', [x, graph.int64s('axes', axes)]);
}

export function unsqueeze(graph: OnnxGraph, x: string, axes: readonly number[]): string {
  return graph.op('Unsqueeze', [x, graph.int64s('axes', axes)]);
}

/** x with axis `axis` (of static length `length`) read backwards: Slice with step −1. */
export function reverseAxis(graph: OnnxGraph, x: string, axis: number, length: number): string {
  // With a negative step, an end of −(length + 1) clamps to "before the first element".
  return graph.op('Slice', [
    x,
    graph.int64s('starts', [-1]),
    graph.int64s('ends', [-(length + 1)]),
    graph.int64s('axes', [axis]),
    graph.int64s('steps', [-1]),
  ]);
}

/**
 * A channels-last tensor [batch, …spatial, channels] as channels-first [batch, channels, …spatial]
 * (ONNX's convolutions and pooling), and back.
 */
export function toChannelsFirst(graph: OnnxGraph, x: string, spatialRank: number): string {
  return transpose(graph, x, [0, spatialRank + 1, ...range(1, spatialRank + 1)]);
}

export function toChannelsLast(graph: OnnxGraph, x: string, spatialRank: number): string {
  return transpose(graph, x, [0, ...range(2, spatialRank + 2), 1]);
}

/** [from, …, to − 1]. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** A row-major array of `shape` with its axes permuted (`perm[i]` is the source axis of axis i). */
export function permuteArray(
  values: ArrayLike<number>,
  shape: readonly number[],
  perm: readonly number[],
): { values: Float64Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  const out = new Float64Array(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    let source = 0;
    for (let i = 0; i < perm.length; i++) source += index[i] * strides[perm[i]];
    out[flat] = values[source];
    for (let i = perm.length - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return { values: out, shape: outShape };
}
