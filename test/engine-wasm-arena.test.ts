/**
 * The engine's arena in the wasm module's memory (Backend.programArena): programs of each layer
 * kind (Dense, LSTM, GRU, convolution and pooling, Embedding) keep their internal buffers there and train to the reference backend's bits — also when the
 * memory is overwritten with garbage between steps (nothing in the region survives between replays
 * or is needed to), when it grows between steps (the views are made again), with several models
 * alive at once, and when a call needs more memory in the middle of a replay (it runs on the
 * reference and the memory grows afterwards, so the views in use stay attached).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend, type WasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import type { Buffer } from '../packages/ditto/src/engine/primitive.js';
import { record } from '../packages/ditto/src/engine/primitive.js';
import { makePlan, numberTrace, Program } from '../packages/ditto/src/engine/program.js';
import {
  Conv2D,
  Dense,
  Embedding,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GRU,
  hashArrays,
  LambdaCallback,
  LSTM,
  MaxPooling2D,
  ops,
  Sequential,
  setSeed,
  Tensor,
} from '../packages/ditto/src/index.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setBackend('js');
});

const floats = (n: number, seed: number, lo = -1, hi = 1) => Float32Array.from(testValues(n, seed, lo, hi));
const oneHot = (n: number, classes: number, seed: number) => {
  const y = new Float32Array(n * classes);
  testValues(n, seed, 0, classes).forEach((v, i) => {
    y[i * classes + Math.floor(v)] = 1;
  });
  return new Tensor(y, [n, classes]);
};

interface Workload {
  name: string;
  build(): Sequential;
  x: Tensor;
  y: Tensor;
  loss: string;
}

const n = 48;
const WORKLOADS: Workload[] = [
  {
    name: 'Dense',
    build: () =>
      new Sequential([
        new Dense(64, { inputDim: 24, activation: 'relu' }),
        new Dense(32, { activation: 'tanh' }),
        new Dense(4, { activation: 'softmax' }),
      ]),
    x: new Tensor(floats(n * 24, 1), [n, 24]),
    y: oneHot(n, 4, 2),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'LSTM',
    build: () =>
      new Sequential([new LSTM(24, { inputShape: [6, 5] }), new Dense(3, { activation: 'softmax' })]),
    x: new Tensor(floats(n * 6 * 5, 3), [n, 6, 5]),
    y: oneHot(n, 3, 4),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'GRU',
    build: () =>
      new Sequential([new GRU(20, { inputShape: [6, 5] }), new Dense(3, { activation: 'softmax' })]),
    x: new Tensor(floats(n * 6 * 5, 9), [n, 6, 5]),
    y: oneHot(n, 3, 10),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'CNN',
    build: () =>
      new Sequential([
        new Conv2D(8, 3, { inputShape: [10, 10, 2], activation: 'relu' }),
        new MaxPooling2D({ poolSize: 2 }),
        new Conv2D(12, 3, { padding: 'same', activation: 'relu' }),
        new GlobalAveragePooling2D(),
        new Dense(3, { activation: 'softmax' }),
      ]),
    x: new Tensor(floats(n * 10 * 10 * 2, 5), [n, 10, 10, 2]),
    y: oneHot(n, 3, 6),
    loss: 'categoricalCrossentropy',
  },
  {
    name: 'Embedding',
    build: () =>
      new Sequential([
        new Embedding(300, 16, { inputLength: 12 }),
        new GlobalAveragePooling1D(),
        new Dense(2, { activation: 'softmax' }),
      ]),
    x: new Tensor(Float32Array.from(testValues(n * 12, 7, 0, 300), Math.floor), [n, 12]),
    y: oneHot(n, 2, 8),
    loss: 'categoricalCrossentropy',
  },
];

/** The registered wasm backend's region (its first byte and current buffer). */
const region = () => {
  const arena = getBackend().programArena?.(0);
  if (!arena) throw new Error('the wasm backend has no program region');
  return arena;
};

interface Disturbance {
  /** Overwrite the memory above the region's start, but the resident arrays, with NaN bits after each step. */
  poison?: boolean;
  /** Grow the memory after each step (every view of it is detached). */
  grow?: boolean;
}

