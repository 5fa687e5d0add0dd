/**
 * An optimizer's update as one primitive call: its inputs are the gradients, its outputs the
 * variables it updates in place. It is an effect — it advances the optimizer's step count and slots
 * — so at every replay it runs `optimizer.applyGradients` again, which computes the step's own
 * scalars (Adam's α from the step count, a changed learning rate) at that moment. It can be rebound
 * to another model's optimizer and variables (engine/twin.ts): the call is the same but for them.
 */
import type { PrimitiveCall } from '../engine/primitive.js';
import { runPrimitive } from '../engine/primitive.js';
import type { Variable } from '../layers/variable.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { GradientPair, Optimizer } from './optimizer.js';

/** The update call of `optimizer` on `variables`, reading the gradients from its first buffers. */
function updateCall(
  optimizer: Optimizer,
  variables: readonly Variable[],
  grads: readonly FloatArray[],
): PrimitiveCall {
  const count = variables.length;
  return {
    kernel: 'optimizerUpdate',
    // Sizes, not names: a new model of the same architecture has the same structure (engine/program.ts).
    signature: `optimizerUpdate:${optimizer.name}:${variables.map((v) => v.value.size).join(',')}`,
    buffers: [...grads, ...variables.map((v) => v.value.data)],
    inputCount: count,
    work: Number.POSITIVE_INFINITY,
    effect: true,
    run: (_backend, buffers) => {
      const pairs: GradientPair[] = new Array(count);
      for (let i = 0; i < count; i++) pairs[i] = { variable: variables[i], grad: buffers[i] as FloatArray };
      // Looked up at every run: audit tools wrap applyGradients for a fit's duration.
      optimizer.applyGradients(pairs);
    },
    rebind: (binding) =>
      updateCall(
        binding.get(optimizer),
        variables.map((v) => binding.get(v)),
        grads,
      ),
  };
}

/** Updates the variables from their gradients (same order) through the optimizer, as a primitive. */
export function applyGradientsPrimitive(
  optimizer: Optimizer,
  variables: readonly Variable[],
  grads: readonly FloatArray[],
): void {
  runPrimitive(updateCall(optimizer, variables, grads));
}
