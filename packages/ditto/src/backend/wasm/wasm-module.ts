/**
 * Loading the kernel module: its bytes come from the generated kernels.wasm.ts (base64), so no file
 * system or fetch is needed, and it is compiled synchronously (the module is a few kilobytes).
 */
import type { KernelExports } from './kernel-exports.js';
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';

export type { KernelExports } from './kernel-exports.js';

let bytes: Uint8Array<ArrayBuffer> | undefined;

/** The kernel module's bytes (decoded once). */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  if (!bytes) {
    const text = atob(KERNELS_WASM_BASE64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  }
  return bytes;
}

/**
 * Whether this runtime can run the kernels: WebAssembly with fixed-width SIMD. Validating the kernel
 * module itself checks exactly the instructions it uses.
 *
 * @example
 * ```ts
 * if (wasmSimdSupported()) registerWasmBackend();
 * ```
 */
export function wasmSimdSupported(): boolean {
  return (
    typeof WebAssembly === 'object' &&
    typeof WebAssembly.validate === 'function' &&
    WebAssembly.validate(kernelBytes())
  );
}

/** A fresh instance of the kernel module (or of `module`), with its own linear memory. */
export function instantiateKernels(
  module: WebAssembly.Module = new WebAssembly.Module(kernelBytes()),
): KernelExports {
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}
