/**
 * The batches of a fit over arrays. Each step's rows are gathered, in the epoch's order, into
 * arrays reused by every step of that size — a replayed step's own input slots once it replays
 * (engine/trace-cache.ts) — and the batch's tensors, input list and step function are made once
 * per size, so a replayed step allocates nothing here.
 */
import type { Buffer } from '../engine/primitive.js';
import type { StepFunction } from '../engine/trace-cache.js';
import type { FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { BatchRows } from './batch-rows.js';

/** The batch tensors of one step: one per input, one per output, and the sample weights if any. */
export interface StepBatch {
  readonly xs: readonly Tensor[];
  readonly ys: readonly Tensor[];
  readonly weights: Tensor | undefined;
}

/** One step's batch as the engine takes it: the tensors, their buffers in order, the traced step. */
export interface GatheredBatch {
  readonly batch: StepBatch;
  /** xs, then ys, then the weights: the step's inputs. */
  readonly inputs: readonly Buffer[];
  /** The step over `batch` (run while the engine traces it). */
  readonly step: StepFunction;
}

interface SizedBatch extends GatheredBatch {
  /** The replay slots the batch was gathered into (undefined: arrays of its own). */
  readonly slots: readonly Buffer[] | undefined;
}

export class FitBatches {
  private readonly rows: BatchRows[];
  private readonly inputCount: number;
  private readonly targetCount: number;
  private readonly weighted: boolean;
  private readonly bySize = new Map<number, SizedBatch>();

  /**
   * @param data - the whole training set
   * @param makeStep - the step function over a batch (called once per batch size and slot list)
   */
  constructor(
    data: StepBatch,
    private readonly makeStep: (batch: StepBatch) => StepFunction,
  ) {
    const sources = [...data.xs, ...data.ys, ...(data.weights ? [data.weights] : [])];
    this.rows = sources.map((t) => new BatchRows(t));
    this.inputCount = data.xs.length;
    this.targetCount = data.ys.length;
    this.weighted = data.weights !== undefined;
  }

  /** Rows order[start..end) of every source, written into `slots` when given (a replaying step's inputs). */
  gather(order: Int32Array, start: number, end: number, slots: readonly Buffer[] | undefined): GatheredBatch {
    const size = end - start;
    const rows = this.rows;
    const known = this.bySize.get(size);
    if (known !== undefined && known.slots === slots) {
      // The same arrays as last time: written in place.
      const inputs = known.inputs;
      for (let i = 0; i < rows.length; i++) rows[i].copyRows(order, start, end, inputs[i] as FloatArray);
      return known;
    }
    const tensors = rows.map((r, i) => r.gather(order, start, end, slots?.[i] as FloatArray | undefined));
    const batch: StepBatch = {
      xs: tensors.slice(0, this.inputCount),
      ys: tensors.slice(this.inputCount, this.inputCount + this.targetCount),
      weights: this.weighted ? tensors[tensors.length - 1] : undefined,
    };
    const sized: SizedBatch = {
      batch,
      inputs: tensors.map((t) => t.data),
      step: this.makeStep(batch),
      slots,
    };
    this.bySize.set(size, sized);
    return sized;
  }
}
