/**
 * Per-model state of the fast path: the plan of the model's current layers, the arrays of each
 * batch size, and the gradient arrays of the weights. Kept in a WeakMap keyed by the model, and
 * rebuilt whenever the layers change.
 */
import type { Layer } from '../../layers/layer.js';
import { BatchBuffers } from './batch-buffers.js';
import type { DenseGrads } from './engine.js';
import { type Plan, planLayers } from './plan.js';

/** Batch sizes whose arrays are kept per model (a fit uses two: the full and the last batch). */
const MAX_BATCH_SIZES = 4;

export class FastModel {
  readonly plan: Plan;
  /** Per step: the Dense step's weight gradient arrays, null for other steps. */
  readonly weightGrads: ReadonlyArray<DenseGrads | null>;
  private readonly layers: readonly Layer[];
  private readonly batches = new Map<number, BatchBuffers>();

  constructor(layers: readonly Layer[], plan: Plan) {
    this.layers = [...layers];
    this.plan = plan;
    this.weightGrads = plan.steps.map((step) =>
      step.kind === 'dense'
        ? {
            kernel: new Float32Array(step.kernel.value.size),
            bias: step.bias ? new Float32Array(step.bias.value.size) : null,
          }
        : null,
    );
  }

  /** Whether this state still describes these layers. */
  matches(layers: readonly Layer[]): boolean {
    return layers.length === this.layers.length && layers.every((l, i) => l === this.layers[i]);
  }

  /** The arrays for batches of m samples (created on first use). */
  buffers(m: number): BatchBuffers {
    let buffers = this.batches.get(m);
    if (!buffers) {
      if (this.batches.size >= MAX_BATCH_SIZES) this.batches.clear();
      buffers = new BatchBuffers(this.plan, m);
      this.batches.set(m, buffers);
    }
    return buffers;
  }
}

const models = new WeakMap<object, FastModel | string>();
const layerSnapshots = new WeakMap<object, readonly Layer[]>();

/**
 * The fast-path state of a model with these layers, or a sentence saying why it takes the autograd
 * path. The verdict is cached until the layer list changes.
 */
export function fastModelFor(model: object, layers: readonly Layer[]): FastModel | string {
  const cached = models.get(model);
  if (cached instanceof FastModel && cached.matches(layers)) return cached;
  const snapshot = layerSnapshots.get(model);
  if (
    typeof cached === 'string' &&
    snapshot &&
    snapshot.length === layers.length &&
    layers.every((l, i) => l === snapshot[i])
  ) {
    return cached;
  }
  const plan = planLayers(layers);
  if (typeof plan === 'string') {
    // An unbuilt model may qualify once built: only a built model's verdict is kept.
    if (layers.every((l) => l.built)) cache(model, layers, plan);
    return plan;
  }
  if (plan.steps.length === 0) {
    cache(model, layers, 'no layer computes anything');
    return 'no layer computes anything';
  }
  const state = new FastModel(layers, plan);
  cache(model, layers, state);
  return state;
}

function cache(model: object, layers: readonly Layer[], state: FastModel | string): void {
  models.set(model, state);
  layerSnapshots.set(model, [...layers]);
}
