/** Making the WebAssembly backend available to `setBackend('wasm')`. */
import { fold2dKernel, matmulFold2dKernel, unfold2dKernel } from '../../tensor/ops/conv.js';
import { maxPool2dBackwardKernel, maxPool2dKernel } from '../../tensor/ops/pooling.js';
import { gatherRows, scatterAddRows } from '../../tensor/ops/shape-ops.js';
import { registerBackend } from '../registry.js';
import { createGruCellWasm, registerGruCellWasm } from './gru-cell.js';
import { createLstmCellWasm, registerLstmCellWasm } from './lstm-cell.js';
import { createMatmulFold2dWasm } from './matmul-fold.js';
import { createWasmBackend, type WasmBackend } from './wasm-backend.js';
import { wasmSimdSupported } from './wasm-module.js';

let registered = false;

/**
 * Registers the WebAssembly backend as 'wasm' when this runtime supports WebAssembly SIMD, and says
 * whether it did. Safe to call more than once. Selecting it stays explicit: every backend gives the
 * same bits, so the choice only affects speed.
 *
 * @example
 * ```ts
 * import { registerWasmBackend, setBackend } from 'ditto';
 * if (registerWasmBackend()) setBackend('wasm');
 * ```
 */
export function registerWasmBackend(): boolean {
  if (registered) return true;
  if (!wasmSimdSupported()) return false;
  const backend = createWasmBackend();
  registerBackend(backend);
  registerModuleKernels(backend);
  registered = true;
  return true;
}

/**
 * Registers, under `backend.name`, the primitives defined with defineKernel that the kernel module
 * accelerates, on that backend's instance: the one list for every backend built on the module ('wasm'
 * and 'wasm-threads', whose instance's large calls are split across threads). A backend missing
 * from it would run these primitives on the reference code: the same bits, several times slower.
 */
export function registerModuleKernels(backend: WasmBackend): void {
  gatherRows.register(backend.name, backend.gatherRows);
  scatterAddRows.register(backend.name, backend.scatterAddRows);
  maxPool2dKernel.register(backend.name, backend.maxPool2d);
  maxPool2dBackwardKernel.register(backend.name, backend.maxPool2dBackward);
  unfold2dKernel.register(backend.name, backend.unfold2d);
  fold2dKernel.register(backend.name, backend.fold2d);
  matmulFold2dKernel.register(backend.name, createMatmulFold2dWasm(backend));
  registerLstmCellWasm(backend.name, createLstmCellWasm({ instance: backend.instance }));
  registerGruCellWasm(backend.name, createGruCellWasm({ instance: backend.instance }));
}
