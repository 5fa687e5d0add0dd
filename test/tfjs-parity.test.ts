/**
 * Parity with a real peer: TensorFlow.js (cpu backend) trains the tutorial network from the same
 * initial weights on the same data, and the per-epoch loss curves must agree.
 *
 * Why they cannot agree bit for bit, and so the tolerance: tf.js's Adam is Algorithm 1 of the Adam
 * paper (ε added to the bias-corrected √v̂, β^t built by repeated float32 multiplication), while ditto
 * follows Keras's form (bias correction folded into the step size, ε added to √v) — the two differ
 * by ε·(1 − √(1−β2^t)) in the denominator; tf.js's momentum SGD accumulates v = μv + g and steps by
 * lr·v where Keras accumulates v = μv − lr·g; and tf.js reduces sums in its own order. Each of these
 * moves a result by a few float32 ulps per step; over 100 steps of a smooth, well-conditioned
 * problem they stay below 1e-5 relative for Adam (measured: ≤ 5.4e-6). With momentum SGD the loss
 * falls to ~1e-7, where a loss is a difference of nearly equal float32 numbers: there the relative
 * difference grows to ~1.5e-4 while the absolute one stays ~4e-11. Hence the tolerance
 * |a − b| ≤ 1e-4·|b| + 1e-7·loss₀. A real divergence (a wrong gradient, a wrong bias correction, a
 * wrong default) changes the curve by percent — the last test shows a 1% learning-rate change fails.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { Adam, SGD } from '../packages/ditto/src/optimizers/index.js';
import type { Optimizer } from '../packages/ditto/src/optimizers/optimizer.js';
import { tutorialData } from '../packages/ditto/src/tutorial/tutorial.js';

const RELATIVE = 1e-4;
const ABSOLUTE_FRACTION_OF_FIRST_LOSS = 1e-7;
const { X, y } = tutorialData();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function dittoCurve(
  optimizer: Optimizer,
  seed: number,
): Promise<{ losses: number[]; initial: Float32Array[] }> {
  const model = new Sequential([new Dense(10, { inputDim: 1, seed }), new Dense(1, { seed: seed + 1 })]);
  const initial = model.getWeights() as Float32Array[];
  model.compile({ loss: 'meanSquaredError', optimizer });
  const history = await model.fit(X, y, { epochs: 100, batchSize: 9, shuffle: false, verbose: 0 });
  return { losses: history.history.loss, initial };
}

async function tfjsCurve(optimizer: tf.Optimizer, initial: Float32Array[]): Promise<number[]> {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, inputShape: [1] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ loss: 'meanSquaredError', optimizer });
  const shapes = [[1, 10], [10], [10, 1], [1]];
  model.setWeights(initial.map((w, i) => tf.tensor(w, shapes[i])));
  const history = await model.fit(tf.tensor2d(X), tf.tensor2d(y), {
    epochs: 100,
    batchSize: 9,
    shuffle: false,
    verbose: 0,
  });
  return history.history.loss as number[];
}

/** Largest |a − b| as a multiple of the allowed difference RELATIVE·|b| + ABSOLUTE·b₀ (≤ 1 passes). */
function worstDifference(a: number[], b: number[]): number {
  const floor = ABSOLUTE_FRACTION_OF_FIRST_LOSS * Math.abs(b[0]);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / (RELATIVE * Math.abs(b[i]) + floor)));
}

describe('loss curves agree with TensorFlow.js from the same initial weights', () => {
  for (const seed of [1, 2, 3]) {
    it(`Adam (Keras defaults), seed ${seed}`, async () => {
      const ditto = await dittoCurve(new Adam(), seed * 10);
      const peer = await tfjsCurve(tf.train.adam(0.001, 0.9, 0.999, 1e-7), ditto.initial);
      expect(ditto.losses[99]).toBeLessThan(ditto.losses[0]);
      expect(worstDifference(ditto.losses, peer)).toBeLessThanOrEqual(1);
    });

    it(`SGD with momentum 0.9, seed ${seed}`, async () => {
      const ditto = await dittoCurve(new SGD({ learningRate: 0.05, momentum: 0.9 }), seed * 10);
      const peer = await tfjsCurve(tf.train.momentum(0.05, 0.9), ditto.initial);
      expect(ditto.losses[99]).toBeLessThan(ditto.losses[0]);
      expect(worstDifference(ditto.losses, peer)).toBeLessThanOrEqual(1);
    });
  }

  it('the comparison is sensitive: a 1% different learning rate is caught', async () => {
    const ditto = await dittoCurve(new Adam({ learningRate: 0.00101 }), 10);
    const peer = await tfjsCurve(tf.train.adam(0.001, 0.9, 0.999, 1e-7), ditto.initial);
    expect(worstDifference(ditto.losses, peer)).toBeGreaterThan(1);
  });
});
