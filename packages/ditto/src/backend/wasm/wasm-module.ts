/**
 * Loading the kernel module: its bytes come from the generated kernels.wasm.ts (base64), so no file
 * system or fetch is needed, and it is compiled synchronously (the module is a few kilobytes).
 */
import type { KernelExports } from './kernel-exports.js';
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';
import { KERNELS_SHARED_WASM_BASE64 } from './kernels-shared.wasm.js';

export type { KernelExports } from './kernel-exports.js';

/**
 * The shared-memory variant's exports (kernels/wasm/module.ts): the same kernels, plus the setter of
 * the instance's scratch slot.
 */
export interface SharedKernelExports extends KernelExports {
  set_scratch_base(base: number): void;
}

const decode = (base64: string): Uint8Array<ArrayBuffer> => {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
};

let bytes: Uint8Array<ArrayBuffer> | undefined;
let sharedBytes: Uint8Array<ArrayBuffer> | undefined;

/** The kernel module's bytes (decoded once). */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= decode(KERNELS_WASM_BASE64);
  return bytes;
}

/** The shared-memory variant's bytes (decoded once): memory imported as `env.memory`, shared. */
export function sharedKernelBytes(): Uint8Array<ArrayBuffer> {
  sharedBytes ??= decode(KERNELS_SHARED_WASM_BASE64);
  return sharedBytes;
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

/**
 * `bytes` with its memory declared shared: the memory section's limits flag 0x01 (a maximum) becomes
 * 0x03 (a maximum, shared). Nothing else changes, so the code and its bits are the module's own.
 */
export function withSharedMemory(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  let at = 8; // after the magic number and the version
  const leb = (): number => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = out[at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  while (at < out.length) {
    const id = out[at++];
    const size = leb();
    if (id === 5) {
      if (leb() !== 1 || out[at] !== 0x01)
        throw new Error('kernel module: expected one memory with a maximum');
      out[at] = 0x03;
      return out;
    }
    at += size;
  }
  throw new Error('kernel module: no memory section');
}

let sharedModule: WebAssembly.Module | null | undefined;

/** The kernel module with a shared memory, or null where this runtime has none (no threads, or a page that is not cross-origin isolated). */
function sharedKernelModule(): WebAssembly.Module | null {
  if (sharedModule === undefined) {
    sharedModule = null;
    try {
      if (typeof SharedArrayBuffer !== 'undefined') {
        const module = new WebAssembly.Module(withSharedMemory(kernelBytes()));
        // Instantiating creates the shared memory: a runtime that refuses one throws here.
        new WebAssembly.Instance(module, {});
        sharedModule = module;
      }
    } catch {
      sharedModule = null;
    }
  }
  return sharedModule;
}

/**
 * A fresh instance of the kernel module (or of `module`), with its own linear memory — shared
 * (SharedArrayBuffer: growing it detaches no view, wasm-arena.ts) when `shared` is asked for, no
 * `module` is given and the runtime allows it.
 */
export function instantiateKernels(module?: WebAssembly.Module, shared = false): KernelExports {
  const chosen = module ?? (shared ? sharedKernelModule() : null) ?? new WebAssembly.Module(kernelBytes());
  return new WebAssembly.Instance(chosen, {}).exports as unknown as KernelExports;
}

/**
 * An instance of the shared-memory variant over `memory` (shared, at most SHARED_MEMORY_MAX_PAGES),
 * its kernels' scratch at `scratchBase` (a slot of its own: module.ts MAX_SCRATCH_SLOTS).
 */
export function instantiateSharedKernels(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  scratchBase: number,
): SharedKernelExports {
  const exports = new WebAssembly.Instance(module, { env: { memory } })
    .exports as unknown as SharedKernelExports;
  exports.set_scratch_base(scratchBase);
  return exports;
}
