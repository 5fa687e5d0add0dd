/**
 * The LSTM cell's elementwise part as one op: from the gate pre-activations z = [zi | zf | zc | zo]
 * [batch, 4·units] and the previous cell state c [batch, units],
 *
 *   c' = σ(zf)·c + σ(zi)·act(zc),   h' = σ(zo)·act(c')
 *
 * in one kernel call forward and two backward, instead of a split into four, five activations,
 * five products and sums and their gradients. Every value is the one the op chain
 * `split(z, 4, 1)`, `sigma(zf)`, `mul(·, c)`, `sigma(zi)`, `act(zc)`, `mul`, `add`, `sigma(zo)`,
 * `act(c')`, `mul` computes (the same formulas, each result rounded once to the data's type), and
 * so is every gradient, in the order autograd accumulates the chain's:
 *
 * - h' and c' are two outputs. h''s gradient gives z's o block and a part of c''s gradient (the
 *   H' node); autograd adds that part to c''s other gradients last, as it does for act(c') in the
 *   chain; then c''s gradient gives z's i, f and c blocks and c's gradient (the C' node, which
 *   always runs after the H' node when that runs: c' is the H' node's input).
 * - z's gradient in the chain is the sum of the four pieces' gradients, each padded with +0: each
 *   element is its block's value plus +0 (so −0 becomes +0). The kernel adds the +0 itself. A block
 *   that gets no gradient (o, when h' takes none) is +0.
 *
 * The forward keeps each activation's float64 value before rounding (`aux`, auxLayout) and no
 * rounded copies: a gate's rounded value is its double rounded again. The gradients of sigmoid,
 * tanh and exp are written in that value (s·(1 − s)·dy, (1 − t·t)·dy, e·dy), so the backward
 * reads it instead of evaluating the function again — the same double, so the same bits.
 */
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { type UnaryOp, unaryBackwardFromValue, unaryForward } from '../../numeric/elementwise.js';
import { roundingOf } from '../../numeric/rounding.js';
import { record } from '../autograd.js';
import { allocate, type FloatArray } from '../dtype.js';
import { formatShape, ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Where aux keeps a cell's doubles, for `rows` rows of `units`: the i, f and c gates row by row
 * (3·units a row, z's order), then the o gate ([rows, units]), then act(c') ([rows, units]) — each
 * backward kernel reads one contiguous part. The rounded values (what the chain's tensors held)
 * are these doubles rounded again.
 */
export const auxLayout = (rows: number, units: number) => ({
  ifc: (b: number, block: number, j: number) => 3 * units * b + units * block + j,
  o: (k: number) => 3 * rows * units + k,
  act: (k: number) => 4 * rows * units + k,
  length: 5 * rows * units,
});

/**
 * Forward: c' and h' (rows of `units`), and aux = the activations' doubles (auxLayout): σ(zi),
 * σ(zf), act(zc), σ(zo) and act(c').
 */
export const lstmCellKernel = defineKernel(
  'lstmCell',
  (
    z: FloatArray,
    c: FloatArray,
    cNext: FloatArray,
    h: FloatArray,
    aux: Float64Array,
    units: number,
    gateOp: UnaryOp,
    gateAlpha: number,
    actOp: UnaryOp,
    actAlpha: number,
  ) => {
    const round = roundingOf(h);
    const rows = c.length / units;
    const at = auxLayout(rows, units);
    for (let b = 0; b < rows; b++) {
      const zb = 4 * units * b;
      for (let j = 0; j < units; j++) {
        const k = units * b + j;
        const si = round((aux[at.ifc(b, 0, j)] = unaryForward(gateOp, z[zb + j], gateAlpha)));
        const sf = round((aux[at.ifc(b, 1, j)] = unaryForward(gateOp, z[zb + units + j], gateAlpha)));
        const ac = round((aux[at.ifc(b, 2, j)] = unaryForward(actOp, z[zb + 2 * units + j], actAlpha)));
        const so = round((aux[at.o(k)] = unaryForward(gateOp, z[zb + 3 * units + j], gateAlpha)));
        cNext[k] = round(sf * c[k]) + round(si * ac);
        const ah = round((aux[at.act(k)] = unaryForward(actOp, cNext[k], actAlpha)));
        h[k] = so * ah;
      }
    }
  },
);

/**
 * h''s gradient gh: dzo = σ′(zo)·(gh·act(c')) (z's o block, [batch, units]) and the part of c''s
 * gradient through h', dcPart = act′(c')·(gh·σ(zo)).
 */
export const lstmCellOutputBackwardKernel = defineKernel(
  'lstmCellOutputBackward',
  (
    z: FloatArray,
    cNext: FloatArray,
    aux: Float64Array,
    gh: FloatArray,
    dzo: FloatArray,
    dcPart: FloatArray,
    units: number,
    gateOp: UnaryOp,
    gateAlpha: number,
    actOp: UnaryOp,
    actAlpha: number,
  ) => {
    const round = roundingOf(dzo);
    const rows = gh.length / units;
    const at = auxLayout(rows, units);
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < units; j++) {
        const k = units * b + j;
        const so = aux[at.o(k)];
        const ah = aux[at.act(k)];
        dzo[k] = unaryBackwardFromValue(
          gateOp,
          z[4 * units * b + 3 * units + j],
          so,
          round(gh[k] * round(ah)),
          gateAlpha,
        );
        dcPart[k] = unaryBackwardFromValue(actOp, cNext[k], ah, round(gh[k] * round(so)), actAlpha);
      }
    }
  },
);

