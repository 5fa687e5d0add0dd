/**
 * The module's linear memory, as the host uses it:
 *
 *   [0, heapBase)               the kernels' own scratch
 *   [heapBase, heap end)        blocks (block-heap.ts), each followed by SLACK: the engine programs'
 *                               region (programRegion: their internal buffers, read and written in
 *                               place by the kernels) and, in shared memory, resident arrays
 *                               (residentArray: variables, optimizer slots, programs' inputs and
 *                               results), which live as long as the array object
 *   [heap end, …)               each call's scratch: buffers that do not live in memory are copied
 *                               here, laid out afresh at every call
 *
 * A buffer that already lives in the memory (a view of it) is used where it is: its address is its
 * byteOffset, and `write`/`read` skip it. The memory grows when a call's scratch or a block needs
 * more and never shrinks. Growing an ordinary memory detaches its ArrayBuffer (every view over it
 * becomes empty), so while a program replays (`pin`) nothing grows: a call that would need more
 * memory then runs on the reference backend (same bits) and the memory grows at `unpin`; such a
 * memory holds only the region, whose views the programs remake. A shared memory
 * (SharedArrayBuffer) is never detached — growing gives a new, longer buffer object and the old
 * ones stay valid views of the same bytes — so it grows whenever needed, and only it holds resident
 * arrays, which user code and tensors keep as ordinary typed arrays.
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { BlockHeap } from './block-heap.js';

/** Kernels may read one vector past a buffer's end, so every buffer is followed by this much room. */
const SLACK = 32;
const PAGE = 65536;
/**
 * Above this the kernels' signed 32-bit address arithmetic is no longer safe; larger calls run on
 * the reference backend instead (same bits, slower).
 */
const MAX_BYTES = 2 ** 31 - PAGE;
/** The region and resident arrays stay below this, so calls keep room for their scratch. */
const MAX_REGION_END = 2 ** 30;
/** Arrays shorter than this many bytes are not made resident: copying them costs less than a block. */
const MIN_RESIDENT_BYTES = 4096;