async function train(backend: 'js' | 'wasm', w: Workload, disturb: Disturbance = {}) {
  setBackend(backend);
  setSeed(11);
  let grown = 0;
  const afterStep = () => {
    if (backend !== 'wasm') return;
    if (disturb.poison) {
      // Everything but the resident arrays (variables, Adam's slots, the programs' inputs and
      // results, which hold state): the region, the free gaps and every call's scratch above.
      const { offset, buffer } = region();
      const memory = new Uint8Array(buffer());
      let from = offset;
      for (const [start, bytes] of (getBackend() as WasmBackend).instance.arena.usedBlocks()) {
        if (start === offset) continue;
        if (start > from) memory.fill(0xff, from, start);
        from = Math.max(from, start + bytes);
      }
      memory.fill(0xff, from);
    }
    if (disturb.grow) {
      const before = region().buffer();
      // An eager call whose two arrays' scratch is a little more than the memory: it grows it.
      const big = new Float64Array(before.byteLength / 16 + 1024);
      getBackend().unary('relu', big, new Float64Array(big.length), 0);
      if (region().buffer() !== before) grown++;
    }
  };
  const model = w.build();
  model.compile({ loss: w.loss, optimizer: 'adam' });
  const history = await model.fit(w.x, w.y, {
    epochs: 3,
    batchSize: 16,
    validationSplit: 0.25,
    verbose: 0,
    callbacks: [new LambdaCallback({ onBatchEnd: afterStep })],
  });
  const predictions = (model.predict(w.x) as Tensor).data;
  const traces = (model as unknown as { traces: { entries: Map<string, { program?: Program }> } }).traces;
  const inMemory = [...traces.entries.values()].filter((e) => e.program?.inBackendMemory).length;
  return {
    bits: [model.weightsHash(), hashArrays([predictions]), JSON.stringify(history.history)],
    inMemory,
    grown,
  };
}

describe('programs with their arena in wasm memory', () => {
  for (const w of WORKLOADS) {
    it(`${w.name}: the reference's bits; with garbage in the memory and growth between steps too`, async () => {
      const reference = await train('js', w);
      expect(reference.inMemory).toBe(0);
      const plain = await train('wasm', w);
      expect(plain.inMemory).toBeGreaterThan(0);
      expect(plain.bits).toEqual(reference.bits);
      const disturbed = await train('wasm', w, { poison: true, grow: true });
      expect(disturbed.grown).toBeGreaterThan(0);
      expect(disturbed.bits).toEqual(reference.bits);
    });
  }

  it('several models alive at once, their steps interleaved, share the region', async () => {
    const run = async (backend: 'js' | 'wasm') => {
      setBackend(backend);
      setSeed(12);
      const models = WORKLOADS.map((w) => {
        const model = w.build();
        model.compile({ loss: w.loss, optimizer: 'adam' });
        return model;
      });
      for (let epoch = 0; epoch < 4; epoch++) {
        for (const [i, w] of WORKLOADS.entries()) {
          await models[i].fit(w.x, w.y, { epochs: 1, batchSize: 16, verbose: 0 });
        }
      }
      return models.map((m) => m.weightsHash());
    };
    const reference = await run('js');
    expect(await run('wasm')).toEqual(reference);
  });
});

describe('memory growth in the middle of a replay', () => {
  it('a call that needs more memory runs on the reference; the views in use stay attached', () => {
    setBackend('js');
    const x = new Tensor(floats(64 * 128, 20), [64, 128]);
    // An external weight (ordinary memory): its matmul needs about 300 kB of scratch.
    const w = new Tensor(floats(128 * 512, 21), [128, 512]);
    const step = (): Buffer[] => {
      const a = ops.unary('tanh', x); // internal: in the region, read again after the big call
      const big = ops.matmul(x, w); // a result, so no array of this call lives in the region
      const s = ops.sum(ops.mul(a, a), 1);
      return [big.data, s.data];
    };
    const { result, calls } = record(step);
    const expected = result.map((b) => b.slice());
    const trace = numberTrace({ calls, inputs: [x.data], results: result });
    const wasm: WasmBackend = createWasmBackend({ smallCallsOnReference: false });
    const program = new Program(makePlan(trace, result), trace, wasm);
    expect(program.inBackendMemory).toBe(true);
    const arena = wasm.programArena?.(0);
    if (!arena) throw new Error('no region');
    const first = arena.buffer();
    // The fresh module's memory holds the region but not the matmul's scratch.
    expect(first.byteLength).toBeLessThan(program.arenaBytes + 128 * 512 * 4);
    for (let run = 0; run < 3; run++) {
      program.bind([x.data]);
      program.replay();
      expect(program.results.map((b) => b.slice())).toEqual(expected);
      // The memory grew after the first replay (what its matmul asked for), not during it.
      if (run === 0) expect(arena.buffer()).not.toBe(first);
    }
  });
});
