/**
 * GFLOP/s of the wasm backend's matmul at the shapes the bench workloads (b) MLP and (d) CNN run,
 * with the transpose flags the Dense kernels use, next to the SIMD peak probe of
 * bench/runners/peak.ts. Not a test: timings vary with the machine and its load.
 *
 * Usage: `node --conditions=ditto-source --import tsx scripts/bench-matmul-shapes.ts [--no-peak]
 * [--f64] [--only NAME] [--against FILE]`. Times are CPU time of this process (`process.cpuUsage`),
 * the best of several rounds of about 0.1 s each: on a shared machine, other jobs mostly add wall
 * time. Each shape is also checked against the reference backend for equal bits.
 *
 * `--against FILE` times an older build of the kernel module (FILE: a saved `kernels.wasm.ts`, e.g.
 * `git show main:packages/ditto/src/backend/wasm/kernels.wasm.ts > /tmp/old.ts`) side by side with
 * the current one, rounds alternating, and prints both (the host code is the current one for both).
 * `--kernel` times the module's pack_b + matmul exports alone on buffers already in its memory,
 * without the backend's copies of the arrays in and out.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { instantiateKernels } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';

interface Shape {
  name: string;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

const shape = (name: string, m: number, k: number, n: number, tA = false, tB = false): Shape => ({
  name,
  m,
  k,
  n,
  transposeA: tA,
  transposeB: tB,
});

/** The products of one training step of (b) and (d), as denseForward / denseBackward call runMatmul. */
const SHAPES: Shape[] = [
  shape('b dense1 forward  x·W', 128, 784, 128),
  shape('b dense1 dW  xᵀ·dz', 784, 128, 128, true),
  shape('b dense2 forward', 128, 128, 10),
  shape('b dense2 dW', 128, 128, 10, true),
  shape('b dense2 dx  dz·Wᵀ', 128, 10, 128, false, true),
  shape('d conv1 forward', 43264, 9, 16),
  shape('d conv1 dW', 9, 43264, 16, true),
  shape('d conv2 forward', 7744, 144, 32),
  shape('d conv2 dW  patchesᵀ·dz', 144, 7744, 32, true),
  shape('d conv2 dPatches dz·Wᵀ', 7744, 32, 144, false, true),
  // Small products of the other workloads, to see that they do not lose: (c) LSTM(32) per step,
  // (e) the final Dense(1).
  shape('c x·W', 64, 1, 128),
  shape('c h·U', 64, 32, 128),
  shape('c dW  xᵀ·dz', 1, 64, 128, true),
  shape('c dU  hᵀ·dz', 32, 64, 128, true),
  shape('c dh  dz·Uᵀ', 64, 128, 32, false, true),
  shape('e dense forward', 128, 64, 1),
  shape('e dense dW', 64, 128, 1, true),
  shape('e dense dx', 128, 1, 64, false, true),
];

const args = process.argv.slice(2);
const f64 = args.includes('--f64');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const against = args.includes('--against') ? args[args.indexOf('--against') + 1] : undefined;
const kernelOnly = args.includes('--kernel');

/** Only the kernels: pack_b and matmul of one module instance, the operands placed once. */
function kernelOnlyBackend(module?: WebAssembly.Module): Backend {
  const wasm = instantiateKernels(module);
  const bytes = f64 ? 8 : 4;
  const placed = new Map<string, number[]>();
  const matmul: Backend['matmul'] = (a, b, _out, m, k, n, transposeA, transposeB) => {
    const key = `${m} ${k} ${n} ${transposeA} ${transposeB}`;
    let at = placed.get(key);
    if (!at) {
      // a, b, panels, out from heap_base, each 64-byte aligned with slack.
      const sizes = [m * k * bytes, k * n * bytes, Math.ceil((n * bytes) / 32) * 32 * k, m * n * bytes];
      let top = wasm.heap_base.value as number;
      at = sizes.map((size) => {
        const here = top;
        top += Math.ceil((size + 64) / 64) * 64;
        return here;
      });
      const have = wasm.memory.buffer.byteLength;
      if (top > have) wasm.memory.grow(Math.ceil((top - have) / 65536));
      new Uint8Array(wasm.memory.buffer, at[0], sizes[0]).set(
        new Uint8Array(a.buffer, a.byteOffset, sizes[0]),
      );
      new Uint8Array(wasm.memory.buffer, at[1], sizes[1]).set(
        new Uint8Array(b.buffer, b.byteOffset, sizes[1]),
      );
      placed.clear();
      placed.set(key, at);
    }
    const [pa, pb, panels, po] = at;
    const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
    const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
    const pack = f64 ? wasm.pack_b_f64 : wasm.pack_b_f32;
    const run = (f64 ? wasm.matmul_f64 : wasm.matmul_f32) as (...args: number[]) => void;
    pack(pb, bRow, bCol, panels, k, n);
    // Modules before the outRowStride parameter take 8 arguments.
    if (run.length === 9) run(pa, aRow, aCol, panels, po, n, m, k, n);
    else run(pa, aRow, aCol, panels, po, m, k, n);
  };
  return { matmul } as Backend;
}

