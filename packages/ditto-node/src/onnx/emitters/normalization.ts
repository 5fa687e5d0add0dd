/**
 * The normalisation layers at inference. Axes follow ditto's convention (a negative axis counts
 * from the end of [batch, …sample], axis 0 is the batch); per-feature constants get the shape
 * that broadcasts over [batch, …sample]. Where a layer's statistics are fixed (BatchNormalization's
 * moving ones, Normalization's adapted ones), scale and shift are folded into two constants,
 * computed in float64 and rounded once — a last-bit difference from ditto's float32 steps, well
 * inside the float32 tolerance.
 */
import type { BatchNormalization, LayerNormalization, Normalization, UnitNormalization } from 'ditto';
import type { EmitContext } from './context.js';

/** An axis of [batch, …sample] as a non-negative index. */
function batchAxis(axis: number, sampleRank: number): number {
  return axis < 0 ? axis + sampleRank + 1 : axis;
}

/** The shape of per-feature values on `axis`, broadcasting over [batch, …sample]. */
function featureShape(sample: readonly number[], axis: number): number[] {
  return [1, ...sample].map((d, i) => (i === axis ? d : 1));
}

/** y = (x − mean)·scale + shift, per feature along `axis`. */
function affinePerFeature(
  { graph }: EmitContext,
  input: string,
  sample: readonly number[],
  axis: number,
  mean: ArrayLike<number>,
  scale: ArrayLike<number>,
  shift: ArrayLike<number> | undefined,
): string {
  const shape = featureShape(sample, axis);
  const centered = graph.op('Sub', [input, graph.floats('mean', mean, shape)]);
  const scaled = graph.op('Mul', [centered, graph.floats('scale', scale, shape)]);
  return shift ? graph.op('Add', [scaled, graph.floats('shift', shift, shape)]) : scaled;
}

/** Inference form: (x − moving mean)·(γ/√(moving variance + ε)) + β. */
export function emitBatchNormalization(
  layer: BatchNormalization,
  input: string,
  context: EmitContext,
): string {
  const sample = layer.inputShape;
  const variance = layer.movingVariance.value.data;
  const gamma = layer.gamma?.value.data;
  const scale = Array.from(variance, (v, i) => (gamma ? gamma[i] : 1) / Math.sqrt(v + layer.epsilon));
  const axis = batchAxis(layer.axis, sample.length);
  return affinePerFeature(
    context,
    input,
    sample,
    axis,
    layer.movingMean.value.data,
    scale,
    layer.beta?.value.data,
  );
}

/** (x − mean) / max(√variance, 1e-7) with the adapted (or given) statistics. */
export function emitNormalization(layer: Normalization, input: string, context: EmitContext): string {
  const [mean, variance] = layer.variables.map((v) => v.value.data);
  const scale = Array.from(variance, (v) => 1 / Math.max(Math.sqrt(v), 1e-7));
  const axis = batchAxis(layer.axis, layer.inputShape.length);
  return affinePerFeature(context, input, layer.inputShape, axis, mean, scale, undefined);
}

/** Each sample's mean and biased variance over `axis`, then (x − mean)·(γ/√(variance + ε)) + β, as ditto. */
export function emitLayerNormalization(
  layer: LayerNormalization,
  input: string,
  { graph }: EmitContext,
): string {
  const sample = layer.inputShape;
  const axes = [...new Set(layer.axis.map((a) => batchAxis(a, sample.length)))].sort((a, b) => a - b);
  const reduce = (x: string) => graph.op('ReduceMean', [x], { axes: { ints: axes }, keepdims: { int: 1 } });
  const centered = graph.op('Sub', [input, reduce(input)]);
  const variance = reduce(graph.op('Mul', [centered, centered]));
  const deviation = graph.op('Sqrt', [graph.op('Add', [variance, graph.scalar(layer.epsilon)])]);
  const shape = [1, ...sample].map((d, i) => (axes.includes(i) ? d : 1));
  const gamma = layer.gamma ? graph.floats('gamma', layer.gamma.value.data, shape) : graph.scalar(1);
  const y = graph.op('Mul', [centered, graph.op('Div', [gamma, deviation])]);
  return layer.beta ? graph.op('Add', [y, graph.floats('beta', layer.beta.value.data, shape)]) : y;
}

/** x / √(max(Σx², 1e-12)) over `axis`. */
export function emitUnitNormalization(
  layer: UnitNormalization,
  input: string,
  { graph }: EmitContext,
): string {
  const axes = layer.axis.map((a) => batchAxis(a, layer.inputShape.length));
  const squares = graph.op('ReduceSum', [graph.op('Mul', [input, input]), graph.int64s('axes', axes)], {
    keepdims: { int: 1 },
  });
  return graph.op('Div', [input, graph.op('Sqrt', [graph.op('Max', [squares, graph.scalar(1e-12)])])]);
}
