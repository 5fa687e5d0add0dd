/**
 * The fused GRU cell's kernels in WebAssembly (kernels/wasm/gru.ts): tensor/ops/gru-cell.ts's two
 * kernels with the same arguments, registered for the wasm backends by register.ts, run as
 * cell-calls.ts runs a call; calls of unexpected lengths run the reference too.
 */
import { UNARY_CODES } from '../../kernels/op-codes.js';
import { FROM_VALUE, type UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { gruCellBackwardKernel, gruCellKernel } from '../../tensor/ops/gru-cell.js';
import { type CellWasmOptions, cellCaller } from './cell-calls.js';

/** The two kernels, as register.ts registers them. */
export interface GruCellWasm {
  forward: typeof gruCellKernel.reference;
  backward: typeof gruCellBackwardKernel.reference;
}

/** Options of {@link createGruCellWasm} (cell-calls.ts). */
export type GruCellWasmOptions = CellWasmOptions;

export function createGruCellWasm(options: GruCellWasmOptions = {}): GruCellWasm {
  const { wasm, call: inWasm } = cellCaller(options);

  const rowsOf = (h: FloatArray, units: number, wide: readonly FloatArray[]): number | undefined =>
    Number.isInteger(units) &&
    units > 0 &&
    h.length % units === 0 &&
    wide.every((x) => x.length === 3 * h.length)
      ? h.length / units
      : undefined;

  function forward(
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
  ): void {
    const rows = rowsOf(h, units, [xp, inner, pre, aux]);
    const ran =
      rows !== undefined &&
      hNext.length === h.length &&
      inWasm(
        h.length,
        [xp, inner, h, hNext, pre],
        [
          { array: xp, copy: 'in' },
          { array: inner, copy: 'in' },
          { array: h, copy: 'in' },
          { array: hNext, copy: 'out' },
          { array: pre, copy: 'out' },
          { array: aux, copy: 'out' },
          { scratch: xp.byteLength },
        ],
        (kind, at) =>
          (kind === 'f32' ? wasm.gru_cell_f32 : wasm.gru_cell_f64)(
            ...(at as Seven),
            rows,
            units,
            UNARY_CODES[gateOp],
            gateAlpha,
            UNARY_CODES[actOp],
            actAlpha,
          ),
      );
    if (!ran)
      gruCellKernel.reference(xp, inner, h, hNext, pre, aux, units, gateOp, gateAlpha, actOp, actAlpha);
  }

  function backward(
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
  ): void {
    const rows = rowsOf(h, units, [inner, pre, aux, dxp, dinner]);
    const fromValue = FROM_VALUE.includes(gateOp) && FROM_VALUE.includes(actOp);
    const ran =
      rows !== undefined &&
      g.length === h.length &&
      dh.length === h.length &&
      inWasm(
        h.length,
        [inner, h, pre, g, dxp, dinner, dh],
        [
          { array: inner, copy: 'in' },
          { array: h, copy: 'in' },
          { array: pre, copy: fromValue ? 'unread' : 'in' },
          { array: aux, copy: 'in' },
          { array: g, copy: 'in' },
          { array: dxp, copy: 'out' },
          { array: dinner, copy: 'out' },
          { array: dh, copy: 'out' },
        ],
        (kind, at) =>
          (kind === 'f32' ? wasm.gru_cell_backward_f32 : wasm.gru_cell_backward_f64)(
            ...(at as Eight),
            rows,
            units,
            UNARY_CODES[gateOp],
            gateAlpha,
            UNARY_CODES[actOp],
            actAlpha,
          ),
      );
    if (!ran) {
      gruCellBackwardKernel.reference(
        inner,
        h,
        pre,
        aux,
        g,
        dxp,
        dinner,
        dh,
        units,
        gateOp,
        gateAlpha,
        actOp,
        actAlpha,
      );
    }
  }

  return { forward, backward };
}

type Seven = [number, number, number, number, number, number, number];
type Eight = [...Seven, number];

/** Registers the kernels for a backend name (the wasm backend, the threaded one). */
export function registerGruCellWasm(backendName: string, kernels: GruCellWasm = createGruCellWasm()): void {
  gruCellKernel.register(backendName, kernels.forward);
  gruCellBackwardKernel.register(backendName, kernels.backward);
}