/**
 * c''s whole gradient gc (and dzo from the output backward, or zeros): dz = [σ′(zi)·(gc·act(zc)) |
 * σ′(zf)·(gc·c) | act′(zc)·(gc·σ(zi)) | dzo], each plus +0, and dc = gc·σ(zf).
 */
export const lstmCellStateBackwardKernel = defineKernel(
  'lstmCellStateBackward',
  (
    z: FloatArray,
    c: FloatArray,
    aux: Float64Array,
    gc: FloatArray,
    dzo: FloatArray,
    dz: FloatArray,
    dc: FloatArray,
    units: number,
    gateOp: UnaryOp,
    gateAlpha: number,
    actOp: UnaryOp,
    actAlpha: number,
  ) => {
    const round = roundingOf(dz);
    const rows = gc.length / units;
    const at = auxLayout(rows, units);
    for (let b = 0; b < rows; b++) {
      const zb = 4 * units * b;
      for (let j = 0; j < units; j++) {
        const k = units * b + j;
        const [i, f, g, o] = [zb + j, zb + units + j, zb + 2 * units + j, zb + 3 * units + j];
        const [si, sf, ac] = [aux[at.ifc(b, 0, j)], aux[at.ifc(b, 1, j)], aux[at.ifc(b, 2, j)]];
        const grad = gc[k];
        dz[i] = round(unaryBackwardFromValue(gateOp, z[i], si, round(grad * round(ac)), gateAlpha)) + 0;
        dz[f] = round(unaryBackwardFromValue(gateOp, z[f], sf, round(grad * c[k]), gateAlpha)) + 0;
        dz[g] = round(unaryBackwardFromValue(actOp, z[g], ac, round(grad * round(si)), actAlpha)) + 0;
        dz[o] = dzo[k] + 0;
        dc[k] = grad * round(sf);
      }
    }
  },
);

/** An elementwise activation of the cell: a unary op and its alpha. */
export interface CellActivation {
  op: UnaryOp;
  alpha: number;
}

/**
 * The LSTM cell update: [h', c'] from the gate pre-activations z [batch, 4·units] (blocks i, f, c,
 * o, Keras's order) and the cell state c [batch, units], with `gate` (σ, Keras's recurrent
 * activation) and `activation`. The same values and gradients as the chain of ops it replaces
 * (see the top of this file).
 *
 * @example
 * ```ts
 * const [h, c1] = lstmCell(z, c0, { op: 'sigmoid', alpha: 1 }, { op: 'tanh', alpha: 1 });
 * ```
 */
export function lstmCell(
  z: Tensor,
  c: Tensor,
  gate: CellActivation,
  activation: CellActivation,
): [h: Tensor, c: Tensor] {
  const [batch, units] = c.shape;
  if (c.rank !== 2 || z.rank !== 2 || z.shape[0] !== batch || z.shape[1] !== 4 * units) {
    throw new ShapeError(
      `lstmCell: expected z [batch, 4·units] and c [batch, units], got ${formatShape(z.shape)} and ${formatShape(c.shape)}`,
    );
  }
  if (z.dtype !== c.dtype) {
    throw new TypeError(`lstmCell: dtypes differ: z ${z.dtype}, c ${c.dtype}`);
  }
  const dtype = c.dtype;
  const statics = [units, gate.op, gate.alpha, activation.op, activation.alpha];
  const cNext = allocate(dtype, c.size);
  const h = allocate(dtype, c.size);
  const aux = new Float64Array(auxLayout(batch, units).length);
  // Work as the unary primitives count it (8 per value of an activation or its gradient), so the
  // engine sends the same sizes to the reference that it would send there op by op.
  callKernel(lstmCellKernel, [z.data, c.data, cNext, h, aux], 2, statics, { work: 40 * c.size });

  // z's o block from h''s backward, for c''s backward (which runs next, when h''s runs at all).
  let dzoFromOutput: FloatArray | null = null;
  const cOut = record(new Tensor(cNext, [batch, units]), 'lstmCellState', [z, c], (gc) => {
    const dzo = dzoFromOutput ?? allocate(dtype, c.size);
    dzoFromOutput = null;
    const dz = allocate(dtype, z.size);
    const dc = allocate(dtype, c.size);
    callKernel(lstmCellStateBackwardKernel, [z.data, c.data, aux, gc.data, dzo, dz, dc], 5, statics, {
      work: 24 * c.size,
    });
    return [new Tensor(dz, z.shape), new Tensor(dc, c.shape)];
  });
  const hOut = record(new Tensor(h, [batch, units]), 'lstmCellOutput', [cOut], (gh) => {
    const dzo = allocate(dtype, c.size);
    const dcPart = allocate(dtype, c.size);
    callKernel(lstmCellOutputBackwardKernel, [z.data, cNext, aux, gh.data, dzo, dcPart], 4, statics, {
      work: 16 * c.size,
    });
    dzoFromOutput = dzo;
    return [new Tensor(dcPart, c.shape)];
  });
  return [hOut, cOut];
}
