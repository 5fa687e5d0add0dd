/**
 * Where the kernels' scratch lives. The kernels keep small scratch buffers at fixed offsets below
 * `heap_base` (binary's splats at 0 and 16, the float32 chunks at 1024 and 4096, matmul's packed
 * strip at 8192): {@link SCRATCH_BYTES} bytes in all.
 *
 * The module is generated in two layouts:
 * - `fixed` (the bundled single-threaded module): each scratch address is a constant;
 * - `per-instance` (the shared-memory module of the threads backend): every instance shares one
 *   memory, so each address is `$scratch_base + offset`, a mutable global each thread's instance
 *   sets to its own slot (`set_scratch_base`) before running a kernel.
 *
 * The layout is a generation-time setting rather than a parameter of every kernel generator so that
 * the kernels' definitions stay as they are; {@link withScratchLayout} sets it around one generation.
 */
import { global, i32, type Wat } from './wat.js';

/** Bytes of one instance's scratch (the single-threaded module's `heap_base`). */
export const SCRATCH_BYTES = 16384;

export type ScratchLayout = 'fixed' | 'per-instance';

let layout: ScratchLayout = 'fixed';

/** Runs `generate` with scratch addresses in `chosen` layout. */
export function withScratchLayout<T>(chosen: ScratchLayout, generate: () => T): T {
  const before = layout;
  layout = chosen;
  try {
    return generate();
  } finally {
    layout = before;
  }
}

/** The layout the module being generated uses. */
export function scratchLayout(): ScratchLayout {
  return layout;
}

/** The address of scratch byte `offset` of the running instance. */
export function scratchAt(offset: number): Wat {
  if (layout === 'fixed') return i32.const(offset);
  return offset === 0 ? global('scratch_base') : i32.add(global('scratch_base'), i32.const(offset));
}
