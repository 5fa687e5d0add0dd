/**
 * The kernel module, generated: every kernel defined once in this folder, instantiated for f32x4
 * and f64x2 where it has both variants, assembled into one WebAssembly text module for wabt
 * (packages/ditto/scripts/build-wasm.ts writes the bytes to src/backend/wasm/kernels.wasm.ts).
 *
 * Conventions: pointers are byte addresses into the exported memory; counts and strides are in
 * elements unless a name ends in `Bytes`. Bytes below `heap_base` (exported) are kernel scratch;
 * the host allocates its buffers from there up and leaves at least 32 bytes of slack after each
 * one, because a kernel may *read* a whole vector past the end of a buffer (it never stores past
 * the end of an output).
 */
import { adamKernels } from './adam.js';
import { binary } from './binary.js';
import { convKernels } from './conv.js';
import { densePrepKernels } from './dense-prep.js';
import { elementaryFunctions } from './elementary.js';
import { gruKernels } from './gru.js';
import { ELEMENT_TYPES } from './lanes.js';
import { lstmKernels } from './lstm.js';
import { A_STRIP_AT, A_STRIP_BYTES, matmul } from './matmul.js';
import { poolingKernels } from './pooling.js';
import { reduce } from './reduce.js';
import { rowKernels } from './rows.js';
import { SCRATCH_BYTES } from './scratch.js';
import { softmaxKernels } from './softmax.js';
import { partialStore } from './store.js';
import { scratchGlobals, unaryKernels } from './unary.js';

/**
 * Instances over one shared memory (the threads backend's): each thread's gets one scratch slot of
 * SCRATCH_BYTES at index · SCRATCH_BYTES, and the host's buffers start after all of them.
 */
export const MAX_SCRATCH_SLOTS = 64;
/** Pages the module's memory may grow to (2 GiB, the kernels' signed addressing limit). */
export const SHARED_MEMORY_MAX_PAGES = 32768;

/**
 * The whole module as WebAssembly text (one function per line). Its memory is imported
 * (`env.memory`) so that one memory can serve every thread's instance, and declared with a maximum
 * and not shared: the host flips that one flag where it wants a shared memory (wasm-module.ts
 * `withSharedMemory`). `heap_base` is mutable so that the host can start its buffers after every
 * thread's scratch slot.
 */
export function kernelModuleText(): string {
  // matmul's strip is the last scratch: one slot ends where it does.
  if (A_STRIP_AT + A_STRIP_BYTES !== SCRATCH_BYTES) throw new Error('kernel scratch: the slot size is stale');
  const parts = [
    `(import "env" "memory" (memory $memory 1 ${SHARED_MEMORY_MAX_PAGES}))`,
    '(export "memory" (memory $memory))',
    ...ELEMENT_TYPES.map(partialStore),
    ...ELEMENT_TYPES.flatMap(matmul),
    ...ELEMENT_TYPES.flatMap(densePrepKernels),
    ...ELEMENT_TYPES.flatMap(binary),
    ...ELEMENT_TYPES.flatMap(reduce),
    ...elementaryFunctions(),
    ...ELEMENT_TYPES.flatMap(softmaxKernels),
    ...scratchGlobals(),
    // Scratch: the float32 chunks (unary.ts) below 8192, then matmul's packed strip; the host's
    // buffers start after it (after every slot's when the threads backend moves heap_base).
    `(global $heap_base (export "heap_base") (mut i32) (i32.const ${SCRATCH_BYTES}))`,
    ...unaryKernels(),
    ...adamKernels(),
    ...ELEMENT_TYPES.flatMap(rowKernels),
    ...ELEMENT_TYPES.flatMap(poolingKernels),
    ...ELEMENT_TYPES.flatMap(convKernels),
    ...ELEMENT_TYPES.flatMap(lstmKernels),
    ...ELEMENT_TYPES.flatMap(gruKernels),
  ];
  return `;; Generated from packages/ditto/src/kernels/wasm/ by scripts/build-wasm.ts: do not edit.\n(module\n${parts
    .map((p) => `  ${p}`)
    .join('\n')}\n)\n`;
}

/** An exported function of the module: its name, parameters (name and type) and result. */
export interface KernelExport {
  name: string;
  params: [name: string, type: string][];
  result?: string;
}

/** The module's exported functions, in module order, read from its generated text. */
export function kernelExports(text: string = kernelModuleText()): KernelExport[] {
  const out: KernelExport[] = [];
  for (const line of text.split('\n')) {
    const head =
      /^\s*\(func \$\S+ \(export "([^"]+)"\)((?: \(param \$\w+ \w+\))*)(?: \(result (\w+)\))?/.exec(line);
    if (!head) continue;
    const params = [...head[2].matchAll(/\(param \$(\w+) (\w+)\)/g)].map((m): [string, string] => [
      m[1],
      m[2],
    ]);
    out.push({ name: head[1], params, result: head[3] });
  }
  return out;
}
