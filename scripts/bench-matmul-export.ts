/**
 * CPU time of the `matmul_f32` export alone, op(b) packed once outside the timed loop, for two or
 * more saved kernel modules side by side (rounds alternating): isolates the strip tiles from
 * pack_b and the backend's copies, which dominate products with few rows. Not a test.
 *
 * Usage: `node --conditions=ditto-source --import tsx scripts/bench-matmul-export.ts OLD.ts NEW.ts`
 * with saved `kernels.wasm.ts` files (e.g. `git show main:packages/ditto/src/backend/wasm/kernels.wasm.ts
 * > /tmp/old.ts`). op(a) is transposed (the weight-gradient products); prints the best µs per call.
 */
import { readFileSync } from 'node:fs';
import { instantiateKernels } from '../packages/ditto/src/backend/wasm/wasm-module.js';

const modules = process.argv.slice(2).map((file) => {
  const base64 = /KERNELS_WASM_BASE64 =\s*'([^']+)'/.exec(readFileSync(file, 'utf8'))?.[1];
  if (!base64) throw new Error(`${file}: no KERNELS_WASM_BASE64 string`);
  return instantiateKernels(new WebAssembly.Module(Buffer.from(base64, 'base64')));
});
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const align = (bytes: number) => Math.ceil(bytes / 64 + 1) * 64;
/** m × k × n: (d) conv 1 dW, (c) LSTM dW, short strips, (b) dense 1 dW (4-row strips only). */
const shapes: [number, number, number][] = [
  [9, 43264, 16],
  [1, 64, 128],
  [1, 256, 64],
  [2, 256, 64],
  [2, 64, 128],
  [784, 128, 128],
];
for (const [m, k, n] of shapes) {
  const calls = modules.map((wasm) => {
    const a = wasm.heap_base.value as number;
    const b = a + align(m * k * 4);
    const panels = b + align(k * n * 4);
    const out = panels + align(Math.ceil(n / 8) * 32 * k);
    const top = out + align(m * n * 4);
    const have = wasm.memory.buffer.byteLength;
    if (top > have) wasm.memory.grow(Math.ceil((top - have) / 65536));
    const f = new Float32Array(wasm.memory.buffer);
    for (let i = 0; i < m * k + k * n; i++) f[a / 4 + i] = ((i * 7919) % 1000) / 1000 - 0.5;
    wasm.pack_b_f32(b, n, 1, panels, k, n);
    // Modules before the outRowStride parameter take 8 arguments.
    const run = wasm.matmul_f32 as (...args: number[]) => void;
    return run.length === 9
      ? () => run(a, 1, m, panels, out, n, m, k, n)
      : () => run(a, 1, m, panels, out, m, k, n);
  });
  const reps = Math.max(1, Math.round(4e7 / (m * k * n)));
  const best = calls.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < 15; round++) {
    calls.forEach((call, i) => {
      const t0 = cpu();
      for (let r = 0; r < reps; r++) call();
      best[i] = Math.min(best[i], (cpu() - t0) / reps);
    });
  }
  console.log(`${m}×${k}×${n}`.padEnd(14), best.map((s) => `${(s * 1e6).toFixed(2)} µs`).join('  '));
}
