/**
 * The kernels' scratch space in the module's linear memory. Each kernel call lays out its buffers
 * afresh from the start (nothing lives between calls), growing the memory when a call needs more;
 * it never shrinks, so the memory stays as large as the largest call so far.
 */
import type { FloatArray } from '../../tensor/dtype.js';

/** Kernels may read one vector past a buffer's end, so every buffer is followed by this much room. */
const SLACK = 32;
const PAGE = 65536;
/**
 * Above this the kernels' signed 32-bit address arithmetic is no longer safe; larger calls run on
 * the reference backend instead (same bits, slower).
 */
const MAX_BYTES = 2 ** 31 - PAGE;

export class WasmArena {
  // Views of the whole memory, made again only when growing detaches the old buffer: creating a
  // typed array per copy costs more than a small kernel.
  private buffer: ArrayBuffer | undefined;
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);

  /**
   * @param memory the module's memory
   * @param heapBase the first byte the host may use (below it is the kernels' own scratch)
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly heapBase: number,
  ) {}

  /**
   * Addresses (16-byte aligned) for buffers of the given byte sizes, growing the memory to hold
   * them; undefined when they cannot fit (the caller then falls back to the reference backend).
   */
  place(...sizes: number[]): number[] | undefined {
    const addresses: number[] = [];
    let next = this.heapBase;
    for (const size of sizes) {
      addresses.push(next);
      next += Math.ceil((size + SLACK) / 16) * 16;
    }
    if (next > MAX_BYTES) return undefined;
    const have = this.memory.buffer.byteLength;
    if (next > have) {
      try {
        this.memory.grow(Math.ceil((next - have) / PAGE));
      } catch {
        return undefined;
      }
    }
    return addresses;
  }

  /** Copies `source` into memory at `address` (as the same element type). */
  write(address: number, source: FloatArray): void {
    this.refresh();
    if (source instanceof Float32Array) this.f32.set(source, address >>> 2);
    else this.f64.set(source, address >>> 3);
  }

  /** Copies `target.length` elements at `address` into `target` (a bit copy: NaN payloads too). */
  read(address: number, target: FloatArray): void {
    this.refresh();
    if (target instanceof Float32Array) {
      const at = address >>> 2;
      target.set(this.f32.subarray(at, at + target.length));
    } else {
      const at = address >>> 3;
      target.set(this.f64.subarray(at, at + target.length));
    }
  }

  /**
   * Copies row indices into memory at `address` as int32; false (nothing usable written) when one
   * is not an integer in [0, rows) — the caller then leaves the call to the reference.
   */
  writeIndices(address: number, indices: ArrayLike<number>, rows: number): boolean {
    this.refresh();
    const at = address >>> 2;
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i];
      if (!(Number.isInteger(r) && r >= 0 && r < rows)) return false;
      this.i32[at + i] = r;
    }
    return true;
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.f32 = new Float32Array(buffer);
      this.f64 = new Float64Array(buffer);
      this.i32 = new Int32Array(buffer);
    }
  }
}
