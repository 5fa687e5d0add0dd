/**
 * Convolutions and pooling. ditto is channels-last, ONNX's Conv and pooling operators are
 * channels-first: each one is wrapped in a Transpose to [batch, channels, …spatial] and one back
 * (the pairs between consecutive layers are left to the runtime's optimiser). Padding is written out
 * explicitly from ditto's own window geometry ('same': the smaller half before, as TensorFlow), so
 * ONNX's auto_pad conventions never come into play. 1-D layers use ONNX's 1-D operators.
 */
import {
  type AveragePooling1D,
  type AveragePooling2D,
  type Conv1D,
  type Conv2D,
  type Conv2DTranspose,
  type DepthwiseConv2D,
  type GlobalAveragePooling1D,
  type GlobalAveragePooling2D,
  type GlobalMaxPooling1D,
  type GlobalMaxPooling2D,
  type Layer,
  type MaxPooling1D,
  type MaxPooling2D,
  ops,
  type SeparableConv2D,
} from 'ditto';
import { emitActivation } from '../activations.js';
import type { AttributeValue, OnnxGraph } from '../graph.js';
import { describeLayer, type EmitContext } from './context.js';
import { permuteArray, range, toChannelsFirst, toChannelsLast } from './shape-ops.js';

interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilation: readonly number[];
  /** 'valid', 'same', or Conv1D's 'causal'. */
  readonly padding: string;
}

/** ONNX's pads [begin per spatial axis…, end per spatial axis…] for a window over a channels-last sample. */
function windowPads(layer: Layer, sample: readonly number[], window: Window): number[] {
  const rank = window.kernel.length;
  // Causal (Conv1D): (k − 1)·d zeros before the steps, none after.
  if (window.padding === 'causal') return [(window.kernel[0] - 1) * window.dilation[0], 0];
  if (window.padding !== 'valid' && window.padding !== 'same') {
    throw new Error(
      `exportOnnx: layer '${layer.name}' has padding '${window.padding}', which the export does not know`,
    );
  }
  const two = (v: readonly number[], fill: number) =>
    (rank === 1 ? [fill, v[0]] : [v[0], v[1]]) as [number, number];
  const image = rank === 1 ? [1, ...sample] : sample;
  const g = ops.windowGeometry(layer.name, [1, ...image], {
    kernel: two(window.kernel, 1),
    strides: two(window.strides, 1),
    dilation: two(window.dilation, 1),
    padding: window.padding,
  });
  const axes = [
    {
      input: g.height,
      out: g.outHeight,
      before: g.padTop,
      k: g.kernelHeight,
      s: g.strideHeight,
      d: g.dilationHeight,
    },
    {
      input: g.width,
      out: g.outWidth,
      before: g.padLeft,
      k: g.kernelWidth,
      s: g.strideWidth,
      d: g.dilationWidth,
    },
  ].slice(2 - rank);
  const total = axes.map((a) => Math.max((a.out - 1) * a.s + (a.k - 1) * a.d + 1 - a.input, 0));
  return [...axes.map((a) => a.before), ...axes.map((a, i) => total[i] - a.before)];
}

function windowAttributes(
  layer: Layer,
  window: Window,
  withDilation: boolean,
): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {
    kernel_shape: { ints: window.kernel },
    strides: { ints: window.strides },
    pads: { ints: windowPads(layer, layer.inputShape, window) },
  };
  if (withDilation) attributes.dilations = { ints: window.dilation };
  return attributes;
}

/** A Keras kernel permuted to ONNX's layout, as an initializer. */
function permutedWeight(
  graph: OnnxGraph,
  base: string,
  value: { data: ArrayLike<number>; shape: readonly number[] },
  perm: readonly number[],
  shape?: readonly number[],
): string {
  const permuted = permuteArray(value.data, value.shape, perm);
  return graph.floats(base, permuted.values, shape ?? permuted.shape);
}

/**
 * Conv1D, Conv2D: kernel [k…, in / groups, filters] → ONNX W [filters, in / groups, k…]; ONNX's
 * groups cut channels and filters into consecutive blocks, group 0 first, as ditto's.
 */
export function emitConv(layer: Conv1D | Conv2D, input: string, { graph }: EmitContext): string {
  const rank = layer.kernelSize.length;
  const window: Window = {
    kernel: layer.kernelSize,
    strides: layer.strides,
    dilation: layer.dilationRate,
    padding: layer.padding,
  };
  const kernel = permutedWeight(graph, 'kernel', layer.kernel.value, [rank + 1, rank, ...range(0, rank)]);
  const inputs = [toChannelsFirst(graph, input, rank), kernel];
  if (layer.bias) inputs.push(graph.floats('bias', layer.bias.value.data, layer.bias.value.shape));
  const groups = (layer as { groups?: number }).groups ?? 1;
  const y = graph.op('Conv', inputs, { ...windowAttributes(layer, window, true), group: { int: groups } });
  return emitActivation(graph, layer.activation.name, toChannelsLast(graph, y, rank), describeLayer(layer));
}

