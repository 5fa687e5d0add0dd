/**
 * The GRU cell (resetAfter, Keras 3's default) after its two matmuls as one op: from x̂ = x·W + b_in
 * and ĥ = h₋₁·U + b_rec ([batch, 3·units] each, blocks z, r, h) and h₋₁ [batch, units],
 *
 *   z = σ(x̂_z + ĥ_z), r = σ(x̂_r + ĥ_r), h̃ = φ(x̂_h + r·ĥ_h),   h = z·h₋₁ + (1 − z)·h̃
 *
 * in one kernel call forward and one backward, instead of two splits into three, the sums, the
 * activations, the products and their gradients. Every value is the one the chain of ops
 * computes (the same formulas, each result rounded once to the data's type), and so is every
 * gradient, in the order autograd accumulates the chain's:
 *
 * - z's gradient is the sum of two: through (1 − z) (−(g·h̃), which autograd reaches first) and
 *   through z·h₋₁ (g·h₋₁), added in that order;
 * - x̂'s and ĥ's gradients were sums of their three pieces' gradients padded with +0: each element
 *   is its block's value + 0 (−0 becomes +0);
 * - h₋₁'s part from the cell (g·z) is one of h₋₁'s gradients; autograd adds it to the others in the
 *   chain's order (the chain's graph and this node visit x̂, ĥ and h₋₁ in the same order).
 *
 * The forward keeps each activation's float64 value (`aux`, [rows × 3·units]: σ(x̂_z + ĥ_z),
 * σ(x̂_r + ĥ_r), φ(x̂_h + r·ĥ_h)) and the pre-activations (`pre`, the data's type, same layout); the
 * gradients of sigmoid, tanh and exp are written in the stored double (numeric/elementwise.ts's FROM_VALUE),
 * the others from the pre-activation.
 */
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { type UnaryOp, unaryBackwardFromValue, unaryForward } from '../../numeric/elementwise.js';
import { roundingOf } from '../../numeric/rounding.js';
import { record } from '../autograd.js';
import { allocate, type FloatArray } from '../dtype.js';
import { formatShape, ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { CellActivation } from './lstm-cell.js';

/** Forward: h (rows of `units`), pre = the three pre-activations, aux = their activations' doubles. */
export const gruCellKernel = defineKernel(
  'gruCell',
  (
    xp: FloatArray,
    inner: FloatArray,
    h: FloatArray,
    hNext: FloatArray,
    pre: FloatArray,
    aux: Float64Array,
    units: number,
    gateOp: UnaryOp,
    gateAlpha: number,
    actOp: UnaryOp,
    actAlpha: number,
  ) => {
    const round = roundingOf(hNext);
    const rows = h.length / units;
    for (let b = 0; b < rows; b++) {
      const r0 = 3 * units * b;
      for (let j = 0; j < units; j++) {
        const [iz, ir, ih] = [r0 + j, r0 + units + j, r0 + 2 * units + j];
        const k = units * b + j;
        pre[iz] = xp[iz] + inner[iz];
        const z = round((aux[iz] = unaryForward(gateOp, pre[iz], gateAlpha)));
        pre[ir] = xp[ir] + inner[ir];
        const r = round((aux[ir] = unaryForward(gateOp, pre[ir], gateAlpha)));
        pre[ih] = xp[ih] + round(r * inner[ih]);
        const hh = round((aux[ih] = unaryForward(actOp, pre[ih], actAlpha)));
        hNext[k] = round(z * h[k]) + round(round(1 - z) * hh);
      }
    }
  },
);

/** Backward from h's gradient g: dxp = [dz, dr, dh̃-side] + 0, dinner = [dz, dr, (de·r)] + 0, dh = g·z. */
export const gruCellBackwardKernel = defineKernel(
  'gruCellBackward',
  (
    inner: FloatArray,
    h: FloatArray,
    pre: FloatArray,
    aux: Float64Array,
    g: FloatArray,
    dxp: FloatArray,
    dinner: FloatArray,
    dh: FloatArray,
    units: number,
    gateOp: UnaryOp,
    gateAlpha: number,
    actOp: UnaryOp,
    actAlpha: number,
  ) => {
    const round = roundingOf(dh);
    const rows = h.length / units;
    for (let b = 0; b < rows; b++) {
      const r0 = 3 * units * b;
      for (let j = 0; j < units; j++) {
        const [iz, ir, ih] = [r0 + j, r0 + units + j, r0 + 2 * units + j];
        const k = units * b + j;
        const [z, r, hh] = [round(aux[iz]), round(aux[ir]), round(aux[ih])];
        const gk = g[k];
        const dOneMinusZ = round(gk * hh);
        const dhh = round(gk * round(1 - z));
        dh[k] = gk * z;
        const dz = round(-dOneMinusZ + round(gk * h[k]));
        const da = round(unaryBackwardFromValue(gateOp, pre[iz], aux[iz], dz, gateAlpha));
        const de = round(unaryBackwardFromValue(actOp, pre[ih], aux[ih], dhh, actAlpha));
        const db = round(unaryBackwardFromValue(gateOp, pre[ir], aux[ir], round(de * inner[ih]), gateAlpha));
        dxp[iz] = da + 0;
        dxp[ir] = db + 0;
        dxp[ih] = de + 0;
        dinner[iz] = da + 0;
        dinner[ir] = db + 0;
        dinner[ih] = round(de * r) + 0;
      }
    }
  },
);

/**
 * The GRU cell with resetAfter: h from x̂ = x·W + b_in and ĥ = h₋₁·U + b_rec ([batch, 3·units],
 * blocks z, r, h, Keras's order) and h₋₁ [batch, units], with `gate` (σ) and `activation` (φ).
 * The same values and gradients as the chain of ops it replaces (see the top of this file).
 *
 * @example
 * ```ts
 * const h1 = gruCell(xp, inner, h0, { op: 'sigmoid', alpha: 1 }, { op: 'tanh', alpha: 1 });
 * ```
 */
export function gruCell(
  xp: Tensor,
  inner: Tensor,
  h: Tensor,
  gate: CellActivation,
  activation: CellActivation,
): Tensor {
  const [batch, units] = h.shape;
  const expected = [batch, 3 * units];
  const fits = (t: Tensor) => t.rank === 2 && t.shape[0] === expected[0] && t.shape[1] === expected[1];
  if (h.rank !== 2 || !fits(xp) || !fits(inner)) {
    throw new ShapeError(
      `gruCell: expected x̂ and ĥ [batch, 3·units] and h [batch, units], got ${formatShape(xp.shape)}, ${formatShape(inner.shape)} and ${formatShape(h.shape)}`,
    );
  }
  if (xp.dtype !== h.dtype || inner.dtype !== h.dtype) {
    throw new TypeError(`gruCell: dtypes differ: x̂ ${xp.dtype}, ĥ ${inner.dtype}, h ${h.dtype}`);
  }
  const dtype = h.dtype;
  const statics = [units, gate.op, gate.alpha, activation.op, activation.alpha];
  const hNext = allocate(dtype, h.size);
  const pre = allocate(dtype, xp.size);
  const aux = new Float64Array(xp.size);
  // Work as the unary primitives count it (8 per value of an activation or its gradient).
  callKernel(gruCellKernel, [xp.data, inner.data, h.data, hNext, pre, aux], 3, statics, {
    work: 24 * h.size,
  });
  return record(new Tensor(hNext, [batch, units]), 'gruCell', [xp, inner, h], (g) => {
    const dxp = allocate(dtype, xp.size);
    const dinner = allocate(dtype, inner.size);
    const dh = allocate(dtype, h.size);
    callKernel(gruCellBackwardKernel, [inner.data, h.data, pre, aux, g.data, dxp, dinner, dh], 5, statics, {
      work: 24 * h.size,
    });
    return [new Tensor(dxp, xp.shape), new Tensor(dinner, inner.shape), new Tensor(dh, h.shape)];
  });
}
