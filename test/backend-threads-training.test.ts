/**
 * Whole trainings give the same bits on the threaded backend at 1, 2 and 3 threads as on the
 * reference ('js') backend: the MLP 784→128 relu→10 softmax on synthetic data from fixed keys, and
 * the tutorial workload. With the default thresholds the MLP's large products are split across
 * threads (the test checks that the workers ran chunks); a second run forces every kernel call of
 * the tutorial onto the threads.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import {
  setThreads,
  shutdownThreads,
  threadsBackend,
} from '../packages/ditto/src/backend/threads/register.js';
import { DEFAULT_THRESHOLDS } from '../packages/ditto/src/backend/threads/threaded-backend.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { getKernel, listKernels } from '../packages/ditto/src/kernels/registry.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { key, setSeed, uniform } from '../packages/ditto/src/random/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { fitTutorial } from '../packages/ditto/src/tutorial/tutorial.js';
import { registerNodeThreadsBackend } from '../packages/ditto-node/src/threads/index.js';

registerNodeThreadsBackend({ threads: 1 });
registerWasmBackend();
const threaded = threadsBackend()!;

describe("wasm-threads: the kernel module's own primitives", () => {
  it("has every primitive that 'wasm' accelerates (pooling, unfold, fold, gather, the cells), not the reference", () => {
    const onWasm = listKernels().filter((name) => getKernel(name).backends.includes('wasm'));
    // The CNN's window kernels and the Embedding's rows at least (they once ran on the reference here).
    expect(onWasm).toEqual(expect.arrayContaining(['maxPool2d', 'unfold2d', 'fold2d', 'gatherRows']));
    const missing = onWasm.filter((name) => !getKernel(name).backends.includes('wasm-threads'));
    expect(missing, 'registered for wasm but not for wasm-threads').toEqual([]);
    for (const name of onWasm)
      expect(getKernel(name).resolve('wasm-threads'), name).not.toBe(getKernel(name).reference);
  });
});

afterEach(() => {
  setBackend('js');
  threaded.configure({ thresholds: DEFAULT_THRESHOLDS });
});
afterAll(() => shutdownThreads());

/** Selects the threaded backend at `threads` threads, its workers started. */
async function useThreads(threads: number): Promise<void> {
  setBackend('wasm-threads');
  setThreads(threads);
  expect(await threaded.ready()).toBe(threads - 1);
}

const workerChunks = (): number => threaded.chunksRun().reduce((sum, c, i) => (i > 0 ? sum + c : sum), 0);

/** The MLP 784→128 relu→10 softmax, Adam, batch 128, fitted for 2 epochs on 512 synthetic samples. */
async function mlp(): Promise<{ weights: string; losses: number[]; predictions: number[] }> {
  const n = 512;
  // Inputs uniform in [0, 1) and labels from their own key: fixed data, independent of the backend.
  const x = tensor(uniform(key(784), n * 784), [n, 784]);
  const draws = uniform(key(10), n);
  const y = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) y[i * 10 + Math.floor(draws[i] * 10)] = 1;
  setSeed(1);
  const model = new Sequential([
    new Dense(128, { inputDim: 784, activation: 'relu' }),
    new Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  const history = await model.fit(x, tensor(y, [n, 10]), { epochs: 2, batchSize: 128, verbose: 0 });
  const predictions = Array.from(model.predict(x).data.subarray(0, 50));
  return { weights: model.weightsHash(), losses: history.history.loss, predictions };
}

describe('whole trainings: same bits at 1, 2 and 3 threads as on the js backend', () => {
  it('the MLP 784→128 relu→10 softmax (its large products split across threads)', async () => {
    setBackend('js');
    const reference = await mlp();
    for (const threads of [1, 2, 3]) {
      await useThreads(threads);
      // Which thread claims which chunk is up to the scheduler: on a loaded machine the calling
      // thread may run them all. Train again (up to 5 times) until the workers have taken part.
      const before = workerChunks();
      for (let attempt = 0; attempt < 5; attempt++) {
        const result = await mlp();
        expect(result.weights, `${threads} threads`).toBe(reference.weights);
        expect(result.losses, `${threads} threads`).toEqual(reference.losses);
        expect(result.predictions, `${threads} threads`).toEqual(reference.predictions);
        if (threads === 1 || workerChunks() > before) break;
      }
      if (threads > 1)
        expect(workerChunks() - before, `${threads} threads: chunks run by workers`).toBeGreaterThan(0);
      else expect(workerChunks() - before, '1 thread: no worker').toBe(0);
    }
  });

  it("the MLP's replayed steps keep their buffers in the threads' shared memory (the program arena)", async () => {
    setBackend('js');
    const reference = await mlp();
    await useThreads(2);
    const original = threaded.programArena;
    const arena = original!.bind(threaded);
    const regions: ArrayBuffer[] = [];
    threaded.programArena = (bytes) => {
      const region = arena(bytes);
      if (region) regions.push(region.buffer());
      return region;
    };
    try {
      const before = workerChunks();
      const result = await mlp();
      expect(result.weights).toBe(reference.weights);
      expect(result.losses).toEqual(reference.losses);
      expect(regions.length, 'programs placed in the arena').toBeGreaterThan(0);
      for (const buffer of regions) expect(buffer).toBeInstanceOf(SharedArrayBuffer);
      // The threads' one memory (an older buffer object of it, if it has grown since).
      for (const buffer of regions)
        expect(threaded.instance.arena.resident(new Uint8Array(buffer))).toBe(true);
      expect(workerChunks() - before, 'chunks run by workers').toBeGreaterThan(0);
    } finally {
      threaded.programArena = original;
    }
  });

  it('fitTutorial({ seed: 1 }), with default thresholds and with every kernel call split', async () => {
    setBackend('js');
    const reference = await fitTutorial({ seed: 1 });
    for (const forced of [false, true]) {
      if (forced)
        threaded.configure({
          thresholds: {
            matmul: 0,
            pack: 0,
            elementwise: 0,
            transcendental: 0,
            matmulChunk: 0,
            elementwiseChunk: 0,
          },
        });
      for (const threads of [1, 2, 3]) {
        await useThreads(threads);
        const result = await fitTutorial({ seed: 1 });
        expect(result.weightsHash, `${threads} threads, forced=${forced}`).toBe(reference.weightsHash);
        expect(result.losses, `${threads} threads, forced=${forced}`).toEqual(reference.losses);
      }
    }
  });
});
