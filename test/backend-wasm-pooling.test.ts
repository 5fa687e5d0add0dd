/**
 * The wasm backend's max pooling and its gradient (kernels/wasm/pooling.ts) against the reference
 * kernels of tensor/ops/pooling.ts, bit for bit: channels 1–9 (whole vectors and the scalar tail,
 * float32 and float64), odd image sizes, pool sizes with overlapping and with gapped strides,
 * 'valid' and 'same' padding, values with many ties (which position gets the gradient), NaN, −0
 * and ±∞ (the first NaN wins; −0 and +0 tie), and the bench's (d) batch. The 'wasm' backend
 * registered for setBackend must use them.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { maxPool2dBackwardKernel, maxPool2dKernel } from '../packages/ditto/src/tensor/ops/pooling.js';
import { geometryArgs, type Padding, windowGeometry } from '../packages/ditto/src/tensor/ops/window.js';

const wasm = createWasmBackend({ smallCallsOnReference: false });

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/**
 * Values from a fixed hash: half of them from only 7 levels (ties inside windows), the rest over
 * wide magnitudes, with NaN, −0, +0 and ±∞ sprinkled in.
 */
function values(ctor: Ctor, n: number, seed: number) {
  const x = new ctor(n);
  const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1 + seed * 7919, 0x9e3779b1) >>> 0;
    if (h % 23 === 0) x[i] = specials[(h >>> 8) % specials.length];
    else if (h % 2 === 0) x[i] = ((h >>> 4) % 7) - 3;
    else x[i] = ((h / 2 ** 32) * 2 - 1) * 2 ** ((h % 41) - 20);
  }
  return x;
}

const differences = (a: ArrayLike<number>, b: ArrayLike<number>): string[] => {
  const out: string[] = [];
  for (let i = 0; i < a.length && out.length < 3; i++)
    if (!Object.is(a[i], b[i])) out.push(`#${i}: wasm ${a[i]}, reference ${b[i]}`);
  if (a.length !== b.length) out.push(`lengths ${a.length} and ${b.length}`);
  return out;
};

interface Case {
  shape: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  padding: Padding;
}

/** Both kernels on one case; the problems found (empty when wasm equals the reference). */
function compare(ctor: Ctor, c: Case, seed: number): string[] {
  const g = windowGeometry('test', c.shape, {
    kernel: c.pool,
    strides: c.strides,
    dilation: [1, 1],
    padding: c.padding,
  });
  const geometry = geometryArgs(g);
  const x = values(
    ctor,
    c.shape.reduce((a, b) => a * b),
    seed,
  );
  const outputs = g.batch * g.outHeight * g.outWidth * g.channels;
  const [outW, outJs] = [new ctor(outputs).fill(9), new ctor(outputs).fill(9)];
  wasm.maxPool2d(x, outW, geometry);
  maxPool2dKernel.reference(x, outJs, geometry);
  const grad = values(ctor, outputs, seed + 1);
  const [dxW, dxJs] = [new ctor(x.length).fill(5), new ctor(x.length).fill(5)];
  wasm.maxPool2dBackward(x, grad, dxW, geometry);
  maxPool2dBackwardKernel.reference(x, grad, dxJs, geometry);
  const name = `${JSON.stringify(c)}`;
  return [
    ...differences(outW, outJs).map((p) => `forward ${name}: ${p}`),
    ...differences(dxW, dxJs).map((p) => `backward ${name}: ${p}`),
  ];
}

const WINDOWS: Omit<Case, 'shape'>[] = [
  { pool: [2, 2], strides: [2, 2], padding: 'valid' },
  { pool: [3, 3], strides: [1, 1], padding: 'same' },
  { pool: [2, 3], strides: [1, 2], padding: 'same' },
  { pool: [3, 2], strides: [3, 3], padding: 'valid' },
  { pool: [2, 2], strides: [3, 1], padding: 'same' },
  // disjoint windows partly in the padding (the gradient writes whole windows)
  { pool: [2, 2], strides: [2, 2], padding: 'same' },
  { pool: [3, 2], strides: [3, 2], padding: 'same' },
];

describe('wasm maxPool2d and maxPool2dBackward equal the reference', () => {
  for (const ctor of [Float32Array, Float64Array]) {
    it(`${ctor.name}: channels 1–9, odd images, overlapping and gapped windows, both paddings`, () => {
      const problems: string[] = [];
      for (let channels = 1; channels <= 9; channels++) {
        for (const [k, window] of WINDOWS.entries()) {
          const shape: Case['shape'] = [2, 7 + (channels % 3), 5 + k, channels];
          problems.push(...compare(ctor, { shape, ...window }, channels * 10 + k));
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('disjoint windows that tile the image exactly (dx not zeroed first), channels 1–9', () => {
    const problems: string[] = [];
    for (const ctor of [Float32Array, Float64Array]) {
      for (let channels = 1; channels <= 9; channels++) {
        const pools: [number, number][] = [
          [2, 2],
          [2, 3],
          [1, 1],
        ];
        for (const pool of pools) {
          const c: Case = { shape: [2, 8, 6, channels], pool, strides: pool, padding: 'valid' };
          problems.push(...compare(ctor, c, channels + pool[1] * 100));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("the bench's (d) batch: 64 × 26 × 26 × 16, 2×2 windows", () => {
    expect(
      compare(Float32Array, { shape: [64, 26, 26, 16], pool: [2, 2], strides: [2, 2], padding: 'valid' }, 3),
    ).toEqual([]);
  });

  it('sends the gradient to the first of tied maxima and to the first NaN', () => {
    // One window of four positions, channels: ties of 1, ties of −0/+0, NaN after a larger value.
    const x = Float32Array.from([1, -0, 5, 1, 0, Number.NaN, 0, -0, Number.NaN, 1, 0, Number.NaN]);
    const geometry = geometryArgs(
      windowGeometry('test', [1, 2, 2, 3], {
        kernel: [2, 2],
        strides: [2, 2],
        dilation: [1, 1],
        padding: 'valid',
      }),
    );
    const out = new Float32Array(3);
    wasm.maxPool2d(x, out, geometry);
    expect(Array.from(out)).toEqual([1, -0, Number.NaN]);
    const dx = new Float32Array(12).fill(7);
    wasm.maxPool2dBackward(x, Float32Array.from([10, 20, 30]), dx, geometry);
    expect(Array.from(dx)).toEqual([10, 20, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0]);
  });

  it("is what the registered 'wasm' backend runs", () => {
    expect(registerWasmBackend()).toBe(true);
    const before = getBackend().name;
    setBackend('wasm');
    try {
      expect(maxPool2dKernel.resolve()).not.toBe(maxPool2dKernel.reference);
      expect(maxPool2dBackwardKernel.resolve()).not.toBe(maxPool2dBackwardKernel.reference);
      expect(maxPool2dKernel.backends).toContain('wasm');
    } finally {
      setBackend(before);
    }
  });
});
