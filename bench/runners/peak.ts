/**
 * The machine's measured arithmetic peaks under ditto's numeric contract (every product and every
 * sum rounded to float32, no fused multiply-add), and what ditto's matrix products reach:
 *
 * - JS scalar: eight accumulators c ← fround(c + fround(t·yᵢ)) with t advancing every iteration, so
 *   the products are independent and only the sums chain, as in a matrix product;
 * - WebAssembly SIMD: the same with f32x4 lanes (f32x4.mul, then f32x4.add);
 * - ditto's matmul kernels at the MLP's two large shapes, on each backend (on arrays in the backend's
 *   own memory where it has one, Backend.residentArray, as in a training step: no copies).
 *
 * A kernel can beat these simple loops (the matmul keeps more independent sums in flight), so the
 * peak the documentation uses is the best of all of them. Prints one JSON line.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Backend } from '../../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../../packages/ditto/src/backend/js/js-backend.js';
import { getBackend, setBackend } from '../../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../../packages/ditto/src/backend/wasm/register.js';

/**
 * The wasm peak loop, assembled by wabt from this text (kept here so the benchmark needs no
 * assembler):
 *
 * (module (func (export "peak") (param $n i32) (param $s f32) (result f32)
 *   (local $t v128) (local $d v128) (local $y0 v128) … (local $y3 v128) (local $c0 v128) … (local $c7 v128)
 *   t = splat(s); d = splat(2^-20); y0…y3 = splat(0.5, 0.25, 0.125, 0.0625)
 *   loop while n ≠ 0: t = f32x4.add(t, d); ci = f32x4.add(ci, f32x4.mul(t, y(i mod 4))) for i = 0…7; n -= 1
 *   return lane 0 of the sum of c0…c7))
 */
const PEAK_WASM =
  'AGFzbQEAAAABBwFgAn99AX0DAgEABwgBBHBlYWsAAArvAQHsAQEOeyAB/RMhAkMAAIA1/RMhA0MAAAA//RMhBEMAAIA+/RMhBUMAAAA+/RMhBkMAAIA9/RMhBwJAA0AgAEUNASACIAP95AEhAiAIIAIgBP3mAf3kASEIIAkgAiAF/eYB/eQBIQkgCiACIAb95gH95AEhCiALIAIgB/3mAf3kASELIAwgAiAE/eYB/eQBIQwgDSACIAX95gH95AEhDSAOIAIgBv3mAf3kASEOIA8gAiAH/eYB/eQBIQ8gAEEBayEADAALCyAIIAn95AEgCiAL/eQB/eQBIAwgDf3kASAOIA/95AH95AH95AH9HwAL';

