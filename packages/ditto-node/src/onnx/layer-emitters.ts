/**
 * The one table from a layer class to its ONNX emitter. A layer is looked up by its exact class
 * (a subclass may compute differently, so it must be added here itself); anything missing is an
 * error naming the layer, its class and what is supported.
 */
import {
  Activation,
  Add,
  AlphaDropout,
  Average,
  AveragePooling1D,
  AveragePooling2D,
  BatchNormalization,
  Bidirectional,
  Concatenate,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping1D,
  Cropping2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Embedding,
  Flatten,
  GaussianDropout,
  GaussianNoise,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GRU,
  type Layer,
  LayerNormalization,
  LSTM,
  Maximum,
  MaxPooling1D,
  MaxPooling2D,
  Minimum,
  Multiply,
  Normalization,
  Permute,
  RepeatVector,
  Rescaling,
  Reshape,
  SeparableConv2D,
  SimpleRNN,
  SpatialDropout1D,
  SpatialDropout2D,
  Subtract,
  TimeDistributed,
  UnitNormalization,
  UpSampling2D,
  ZeroPadding1D,
  ZeroPadding2D,
} from 'ditto';
import type { EmitContext, LayerEmitter } from './emitters/context.js';
import {
  emitConv,
  emitConv2DTranspose,
  emitDepthwiseConv2D,
  emitSeparableConv2D,
  globalPoolingEmitter,
  poolingEmitter,
} from './emitters/conv.js';
import {
  emitActivationLayer,
  emitDense,
  emitEmbedding,
  emitIdentity,
  emitRescaling,
} from './emitters/core.js';
import { elementwiseMergeEmitter, emitAverage, emitConcatenate } from './emitters/merge.js';
import {
  emitBatchNormalization,
  emitLayerNormalization,
  emitNormalization,
  emitUnitNormalization,
} from './emitters/normalization.js';
import { emitBidirectional, emitRecurrent, emitTimeDistributed } from './emitters/recurrent.js';
import {
  emitCropping,
  emitFlatten,
  emitPermute,
  emitRepeatVector,
  emitReshape,
  emitUpSampling2D,
  emitZeroPadding,
} from './emitters/reshaping.js';

// biome-ignore lint/suspicious/noExplicitAny: a layer class, whatever its constructor's arguments
type LayerClass<L extends Layer> = abstract new (...args: any[]) => L;

/** A merge layer's emitter: the layer applied to a list of tensors. */
type MergeEmitter<L extends Layer> = (layer: L, inputs: readonly string[], context: EmitContext) => string;

type Entry =
  | { readonly merge: false; readonly emit: LayerEmitter<Layer> }
  | { readonly merge: true; readonly emit: MergeEmitter<Layer> };

const EMITTERS = new Map<LayerClass<Layer>, Entry>();

function register<L extends Layer>(kind: LayerClass<L>, emitter: LayerEmitter<L>): void {
  EMITTERS.set(kind, { merge: false, emit: emitter as LayerEmitter<Layer> });
}

function registerMerge<L extends Layer>(kind: LayerClass<L>, emitter: MergeEmitter<L>): void {
  EMITTERS.set(kind, { merge: true, emit: emitter as MergeEmitter<Layer> });
}

register(Dense, emitDense);
register(Activation, emitActivationLayer);
for (const identity of [
  Dropout,
  SpatialDropout1D,
  SpatialDropout2D,
  GaussianDropout,
  GaussianNoise,
  AlphaDropout,
]) {
  register(identity, emitIdentity);
}
register(Embedding, emitEmbedding);
register(Rescaling, emitRescaling);
register(Flatten, emitFlatten);
register(Reshape, emitReshape);
register(Permute, emitPermute);
register(RepeatVector, emitRepeatVector);
register(ZeroPadding1D, emitZeroPadding);
register(ZeroPadding2D, emitZeroPadding);
register(Cropping1D, emitCropping);
register(Cropping2D, emitCropping);
register(UpSampling2D, emitUpSampling2D);
register(Conv1D, emitConv);
register(Conv2D, emitConv);
register(Conv2DTranspose, emitConv2DTranspose);
register(DepthwiseConv2D, emitDepthwiseConv2D);
register(SeparableConv2D, emitSeparableConv2D);
register(MaxPooling1D, poolingEmitter('MaxPool'));
register(MaxPooling2D, poolingEmitter('MaxPool'));
register(AveragePooling1D, poolingEmitter('AveragePool'));
register(AveragePooling2D, poolingEmitter('AveragePool'));
register(GlobalAveragePooling1D, globalPoolingEmitter('ReduceMean'));
register(GlobalAveragePooling2D, globalPoolingEmitter('ReduceMean'));
register(GlobalMaxPooling1D, globalPoolingEmitter('ReduceMax'));
register(GlobalMaxPooling2D, globalPoolingEmitter('ReduceMax'));
register(BatchNormalization, emitBatchNormalization);
register(LayerNormalization, emitLayerNormalization);
register(Normalization, emitNormalization);
register(UnitNormalization, emitUnitNormalization);
register(SimpleRNN, emitRecurrent);
register(LSTM, emitRecurrent);
register(GRU, emitRecurrent);
register(Bidirectional, emitBidirectional);
register(TimeDistributed, emitTimeDistributed);
registerMerge(Add, elementwiseMergeEmitter('Add'));
registerMerge(Subtract, elementwiseMergeEmitter('Sub'));
registerMerge(Multiply, elementwiseMergeEmitter('Mul'));
registerMerge(Maximum, elementwiseMergeEmitter('Max'));
registerMerge(Minimum, elementwiseMergeEmitter('Min'));
registerMerge(Average, emitAverage);
registerMerge(Concatenate, emitConcatenate);

/** The class names the export supports, for documentation and error messages. */
export function exportableLayerClasses(): string[] {
  return [...EMITTERS.keys()].map((kind) => kind.name);
}

function entryOf(layer: Layer): Entry {
  const entry = EMITTERS.get(layer.constructor as LayerClass<Layer>);
  if (!entry) {
    throw new Error(
      `exportOnnx: layer '${layer.name}' of class ${layer.constructor.name} has no ONNX export ` +
        `(exportable: ${exportableLayerClasses().join(', ')})`,
    );
  }
  return entry;
}

/** Emits one layer applied to one tensor through the table, its nodes named after it. */
export function emitLayer(layer: Layer, input: string, context: EmitContext): string {
  return emitNode(layer, [input], false, context);
}

/** Emits one application of a layer — to one tensor, or (a merge layer) to a list of them. */
export function emitNode(
  layer: Layer,
  inputs: readonly string[],
  listInput: boolean,
  context: EmitContext,
): string {
  const entry = entryOf(layer);
  if (entry.merge !== listInput) {
    throw new Error(
      `exportOnnx: layer '${layer.name}' (${layer.constructor.name}) is applied to ${listInput ? 'a list of tensors' : 'one tensor'}, which its export does not take`,
    );
  }
  return context.graph.within(layer.name, () =>
    entry.merge ? entry.emit(layer, inputs, context) : entry.emit(layer, inputs[0], context),
  );
}
