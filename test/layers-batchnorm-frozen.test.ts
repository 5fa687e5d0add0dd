/**
 * A frozen BatchNormalization (`trainable: false`) runs in inference mode while its model trains,
 * as in Keras 3: the step normalises with the moving statistics and leaves them untouched; toggling
 * `trainable` between fits is honoured by the traced step (a BatchNormalization without γ and β has
 * no trainable variable whose absence would tell).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import {
  BatchNormalization,
  Dense,
  hashArrays,
  Sequential,
  setSeed,
  Tensor,
} from '../packages/ditto/src/index.js';
import { testValues } from './helpers/test-values.js';

afterEach(() => setBackend('js'));

const x = new Tensor(Float32Array.from(testValues(16 * 3, 71, -2, 3)), [16, 3]);
const y = new Tensor(Float32Array.from(testValues(16, 72, -1, 1)), [16, 1]);

function model(options: ConstructorParameters<typeof BatchNormalization>[0] = {}) {
  setSeed(11);
  const bn = new BatchNormalization({ inputShape: [3], ...options });
  const m = new Sequential([bn, new Dense(1)]);
  m.compile({ loss: 'mse', optimizer: 'sgd' });
  return { m, bn };
}

const statistics = (bn: BatchNormalization) =>
  hashArrays([bn.movingMean.value.data, bn.movingVariance.value.data]);

describe('a frozen BatchNormalization', () => {
  for (const backend of ['js', 'wasm'] as const) {
    it(`${backend}: trains in inference mode — the step's loss is the inference loss, the moving statistics stay`, async () => {
      if (backend === 'wasm') {
        registerWasmBackend();
        setBackend('wasm');
      }
      const { m, bn } = model();
      bn.trainable = false;
      const before = statistics(bn);
      const weightsBefore = hashArrays(bn.variables.map((v) => v.value.data));
      // One step per epoch on the whole batch: epoch 1's loss is the forward before any update.
      const inference = (m.evaluate(x, y, { batchSize: 16 }) as { loss: number }).loss;
      const history = await m.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      expect(history.history.loss[0]).toBe(inference);
      expect(statistics(bn)).toBe(before);
      expect(hashArrays(bn.variables.map((v) => v.value.data))).toBe(weightsBefore);
      // A trainable one in the same place does use the batch's statistics and moves them.
      const free = model();
      const freeBefore = statistics(free.bn);
      const freeInference = (free.m.evaluate(x, y, { batchSize: 16 }) as { loss: number }).loss;
      const freeHistory = await free.m.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
      expect(freeHistory.history.loss[0]).not.toBe(freeInference);
      expect(statistics(free.bn)).not.toBe(freeBefore);
    });
  }

  it('toggling trainable between fits is honoured, also without γ and β (no trainable variable)', async () => {
    const { m, bn } = model({ center: false, scale: false });
    const fitOnce = async () => {
      const before = statistics(bn);
      await m.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
      return statistics(bn) !== before;
    };
    expect(await fitOnce()).toBe(true);
    bn.trainable = false;
    expect(await fitOnce()).toBe(false);
    bn.trainable = true;
    expect(await fitOnce()).toBe(true);
    bn.trainable = false;
    expect(await fitOnce()).toBe(false);
  });
});