/** A wasm backend on the module in a saved kernels.wasm.ts. */
function backendFrom(file: string): Backend {
  const base64 = /KERNELS_WASM_BASE64 =\s*'([^']+)'/.exec(readFileSync(file, 'utf8'))?.[1];
  if (!base64) throw new Error(`${file}: no KERNELS_WASM_BASE64 string`);
  const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
  return kernelOnly ? kernelOnlyBackend(module) : createWasmBackend({ smallCallsOnReference: false, module });
}

function values(count: number, seed: number): FloatArray {
  const out = f64 ? new Float64Array(count) : new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * CPU seconds of one call of each fn: the best of `rounds` rounds, each repeating a fn for about
 * `roundSeconds`, the fns taking turns round by round (so a busy minute slows all of them alike).
 */
function cpuSecondsPerCall(
  fns: (() => void)[],
  rounds = Number(process.env.ROUNDS ?? 7),
  roundSeconds = 0.1,
): number[] {
  return (() => {
    const reps = fns.map((fn) => {
      for (let i = 0; i < 3; i++) fn();
      const start = cpu();
      fn();
      return Math.max(1, Math.round(roundSeconds / Math.max(cpu() - start, 1e-5)));
    });
    const best = fns.map(() => Number.POSITIVE_INFINITY);
    for (let r = 0; r < rounds; r++) {
      fns.forEach((fn, f) => {
        const t0 = cpu();
        for (let i = 0; i < reps[f]; i++) fn();
        best[f] = Math.min(best[f], (cpu() - t0) / reps[f]);
      });
    }
    return best;
  })();
}

const backends: [string, Backend][] = [
  ['', kernelOnly ? kernelOnlyBackend() : createWasmBackend({ smallCallsOnReference: false })],
];
// Several files (comma-separated) are named by their position: #1, #2, …
const files = against?.split(',') ?? [];
backends.unshift(
  ...files.map((file, i): [string, Backend] => [
    files.length > 1 ? `#${i + 1}` : 'before',
    backendFrom(file),
  ]),
);
if (files.length) backends[backends.length - 1][0] = 'after';
for (const s of SHAPES) {
  if (only && !s.name.includes(only)) continue;
  const { m, k, n, transposeA, transposeB } = s;
  const a = values(m * k, 1 + m);
  const b = values(k * n, 2 + n);
  const out = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
  const expected = f64 ? new Float64Array(m * n) : new Float32Array(m * n);
  jsBackend.matmul(a, b, expected, m, k, n, transposeA, transposeB);
  const differ = backends.filter(([, backend]) => {
    if (kernelOnly) return false;
    backend.matmul(a, b, out, m, k, n, transposeA, transposeB);
    return !out.every((v, i) => Object.is(v, expected[i]));
  });
  const seconds = cpuSecondsPerCall(
    backends.map(
      ([, backend]) =>
        () =>
          backend.matmul(a, b, out, m, k, n, transposeA, transposeB),
    ),
  );
  const flags = `${transposeA ? 'Aᵀ' : 'A'}·${transposeB ? 'Bᵀ' : 'B'}`;
  const columns = seconds.map(
    (sec, i) =>
      `${backends[i][0]} ${(sec * 1e3).toFixed(3).padStart(7)} ms ${((2 * m * k * n) / sec / 1e9).toFixed(2).padStart(6)} GFLOP/s`,
  );
  const warn = differ.length ? `  BITS DIFFER FROM REFERENCE: ${differ.map(([name]) => name || 'wasm')}` : '';
  console.log(
    `${s.name.padEnd(28)} ${`${m}×${k}×${n}`.padEnd(14)} ${flags.padEnd(6)} ${columns.join('  ')}${warn}`,
  );
}

if (!args.includes('--no-peak')) {
  const peak = JSON.parse(
    execFileSync(
      process.execPath,
      ['--conditions=ditto-source', '--import', 'tsx', 'bench/runners/peak.ts'],
      {
        encoding: 'utf8',
      },
    ),
  ) as { simdGflops: number | null };
  console.log(`SIMD peak probe (bench/runners/peak.ts, wall time): ${peak.simdGflops?.toFixed(2)} GFLOP/s`);
}
