/** Dense, Activation, Embedding, Rescaling, and the layers that are the identity at inference. */
import type { Activation, Dense, Embedding, Layer, Rescaling } from 'ditto';
import { emitActivation } from '../activations.js';
import { describeLayer, type EmitContext, weightInitializer } from './context.js';

/** x·kernel + bias over the last axis (MatMul broadcasts over any leading axes), then the activation. */
export function emitDense(layer: Dense, input: string, { graph }: EmitContext): string {
  let y = graph.op('MatMul', [input, weightInitializer(graph, layer.kernel)]);
  if (layer.bias) y = graph.op('Add', [y, weightInitializer(graph, layer.bias)]);
  return emitActivation(graph, layer.activation.name, y, describeLayer(layer));
}

export function emitActivationLayer(layer: Activation, input: string, { graph }: EmitContext): string {
  return emitActivation(graph, layer.activation.name, input, describeLayer(layer));
}

/** Dropout and the noise layers: the identity at inference, so no node at all. */
export function emitIdentity(_layer: Layer, input: string): string {
  return input;
}

/**
 * The lookup: the model's input holds the indices as floats (what `predict` takes), cast to int64
 * for Gather. onnxruntime rejects an index outside [−inputDim, inputDim) — but a negative index
 * counts from the end there, where ditto refuses it.
 */
export function emitEmbedding(layer: Embedding, input: string, { graph }: EmitContext): string {
  const indices = graph.op('Cast', [input], { to: { int: graph.dataTypes.INT64 } });
  return graph.op('Gather', [weightInitializer(graph, layer.embeddings), indices], { axis: { int: 0 } });
}

export function emitRescaling(layer: Rescaling, input: string, { graph }: EmitContext): string {
  const y = graph.op('Mul', [input, graph.scalar(layer.scale)]);
  return layer.offset === 0 ? y : graph.op('Add', [y, graph.scalar(layer.offset)]);
}