/** The depthwise step: a grouped Conv (one group per channel), output channel c·m + j as ditto's. */
function depthwiseConv(
  layer: DepthwiseConv2D | SeparableConv2D,
  channelsFirst: string,
  graph: OnnxGraph,
  bias: string | undefined,
): string {
  const [kh, kw, channels, multiplier] = layer.depthwiseKernel.value.shape;
  const kernel = permutedWeight(
    graph,
    'depthwise_kernel',
    layer.depthwiseKernel.value,
    [2, 3, 0, 1],
    [channels * multiplier, 1, kh, kw],
  );
  const window: Window = {
    kernel: layer.kernelSize,
    strides: layer.strides,
    dilation: layer.dilationRate,
    padding: layer.padding,
  };
  const inputs = bias ? [channelsFirst, kernel, bias] : [channelsFirst, kernel];
  return graph.op('Conv', inputs, { ...windowAttributes(layer, window, true), group: { int: channels } });
}

export function emitDepthwiseConv2D(layer: DepthwiseConv2D, input: string, { graph }: EmitContext): string {
  const bias = layer.bias ? graph.floats('bias', layer.bias.value.data, layer.bias.value.shape) : undefined;
  const y = depthwiseConv(layer, toChannelsFirst(graph, input, 2), graph, bias);
  return emitActivation(graph, layer.activation.name, toChannelsLast(graph, y, 2), describeLayer(layer));
}

/** The depthwise step, then a 1×1 Conv: pointwise kernel [1, 1, C·m, filters] → [filters, C·m, 1, 1]. */
export function emitSeparableConv2D(layer: SeparableConv2D, input: string, { graph }: EmitContext): string {
  const depthwise = depthwiseConv(layer, toChannelsFirst(graph, input, 2), graph, undefined);
  const pointwise = permutedWeight(graph, 'pointwise_kernel', layer.pointwiseKernel.value, [3, 2, 0, 1]);
  const inputs = [depthwise, pointwise];
  if (layer.bias) inputs.push(graph.floats('bias', layer.bias.value.data, layer.bias.value.shape));
  const y = graph.op('Conv', inputs);
  return emitActivation(graph, layer.activation.name, toChannelsLast(graph, y, 2), describeLayer(layer));
}

/**
 * Conv2DTranspose: ONNX ConvTranspose with W [in, filters, kh, kw] (Keras's [kh, kw, filters, in]
 * permuted). Its pads are those of the convolution from ditto's output back to its input; where
 * that convolution would need none, output_padding adds the rows ditto's output has beyond it.
 */
export function emitConv2DTranspose(layer: Conv2DTranspose, input: string, { graph }: EmitContext): string {
  const [outHeight, outWidth, filters] = layer.computeOutputShape(layer.inputShape);
  const window: Window = {
    kernel: layer.kernelSize,
    strides: layer.strides,
    dilation: layer.dilationRate,
    padding: layer.padding,
  };
  const pads = windowPads(layer, [outHeight, outWidth, filters], window);
  const outputPadding = [outHeight, outWidth].map((out, i) => {
    const reach =
      (layer.inputShape[i] - 1) * layer.strides[i] + (layer.kernelSize[i] - 1) * layer.dilationRate[i] + 1;
    return out - (reach - pads[i] - pads[i + 2]);
  });
  const kernel = permutedWeight(graph, 'kernel', layer.kernel.value, [3, 2, 0, 1]);
  const inputs = [toChannelsFirst(graph, input, 2), kernel];
  if (layer.bias) inputs.push(graph.floats('bias', layer.bias.value.data, layer.bias.value.shape));
  const y = graph.op('ConvTranspose', inputs, {
    kernel_shape: { ints: layer.kernelSize },
    strides: { ints: layer.strides },
    dilations: { ints: layer.dilationRate },
    pads: { ints: pads },
    output_padding: { ints: outputPadding },
  });
  return emitActivation(graph, layer.activation.name, toChannelsLast(graph, y, 2), describeLayer(layer));
}

type Pooling = MaxPooling1D | MaxPooling2D | AveragePooling1D | AveragePooling2D;

/** MaxPool or AveragePool; an average never counts padded positions, as ditto's. */
export function poolingEmitter(opType: 'MaxPool' | 'AveragePool') {
  return (layer: Pooling, input: string, { graph }: EmitContext): string => {
    const rank = layer.poolSize.length;
    const window: Window = {
      kernel: layer.poolSize,
      strides: layer.strides,
      dilation: layer.poolSize.map(() => 1),
      padding: layer.padding,
    };
    const attributes = windowAttributes(layer, window, false);
    if (opType === 'AveragePool') attributes.count_include_pad = { int: 0 };
    const y = graph.op(opType, [toChannelsFirst(graph, input, rank)], attributes);
    return toChannelsLast(graph, y, rank);
  };
}

type GlobalPooling =
  | GlobalAveragePooling1D
  | GlobalAveragePooling2D
  | GlobalMaxPooling1D
  | GlobalMaxPooling2D;

/** ReduceMean or ReduceMax over the spatial axes, directly on the channels-last tensor. */
export function globalPoolingEmitter(opType: 'ReduceMean' | 'ReduceMax') {
  return (layer: GlobalPooling, input: string, { graph }: EmitContext): string =>
    graph.op(opType, [input], {
      axes: { ints: range(1, layer.inputShape.length) },
      keepdims: { int: layer.keepDims ? 1 : 0 },
    });
}
