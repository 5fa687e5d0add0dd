/**
 * The moving statistics' update as one primitive with an effect: moving ← moving·momentum +
 * batch·(1 − momentum) (Keras's form), every product and the sum rounded to the storage type. It
 * writes the layer's non-trainable variable in place at every training step, traced or not.
 */
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Variable } from '../variable.js';

const movingAverageKernel = defineKernel(
  'movingAverage',
  (batch: FloatArray, _movingBefore: FloatArray, moving: FloatArray, momentum: number) => {
    const round = moving instanceof Float32Array ? Math.fround : (v: number) => v;
    const keep = round(momentum);
    const take = round(1 - keep);
    for (let i = 0; i < moving.length; i++) moving[i] = round(moving[i] * keep) + round(batch[i] * take);
  },
);

/** moving ← moving·momentum + batch·(1 − momentum), in place, as an effect primitive. */
export function updateMovingAverage(moving: Variable, batch: FloatArray, momentum: number): void {
  // The variable is an input as well as the output: it is read, and the engine classes a buffer by
  // its first use — one first seen as an output would be taken for an intermediate of the step.
  const data = moving.value.data;
  callKernel(movingAverageKernel, [batch, data, data], 2, [momentum], {
    effect: true,
    signature: `movingAverage:${moving.value.size}:${momentum}`,
  });
}
