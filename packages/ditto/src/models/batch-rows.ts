/**
 * The rows of one batch gathered into arrays reused by every step of that batch size, so a
 * replayed step reads its batch from the same buffers each time (engine/trace-cache.ts).
 */
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

export class BatchRows {
  private readonly width: number;
  private readonly sampleShape: readonly number[];
  private readonly bySize = new Map<number, Tensor>();
  private readonly over = new Map<FloatArray, Tensor>();

  constructor(private readonly source: Tensor) {
    this.sampleShape = source.shape.slice(1);
    this.width = source.shape[0] === 0 ? 0 : source.size / source.shape[0];
  }

  /**
   * Rows order[start..end) of the source, as a tensor over a reused array — or over `into` (of the
   * batch's length and type: a replayed step's input slot, so the batch is written where it is read).
   */
  gather(order: Int32Array, start: number, end: number, into?: FloatArray): Tensor {
    const m = end - start;
    let batch = into ? this.over.get(into) : this.bySize.get(m);
    if (!batch) {
      batch = new Tensor(into ?? allocate(this.source.dtype, m * this.width), [m, ...this.sampleShape]);
      if (into) this.over.set(into, batch);
      else this.bySize.set(m, batch);
    }
    this.copyRows(order, start, end, batch.data);
    return batch;
  }

  /** Writes rows order[start..end) of the source into `out` (of the batch's length and type). */
  copyRows(order: Int32Array, start: number, end: number, out: FloatArray): void {
    const m = end - start;
    const data = this.source.data;
    const width = this.width;
    if (width === 1) {
      for (let i = 0; i < m; i++) out[i] = data[order[start + i]];
    } else if (width >= 64) {
      // Long rows: a block copy per row beats the element loop.
      for (let i = 0; i < m; i++) {
        const from = order[start + i] * width;
        out.set(data.subarray(from, from + width), i * width);
      }
    } else {
      for (let i = 0; i < m; i++) {
        const from = order[start + i] * width;
        const to = i * width;
        for (let j = 0; j < width; j++) out[to + j] = data[from + j];
      }
    }
  }
}
