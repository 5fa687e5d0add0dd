/**
 * The fused LSTM cell's kernels in WebAssembly (kernels/wasm/lstm.ts): tensor/ops/lstm-cell.ts's
 * three kernels with the same arguments, registered for the wasm backends by register.ts. Each call
 * copies its inputs into the module's memory, runs, and copies its outputs out; calls too small to
 * gain, of mixed element types or of unexpected lengths run the reference (the same bits).
 */
import { UNARY_CODES } from '../../kernels/op-codes.js';
import type { UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import {
  lstmCellKernel,
  lstmCellOutputBackwardKernel,
  lstmCellStateBackwardKernel,
} from '../../tensor/ops/lstm-cell.js';
import { WasmArena } from './wasm-arena.js';
import { instantiateKernels } from './wasm-module.js';

type Kind = 'f32' | 'f64';

function kindOf(arrays: readonly FloatArray[]): Kind | undefined {
  if (arrays.every((x) => x instanceof Float32Array)) return 'f32';
  if (arrays.every((x) => x instanceof Float64Array)) return 'f64';
  return undefined;
}

/** Below this many cell elements (rows × units) the reference is as fast: the copies dominate. */
const SMALL_CELL = 16;

/** The three kernels, as register.ts registers them. */
export interface LstmCellWasm {
  forward: typeof lstmCellKernel.reference;
  outputBackward: typeof lstmCellOutputBackwardKernel.reference;
  stateBackward: typeof lstmCellStateBackwardKernel.reference;
}

/** Options of {@link createLstmCellWasm}. */
export interface LstmCellWasmOptions {
  /** Run calls of fewer than SMALL_CELL elements on the reference (default true; tests turn it off). */
  smallCallsOnReference?: boolean;
  /** A compiled kernel module to use instead of the bundled one. */
  module?: WebAssembly.Module;
}

/**
 * The fused cell's kernels on their own module instance (its own memory: nothing is shared with
 * the backend's instance between calls, so none is needed).
 */
export function createLstmCellWasm(options: LstmCellWasmOptions = {}): LstmCellWasm {
  const small = options.smallCallsOnReference ?? true;
  const wasm = instantiateKernels(options.module);
  const arena = new WasmArena(wasm.memory, wasm.heap_base.value as number);

  /**
   * Runs `run` on copies of `inputs` in memory and copies `outputs` back; `aux` (float64 whatever
   * the data's type) is an output of the forward and an input of the backward kernels. False
   * (nothing done) when the call belongs to the reference.
   */
  function inWasm(
    cells: number,
    inputs: readonly FloatArray[],
    outputs: readonly FloatArray[],
    aux: readonly [Float64Array],
    run: (kind: Kind, addresses: number[]) => void,
    auxIsOutput = false,
  ): boolean {
    if (cells === 0 || (small && cells < SMALL_CELL)) return false;
    const kind = kindOf([...inputs, ...outputs]);
    if (!kind) return false;
    const bytes = kind === 'f32' ? 4 : 8;
    const at = arena.place(
      ...inputs.map((x) => x.length * bytes),
      ...outputs.map((x) => x.length * bytes),
      aux[0].length * 8,
    );
    if (!at) return false;
    inputs.forEach((x, k) => {
      arena.write(at[k], x);
    });
    const auxAt = at[inputs.length + outputs.length];
    if (!auxIsOutput) arena.write(auxAt, aux[0]);
    run(kind, at);
    outputs.forEach((x, k) => {
      arena.read(at[inputs.length + k], x);
    });
    if (auxIsOutput) arena.read(auxAt, aux[0]);
    return true;
  }

  /** Whether z [rows × 4·units] and the [rows × units] arrays have the lengths the kernels assume. */
  const fits = (z: FloatArray, cellArrays: readonly FloatArray[], units: number): boolean =>
    Number.isInteger(units) &&
    units > 0 &&
    cellArrays[0].length % units === 0 &&
    z.length === 4 * cellArrays[0].length &&
    cellArrays.every((x) => x.length === cellArrays[0].length);

  function forward(
    z: FloatArray,
    c: FloatArray,
    gates: FloatArray,
    cNext: FloatArray,
    actC: FloatArray,
    h: FloatArray,
    aux: Float64Array,
    units: number,
    gateOp: UnaryOp,
    gateAlpha: number,
    actOp: UnaryOp,
    actAlpha: number,
  ): void {
    const ran =
      fits(z, [c, cNext, actC, h], units) &&
      gates.length === z.length &&
      aux.length === z.length + c.length &&
      inWasm(
        c.length,
        [z, c],
        [gates, cNext, actC, h],
        [aux],
        (kind, [pz, pc, pg, pn, pa, ph, px]) =>
          (kind === 'f32' ? wasm.lstm_cell_f32 : wasm.lstm_cell_f64)(
            pz,
            pc,
            pg,
            pn,
            pa,
            ph,
            px,
            c.length / units,
            units,
            UNARY_CODES[gateOp],
            gateAlpha,
            UNARY_CODES[actOp],
            actAlpha,
          ),
        true,
      );
    if (!ran)
      lstmCellKernel.reference(z, c, gates, cNext, actC, h, aux, units, gateOp, gateAlpha, actOp, actAlpha);
  }

  function outputBackward(
    z: FloatArray,
    gates: FloatArray,
    cNext: FloatArray,
    actC: FloatArray,
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
    const ran =
      fits(z, [cNext, actC, gh, dzo, dcPart], units) &&
      gates.length === z.length &&
      aux.length === z.length + gh.length &&
      inWasm(
        gh.length,
        [z, gates, cNext, actC, gh],
        [dzo, dcPart],
        [aux],
        (kind, [pz, pg, pn, pa, pgh, po, pd, px]) =>
          (kind === 'f32' ? wasm.lstm_cell_output_backward_f32 : wasm.lstm_cell_output_backward_f64)(
            pz,
            pg,
            pn,
            pa,
            px,
            pgh,
            po,
            pd,
            gh.length / units,
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
        gates,
        cNext,
        actC,
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
    gates: FloatArray,
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
    const ran =
      fits(z, [c, gc, dzo, dc], units) &&
      gates.length === z.length &&
      dz.length === z.length &&
      aux.length === z.length + gc.length &&
      inWasm(
        gc.length,
        [z, c, gates, gc, dzo],
        [dz, dc],
        [aux],
        (kind, [pz, pc, pg, pgc, po, pdz, pdc, px]) =>
          (kind === 'f32' ? wasm.lstm_cell_state_backward_f32 : wasm.lstm_cell_state_backward_f64)(
            pz,
            pc,
            pg,
            px,
            pgc,
            po,
            pdz,
            pdc,
            gc.length / units,
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
        gates,
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

/** Registers the kernels for a backend name (the wasm backend, the threaded one). */
export function registerLstmCellWasm(
  backendName: string,
  kernels: LstmCellWasm = createLstmCellWasm(),
): void {
  lstmCellKernel.register(backendName, kernels.forward);
  lstmCellOutputBackwardKernel.register(backendName, kernels.outputBackward);
  lstmCellStateBackwardKernel.register(backendName, kernels.stateBackward);
}