/** Best of `reps` runs of fn, in seconds (on a shared machine, others only ever add time). */
function best(fn: () => void, reps: number): number {
  fn();
  let fastest = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    fn();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

function scalarPeak(): number {
  const fr = Math.fround;
  const steps = 5_000_000;
  let sink = 0;
  const run = () => {
    const y0 = fr(0.5);
    const y1 = fr(0.25);
    const y2 = fr(0.125);
    const y3 = fr(0.0625);
    let t = 0.5;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let c4 = 0;
    let c5 = 0;
    let c6 = 0;
    let c7 = 0;
    for (let i = 0; i < steps; i++) {
      t = fr(t + 9.5367431640625e-7);
      c0 = fr(c0 + fr(t * y0));
      c1 = fr(c1 + fr(t * y1));
      c2 = fr(c2 + fr(t * y2));
      c3 = fr(c3 + fr(t * y3));
      c4 = fr(c4 + fr(t * y0));
      c5 = fr(c5 + fr(t * y1));
      c6 = fr(c6 + fr(t * y2));
      c7 = fr(c7 + fr(t * y3));
    }
    sink += c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7;
  };
  const seconds = best(run, 5);
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return (steps * 8 * 2) / seconds / 1e9;
}

function simdPeak(): number | null {
  try {
    const bytes = Uint8Array.from(atob(PEAK_WASM), (c) => c.charCodeAt(0));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const peak = instance.exports.peak as (n: number, s: number) => number;
    const steps = 20_000_000;
    const seconds = best(() => peak(steps, 0.5), 5);
    return (steps * 8 * 4 * 2) / seconds / 1e9;
  } catch {
    return null;
  }
}

/**
 * The same SIMD loop run on every core at once, one worker thread each, started together: whether
 * the cores add floating-point throughput (a threaded backend can gain only what this gains). Each
 * worker reports its own best rate over the same rounds; the total is their sum.
 */
async function simdAllCores(
  workers: number,
): Promise<{ workers: number; perWorker: number[]; total: number } | null> {
  if (workers < 2) return null;
  const go = new Int32Array(new SharedArrayBuffer(4));
  // Plain JavaScript evaluated in the worker: no loader needed for a worker of this .ts file.
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const bytes = Uint8Array.from(atob(workerData.wasm), (c) => c.charCodeAt(0));
    const peak = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.peak;
    const steps = 20000000;
    peak(steps, 0.5);
    Atomics.add(workerData.go, 0, 1);
    while (Atomics.load(workerData.go, 0) < workerData.workers) {}
    let fastest = Infinity;
    for (let r = 0; r < 5; r++) {
      const start = performance.now();
      peak(steps, 0.5);
      fastest = Math.min(fastest, (performance.now() - start) / 1000);
    }
    parentPort.postMessage((steps * 8 * 4 * 2) / fastest / 1e9);`;
  try {
    const rates = await Promise.all(
      Array.from(
        { length: workers },
        () =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(source, { eval: true, workerData: { wasm: PEAK_WASM, go, workers } });
            worker.once('message', (rate: number) => {
              resolve(rate);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
    return { workers, perWorker: rates, total: rates.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * A float32 array of `length` in the backend's own memory where it keeps state (as a training
 * step's weights, batch and intermediates are: the products then run without copies), else ordinary.
 */
function arrayFor(backend: Backend, length: number, value: (i: number) => number = () => 0): Float32Array {
  const array =
    (backend.residentArray?.('float32', length) as Float32Array | undefined) ?? new Float32Array(length);
  // Filled in place: map() would return a new, ordinary array.
  for (let i = 0; i < length; i++) array[i] = value(i);
  return array;
}

function matmulRate(backend: Backend, m: number, k: number, n: number, transposeA: boolean): number {
  const a = arrayFor(backend, m * k, (i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = arrayFor(backend, k * n, (i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const out = arrayFor(backend, m * n);
  const seconds = best(
    () => backend.matmul(a, b, out, m, k, n, transposeA, false),
    backend === jsBackend ? 3 : 20,
  );
  return (2 * m * k * n) / seconds / 1e9;
}

/**
 * Nanoseconds per value of a gate function and of its gradient on `backend`, over 2,048 float32
 * values (one LSTM gate's batch of 64 × 32) spread over the functions' working range.
 */
function gateNs(backend: Backend, op: 'sigmoid' | 'tanh'): { value: number; gradient: number } {
  const n = 2048;
  const x = new Float32Array(n).map((_, i) => ((i * 7919) % 2000) / 250 - 4);
  const dy = new Float32Array(n).fill(1);
  const out = new Float32Array(n);
  const rounds = 200;
  const per = (fn: () => void) =>
    (best(() => {
      for (let r = 0; r < rounds; r++) fn();
    }, 10) /
      (rounds * n)) *
    1e9;
  return {
    value: per(() => backend.unary(op, x, out, 0)),
    gradient: per(() => backend.unaryBackward(op, x, dy, out, 0)),
  };
}

const wasm = registerWasmBackend();
const previous = getBackend().name;
let wasmBackend: Backend | null = null;
if (wasm) {
  setBackend('wasm');
  wasmBackend = getBackend();
  setBackend(previous);
}
const result = {
  scalarGflops: scalarPeak(),
  simdGflops: simdPeak(),
  simdAllCoresGflops: await simdAllCores(os.cpus().length),
  matmulGflops: {
    js: {
      forward: matmulRate(jsBackend, 128, 784, 128, false),
      weightGrad: matmulRate(jsBackend, 784, 128, 128, true),
    },
    wasm: wasmBackend
      ? {
          forward: matmulRate(wasmBackend, 128, 784, 128, false),
          weightGrad: matmulRate(wasmBackend, 784, 128, 128, true),
        }
      : null,
  },
  // What bounds (c) beside its matrix products: the contract's gate functions, as ditto computes them.
  gateNs: wasmBackend ? { sigmoid: gateNs(wasmBackend, 'sigmoid'), tanh: gateNs(wasmBackend, 'tanh') } : null,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
