/**
 * The functional workload of test/model-file-functional.test.ts, shared with its child process:
 * two inputs, a Dense applied to both (shared weights), Add and Concatenate merges, Dropout, two
 * heads with their own losses and a loss weight, Adam, shuffled batches.
 */
import {
  Add,
  Concatenate,
  Dense,
  Dropout,
  type FitOptions,
  Input,
  Model,
  setSeed,
  Tensor,
} from '../packages/ditto/src/index.js';

export const SAMPLES = 48;

/** A fixed, hand-written data set (no random draws): inputs a, b; targets score, cls. */
export function workloadData(): { a: Tensor; b: Tensor; score: Tensor; cls: Tensor } {
  const a = new Float32Array(SAMPLES * 3);
  const b = new Float32Array(SAMPLES * 3);
  const score = new Float32Array(SAMPLES);
  const cls = new Float32Array(SAMPLES * 2);
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < 3; j++) {
      a[i * 3 + j] = Math.sin(i * 0.7 + j);
      b[i * 3 + j] = Math.cos(i * 0.3 - j * 1.1);
    }
    score[i] = a[i * 3] - 0.5 * b[i * 3 + 2];
    cls[i * 2 + (i % 3 === 0 ? 1 : 0)] = 1;
  }
  return {
    a: new Tensor(a, [SAMPLES, 3]),
    b: new Tensor(b, [SAMPLES, 3]),
    score: new Tensor(score, [SAMPLES, 1]),
    cls: new Tensor(cls, [SAMPLES, 2]),
  };
}

/** The model, compiled, under global seed 11 (its init and Dropout keys come from the seed). */
export function workloadModel(): Model {
  setSeed(11);
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const shared = new Dense(5, { activation: 'tanh', name: 'shared' });
  const joined = new Add({ name: 'add' }).apply([shared.apply(a), shared.apply(b)]);
  const h = new Concatenate({ name: 'concat' }).apply([joined, a]);
  const dropped = new Dropout(0.3, { name: 'drop' }).apply(h);
  const score = new Dense(1, { name: 'score' }).apply(dropped);
  const cls = new Dense(2, { activation: 'softmax', name: 'cls' }).apply(dropped);
  const model = new Model({ inputs: [a, b], outputs: [score, cls], name: 'two_heads' });
  model.compile({
    optimizer: 'adam',
    loss: { score: 'mse', cls: 'categoricalCrossentropy' },
    lossWeights: { cls: 0.5 },
    metrics: { cls: ['accuracy'] },
  });
  return model;
}

/** Fits `epochs` epochs (from where the model stands) on the workload's data. */
export async function fitWorkload(model: Model, epochs: number, options: FitOptions = {}): Promise<void> {
  const { a, b, score, cls } = workloadData();
  await model.fit({ a, b }, { score, cls }, { epochs, batchSize: 8, verbose: 0, ...options });
}
