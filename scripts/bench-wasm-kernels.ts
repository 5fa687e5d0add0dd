/**
 * Micro benchmark of the kernels on the reference (js) and WebAssembly backends. Not a test: timings
 * vary by machine and load. Checks on the way that both backends produced the same bits.
 *
 * Usage: `npx tsx scripts/bench-wasm-kernels.ts`
 */
import type { Backend } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/js-backend.js';
import { createWasmBackend } from '../src/backend/wasm/wasm-backend.js';
import type { FloatArray } from '../src/tensor/dtype.js';

function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/**
 * Fastest of `reps` timed calls, in seconds, after warm-up. The minimum rather than the median: on a
 * shared machine, other processes only ever add time.
 */
function time(fn: () => void, reps: number): number {
  for (let i = 0; i < 5; i++) fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

function sameBits(x: FloatArray, y: FloatArray): boolean {
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
}

const wasm = createWasmBackend();
const backends: Backend[] = [jsBackend, wasm];

type Case = { name: string; flops: number; run: (backend: Backend) => FloatArray };

function matmulCase(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): Case {
  const a = values(m * k, 1);
  const b = values(k * n, 2);
  const flag = `${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}`;
  return {
    name: `matmul ${m}×${k}×${n} ${flag}`,
    flops: 2 * m * k * n,
    run: (backend) => {
      const out = new Float32Array(m * n);
      backend.matmul(a, b, out, m, k, n, transposeA, transposeB);
      return out;
    },
  };
}

const rows = 128;
const cols = 784;
const x = values(rows * cols, 3);
const row = values(cols, 4);
const cases: Case[] = [
  matmulCase(128, 784, 128, false, false),
  matmulCase(128, 784, 128, true, false),
  matmulCase(128, 784, 128, false, true),
  matmulCase(128, 784, 128, true, true),
  matmulCase(128, 128, 10, false, false),
  {
    name: `add ${rows}×${cols} + ${cols} (row broadcast)`,
    flops: rows * cols,
    run: (backend) => {
      const out = new Float32Array(rows * cols);
      backend.binary('add', x, [cols, 1], row, [0, 1], out, [rows, cols]);
      return out;
    },
  },
  {
    name: `mul ${rows}×${cols} same shape`,
    flops: rows * cols,
    run: (backend) => {
      const out = new Float32Array(rows * cols);
      backend.binary('mul', x, [cols, 1], x, [cols, 1], out, [rows, cols]);
      return out;
    },
  },
  {
    name: `sum ${rows}×${cols} over rows (axis 0)`,
    flops: rows * cols,
    run: (backend) => {
      const out = new Float32Array(cols);
      backend.reduce('sum', x, out, 1, rows, cols);
      return out;
    },
  },
  {
    name: `sum ${rows}×${cols} over columns (last axis)`,
    flops: rows * cols,
    run: (backend) => {
      const out = new Float32Array(rows);
      backend.reduce('sum', x, out, rows, cols, 1);
      return out;
    },
  },
  {
    name: `relu ${rows}×${cols}`,
    flops: rows * cols,
    run: (backend) => {
      const out = new Float32Array(rows * cols);
      backend.unary('relu', x, out, 0);
      return out;
    },
  },
  {
    name: `leakyRelu backward ${rows}×${cols}`,
    flops: rows * cols,
    run: (backend) => {
      const out = new Float32Array(rows * cols);
      backend.unaryBackward('leakyRelu', x, x, out, 0.2);
      return out;
    },
  },
  {
    name: `softmax backward ${rows}×10`,
    flops: rows * 10 * 4,
    run: (backend) => {
      const out = new Float32Array(rows * 10);
      backend.softmaxBackward(
        x.subarray(0, rows * 10),
        x.subarray(rows * 10, rows * 20),
        out,
        rows,
        10,
        false,
      );
      return out;
    },
  },
];

console.log(
  `node ${process.version}; fastest of the timed calls; G/s = 10⁹ flops (matmul) or elements per second`,
);
console.log(
  `${'kernel'.padEnd(42)} ${'js ms'.padStart(9)} ${'wasm ms'.padStart(9)} ${'js G/s'.padStart(8)} ${'wasm G/s'.padStart(9)} ${'speed-up'.padStart(9)}`,
);
for (const c of cases) {
  const [jsOut, wasmOut] = backends.map((backend) => c.run(backend));
  if (!sameBits(jsOut, wasmOut)) throw new Error(`${c.name}: backends differ`);
  const reps = c.flops > 1e6 ? 20 : 200;
  const [tJs, tWasm] = backends.map((backend) => time(() => c.run(backend), reps));
  console.log(
    `${c.name.padEnd(42)} ${(tJs * 1e3).toFixed(3).padStart(9)} ${(tWasm * 1e3).toFixed(3).padStart(9)} ` +
      `${(c.flops / tJs / 1e9).toFixed(2).padStart(8)} ${(c.flops / tWasm / 1e9).toFixed(2).padStart(9)} ` +
      `${(tJs / tWasm).toFixed(1).padStart(8)}×`,
  );
}
