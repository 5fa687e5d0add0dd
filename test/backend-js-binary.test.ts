/**
 * The js backend's binary kernel runs maximum and minimum in loops of their own (a loss's clip runs
 * them over every prediction). Each element must be numeric/elementwise.ts's `binaryForward` — NaN
 * from either side, ties (+0 against −0) taking a, infinities — for a scalar bound, a row broadcast
 * and equal shapes, in float32 and float64.
 */
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { binaryForward } from '../packages/ditto/src/numeric/elementwise.js';

const SPECIALS = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-7, 1 - 1e-7];

function values(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, salt: number) {
  const x = new ctor(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 12.9898 + salt) * 2;
  for (let k = 0; k < n; k += 3) x[k] = SPECIALS[(k / 3 + salt) % SPECIALS.length];
  return x;
}

/** out[i, j] by the formula, a read at the broadcast strides. */
function byFormula(
  op: 'maximum' | 'minimum',
  a: ArrayLike<number>,
  aStrides: number[],
  b: ArrayLike<number>,
  bStrides: number[],
  [rows, cols]: number[],
): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      out.push(binaryForward(op, a[r * aStrides[0] + c * aStrides[1]], b[r * bStrides[0] + c * bStrides[1]]));
  return out;
}

describe('js binary maximum/minimum equal binaryForward element by element', () => {
  for (const ctor of [Float32Array, Float64Array]) {
    for (const op of ['maximum', 'minimum'] as const) {
      it(`${ctor.name} ${op}`, () => {
        const shape = [13, 7];
        const a = values(ctor, 91, 1);
        const cases: [Float32Array | Float64Array, number[]][] = [
          [values(ctor, 1, 2), [0, 0]], // a scalar bound (the clip)
          [values(ctor, 7, 3), [0, 1]], // one row for every row
          [values(ctor, 91, 4), [7, 1]], // equal shapes
        ];
        for (const [b, bStrides] of cases) {
          for (const scalar of SPECIALS) {
            if (b.length === 1) b[0] = scalar;
            const out = new ctor(91).fill(99);
            jsBackend.binary(op, a, [7, 1], b, bStrides, out, shape);
            const expected = byFormula(op, a, [7, 1], b, bStrides, shape);
            for (let i = 0; i < out.length; i++) expect(Object.is(out[i], expected[i]), `${i}`).toBe(true);
            // b first: ties then take b's side.
            jsBackend.binary(op, b, bStrides, a, [7, 1], out, shape);
            const swapped = byFormula(op, b, bStrides, a, [7, 1], shape);
            for (let i = 0; i < out.length; i++) expect(Object.is(out[i], swapped[i]), `${i}`).toBe(true);
          }
        }
      });
    }
  }
});
