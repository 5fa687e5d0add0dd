/**
 * The wasm backend's unfold (im2col) and fold (kernels/wasm/conv.ts, the convolution's patches and
 * their gradient) against the reference kernels of tensor/ops/conv.ts, bit for bit: channels 1–9
 * (whole vectors and the scalar tail, float32 and float64), odd image sizes, kernels 1×1 to 3×4,
 * strides, dilation (non-contiguous kernel rows), 'valid' and 'same' padding (zeros in the patches;
 * overlapping patches added back in the reference's order), values with NaN, −0 and ±∞, and the
 * bench's (d) second convolution. The 'wasm' backend registered for setBackend must use them.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { fold2dKernel, unfold2dKernel } from '../packages/ditto/src/tensor/ops/conv.js';
import { geometryArgs, type Padding, windowGeometry } from '../packages/ditto/src/tensor/ops/window.js';

const wasm = createWasmBackend({ smallCallsOnReference: false });

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Values from a fixed hash over wide magnitudes (sums of them round), with specials sprinkled in. */
function values(ctor: Ctor, n: number, seed: number) {
  const x = new ctor(n);
  const specials = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1 + seed * 7919, 0x9e3779b1) >>> 0;
    x[i] = h % 97 === 0 ? specials[(h >>> 8) % 4] : ((h / 2 ** 32) * 2 - 1) * 2 ** ((h % 41) - 20);
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
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: Padding;
}

/** Both kernels on one case; the problems found (empty when wasm equals the reference). */
function compare(ctor: Ctor, c: Case, seed: number): string[] {
  const g = windowGeometry('test', c.shape, c);
  const geometry = geometryArgs(g);
  const x = values(
    ctor,
    c.shape.reduce((a, b) => a * b),
    seed,
  );
  const count = g.batch * g.outHeight * g.outWidth * g.kernelHeight * g.kernelWidth * g.channels;
  const [pW, pJs] = [new ctor(count).fill(9), new ctor(count).fill(9)];
  wasm.unfold2d(x, pW, geometry);
  unfold2dKernel.reference(x, pJs, geometry);
  const grad = values(ctor, count, seed + 1);
  const [dxW, dxJs] = [new ctor(x.length).fill(5), new ctor(x.length).fill(5)];
  wasm.fold2d(grad, dxW, geometry);
  fold2dKernel.reference(grad, dxJs, geometry);
  const name = JSON.stringify(c);
  return [
    ...differences(pW, pJs).map((p) => `unfold ${name}: ${p}`),
    ...differences(dxW, dxJs).map((p) => `fold ${name}: ${p}`),
  ];
}

const WINDOWS: Omit<Case, 'shape'>[] = [
  { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid' },
  { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same' },
  { kernel: [2, 3], strides: [2, 1], dilation: [1, 1], padding: 'same' },
  { kernel: [3, 2], strides: [1, 2], dilation: [2, 2], padding: 'same' },
  { kernel: [1, 1], strides: [2, 2], dilation: [1, 1], padding: 'valid' },
  { kernel: [3, 4], strides: [1, 1], dilation: [1, 2], padding: 'valid' },
];

describe('wasm unfold2d and fold2d equal the reference', () => {
  for (const ctor of [Float32Array, Float64Array]) {
    it(`${ctor.name}: channels 1–9, odd images, strides, dilation, both paddings`, () => {
      const problems: string[] = [];
      for (let channels = 1; channels <= 9; channels++) {
        for (const [k, window] of WINDOWS.entries()) {
          const shape: Case['shape'] = [2, 7 + (channels % 3), 8 + k, channels];
          problems.push(...compare(ctor, { shape, ...window }, channels * 10 + k));
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it("the bench's (d) second convolution: 64 × 13 × 13 × 16, 3×3 valid", () => {
    const c: Case = {
      shape: [64, 13, 13, 16],
      kernel: [3, 3],
      strides: [1, 1],
      dilation: [1, 1],
      padding: 'valid',
    };
    expect(compare(Float32Array, c, 3)).toEqual([]);
  });

  it("is what the registered 'wasm' backend runs", () => {
    expect(registerWasmBackend()).toBe(true);
    const before = getBackend().name;
    setBackend('wasm');
    try {
      expect(unfold2dKernel.resolve()).not.toBe(unfold2dKernel.reference);
      expect(fold2dKernel.resolve()).not.toBe(fold2dKernel.reference);
      expect(fold2dKernel.backends).toContain('wasm');
    } finally {
      setBackend(before);
    }
  });
});
