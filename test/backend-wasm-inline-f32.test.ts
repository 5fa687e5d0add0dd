/**
 * The float32 unary kernels that expand the elementary functions inline (exp, sigmoid, tanh, swish
 * and their gradients: kernels/wasm/unary.ts INLINE_F32) against the reference backend, whose
 * values are numeric/elementary.ts's functions rounded once. Inputs: a strided sweep over all 2^32
 * float32 bit patterns (every exponent, both signs, subnormals, ±∞, NaNs), every float32 near the
 * branch points, and every length 1–19 at every alignment (whole vectors plus the scalar tail).
 * Elements are compared with Object.is (−0 ≠ +0; NaN equals NaN, whose bits the contract leaves open).
 */
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { INLINE_F32 } from '../packages/ditto/src/kernels/wasm/unary.js';

const wasm = createWasmBackend({ smallCallsOnReference: false });

/** float32 values whose bit patterns step by a prime through all 2^32 (starting at `start`). */
function strided(step: number, start: number): Float32Array {
  const bits = new Uint32Array(Math.floor(2 ** 32 / step));
  for (let i = 0; i < bits.length; i++) bits[i] = (start + i * step) >>> 0;
  return new Float32Array(bits.buffer);
}

/** The 2·radius + 1 float32 values around each point (neighbouring bit patterns). */
function around(points: readonly number[], radius: number): Float32Array {
  const one = new Float32Array(1);
  const bits = new Uint32Array(one.buffer);
  const out: number[] = [];
  for (const p of points) {
    one[0] = p;
    const centre = bits[0];
    for (let d = -radius; d <= radius; d++) {
      bits[0] = (centre + d) >>> 0;
      out.push(one[0]);
    }
  }
  return Float32Array.from(out);
}

/** Gradient factors: float32 values from a fixed hash, in [−2, 2). */
function factors(count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = ((Math.imul(i + 1, 0x9e3779b1) >>> 0) / 2 ** 32) * 4 - 2;
  return out;
}

function mismatches(actual: Float32Array, expected: Float32Array, x: Float32Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < x.length && out.length < 5; i++)
    if (!Object.is(actual[i], expected[i]))
      out.push(`x = ${x[i]} (#${i}): wasm ${actual[i]}, js ${expected[i]}`);
  return out;
}

/** Forward and gradient of `op` on x, wasm against the reference. */
function compare(op: (typeof INLINE_F32)[number], x: Float32Array): string[] {
  const dy = factors(x.length);
  const [yJs, yW, dJs, dW] = [0, 1, 2, 3].map(() => new Float32Array(x.length));
  jsBackend.unary(op, x, yJs, 0);
  wasm.unary(op, x, yW, 0);
  jsBackend.unaryBackward(op, x, dy, dJs, 0);
  wasm.unaryBackward(op, x, dy, dW, 0);
  return [...mismatches(yW, yJs, x), ...mismatches(dW, dJs, x).map((m) => `gradient: ${m}`)];
}

// Where the algorithms branch: exp's clamps, expm1's |x| < ln2/2 and k > 56, tanh's 0.55 and 22,
// sigmoid's sign, float32 overflow and underflow of the results.
const BRANCH_POINTS = [
  0, -0, 0.34657359027997264, -0.34657359027997264, 0.55, -0.55, 11, -11, 22, -22, 38.8, -40,
  88.72283935546875, -87.33654475212097, -103.97208404541016, 709.79, -745.2,
];

describe('float32 unary kernels with inline elementary functions equal the reference', () => {
  it('covers the ops the kernel module inlines', () => {
    expect([...INLINE_F32].sort()).toEqual(['exp', 'sigmoid', 'swish', 'tanh']);
  });

  for (const op of INLINE_F32) {
    it(`${op}: a sweep of all float32 bit patterns (every 4099th) and the branch points`, () => {
      const x = Float32Array.from([...strided(4099, 17), ...around(BRANCH_POINTS, 300)]);
      expect(x.length).toBeGreaterThan(1_000_000);
      expect(compare(op, x)).toEqual([]);
    });

    it(`${op}: every length 1–19 at every offset within a vector`, () => {
      const pool = around([0.3, -1.7, 5, -23], 20);
      const problems: string[] = [];
      for (let offset = 0; offset < 4; offset++)
        for (let length = 1; length < 20; length++) {
          const x = pool.subarray(offset, offset + length);
          problems.push(...compare(op, x).map((p) => `offset ${offset}, length ${length}: ${p}`));
        }
      expect(problems).toEqual([]);
    });
  }
});