/** The element types a resident array can have. */
export type ResidentType = 'float32' | 'float64' | 'int32';
type Resident = Float32Array | Float64Array | Int32Array;
const RESIDENT_CONSTRUCTORS = { float32: Float32Array, float64: Float64Array, int32: Int32Array };

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
  /** The region and the resident arrays, from heapBase; each call's scratch starts at its end. */
  private readonly heap: BlockHeap;
  /** The programs' region: its first byte (undefined before the first program) and its bytes. */
  private regionAt: number | undefined;
  private regionBytes = 0;
  /** Whether the memory is shared (never detached by growing: see the file's comment). */
  readonly shared: boolean;
  /**
   * Every buffer object of the shared memory that views were made on (views of older ones stay
   * valid), held strongly: an engine may hand out a new object for the same memory once the old one
   * is unreachable, which would make a view's buffer unknown.
   */
  private readonly buffers = new Set<ArrayBufferLike>();
  /** Frees a resident array's block once the array object is garbage. */
  private readonly blocks = new FinalizationRegistry<number>((start) => this.heap.free(start));
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
    heapBase: number,
  ) {
    this.heap = new BlockHeap(heapBase);
    this.shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.track();
  }

  /** The memory's buffer now, remembered (in a shared memory) as one that resident views use. */
  private track(): ArrayBuffer {
    const buffer = this.memory.buffer;
    if (this.shared) this.buffers.add(buffer);
    return buffer;
  }

  /** Whether `x` is a view of the module's memory (used in place, never copied). */
  resident(x: ArrayBufferView): boolean {
    const buffer = x.buffer;
    return buffer === this.memory.buffer || (this.shared && this.buffers.has(buffer));
  }

  /** Where each call's scratch starts. */
  private get scratchBase(): number {
    return this.heap.end;
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
    for (const item of items) {
      if (typeof item !== 'number' && this.resident(item)) {
        addresses.push(item.byteOffset);
        inPlace = true;
        continue;
      }
      addresses.push(next);
      next += align16((typeof item === 'number' ? item : item.byteLength) + SLACK);
    }
    if (next > MAX_BYTES) return undefined;
    this.scratchPeak = Math.max(this.scratchPeak, next - this.scratchBase);
    if (next > this.memory.buffer.byteLength) {
      // Growing detaches an ordinary memory's views: not while a replay or this call uses some.
      if (!this.shared && (this.pins > 0 || inPlace)) {
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
    if (source.byteOffset === address && this.resident(source)) return;
    if (source instanceof Float32Array) this.f32.set(source, address >>> 2);
    else this.f64.set(source, address >>> 3);
  }

  /**
   * Copies `target.length` elements at `address` into `target` (a bit copy: NaN payloads too);
   * nothing when the kernel wrote `target` in place.
   */
  read(address: number, target: FloatArray): void {
    this.refresh();
    if (target.byteOffset === address && this.resident(target)) return;
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
   * largest scratch seen after it. Growing may move it (a new block; nothing in it needs to survive
   * between replays), so programs read its offset at every replay. Undefined when it cannot grow
   * that far, or during a replay.
   */
  programRegion(bytes: number): number | undefined {
    if (bytes > this.regionBytes || this.regionAt === undefined) {
      if (this.pins > 0) return undefined;
      const old = this.regionAt;
      if (old !== undefined) this.heap.free(old);
      const at = this.heap.allocate(bytes + SLACK);
      const end = this.heap.end;
      // Room for the largest scratch so far if possible (else the first replay's calls would run on
      // the reference until the memory grows), but at least the region itself.
      if (
        end > MAX_REGION_END ||
        (!this.growTo(Math.min(end + this.scratchPeak, MAX_BYTES)) && !this.growTo(end))
      ) {
        // Keep a region for the programs that fit the old one (it may land elsewhere: they re-read it).
        this.heap.free(at);
        if (old !== undefined) this.regionAt = this.heap.allocate(this.regionBytes + SLACK);
        return undefined;
      }
      this.regionAt = at;
      this.regionBytes = bytes;
    }
    return this.regionAt;
  }

  /** The region's first byte now (undefined before the first program). */
  regionOffset(): number | undefined {
    return this.regionAt;
  }

  /**
   * A zeroed array of `length` elements in the module's memory, kept there until the array object
   * is garbage (its block is then reused; a subarray of it does not keep it): kernels use it in
   * place. Only in a shared memory, whose views growing never detaches, and only for arrays of at
   * least MIN_RESIDENT_BYTES; undefined otherwise, or when the memory cannot hold it.
   */
  residentArray(type: ResidentType, length: number): Resident | undefined {
    const Ctor = RESIDENT_CONSTRUCTORS[type];
    const bytes = length * Ctor.BYTES_PER_ELEMENT;
    if (!this.shared || !(bytes >= MIN_RESIDENT_BYTES)) return undefined;
    const start = this.heap.allocate(bytes + SLACK);
    if (this.heap.end > MAX_REGION_END || !this.growTo(this.heap.end)) {
      this.heap.free(start);
      return undefined;
    }
    const array = new Ctor(this.track(), start, length);
    array.fill(0); // a reused block holds an earlier array's values
    this.blocks.register(array, start);
    return array;
  }

  /** The blocks in use, as [first byte, bytes] (for tests: what must survive between calls). */
  usedBlocks(): [number, number][] {
    return this.heap.blocks();
  }

  /** The memory's current buffer (a new one after every growth). */
  currentBuffer(): ArrayBuffer {
    return this.track();
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
      this.track();
      this.buffer = buffer;
      this.f32 = new Float32Array(buffer);
      this.f64 = new Float64Array(buffer);
      this.i32 = new Int32Array(buffer);
    }
  }
}
