/**
 * A seeded LSTM training, pinned in test/layers-recurrent.test.ts and run in fresh processes by
 * test/recurrent-processes.test.ts: an LSTM(8) with dropout and recurrentDropout → Dense(1) learns
 * the next value of 64 windows of 10 steps of a noisy sine, 3 epochs, Adam, shuffled batches of 16.
 */
import { Dense } from '../../packages/ditto/src/layers/dense.js';
import { LSTM } from '../../packages/ditto/src/layers/recurrent/lstm.js';
import { Sequential } from '../../packages/ditto/src/models/sequential.js';
import { setSeed } from '../../packages/ditto/src/random/index.js';
import { type Tensor, tensor } from '../../packages/ditto/src/tensor/tensor.js';
import { testValues } from './test-values.js';

/** The series the pinned training learns: 64 windows of 10 steps of a noisy sine, next value as target. */
function sineWindows(): { x: Tensor; y: Tensor } {
  const series = testValues(80, 21, -0.1, 0.1).map((noise, i) => Math.sin(i / 4) + noise);
  const x: number[] = [];
  const y: number[] = [];
  for (let s = 0; s < 64; s++) {
    for (let t = 0; t < 10; t++) x.push(series[s + t]);
    y.push(series[s + 10]);
  }
  return { x: tensor(x, [64, 10, 1]), y: tensor(y, [64, 1]) };
}

export async function seededLstmTraining(): Promise<{ weightsHash: string; losses: number[] }> {
  setSeed(2024);
  const model = new Sequential([
    new LSTM(8, { inputShape: [10, 1], dropout: 0.1, recurrentDropout: 0.1 }),
    new Dense(1),
  ]);
  model.compile({ loss: 'mse', optimizer: 'adam' });
  const { x, y } = sineWindows();
  const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
  return { weightsHash: model.weightsHash(), losses: history.history.loss };
}
