/**
 * State resident in the wasm module's memory (Backend.residentArray): with a shared memory, the
 * variables, Adam's slots and programs' inputs and results are arrays in that memory, which the
 * kernels use in place. Checked here: the block heap's arithmetic; the shared module differs from
 * the committed one by one byte; growing a shared memory detaches nothing (also during a replay and
 * under a call's resident arrays, which then run in wasm); a program follows the region when a
 * larger one moves it (and leaves the arrays placed where it was alone); training gives the js backend's bits with
 * shared and ordinary memory, with the memory grown between steps, several models interleaved,
 * getWeights / setWeights / training-state / model-file round trips, and on the threaded backend;
 * and models dropped give their blocks back, zeroed (a child process with --expose-gc). Checked to
 * fail without the zeroing of reused blocks and without the program's re-reading of the region's
 * offset.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { getBackend, registerBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import {
  setThreads,
  shutdownThreads,
  threadsBackend,
} from '../packages/ditto/src/backend/threads/register.js';
import { BlockHeap } from '../packages/ditto/src/backend/wasm/block-heap.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend, type WasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { kernelBytes, withSharedMemory } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import type { Buffer } from '../packages/ditto/src/engine/primitive.js';
import { record } from '../packages/ditto/src/engine/primitive.js';
import { makePlan, numberTrace, Program } from '../packages/ditto/src/engine/program.js';
import { Dense, LambdaCallback, ops, Sequential, setSeed, Tensor } from '../packages/ditto/src/index.js';
import { modelFromBytes } from '../packages/ditto/src/io/decode.js';
import { modelToBytes } from '../packages/ditto/src/io/encode.js';
import type { AdamBase } from '../packages/ditto/src/optimizers/adam-base.js';
import { registerNodeThreadsBackend } from '../packages/ditto-node/src/threads/index.js';
import { repoRoot } from './helpers/run-tsx.js';
import { testValues } from './helpers/test-values.js';

const floats = (n: number, seed: number, lo = -1, hi = 1) => Float32Array.from(testValues(n, seed, lo, hi));

beforeAll(() => {
  registerWasmBackend();
  registerNodeThreadsBackend({ threads: 1 });
});
afterEach(() => setBackend('js'));
afterAll(() => shutdownThreads());

describe('BlockHeap', () => {
  it('allocates at the end, reuses the first gap that fits, merges gaps and lowers the end', () => {
    const heap = new BlockHeap(1024);
    const a = heap.allocate(100); // 112 bytes
    const b = heap.allocate(16);
    const c = heap.allocate(200); // 208
    expect([a, b, c]).toEqual([1024, 1136, 1152]);
    expect(heap.end).toBe(1360);
    heap.free(b);
    expect(heap.allocate(32)).toBe(1360); // the 16-byte gap is too small
    const d = heap.allocate(8);
    expect(d).toBe(1136); // first fit
    heap.free(a);
    heap.free(d); // merges with a's gap: 128 bytes from 1024
    expect(heap.allocate(128)).toBe(1024);
    heap.free(1024);
    heap.free(1360);
    heap.free(c); // every block after 1024 is free: the end comes back down to base
    expect(heap.end).toBe(1024);
    expect(heap.blocks()).toEqual([]);
    expect(() => heap.free(1024)).toThrow(/no block/);
  });

  it('keeps blocks disjoint under random allocation and freeing', () => {
    const heap = new BlockHeap(0);
    const live = new Map<number, number>();
    const draws = testValues(4000, 3, 0, 1);
    for (let i = 0; i < 2000; i++) {
      if (draws[2 * i] < 0.55 || live.size === 0) {
        const bytes = 1 + Math.floor(draws[2 * i + 1] * 500);
        const at = heap.allocate(bytes);
        live.set(at, Math.ceil(bytes / 16) * 16);
      } else {
        const starts = [...live.keys()];
        const at = starts[Math.floor(draws[2 * i + 1] * starts.length)];
        heap.free(at);
        live.delete(at);
      }
      const blocks = heap.blocks();
      expect(blocks.length).toBe(live.size);
      for (let k = 1; k < blocks.length; k++)
        expect(blocks[k][0]).toBeGreaterThanOrEqual(blocks[k - 1][0] + blocks[k - 1][1]);
      const last = blocks.at(-1);
      expect(heap.end).toBe(last ? last[0] + last[1] : 0);
    }
  });
});

describe('the shared kernel module', () => {
  it('differs from the committed bytes in the memory flag only', () => {
    const bytes = kernelBytes();
    const shared = withSharedMemory(bytes);
    const diff = [...bytes].flatMap((b, i) => (b === shared[i] ? [] : [[i, b, shared[i]]]));
    expect(diff.length).toBe(1);
    expect(diff[0].slice(1)).toEqual([0x01, 0x03]);
    const imported = new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true });
    const memory = (
      new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory: imported } }).exports as {
        memory: WebAssembly.Memory;
      }
    ).memory;
    expect(memory).toBe(imported);
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('backs the default wasm backend, whose resident arrays are views of its memory', () => {
    const wasm = createWasmBackend();
    const { arena, wasm: exports } = wasm.instance;
    expect(arena.shared).toBe(true);
    const w = wasm.residentArray?.('float32', 5000) as Float32Array;
    expect(w.buffer).toBe(exports.memory.buffer);
    expect(w.every((v) => v === 0)).toBe(true);
    expect(arena.resident(w)).toBe(true);
    expect(wasm.residentArray?.('float64', 100)).toBeUndefined(); // too small to gain
    expect(arena.resident(new Float32Array(5000))).toBe(false);
  });
});

describe('growing a shared memory', () => {
  it('leaves views valid; a call with resident arrays that needs more memory grows it and runs in wasm', () => {
    const wasm = createWasmBackend({ smallCallsOnReference: false });
    const { arena, wasm: exports } = wasm.instance;
    const [m, k, n] = [64, 300, 256];
    const a = wasm.residentArray?.('float32', m * k) as Float32Array;
    a.set(floats(m * k, 1));
    const before = exports.memory.buffer;
    const b = floats(k * n, 2); // ordinary: its copy and op(b)'s panels need more memory than there is
    expect(before.byteLength).toBeLessThan(a.byteOffset + a.byteLength + 2 * b.byteLength);
    const out = new Float32Array(m * n);
    const expected = new Float32Array(m * n);
    jsBackend.matmul(a, b, expected, m, k, n, false, false);
    wasm.matmul(a, b, out, m, k, n, false, false);
    expect(exports.memory.buffer).not.toBe(before); // grown during the call: it ran in wasm
    expect(out).toEqual(expected);
    // The view made before growing still reads and writes the same bytes, and is still resident.
    expect(a.length).toBe(m * k);
    expect(arena.resident(a)).toBe(true);
    expect(new Float32Array(exports.memory.buffer, a.byteOffset, 4)).toEqual(a.subarray(0, 4));
    a[0] = 7;
    expect(new Float32Array(exports.memory.buffer, a.byteOffset, 1)[0]).toBe(7);
  });

  it('while a program replays: the call runs in wasm and the region’s views stay valid', () => {
    const wasm = createWasmBackend({ smallCallsOnReference: false });
    const region = wasm.programArena?.(4096);
    if (!region) throw new Error('no region');
    const before = region.buffer();
    const view = new Float32Array(before, region.offset, 256);
    view.set(floats(256, 5));
    const kept = view.slice();
    const [m, k, n] = [256, 256, 256];
    const a = floats(m * k, 6);
    const b = floats(k * n, 7);
    const expected = new Float32Array(m * n);
    jsBackend.matmul(a, b, expected, m, k, n, false, false);
    const out = new Float32Array(m * n);
    region.begin();
    wasm.matmul(a, b, out, m, k, n, false, false);
    expect(region.buffer()).not.toBe(before);
    region.end();
    expect(out).toEqual(expected);
    expect(view).toEqual(kept);
  });
});

describe('the region moving', () => {
  it('a program replays at the region’s new offset, not over the arrays placed where it was', () => {
    setBackend('js');
    /** A program whose internal buffers hold about `width` × 64 floats. */
    const programOf = (wasm: WasmBackend, width: number) => {
      const x = new Tensor(floats(64 * width, width), [64, width]);
      const step = (): Buffer[] => {
        const a = ops.unary('tanh', x); // internal: in the region
        return [ops.sum(ops.mul(a, a), 1).data];
      };
      const { result, calls } = record(step);
      const expected = result.map((b) => b.slice());
      const trace = numberTrace({ calls, inputs: [x.data], results: result });
      const program = new Program(makePlan(trace, result), trace, wasm);
      return { program, x, expected };
    };
    const wasm = createWasmBackend({ smallCallsOnReference: false });
    wasm.instance.wasm.memory.grow(64); // room enough that nothing below grows the memory
    const small = programOf(wasm, 32);
    const offset = wasm.programArena?.(0)?.offset;
    const run = (p: ReturnType<typeof programOf>) => {
      p.program.bind([p.x.data]);
      p.program.replay();
      return p.program.results.map((b) => b.slice());
    };
    expect(run(small)).toEqual(small.expected);
    const pinned = wasm.residentArray?.('float32', 2048) as Float32Array; // right after the region
    pinned.fill(3);
    const large = programOf(wasm, 256); // a larger region: a new block after `pinned`
    expect(wasm.programArena?.(0)?.offset).not.toBe(offset);
    // An array in the old region's place, which the small program must no longer write.
    const inOldPlace = wasm.residentArray?.('float32', 1024) as Float32Array;
    expect(inOldPlace.byteOffset).toBe(offset);
    inOldPlace.fill(5);
    const buffer = wasm.instance.wasm.memory.buffer;
    expect(run(small)).toEqual(small.expected);
    expect(run(large)).toEqual(large.expected);
    expect(wasm.instance.wasm.memory.buffer).toBe(buffer); // no growth: only the offset changed
    expect(inOldPlace.every((v) => v === 5)).toBe(true);
    expect(pinned.every((v) => v === 3)).toBe(true);
  });
});

