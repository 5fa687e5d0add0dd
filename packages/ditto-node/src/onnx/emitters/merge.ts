/**
 * The merge layers of functional models: their inputs combined left to right, as ditto's
 * ElementwiseMerge does (ONNX's binary operators broadcast as ditto's merges do).
 */
import type { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from 'ditto';
import type { EmitContext } from './context.js';

type Elementwise = Add | Subtract | Multiply | Average | Maximum | Minimum;

function leftToRight(opType: string, inputs: readonly string[], { graph }: EmitContext): string {
  let out = inputs[0];
  for (let i = 1; i < inputs.length; i++) out = graph.op(opType, [out, inputs[i]]);
  return out;
}

/** Add, Subtract, Multiply, Maximum, Minimum: one binary ONNX operator applied left to right. */
export function elementwiseMergeEmitter(opType: 'Add' | 'Sub' | 'Mul' | 'Max' | 'Min') {
  return (_layer: Elementwise, inputs: readonly string[], context: EmitContext): string =>
    leftToRight(opType, inputs, context);
}

/** The sum left to right, divided once by the count. */
export function emitAverage(_layer: Average, inputs: readonly string[], context: EmitContext): string {
  const sum = leftToRight('Add', inputs, context);
  return context.graph.op('Div', [sum, context.graph.scalar(inputs.length)]);
}

/** Concat on the layer's axis (batch = axis 0 in both, negative from the end). */
export function emitConcatenate(
  layer: Concatenate,
  inputs: readonly string[],
  { graph }: EmitContext,
): string {
  return graph.op('Concat', [...inputs], { axis: { int: layer.axis } });
}
