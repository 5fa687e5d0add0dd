/**
 * The wasm backend's row gather and scatter-add (kernels/wasm/rows.ts, the Embedding's forward and
 * backward) against the reference kernels of tensor/ops/shape-ops.ts, bit for bit: every width 1–19
 * (whole vectors and the scalar tail), float32 and float64, repeated indices (the accumulation
 * order), values with NaN, −0 and ±∞, and the bench's Embedding(10,000, 64) batch. The 'wasm'
 * backend registered for setBackend must use them; bad indices and large tables fall back.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { gatherRows, scatterAddRows } from '../packages/ditto/src/tensor/ops/shape-ops.js';

const wasm = createWasmBackend({ smallCallsOnReference: false });

/** Values from a fixed hash over wide magnitudes (sums of them round), with specials sprinkled in. */
function values(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number) {
  const x = new ctor(n);
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1 + seed * 7919, 0x9e3779b1) >>> 0;
    x[i] = ((h / 2 ** 32) * 2 - 1) * 2 ** ((h % 41) - 20);
  }
  const specials = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let k = 0; k < specials.length && n > 40; k++) x[(k * 37 + seed) % n] = specials[k];
  return x;
}

/** count indices in [0, rows), many repeated. */
function indices(count: number, rows: number, seed: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => (Math.imul(i + seed, 2654435761) >>> 0) % rows);
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): string[] => {
  const out: string[] = [];
  for (let i = 0; i < a.length && out.length < 3; i++)
    if (!Object.is(a[i], b[i])) out.push(`#${i}: wasm ${a[i]}, reference ${b[i]}`);
  if (a.length !== b.length) out.push(`lengths ${a.length} and ${b.length}`);
  return out;
};

describe('wasm gatherRows and scatterAddRows equal the reference', () => {
  for (const ctor of [Float32Array, Float64Array]) {
    it(`${ctor.name}: every width 1–19, repeated indices, both index types`, () => {
      const problems: string[] = [];
      for (let width = 1; width < 20; width++) {
        const rows = 13;
        const count = 20;
        for (const idx of [indices(count, rows, width), Float32Array.from(indices(count, rows, width + 1))]) {
          const table = values(ctor, rows * width, width);
          const [outW, outJs] = [new ctor(count * width), new ctor(count * width)];
          wasm.gatherRows(table, idx, outW, width);
          gatherRows.reference(table, idx, outJs, width);
          problems.push(...same(outW, outJs).map((p) => `gather width ${width}: ${p}`));

          const g = values(ctor, count * width, width + 3);
          const [dxW, dxJs] = [new ctor(rows * width).fill(5), new ctor(rows * width).fill(5)];
          wasm.scatterAddRows(g, idx, dxW, width);
          scatterAddRows.reference(g, idx, dxJs, width);
          problems.push(...same(dxW, dxJs).map((p) => `scatter width ${width}: ${p}`));
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it("the bench's batch: 12,800 indices into a 10,000 × 64 table", () => {
    const idx = Float32Array.from(indices(12_800, 10_000, 3));
    const table = values(Float32Array, 640_000, 1);
    const [outW, outJs] = [new Float32Array(819_200), new Float32Array(819_200)];
    wasm.gatherRows(table, idx, outW, 64);
    gatherRows.reference(table, idx, outJs, 64);
    expect(same(outW, outJs)).toEqual([]);
    const [dxW, dxJs] = [new Float32Array(640_000), new Float32Array(640_000)];
    wasm.scatterAddRows(outJs, idx, dxW, 64);
    scatterAddRows.reference(outJs, idx, dxJs, 64);
    expect(same(dxW, dxJs)).toEqual([]);
  });

  it('leaves bad indices to the reference, which reads and writes nothing out of place', () => {
    const table = values(Float32Array, 40, 2);
    const out = new Float32Array(8).fill(7);
    const expected = new Float32Array(8).fill(7);
    const bad = Float32Array.from([1, 2.5, 3, 0]);
    wasm.gatherRows(table, bad, out, 2);
    gatherRows.reference(table, bad, expected, 2);
    expect(same(out, expected)).toEqual([]);
  });

  it("is what the registered 'wasm' backend runs", () => {
    expect(registerWasmBackend()).toBe(true);
    const before = getBackend().name;
    setBackend('wasm');
    try {
      expect(gatherRows.resolve()).not.toBe(gatherRows.reference);
      expect(scatterAddRows.resolve()).not.toBe(scatterAddRows.reference);
      expect(gatherRows.backends).toContain('wasm');
    } finally {
      setBackend(before);
    }
  });
});
