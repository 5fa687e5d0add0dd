/**
 * The machine's measured arithmetic peaks under ditto's numeric contract (every product and every
 * sum rounded to float32, no fused multiply-add), and what ditto's matrix products reach:
 *
 * - JS scalar: eight independent chains c ← fround(fround(c·y) + x) in a tight loop;
 * - WebAssembly SIMD: eight independent f32x4 chains c ← (c·y) + x (f32x4.mul then f32x4.add),
 *   the best any kernel of the wasm backend can do on one core;
 * - ditto's matmul kernels at the MLP's two large shapes, on each backend.
 *
 * Prints one JSON line.
 */
import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { getBackend, setBackend } from '../../src/backend/registry.js';
import { registerWasmBackend } from '../../src/backend/wasm/register.js';

/**
 * The wasm peak loop, assembled by wabt 1.0.x from this text (kept here so the benchmark needs no
 * assembler):
 *
 * (module (func (export "peak") (param $n i32) (param $s f32) (result f32)
 *   (local $x v128) (local $y v128) (local $c0 v128) … (local $c7 v128)
 *   x = splat(s); y = splat(0.999); c0…c7 = x
 *   loop while n ≠ 0: ci = f32x4.add(f32x4.mul(ci, y), x) for i = 0…7; n -= 1
 *   return lane 0 of the sum of c0…c7))
 */
const PEAK_WASM =
  'AGFzbQEAAAABBwFgAn99AX0DAgEABwgBBHBlYWsAAAriAQHfAQEKeyAB/RMhAkN3vn8//RMhAyACIQQgAiEFIAIhBiACIQcgAiEIIAIhCSACIQogAiELAkADQCAARQ0BIAQgA/3mASAC/eQBIQQgBSAD/eYBIAL95AEhBSAGIAP95gEgAv3kASEGIAcgA/3mASAC/eQBIQcgCCAD/eYBIAL95AEhCCAJIAP95gEgAv3kASEJIAogA/3mASAC/eQBIQogCyAD/eYBIAL95AEhCyAAQQFrIQAMAAsLIAQgBf3kASAGIAf95AH95AEgCCAJ/eQBIAogC/3kAf3kAf3kAf0fAAs=';

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
    const x = fr(0.5);
    const y = fr(0.999);
    let c0 = x;
    let c1 = x;
    let c2 = x;
    let c3 = x;
    let c4 = x;
    let c5 = x;
    let c6 = x;
    let c7 = x;
    for (let i = 0; i < steps; i++) {
      c0 = fr(fr(c0 * y) + x);
      c1 = fr(fr(c1 * y) + x);
      c2 = fr(fr(c2 * y) + x);
      c3 = fr(fr(c3 * y) + x);
      c4 = fr(fr(c4 * y) + x);
      c5 = fr(fr(c5 * y) + x);
      c6 = fr(fr(c6 * y) + x);
      c7 = fr(fr(c7 * y) + x);
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

function matmulRate(backend: Backend, m: number, k: number, n: number, transposeA: boolean): number {
  const a = new Float32Array(m * k).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = new Float32Array(k * n).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const out = new Float32Array(m * n);
  const seconds = best(() => backend.matmul(a, b, out, m, k, n, transposeA, false), backend === jsBackend ? 3 : 20);
  return (2 * m * k * n) / seconds / 1e9;
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
  matmulGflops: {
    js: { forward: matmulRate(jsBackend, 128, 784, 128, false), weightGrad: matmulRate(jsBackend, 784, 128, 128, true) },
    wasm: wasmBackend
      ? {
          forward: matmulRate(wasmBackend, 128, 784, 128, false),
          weightGrad: matmulRate(wasmBackend, 784, 128, 128, true),
        }
      : null,
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
