/**
 * Loading the kernel module: its bytes come from the generated kernels.wasm.ts (base64), so no file
 * system or fetch is needed, and it is compiled synchronously (the module is a few kilobytes).
 */
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';

/** The functions and memory the kernel module exports (each contract is documented at its definition in src/kernels/wasm/). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  /** First address the host may use; the kernels keep scratch below it. */
  readonly heap_base: WebAssembly.Global;
  pack_b_f32(src: number, rowStride: number, colStride: number, dst: number, k: number, n: number): void;
  pack_b_f64(src: number, rowStride: number, colStride: number, dst: number, k: number, n: number): void;
  matmul_f32(
    a: number,
    aRow: number,
    aCol: number,
    panels: number,
    out: number,
    m: number,
    k: number,
    n: number,
  ): void;
  matmul_f64(
    a: number,
    aRow: number,
    aCol: number,
    panels: number,
    out: number,
    m: number,
    k: number,
    n: number,
  ): void;
  binary_f32(
    op: number,
    a: number,
    aOuter: number,
    aInner: number,
    b: number,
    bOuter: number,
    bInner: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  binary_f64(
    op: number,
    a: number,
    aOuter: number,
    aInner: number,
    b: number,
    bOuter: number,
    bInner: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  reduce_sum_f32(x: number, out: number, outer: number, axis: number, inner: number): void;
  reduce_sum_f64(x: number, out: number, outer: number, axis: number, inner: number): void;
  reduce_max_f32(x: number, out: number, outer: number, axis: number, inner: number): void;
  reduce_max_f64(x: number, out: number, outer: number, axis: number, inner: number): void;
  softmax_backward_f32(y: number, dy: number, dx: number, rows: number, cols: number): void;
  softmax_backward_f64(y: number, dy: number, dx: number, rows: number, cols: number): void;
  /** Test and benchmark hook: one elementary function (0 exp … 7 erf, see the .wat) over doubles. */
  elementary_f64(fn: number, src: number, dst: number, count: number): void;
  softmax_f32(x: number, out: number, rows: number, cols: number, log: number): void;
  softmax_f64(x: number, out: number, rows: number, cols: number, log: number): void;
  log_softmax_backward_f32(y: number, dy: number, dx: number, rows: number, cols: number): void;
  log_softmax_backward_f64(y: number, dy: number, dx: number, rows: number, cols: number): void;
  unary_f32(op: number, x: number, out: number, n: number, alpha: number): void;
  unary_f64(op: number, x: number, out: number, n: number, alpha: number): void;
  unary_backward_f32(op: number, x: number, dy: number, dx: number, n: number, alpha: number): void;
  unary_backward_f64(op: number, x: number, dy: number, dx: number, n: number, alpha: number): void;
  /** Adam / AdamW in place (Backend.adamUpdate); `decay` and `amsgrad` are 0 or 1, scalars float32. */
  adam_f32(
    w: number,
    g: number,
    m: number,
    v: number,
    vHat: number,
    n: number,
    lr: number,
    wd: number,
    decay: number,
    alpha: number,
    oneMinusBeta1: number,
    oneMinusBeta2: number,
    epsilon: number,
    amsgrad: number,
  ): void;
}

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
