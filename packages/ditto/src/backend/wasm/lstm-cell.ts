/**
 * The fused LSTM cell's kernels in WebAssembly (kernels/wasm/lstm.ts): tensor/ops/lstm-cell.ts's
 * three kernels with the same arguments, registered for the wasm backends by register.ts. Each call
 * copies its inputs into the module's memory, runs, and copies its outputs out; calls too small to
 * gain, of mixed element types or of unexpected lengths run the reference (the same bits).
 */
import { UNARY_CODES } from '../../kernels/op-codes.js';
import { FROM_VALUE, type UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import {
  lstmCellKernel,
  lstmCellOutputBackwardKernel,
  lstmCellStateBackwardKernel,
} from '../../tensor/ops/lstm-cell.js';
import { WasmArena } from './wasm-arena.js';
import { instantiateKernels, type KernelExports } from './wasm-module.js';

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
  /**
   * The module instance to run on — the wasm backend's (its `instance`), so that buffers in its
   * memory (a replaying program's) are used in place; by default a new instance of its own.
   */
  instance?: { readonly wasm: KernelExports; readonly arena: WasmArena };
}

/**
 * One buffer of a kernel call in memory: `array` copied in (`in`), or back out (`out`), or
 * neither (scratch, or an input the ops in use never read); `length` elements of `bytes` each.
 */
interface Slot {
  array?: FloatArray;
  length: number;
  bytes: number;
  copy: 'in' | 'out' | 'none';
}

/** Whether the activation's gradient comes from aux alone (then x, z or c', is not read). */
const fromValue = (op: UnaryOp): boolean => FROM_VALUE.includes(op);

/** The fused cell's kernels on a module instance (see LstmCellWasmOptions.instance). */
export function createLstmCellWasm(options: LstmCellWasmOptions = {}): LstmCellWasm {
  const small = options.smallCallsOnReference ?? true;
  const { wasm, arena } = options.instance ?? ownInstance();

  /**
   * Places the slots, copies the `in` ones into memory, runs, copies the `out` ones back; false
   * (nothing done) when the call belongs to the reference: too small, mixed element types, no room.
   */
  function inWasm(
    cells: number,
    data: readonly FloatArray[],
    slots: readonly Slot[],
    run: (kind: Kind, at: number[]) => void,
  ): boolean {
    if (cells === 0 || (small && cells < SMALL_CELL)) return false;
    const kind = kindOf(data);
    // An array in the memory is used where it is; one that is not read gets no room at all.
    const items = slots.map((slot) =>
      slot.array && (slot.copy !== 'none' || arena.resident(slot.array))
        ? slot.array
        : slot.copy === 'none' && slot.array
          ? 0
          : slot.length * slot.bytes,
    );
    const at = kind && arena.place(...items);
    if (!kind || !at) return false;
    slots.forEach((slot, k) => {
      if (slot.copy === 'in' && slot.array) arena.write(at[k], slot.array);
    });
    run(kind, at);
    slots.forEach((slot, k) => {
      if (slot.copy === 'out' && slot.array) arena.read(at[k], slot.array);
    });
    return true;
  }

  /** Whether z is [rows × 4·units] for [rows × units] `cellArrays` of one length. */
  const fits = (z: FloatArray, cellArrays: readonly FloatArray[], units: number): boolean =>
    Number.isInteger(units) &&
    units > 0 &&
    cellArrays[0].length % units === 0 &&
    z.length === 4 * cellArrays[0].length &&
    cellArrays.every((x) => x.length === cellArrays[0].length);

  const bytesOf = (x: FloatArray): number => (x instanceof Float32Array ? 4 : 8);
  const slot = (array: FloatArray, copy: Slot['copy']): Slot => ({
    array,
    length: array.length,
    bytes: bytesOf(array),
    copy,
  });

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
          { length: 4 * n, bytes: b, copy: 'none' },
          slot(cNext, 'out'),
          { length: n, bytes: b, copy: 'none' },
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
          slot(z, fromValue(gateOp) ? 'none' : 'in'),
          slot(cNext, fromValue(actOp) ? 'none' : 'in'),
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
          slot(z, fromValue(gateOp) && fromValue(actOp) ? 'none' : 'in'),
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

function ownInstance(): { wasm: KernelExports; arena: WasmArena } {
  const wasm = instantiateKernels();
  return { wasm, arena: new WasmArena(wasm.memory, wasm.heap_base.value as number) };
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
