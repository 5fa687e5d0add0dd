/**
 * How the fused recurrent cells' wasm wrappers (lstm-cell.ts, gru-cell.ts) run a kernel call: on a
 * module instance (the wasm backend's, so a replaying program's arrays in its memory are used in
 * place), copying in and out only what is not there; a call too small to gain, of mixed element
 * types or with no room runs the reference instead (the same bits).
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { WasmArena } from './wasm-arena.js';
import { instantiateKernels, type KernelExports } from './wasm-module.js';

/** Below this many cell elements (rows × units) the reference is as fast: the copies dominate. */
export const SMALL_CELL = 16;

export type Kind = 'f32' | 'f64';

/** The module instance a cell's kernels run on, with the arena that places their buffers. */
export interface CellInstance {
  readonly wasm: KernelExports;
  readonly arena: WasmArena;
}

/** Options of the cells' wasm kernels. */
export interface CellWasmOptions {
  /** Run calls of fewer than SMALL_CELL elements on the reference (default true; tests turn it off). */
  smallCallsOnReference?: boolean;
  /** The instance to run on — the wasm backend's (its `instance`); by default a new one of its own. */
  instance?: CellInstance;
}

/**
 * One buffer of a kernel call: an array copied in, copied back out, or not read by the ops in
 * use (then it gets no room unless it already lies in memory); or scratch of that many bytes.
 */
export type Slot = { array: FloatArray; copy: 'in' | 'out' | 'unread' } | { scratch: number };

/** The common element type of the arrays, if they have one. */
function kindOf(arrays: readonly FloatArray[]): Kind | undefined {
  if (arrays.every((x) => x instanceof Float32Array)) return 'f32';
  if (arrays.every((x) => x instanceof Float64Array)) return 'f64';
  return undefined;
}

/** A call runner on the options' instance: see {@link CellCall}. */
export function cellCaller(options: CellWasmOptions): { wasm: KernelExports; call: CellCall } {
  const small = options.smallCallsOnReference ?? true;
  const { wasm, arena } = options.instance ?? ownInstance();
  const call: CellCall = (cells, data, slots, run) => {
    if (cells === 0 || (small && cells < SMALL_CELL)) return false;
    const kind = kindOf(data);
    const items = slots.map((slot) =>
      'scratch' in slot
        ? slot.scratch
        : slot.copy !== 'unread' || arena.resident(slot.array)
          ? slot.array
          : 0,
    );
    const at = kind && arena.place(...items);
    if (!kind || !at) return false;
    slots.forEach((slot, k) => {
      if ('array' in slot && slot.copy === 'in') arena.write(at[k], slot.array);
    });
    run(kind, at);
    slots.forEach((slot, k) => {
      if ('array' in slot && slot.copy === 'out') arena.read(at[k], slot.array);
    });
    return true;
  };
  return { wasm, call };
}

/**
 * Places the slots, copies the `in` ones into memory, runs, copies the `out` ones back; false
 * (nothing done) when the call belongs to the reference. `data` are the arrays whose element type
 * must agree.
 */
export type CellCall = (
  cells: number,
  data: readonly FloatArray[],
  slots: readonly Slot[],
  run: (kind: Kind, at: number[]) => void,
) => boolean;

function ownInstance(): CellInstance {
  const wasm = instantiateKernels();
  return { wasm, arena: new WasmArena(wasm.memory, wasm.heap_base.value as number) };
}
