/**
 * Blocks of a range of byte addresses that starts at `base` and ends where the highest block ends:
 * first fit in the gaps freed blocks leave (neighbouring gaps merged), else at the end. It only
 * computes addresses; the memory they refer to is the caller's (wasm-arena.ts).
 */
export class BlockHeap {
  /** Free gaps below `end`, as [start, bytes], sorted by start, never adjacent to each other. */
  private readonly gaps: [number, number][] = [];
  /** Bytes of each block in use, by start. */
  private readonly used = new Map<number, number>();
  private top: number;

  /** @param base the first address (a multiple of `align`) */
  constructor(
    base: number,
    private readonly align = 16,
  ) {
    this.top = base;
  }

  /** The first address above every block in use (or `base`). */
  get end(): number {
    return this.top;
  }

  /** The start of a new block of at least `bytes` bytes (rounded up to the alignment). */
  allocate(bytes: number): number {
    const size = Math.max(this.align, Math.ceil(bytes / this.align) * this.align);
    for (let g = 0; g < this.gaps.length; g++) {
      const [start, free] = this.gaps[g];
      if (free < size) continue;
      if (free === size) this.gaps.splice(g, 1);
      else this.gaps[g] = [start + size, free - size];
      this.used.set(start, size);
      return start;
    }
    const start = this.top;
    this.top += size;
    this.used.set(start, size);
    return start;
  }

  /** Returns a block to the heap; a gap at the end lowers `end`. */
  free(start: number): void {
    const size = this.used.get(start);
    if (size === undefined) throw new Error(`BlockHeap: no block at ${start}`);
    this.used.delete(start);
    let at = this.gaps.findIndex(([s]) => s > start);
    if (at < 0) at = this.gaps.length;
    let gapStart = start;
    let gapSize = size;
    const before = this.gaps[at - 1];
    if (before && before[0] + before[1] === start) {
      gapStart = before[0];
      gapSize += before[1];
      this.gaps.splice(--at, 1);
    }
    const after = this.gaps[at];
    if (after && gapStart + gapSize === after[0]) {
      gapSize += after[1];
      this.gaps.splice(at, 1);
    }
    if (gapStart + gapSize === this.top) this.top = gapStart;
    else this.gaps.splice(at, 0, [gapStart, gapSize]);
  }

  /** Blocks in use, as [start, bytes], by start (for tests). */
  blocks(): [number, number][] {
    return [...this.used].sort((a, b) => a[0] - b[0]);
  }
}
