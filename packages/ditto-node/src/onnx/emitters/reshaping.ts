/** Flatten, Reshape, Permute, RepeatVector, zero padding, cropping and nearest up-sampling. */
import type {
  Cropping1D,
  Cropping2D,
  Flatten,
  Permute,
  RepeatVector,
  Reshape,
  UpSampling2D,
  ZeroPadding1D,
  ZeroPadding2D,
} from 'ditto';
import type { EmitContext } from './context.js';
import { range, reshapeSamples, transpose, unsqueeze } from './shape-ops.js';

export function emitFlatten(_layer: Flatten, input: string, { graph }: EmitContext): string {
  return graph.op('Flatten', [input], { axis: { int: 1 } });
}

export function emitReshape(layer: Reshape, input: string, { graph }: EmitContext): string {
  return reshapeSamples(graph, input, layer.computeOutputShape(layer.inputShape));
}

export function emitPermute(layer: Permute, input: string, { graph }: EmitContext): string {
  return transpose(graph, input, [0, ...layer.dims]);
}

/** [batch, f] → [batch, 1, f] → tiled n times along axis 1. */
export function emitRepeatVector(layer: RepeatVector, input: string, { graph }: EmitContext): string {
  return graph.op('Tile', [unsqueeze(graph, input, [1]), graph.int64s('repeats', [1, layer.n, 1])]);
}

/** Zeros before and after each spatial axis (axes 1 … rank; the batch and channels untouched). */
export function emitZeroPadding(
  layer: ZeroPadding1D | ZeroPadding2D,
  input: string,
  { graph }: EmitContext,
): string {
  const before = [0, ...layer.amounts.map(([b]) => b), 0];
  const after = [0, ...layer.amounts.map(([, a]) => a), 0];
  return graph.op('Pad', [input, graph.int64s('pads', [...before, ...after])], {
    mode: { string: 'constant' },
  });
}

export function emitCropping(layer: Cropping1D | Cropping2D, input: string, { graph }: EmitContext): string {
  const sample = layer.inputShape;
  const axes = range(1, layer.amounts.length + 1);
  return graph.op('Slice', [
    input,
    graph.int64s(
      'starts',
      layer.amounts.map(([b]) => b),
    ),
    graph.int64s(
      'ends',
      layer.amounts.map(([, a], i) => sample[i] - a),
    ),
    graph.int64s('axes', axes),
  ]);
}

/**
 * Each row repeated size[0] times and each column size[1] times, as ditto computes it: [b, h, w, c]
 * → [b, h, 1, w, 1, c] → expanded to [b, h, s0, w, s1, c] → [b, h·s0, w·s1, c]. Exact, and free of
 * Resize's coordinate conventions.
 */
export function emitUpSampling2D(layer: UpSampling2D, input: string, { graph }: EmitContext): string {
  const [h, w, c] = layer.inputShape;
  const [s0, s1] = layer.size;
  const spread = graph.op('Reshape', [input, graph.int64s('shape', [-1, h, 1, w, 1, c])]);
  const expanded = graph.op('Expand', [spread, graph.int64s('shape', [1, 1, s0, 1, s1, 1])]);
  return reshapeSamples(graph, expanded, [h * s0, w * s1, c]);
}
