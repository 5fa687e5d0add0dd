/**
 * Micro benchmark of the kernels on the reference (js) and WebAssembly backends, then whole
 * trainings on each backend. Not a test: timings vary by machine and load. Checks on the way that
 * both backends produced the same bits (kernel outputs; trained weights by hash).
 *
 * Usage: `npx tsx --conditions=ditto-source scripts/bench-wasm-kernels.ts [--kernels] [--elementwise]
 * [--training] [--against FILE]` (no section flag: all three sections).
 *
 * `--against FILE` compares two builds of the kernel module instead of js and wasm: FILE is an
 * older `kernels.wasm.ts` (for example `git show HEAD~1:packages/ditto/src/backend/wasm/kernels.wasm.ts`
 * saved to /tmp), run as the "before" column against the current module as "after", side by side in
 * one process; the training section is skipped.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import type { UnaryOp } from '../packages/ditto/src/numeric/elementwise.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { fitTutorial } from '../packages/ditto/src/tutorial/tutorial.js';

const args = process.argv.slice(2);
const againstAt = args.indexOf('--against');
const againstFile = againstAt >= 0 ? args[againstAt + 1] : undefined;
if (againstAt >= 0 && !againstFile) throw new Error('--against needs a kernels.wasm.ts file');
const all = !args.some((a) => ['--kernels', '--elementwise', '--training'].includes(a));
const sections = {
  kernels: all || args.includes('--kernels'),
  elementwise: all || args.includes('--elementwise'),
  training: (all || args.includes('--training')) && !againstFile,
};

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

/** The "before" backend: the reference, or a wasm backend on an older build of the module. */
async function baseline(): Promise<Backend> {
  if (!againstFile) return jsBackend;
  const source = readFileSync(resolve(againstFile), 'utf8');
  const base64 = /KERNELS_WASM_BASE64 =\s*'([^']+)'/.exec(source)?.[1];
  if (!base64) throw new Error(`${againstFile}: no KERNELS_WASM_BASE64 string`);
  return createWasmBackend({ module: new WebAssembly.Module(Buffer.from(base64, 'base64')) });
}
const wasm = createWasmBackend();
const backends: Backend[] = [await baseline(), wasm];
/** Column names of the two backends. */
const [A, B] = againstFile ? ['before', 'after'] : ['js', 'wasm'];

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
  `node ${process.version}; fastest of the timed calls (copying in and out of wasm memory included)`,
);

