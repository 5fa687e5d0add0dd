/**
 * The module's linear memory, as the host uses it:
 *
 *   [0, heapBase)               the kernels' own scratch
 *   [heapBase, + region)        the engine programs' region (programRegion): their internal buffers,
 *                               read and written in place by the kernels; followed by SLACK
 *   [scratchBase, …)            each call's scratch: buffers that do not live in memory are copied
 *                               here, laid out afresh from scratchBase at every call
 *
 * A buffer that already lives in the memory (a view of `memory.buffer`) is used where it is: its
 * address is its byteOffset, and `write`/`read` skip it. The memory grows when a call's scratch or
 * the region needs more and never shrinks. Growing detaches the old ArrayBuffer (every view over it
 * becomes empty), so while a program replays (`pin`) nothing grows: a call that would need more
 * memory then runs on the reference backend (same bits) and the memory grows at `unpin`.
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
/** The programs' region stays below this, so calls keep room for their scratch. */
const MAX_REGION_END = 2 ** 30;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** What `place` lays out: an array (in place when it lives in memory) or a scratch size in bytes. */
export type Placed = FloatArray | number;

export class WasmArena {
  // Views of the whole memory, made again only when growing detaches the old buffer: creating a
  // typed array per copy costs more than a small kernel.
  private buffer: ArrayBuffer | undefined;
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  /** Bytes of the programs' region, from heapBase. */
  private regionBytes = 0;
  /** Where each call's scratch starts: after the region and its slack. */
  private scratchBase: number;
  /** The most scratch a call has laid out (bytes from scratchBase), kept free when the region grows. */
  private scratchPeak = 0;
  /** Replays in progress: the memory must not grow while this is above 0. */
  private pins = 0;
  /** Bytes the memory should have, for the calls refused while pinned. */
  private wanted = 0;

  /**
   * @param memory the module's memory
   * @param heapBase the first byte the host may use (below it is the kernels' own scratch)
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly heapBase: number,
  ) {
    this.scratchBase = heapBase;
  }

  /** Whether `x` is a view of the module's memory (used in place, never copied). */
  resident(x: FloatArray): boolean {
    return x.buffer === this.memory.buffer;
  }

  /**
   * Addresses (16-byte aligned for scratch) for the items: an array that lives in memory keeps its
   * own address, anything else gets scratch of its byte length (or of the given byte count), growing
   * the memory to hold it. Undefined when they cannot fit, or when growing would detach a view in
   * use — an array of this call, or a replaying program's (the caller then falls back to the
   * reference backend).
   */
  place(...items: Placed[]): number[] | undefined {
    const addresses: number[] = [];
    let next = this.scratchBase;
    let inPlace = false;
    const buffer = this.memory.buffer;
    for (const item of items) {
      if (typeof item !== 'number' && item.buffer === buffer) {
        addresses.push(item.byteOffset);
        inPlace = true;
        continue;
      }
      addresses.push(next);
      next += align16((typeof item === 'number' ? item : item.byteLength) + SLACK);
    }
    if (next > MAX_BYTES) return undefined;
    this.scratchPeak = Math.max(this.scratchPeak, next - this.scratchBase);
    if (next > buffer.byteLength) {
      if (this.pins > 0 || inPlace) {
        this.wanted = Math.max(this.wanted, next);
        return undefined;
      }
      if (!this.growTo(next)) return undefined;
    }
    return addresses;
  }

  /** Copies `source` into memory at `address` (as the same element type); nothing when it is there. */
  write(address: number, source: FloatArray): void {
    this.refresh();
    if (source.buffer === this.buffer && source.byteOffset === address) return;
    if (source instanceof Float32Array) this.f32.set(source, address >>> 2);
    else this.f64.set(source, address >>> 3);
  }

  /**
   * Copies `target.length` elements at `address` into `target` (a bit copy: NaN payloads too);
   * nothing when the kernel wrote `target` in place.
   */
  read(address: number, target: FloatArray): void {
    this.refresh();
    if (target.buffer === this.buffer && target.byteOffset === address) return;
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

  /**
   * The programs' region: its first byte, once it holds at least `bytes` (it grows, never shrinks,
   * and every program shares it — see Backend.programArena), with the memory grown to keep the
   * largest scratch seen after it. Undefined when it cannot grow that far, or during a replay.
   */
  programRegion(bytes: number): number | undefined {
    if (bytes > this.regionBytes) {
      const base = align16(this.heapBase + bytes + SLACK);
      if (this.pins > 0 || base > MAX_REGION_END) return undefined;
      // Room for the largest scratch so far if possible (else the first replay's calls would run on
      // the reference until the memory grows), but at least the region itself.
      if (!this.growTo(Math.min(base + this.scratchPeak, MAX_BYTES)) && !this.growTo(base)) return undefined;
      this.regionBytes = bytes;
      this.scratchBase = base;
    }
    return this.heapBase;
  }

  /** The memory's current buffer (a new one after every growth). */
  currentBuffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** A replay starts: views of the memory must stay attached until `unpin`. */
  pin(): void {
    this.pins++;
  }

  /** A replay ends: the memory grows now to what the calls refused meanwhile needed. */
  unpin(): void {
    this.pins--;
    if (this.pins === 0 && this.wanted > 0) {
      this.growTo(this.wanted);
      this.wanted = 0;
    }
  }

  /** Grows the memory to at least `bytes`; false when it cannot. */
  private growTo(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    try {
      this.memory.grow(Math.ceil((bytes - have) / PAGE));
      return true;
    } catch {
      return false;
    }
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