/** A 2-layer MLP large enough for resident variables, its data, and the bits of a fit. */
const n = 96;
const x = new Tensor(floats(n * 40, 11), [n, 40]);
const y = (() => {
  const labels = new Float32Array(n * 5);
  testValues(n, 12, 0, 5).forEach((v, i) => {
    labels[i * 5 + Math.floor(v)] = 1;
  });
  return new Tensor(labels, [n, 5]);
})();

function mlp(): Sequential {
  const model = new Sequential([
    new Dense(64, { inputDim: 40, activation: 'relu' }),
    new Dense(5, { activation: 'softmax' }),
  ]);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  return model;
}

async function fitBits(
  backend: string,
  options: { growEveryStep?: boolean; epochs?: number } = {},
): Promise<{ bits: string[]; model: Sequential }> {
  setBackend(backend);
  setSeed(5);
  const model = mlp();
  const grow = () => {
    // An eager call whose scratch is larger than the memory: it grows it.
    const memory = (getBackend() as WasmBackend).instance.wasm.memory;
    const big = new Float64Array(memory.buffer.byteLength / 16 + 4096);
    getBackend().unary('relu', big, new Float64Array(big.length), 0);
  };
  const history = await model.fit(x, y, {
    epochs: options.epochs ?? 3,
    batchSize: 32,
    seed: 3,
    verbose: 0,
    callbacks: options.growEveryStep ? [new LambdaCallback({ onBatchEnd: grow })] : [],
  });
  const predictions = (model.predict(x) as Tensor).data;
  return {
    bits: [model.weightsHash(), JSON.stringify(history.history), JSON.stringify(Array.from(predictions))],
    model,
  };
}

