/** What every layer emitter receives, and the emitter's type (the table is in ../layer-emitters.ts). */
import type { Layer, Variable } from 'ditto';
import type { OnnxGraph } from '../graph.js';

export interface EmitContext {
  readonly graph: OnnxGraph;
  /** Emits another layer (one a wrapper calls) through the table, in that layer's scope. */
  emitLayer(layer: Layer, input: string): string;
}

/**
 * Appends the nodes computing `layer` at inference on the tensor named `input` ([batch, …the
 * layer's input sample shape], channels-last as in ditto) and returns the output's name.
 */
export type LayerEmitter<L extends Layer> = (layer: L, input: string, context: EmitContext) => string;

/** "layer 'conv2d' (Conv2D)", for error messages. */
export function describeLayer(layer: Layer): string {
  return `layer '${layer.name}' (${layer.constructor.name})`;
}

/** A weight's values and shape, as an initializer named after it. */
export function weightInitializer(graph: OnnxGraph, variable: Variable): string {
  const base = variable.name.split('/').pop() ?? variable.name;
  return graph.floats(base, variable.value.data, variable.value.shape);
}
