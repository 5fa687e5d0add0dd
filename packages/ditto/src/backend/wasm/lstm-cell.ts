/**
 * The fused LSTM cell's kernels in WebAssembly (kernels/wasm/lstm.ts): tensor/ops/lstm-cell.ts's
 * three kernels with the same arguments, registered for the wasm backends by register.ts, run as
 * cell-calls.ts runs a call (arrays in the instance's memory used in place, the rest copied); calls
 * of unexpected lengths run the reference too (the same bits).
 */
import { UNARY_CODES } from '../../kernels/op-codes.js';
import { FROM_VALUE, type UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import {
  lstmCellKernel,
  lstmCellOutputBackwardKernel,
  lstmCellStateBackwardKernel,
} from '../../tensor/ops/lstm-cell.js';
import { type CellWasmOptions, cellCaller, type Slot } from './cell-calls.js';

/** The three kernels, as register.ts registers them. */
export interface LstmCellWasm {
  forward: typeof lstmCellKernel.reference;
  outputBackward: typeof lstmCellOutputBackwardKernel.reference;
  stateBackward: typeof lstmCellStateBackwardKernel.reference;
}

/** Options of {@link createLstmCellWasm} (cell-calls.ts). */
export type LstmCellWasmOptions = CellWasmOptions;

/** Whether the activation's gradient comes from aux alone (then x, z or c', is not read). */
const fromValue = (op: UnaryOp): boolean => FROM_VALUE.includes(op);

/** The fused cell's kernels on a module instance (see LstmCellWasmOptions.instance). */
export function createLstmCellWasm(options: LstmCellWasmOptions = {}): LstmCellWasm {
  const { wasm, call: inWasm } = cellCaller(options);

  /** Whether z is [rows × 4·units] for [rows × units] `cellArrays` of one length. */
  const fits = (z: FloatArray, cellArrays: readonly FloatArray[], units: number): boolean =>
    Number.isInteger(units) &&
    units > 0 &&
    cellArrays[0].length % units === 0 &&
    z.length === 4 * cellArrays[0].length &&
    cellArrays.every((x) => x.length === cellArrays[0].length);

  const bytesOf = (x: FloatArray): number => (x instanceof Float32Array ? 4 : 8);
  const slot = (array: FloatArray, copy: 'in' | 'out' | 'unread'): Slot => ({ array, copy });

  function forward(
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
  ): void {
    const n = c.length;
    const b = bytesOf(c);
    const ran =
      fits(z, [c, cNext, h], units) &&
      aux.length === 5 * n &&
      inWasm(
        n,
        [z, c, cNext, h],
        [
          slot(z, 'in'),
          slot(c, 'in'),
          { scratch: 4 * n * b },
          slot(cNext, 'out'),
          { scratch: n * b },
          slot(h, 'out'),
          slot(aux, 'out'),
        ],
        (kind, at) =>
          (kind === 'f32' ? wasm.lstm_cell_f32 : wasm.lstm_cell_f64)(
            ...(at as Seven),
            n / units,
            units,
            UNARY_CODES[gateOp],
            gateAlpha,
            UNARY_CODES[actOp],
            actAlpha,
          ),
      );
    if (!ran) lstmCellKernel.reference(z, c, cNext, h, aux, units, gateOp, gateAlpha, actOp, actAlpha);
  }

  function outputBackward(
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
  ): void {
    const n = gh.length;
    const ran =
      fits(z, [cNext, gh, dzo, dcPart], units) &&
      aux.length === 5 * n &&
      inWasm(
        n,
        [z, cNext, gh, dzo, dcPart],
        [
          slot(z, fromValue(gateOp) ? 'unread' : 'in'),
          slot(cNext, fromValue(actOp) ? 'unread' : 'in'),
          slot(aux.subarray(3 * n), 'in'),
          slot(gh, 'in'),
          slot(dzo, 'out'),
          slot(dcPart, 'out'),
        ],
        (kind, at) =>
          (kind === 'f32' ? wasm.lstm_cell_output_backward_f32 : wasm.lstm_cell_output_backward_f64)(
            ...(at as Six),
            n / units,
            units,
            UNARY_CODES[gateOp],
            gateAlpha,
            UNARY_CODES[actOp],
            actAlpha,
          ),
      );
    if (!ran) {
      lstmCellOutputBackwardKernel.reference(
        z,
        cNext,
        aux,
        gh,
        dzo,
        dcPart,
        units,
        gateOp,
        gateAlpha,
        actOp,
        actAlpha,
      );
    }
  }

  function stateBackward(
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
  ): void {
    const n = gc.length;
    const ran =
      fits(z, [c, gc, dzo, dc], units) &&
      dz.length === z.length &&
      aux.length === 5 * n &&
      inWasm(
        n,
        [z, c, gc, dzo, dz, dc],
        [
          slot(z, fromValue(gateOp) && fromValue(actOp) ? 'unread' : 'in'),
          slot(c, 'in'),
          slot(aux.subarray(0, 3 * n), 'in'),
          slot(gc, 'in'),
          slot(dzo, 'in'),
          slot(dz, 'out'),
          slot(dc, 'out'),
        ],
        (kind, at) =>
          (kind === 'f32' ? wasm.lstm_cell_state_backward_f32 : wasm.lstm_cell_state_backward_f64)(
            ...(at as Seven),
            n / units,
            units,
            UNARY_CODES[gateOp],
            gateAlpha,
            UNARY_CODES[actOp],
            actAlpha,
          ),
      );
    if (!ran) {
      lstmCellStateBackwardKernel.reference(
        z,
        c,
        aux,
        gc,
        dzo,
        dz,
        dc,
        units,
        gateOp,
        gateAlpha,
        actOp,
        actAlpha,
      );
    }
  }

  return { forward, outputBackward, stateBackward };
}

type Six = [number, number, number, number, number, number];
type Seven = [...Six, number];

/** Registers the kernels for a backend name (the wasm backend, the threaded one). */
export function registerLstmCellWasm(
  backendName: string,
  kernels: LstmCellWasm = createLstmCellWasm(),
): void {
  lstmCellKernel.register(backendName, kernels.forward);
  lstmCellOutputBackwardKernel.register(backendName, kernels.outputBackward);
  lstmCellStateBackwardKernel.register(backendName, kernels.stateBackward);
}
