/**
 * Where the kernels' scratch lives. The kernels keep small scratch buffers at fixed offsets from
 * `$scratch_base` (binary's splats at 0 and 16, the float32 chunks at 1024 and 4096, matmul's
 * packed strip at 8192): {@link SCRATCH_BYTES} bytes in all. `$scratch_base` is a mutable global of
 * each instance (0 unless `set_scratch_base` moves it): the threads backend runs one instance per
 * thread over one shared memory and gives each its own slot, the single-threaded backend leaves it
 * at 0. One module serves both, so the package ships its kernels once.
 */
import { global, i32, type Wat } from './wat.js';

/** Bytes of one instance's scratch (the module's `heap_base` until the host moves it). */
export const SCRATCH_BYTES = 16384;

/** The address of scratch byte `offset` of the running instance. */
export function scratchAt(offset: number): Wat {
  return offset === 0 ? global('scratch_base') : i32.add(global('scratch_base'), i32.const(offset));
}
