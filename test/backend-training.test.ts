import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Dropout } from '../packages/ditto/src/layers/dropout.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { key, normal, setSeed, uniform } from '../packages/ditto/src/random/index.js';
import { fitTutorial } from '../packages/ditto/src/tutorial/tutorial.js';

registerWasmBackend();
afterEach(() => setBackend('js'));

async function classifier(): Promise<{ weights: string; predictions: Float32Array }> {
  setSeed(1);
  const n = 200;
  const x = normal(key(5), n * 6);
  const rows = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 6, i * 6 + 6)));
  const labels = uniform(key(6), n);
  const y = rows.map((r, i) => {
    const c = (r[0] + r[1] > 0 ? 1 : 0) + (labels[i] > 0.5 ? 1 : 0);
    return [0, 1, 2].map((k) => (k === c ? 1 : 0));
  });
  const model = new Sequential([
    new Dense(16, { inputDim: 6, activation: 'relu' }),
    new Dropout(0.2),
    new Dense(8, { activation: 'tanh' }),
    new Dense(3, { activation: 'softmax' }),
  ]);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  await model.fit(rows, y, { epochs: 4, batchSize: 32, validationSplit: 0.2, verbose: 0 });
  return { weights: model.weightsHash(), predictions: model.predict(rows).data as Float32Array };
}

describe('whole trainings give the same bits on every backend', () => {
  it('wasm is available here', () => {
    setBackend('wasm');
    expect(getBackend().name).toBe('wasm');
  });

  it('the tutorial workload', async () => {
    setBackend('js');
    const js = await fitTutorial({ seed: 1 });
    setBackend('wasm');
    const wasm = await fitTutorial({ seed: 1 });
    expect(wasm.weightsHash).toBe(js.weightsHash);
    expect(wasm.losses).toEqual(js.losses);
  });

  it('a softmax classifier with relu, tanh, dropout, shuffled mini-batches and a validation split', async () => {
    setBackend('js');
    const js = await classifier();
    setBackend('wasm');
    const wasm = await classifier();
    expect(wasm.weights).toBe(js.weights);
    expect(Array.from(wasm.predictions)).toEqual(Array.from(js.predictions));
  });
});