const programsOf = (model: Sequential): Program[] => {
  const traces = (model as unknown as { traces: { entries: Map<string, { program?: Program }> } }).traces;
  return [...traces.entries.values()].flatMap((e) => (e.program ? [e.program] : []));
};

describe('training with resident state', () => {
  it('the js backend’s bits with shared memory, ordinary memory, and growth between every step', async () => {
    const reference = await fitBits('js');
    const shared = await fitBits('wasm');
    expect(shared.bits).toEqual(reference.bits);
    const arena = (getBackend() as WasmBackend).instance.arena;
    // The kernels, Adam's slots and the programs' inputs and results live in the memory.
    const [kernel, bias] = shared.model.variables.map((v) => v.value.data);
    expect(arena.resident(kernel)).toBe(true);
    expect(arena.resident(bias)).toBe(false); // 64 values: copied, cheaper than a block
    const slots = (shared.model.optimizer as unknown as AdamBase).getSlots(shared.model.variables[0]);
    expect(arena.resident(slots?.momentum as Float32Array)).toBe(true);
    expect(arena.resident(slots?.velocity as Float32Array)).toBe(true);
    const programs = programsOf(shared.model);
    expect(programs.length).toBeGreaterThan(0);
    // x (32 × 40 values and more) is resident; y (32 × 5) is too small and stays ordinary.
    for (const p of programs) expect(arena.resident(p.inputs[0])).toBe(true);
    expect((await fitBits('wasm', { growEveryStep: true })).bits).toEqual(reference.bits);

    registerBackend({ ...createWasmBackend({ sharedMemory: false }), name: 'wasm-ordinary' });
    const ordinary = await fitBits('wasm-ordinary');
    expect(ordinary.bits).toEqual(reference.bits);
    expect(arena.resident(ordinary.model.variables[0].value.data)).toBe(false);
  });

  it('several models interleaved, and the weights, training state and model file round trips', async () => {
    const reference = await fitBits('js', { epochs: 4 });
    setBackend('wasm');
    const models = [0, 1, 2, 3].map(() => {
      setSeed(5);
      return mlp();
    });
    // Their steps in turns (each batch yields to the others): the programs share the region, the
    // state is each model's own.
    const yieldEachBatch = new LambdaCallback({ onBatchEnd: () => new Promise((r) => setTimeout(r, 0)) });
    await Promise.all(
      models.map((m) =>
        m.fit(x, y, { epochs: 2, batchSize: 32, seed: 3, verbose: 0, callbacks: [yieldEachBatch] }),
      ),
    );
    const first = models[0];
    expect(new Set(models.map((m) => m.weightsHash())).size).toBe(1);
    // Moved into fresh models through getWeights / setWeights and the training state, and through a
    // model file: all continue to the reference's weights.
    setSeed(9);
    const copy = mlp();
    copy.setWeights(first.getWeights());
    copy.setTrainingState(first.getTrainingState());
    const fromFile = modelFromBytes<Sequential>(modelToBytes(first));
    await first.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 32, seed: 3, verbose: 0 });
    for (const model of [copy, fromFile]) await model.fit(x, y, { epochs: 4, batchSize: 32, verbose: 0 });
    const expected = reference.model.weightsHash();
    expect([first, copy, fromFile].map((m) => m.weightsHash())).toEqual([expected, expected, expected]);
    const arena = (getBackend() as WasmBackend).instance.arena;
    expect(arena.resident(copy.variables[0].value.data)).toBe(true);
    expect(arena.resident(fromFile.variables[0].value.data)).toBe(true);
    // getWeights gives copies in ordinary memory.
    expect(first.getWeights()[0].buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('the threaded backend, which inherits resident arrays from its wasm base: the same bits', async () => {
    const reference = await fitBits('js');
    setBackend('wasm-threads');
    setThreads(2);
    await threadsBackend()?.ready();
    const threaded = await fitBits('wasm-threads');
    expect(threaded.bits).toEqual(reference.bits);
    expect(getBackend().residentArray?.('float32', 4096)).toBeDefined();
  });
});

describe('dropped models', () => {
  it('give their blocks back, zeroed: the memory stops growing, the bits stay (a child process with --expose-gc)', async () => {
    const script = `
      import { registerWasmBackend } from './packages/ditto/src/backend/wasm/register.js';
      import { getBackend, setBackend } from './packages/ditto/src/backend/registry.js';
      import { Dense, Sequential, setSeed, Tensor } from './packages/ditto/src/index.js';
      registerWasmBackend();
      setBackend('wasm');
      const memory = getBackend().instance.wasm.memory;
      const x = new Tensor(new Float32Array(64 * 256).fill(0.5), [64, 256]);
      const y = new Tensor(new Float32Array(64 * 10).fill(0.1), [64, 10]);
      const sizes = [];
      const hashes = new Set();
      for (let i = 0; i < 40; i++) {
        setSeed(1);
        const model = new Sequential([new Dense(256, { inputDim: 256, activation: 'relu' }), new Dense(10)]);
        model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
        await model.fit(x, y, { epochs: 3, batchSize: 64, verbose: 0 });
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 0));
        sizes.push(memory.buffer.byteLength);
        hashes.add(model.weightsHash());
      }
      console.log(JSON.stringify({ sizes, hashes: hashes.size }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: repoRoot },
    );
    const { sizes, hashes } = JSON.parse(stdout) as { sizes: number[]; hashes: number };
    // The same seed each time: one hash, so reused blocks start from zero (Adam's slots) as new ones do.
    expect(hashes).toBe(1);
    // Each model holds ≈ 0.8 MB of resident kernel, slots and batch: 40 of them kept would be 32 MB.
    expect(sizes.at(-1)).toBeLessThan(sizes[4] + 4 * 2 ** 20);
  }, 60_000);
});