if (sections.kernels) {
  console.log('\nKernels (float32); G/s = 10⁹ flops (matmul) or elements per second');
  console.log(
    `${'kernel'.padEnd(42)} ${`${A} ms`.padStart(9)} ${`${B} ms`.padStart(9)} ${`${A} G/s`.padStart(8)} ${`${B} G/s`.padStart(9)} ${'speed-up'.padStart(9)}`,
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
}

/** Prints one row of a per-element table: ns per element on each backend and the ratio. */
function perElementRow(
  name: string,
  elements: number,
  run: (backend: Backend) => FloatArray,
  reps = 20,
): void {
  const [jsOut, wasmOut] = backends.map((backend) => run(backend));
  if (!sameBits(jsOut, wasmOut)) throw new Error(`${name}: backends differ`);
  const [tJs, tWasm] = backends.map((backend) => time(() => run(backend), reps));
  console.log(
    `${name.padEnd(42)} ${((tJs / elements) * 1e9).toFixed(2).padStart(9)} ${((tWasm / elements) * 1e9).toFixed(2).padStart(9)} ` +
      `${(tJs / tWasm).toFixed(1).padStart(8)}×`,
  );
}

if (sections.elementwise) {
  // Inputs in [−4, 4): both branches of every function, as activations see them.
  const n = rows * cols;
  const wide = Float32Array.from(x, (v) => v * 8);
  const positive = Float32Array.from(x, (v) => v + 0.5000001);
  const wide64 = Float64Array.from(wide);
  const dy = values(n, 5);
  const ops: UnaryOp[] = ['exp', 'log', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'swish', 'gelu'];
  console.log(`\nElementwise, ns per element (${rows}×${cols} = ${n} elements, inputs in [−4, 4))`);
  console.log(`${'op'.padEnd(42)} ${A.padStart(9)} ${B.padStart(9)} ${'speed-up'.padStart(9)}`);
  for (const op of ops) {
    const input = op === 'log' ? positive : wide;
    perElementRow(`${op} float32`, n, (backend) => {
      const out = new Float32Array(n);
      backend.unary(op, input, out, 1);
      return out;
    });
    perElementRow(`${op} gradient float32`, n, (backend) => {
      const out = new Float32Array(n);
      backend.unaryBackward(op, input, dy, out, 1);
      return out;
    });
  }
  for (const op of ['exp', 'tanh', 'gelu'] as const) {
    perElementRow(`${op} float64`, n, (backend) => {
      const out = new Float64Array(n);
      backend.unary(op, wide64, out, 1);
      return out;
    });
  }
  for (const [r, c] of [
    [128, 10],
    [1000, 100],
  ]) {
    for (const log of [false, true]) {
      const name = log ? 'logSoftmax' : 'softmax';
      perElementRow(
        `${name} ${r}×${c} float32`,
        r * c,
        (backend) => {
          const out = new Float32Array(r * c);
          backend.softmax(wide.subarray(0, r * c), out, r, c, log);
          return out;
        },
        r * c > 10_000 ? 20 : 200,
      );
    }
    perElementRow(
      `logSoftmax gradient ${r}×${c} float32`,
      r * c,
      (backend) => {
        const out = new Float32Array(r * c);
        backend.softmaxBackward(x.subarray(0, r * c), dy.subarray(0, r * c), out, r, c, true);
        return out;
      },
      r * c > 10_000 ? 20 : 200,
    );
  }

  console.log('\nFused Dense kernels (float32), ms per call');
  console.log(
    `${'kernel'.padEnd(42)} ${`${A} ms`.padStart(9)} ${`${B} ms`.padStart(9)} ${'speed-up'.padStart(9)}`,
  );
  for (const [m, k, nOut, act] of [
    [128, 784, 128, 'relu'],
    [128, 128, 10, 'linear'],
    [9, 1, 10, 'linear'],
    [9, 10, 1, 'linear'],
  ] as const) {
    const xs = values(m * k, 11);
    const w = values(k * nOut, 12);
    const bias = values(nOut, 13);
    const g = values(m * nOut, 14);
    const forward = (backend: Backend) => {
      const z = new Float32Array(m * nOut);
      const y = new Float32Array(m * nOut);
      backend.denseForward?.(xs, w, bias, z, y, m, k, nOut, act, 1);
      return y;
    };
    const z = new Float32Array(m * nOut);
    jsBackend.denseForward?.(xs, w, bias, z, new Float32Array(m * nOut), m, k, nOut, act, 1);
    const backward = (backend: Backend) => {
      // One array holding dw, dx and db (so one bit comparison covers all three).
      const grads = new Float32Array(k * nOut + m * k + nOut);
      const dw = grads.subarray(0, k * nOut);
      const dx = grads.subarray(k * nOut, k * nOut + m * k);
      const db = grads.subarray(k * nOut + m * k);
      backend.denseBackward?.(xs, w, z, g, new Float32Array(m * nOut), dx, dw, db, m, k, nOut, act, 1);
      return grads;
    };
    for (const [name, run] of [
      [`denseForward ${m}×${k}×${nOut} ${act}`, forward],
      [`denseBackward ${m}×${k}×${nOut} ${act} (with dx)`, backward],
    ] as const) {
      const [jsOut, wasmOut] = backends.map((backend) => run(backend));
      if (!sameBits(jsOut, wasmOut)) throw new Error(`${name}: backends differ`);
      const reps = m * k * nOut > 1e5 ? 20 : 500;
      const [tJs, tWasm] = backends.map((backend) => time(() => run(backend), reps));
      console.log(
        `${name.padEnd(42)} ${(tJs * 1e3).toFixed(4).padStart(9)} ${(tWasm * 1e3).toFixed(4).padStart(9)} ${(tJs / tWasm).toFixed(1).padStart(8)}×`,
      );
    }
  }
}

/** Median of `runs` timings of an async function, in seconds, after `warmup` untimed runs. */
async function median(fn: () => Promise<unknown>, runs: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

if (sections.training) {
  registerWasmBackend();
  console.log('\nWhole trainings (median wall time)');
  // Alternating js and wasm fits (so that load and JIT state hit both alike), medians of 100 each.
  const tutorialTimes: Record<string, number[]> = { js: [], wasm: [] };
  const tutorialHash: Record<string, string> = {};
  for (let i = 0; i < 110; i++) {
    for (const name of ['js', 'wasm']) {
      setBackend(name);
      const start = performance.now();
      tutorialHash[name] = (await fitTutorial({ seed: 1 })).weightsHash;
      if (i >= 10) tutorialTimes[name].push((performance.now() - start) / 1000);
    }
  }
  if (tutorialHash.js !== tutorialHash.wasm) throw new Error('tutorial: weights differ between backends');
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const [tutorialJs, tutorialWasm] = [mid(tutorialTimes.js), mid(tutorialTimes.wasm)];
  console.log(
    `tutorial fit (1→10→1, 100 epochs): js ${(tutorialJs * 1e3).toFixed(3)} ms, wasm ${(tutorialWasm * 1e3).toFixed(3)} ms, ` +
      `${(tutorialJs / tutorialWasm).toFixed(2)}× (same weights hash)`,
  );

  // MLP 784→128 relu→10 softmax, categorical crossentropy, Adam, batch 128, 10,000 synthetic samples.
  const samples = 10_000;
  const xs = new Tensor(values(samples * 784, 21), [samples, 784]);
  const labels = values(samples, 22);
  const ys = new Float32Array(samples * 10);
  for (let i = 0; i < samples; i++) ys[i * 10 + Math.floor((labels[i] + 0.5) * 10)] = 1;
  const yt = new Tensor(ys, [samples, 10]);
  const mlp: Record<string, { seconds: number; hash: string }> = {};
  for (const name of ['js', 'wasm']) {
    setBackend(name);
    setSeed(1);
    const model = new Sequential([
      new Dense(128, { inputDim: 784, activation: 'relu' }),
      new Dense(10, { activation: 'softmax' }),
    ]);
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    const epoch = () => model.fit(xs, yt, { epochs: 1, batchSize: 128, verbose: 0 });
    // One warm-up epoch and three timed ones on both backends, so the trained weights must agree.
    const seconds = await median(epoch, 3, 1);
    mlp[name] = { seconds, hash: model.weightsHash() };
  }
  if (mlp.js.hash !== mlp.wasm.hash) throw new Error('MLP: weights differ between backends');
  console.log(
    `MLP 784→128 relu→10 softmax epoch (10,000 samples, batch 128): js ${mlp.js.seconds.toFixed(3)} s (${(samples / mlp.js.seconds).toFixed(0)} samples/s), ` +
      `wasm ${mlp.wasm.seconds.toFixed(3)} s (${(samples / mlp.wasm.seconds).toFixed(0)} samples/s), ${(mlp.js.seconds / mlp.wasm.seconds).toFixed(1)}× (same weights hash)`,
  );
  setBackend('js');
}
