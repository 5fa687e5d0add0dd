/**
 * Loading the kernel module: its bytes come from the generated kernels.wasm.ts (base64), so no file
 * system or fetch is needed, and it is compiled synchronously (the module is a few kilobytes).
 */
import { MAX_SCRATCH_SLOTS, SHARED_MEMORY_MAX_PAGES } from '../../kernels/wasm/module.js';
import { SCRATCH_BYTES } from '../../kernels/wasm/scratch.js';
import type { KernelExports } from './kernel-exports.js';
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';

export type { KernelExports } from './kernel-exports.js';

/** The same exports, named for instances over a shared memory (one per thread, threads backend). */
export type SharedKernelExports = KernelExports;

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

/** The module's bytes with its imported memory declared shared (made once; see withSharedMemory). */
export function sharedKernelBytes(): Uint8Array<ArrayBuffer> {
  sharedBytes ??= withSharedMemory(kernelBytes());
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
 * `bytes` with its imported memory (`env.memory`, the module's only import) declared shared: the
 * import's limits flag 0x01 (a maximum) becomes 0x03 (a maximum, shared). Nothing else changes, so
 * the code and its bits are the module's own. One module is shipped, not two (the package's size).
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
    if (id === 2) {
      if (leb() !== 1) throw new Error('kernel module: expected one import, its memory');
      for (const _name of ['module', 'field']) {
        const length = leb(); // read before moving `at` past the name
        at += length;
      }
      if (out[at++] !== 0x02 || out[at] !== 0x01)
        throw new Error('kernel module: expected an imported memory with a maximum');
      out[at] = 0x03;
      return out;
    }
    at += size;
  }
  throw new Error('kernel module: no import section');
}

/** A memory the module can import: one page to start, growing to SHARED_MEMORY_MAX_PAGES. */
function newMemory(shared: boolean): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: SHARED_MEMORY_MAX_PAGES, shared });
}

let ordinaryModule: WebAssembly.Module | undefined;
let sharedModule: WebAssembly.Module | null | undefined;

/** The kernel module with a shared memory, or null where this runtime has none (no threads, or a page that is not cross-origin isolated). */
function sharedKernelModule(): WebAssembly.Module | null {
  if (sharedModule === undefined) {
    sharedModule = null;
    try {
      if (typeof SharedArrayBuffer !== 'undefined') {
        const module = new WebAssembly.Module(sharedKernelBytes());
        // A runtime that refuses shared memories throws here.
        new WebAssembly.Instance(module, { env: { memory: newMemory(true) } });
        sharedModule = module;
      }
    } catch {
      sharedModule = null;
    }
  }
  return sharedModule;
}

/**
 * A fresh instance of the kernel module (or of `module`, whose memory is taken as unshared), with a
 * linear memory of its own — shared (SharedArrayBuffer: growing it detaches no view, wasm-arena.ts)
 * when `shared` is asked for, no `module` is given and the runtime allows it.
 */
export function instantiateKernels(module?: WebAssembly.Module, shared = false): KernelExports {
  const sharedChoice = module === undefined && shared ? sharedKernelModule() : null;
  ordinaryModule ??= module === undefined ? new WebAssembly.Module(kernelBytes()) : undefined;
  const chosen = module ?? sharedChoice ?? (ordinaryModule as WebAssembly.Module);
  const memory = newMemory(sharedChoice !== null);
  return new WebAssembly.Instance(chosen, { env: { memory } }).exports as unknown as KernelExports;
}

/**
 * An instance of the module over `memory` (shared, at most SHARED_MEMORY_MAX_PAGES), its kernels'
 * scratch at `scratchBase` (a slot of its own: module.ts MAX_SCRATCH_SLOTS) and its `heap_base` after
 * every slot, so the host's buffers never meet a thread's scratch.
 */
export function instantiateSharedKernels(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  scratchBase: number,
): SharedKernelExports {
  const exports = new WebAssembly.Instance(module, { env: { memory } })
    .exports as unknown as SharedKernelExports;
  exports.set_scratch_base(scratchBase);
  exports.heap_base.value = SCRATCH_BYTES * MAX_SCRATCH_SLOTS;
  return exports;
}
