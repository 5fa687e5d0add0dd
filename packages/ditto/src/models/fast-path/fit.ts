/**
 * One `fit` on the fast path: each step gathers its batch into reused arrays, runs the fused
 * forward pass, the loss and its gradient (a fused kernel for the built-in losses, the autograd tape
 * on the predictions alone for any other loss), the fused backward pass, and the optimizer's
 * in-place update with reused gradient arrays.
 */
import { getBackend } from '../../backend/registry.js';
import type { Layer } from '../../layers/layer.js';
import type { Variable } from '../../layers/variable.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  type LossFn,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../../losses/index.js';
import { BaseOptimizer } from '../../optimizers/base-optimizer.js';
import type { GradientPair, Optimizer } from '../../optimizers/optimizer.js';
import { backward } from '../../tensor/autograd.js';
import { mean } from '../../tensor/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BatchBuffers } from './batch-buffers.js';
import { backwardPass, forwardPass } from './engine.js';
import { type FastModel, fastModelFor } from './fast-model.js';
import { logitsLossName } from './from-logits.js';
import {
  binaryCrossentropyKernel,
  categoricalCrossentropyKernel,
  categoricalCrossentropyLogitsKernel,
  type LossBatch,
  meanAbsoluteErrorKernel,
  meanSquaredErrorKernel,
  oneHotInto,
  validLabels,
} from './loss-kernels.js';
import { isFastPathEnabled } from './settings.js';

/** How the loss and its gradient are computed. */
type LossMode = 'mse' | 'mae' | 'bce' | 'cce' | 'cceLogits' | 'scce' | 'scceLogits' | 'tape';

/** One training run on the fast path, created by {@link startFastFit}. */
export interface FastFit {
  /**
   * One gradient step on the samples order[start..end): returns the batch loss (the float32 mean
   * over the batch), exactly as the autograd path computes it.
   */
  step(order: Int32Array, start: number, end: number): number;
  /** The last step's targets, shape [batch, …] as in the fit's y (valid until the next step). */
  readonly yTrue: Tensor;
  /** The last step's predictions [batch, outputs] (valid until the next step). */
  readonly yPred: Tensor;
}

/** The loss mode for a loss function, targets of `targetShape` per sample and `outputs` outputs. */
function lossMode(fn: LossFn, targetShape: readonly number[], outputs: number, ys: Tensor): LossMode {
  const sameShape = targetShape.length === 1 && targetShape[0] === outputs;
  const labels = targetShape.length === 1 && targetShape[0] === 1;
  const logits = logitsLossName(fn);
  if (fn === meanSquaredError) return sameShape ? 'mse' : 'tape';
  if (fn === meanAbsoluteError) return sameShape ? 'mae' : 'tape';
  if (fn === binaryCrossentropy) return sameShape ? 'bce' : 'tape';
  if (fn === categoricalCrossentropy || logits === 'categorical_crossentropy') {
    if (!sameShape) return 'tape';
    return logits ? 'cceLogits' : 'cce';
  }
  if (fn === sparseCategoricalCrossentropy || logits === 'sparse_categorical_crossentropy') {
    // Invalid labels stay on the tape, which reports them.
    if (!labels || !validLabels(ys.data, outputs)) return 'tape';
    return logits ? 'scceLogits' : 'scce';
  }
  return 'tape';
}

class FastFitRun implements FastFit {
  private current: BatchBuffers | undefined;
  private readonly targetWidth: number;
  private readonly targetShape: readonly number[];
  private readonly pairs: GradientPair[];

  constructor(
    private readonly model: FastModel,
    private readonly lowest: number,
    private readonly loss: LossFn,
    private readonly mode: LossMode,
    private readonly optimizer: Optimizer,
    trainable: readonly Variable[],
    private readonly xs: Tensor,
    private readonly ys: Tensor,
  ) {
    this.targetWidth = ys.size / ys.shape[0];
    this.targetShape = ys.shape.slice(1);
    const gradOf = new Map<Variable, Float32Array>();
    model.plan.steps.forEach((step, s) => {
      const grads = model.weightGrads[s];
      if (step.kind !== 'dense' || !grads) return;
      gradOf.set(step.kernel, grads.kernel);
      if (step.bias && grads.bias) gradOf.set(step.bias, grads.bias);
    });
    this.pairs = trainable.map((variable) => {
      const grad = gradOf.get(variable);
      if (!grad) throw new Error(`fast path: no gradient array for '${variable.name}'`);
      return { variable, grad };
    });
  }

  get yTrue(): Tensor {
    return this.requireCurrent().yTrue as Tensor;
  }

  get yPred(): Tensor {
    return this.requireCurrent().yPred as Tensor;
  }

  private requireCurrent(): BatchBuffers {
    if (!this.current) throw new Error('fast path: no step has run yet');
    return this.current;
  }

  step(order: Int32Array, start: number, end: number): number {
    const m = end - start;
    const { plan, weightGrads } = this.model;
    const buffers = this.model.buffers(m);
    buffers.prepareTraining(this.targetShape);
    gatherRows(this.xs.data as Float32Array, plan.inWidth, order, start, m, buffers.inputs);
    gatherRows(this.ys.data as Float32Array, this.targetWidth, order, start, m, buffers.targets);
    const backend = getBackend();
    forwardPass(backend, plan, buffers, buffers.inputs, true);
    const loss = this.lossAndGradient(buffers);
    backwardPass(backend, plan, buffers, weightGrads, this.lowest);
    this.optimizer.applyGradients(this.pairs);
    this.current = buffers;
    return loss;
  }

  private lossAndGradient(buffers: BatchBuffers): number {
    const batch = buffers.lossBatch as LossBatch;
    const oneHot = buffers.oneHotLossBatch as LossBatch;
    switch (this.mode) {
      case 'mse':
        return meanSquaredErrorKernel(batch);
      case 'mae':
        return meanAbsoluteErrorKernel(batch);
      case 'bce':
        return binaryCrossentropyKernel(batch);
      case 'cce':
        return categoricalCrossentropyKernel(batch);
      case 'cceLogits':
        return categoricalCrossentropyLogitsKernel(getBackend(), batch);
      case 'scce':
        oneHotInto(buffers.targets, buffers.oneHot, buffers.m, batch.c);
        return categoricalCrossentropyKernel(oneHot);
      case 'scceLogits':
        oneHotInto(buffers.targets, buffers.oneHot, buffers.m, batch.c);
        return categoricalCrossentropyLogitsKernel(getBackend(), oneHot);
      case 'tape':
        return this.lossOnTape(buffers, batch.grad);
    }
  }

  /**
   * mean(loss(yTrue, yPred)) differentiated on the autograd tape with the predictions as a leaf.
   * The gradient that reaches the predictions is the one the full tape computes: the loss's ops
   * are the same, and nothing below the predictions feeds back into them.
   */
  private lossOnTape(buffers: BatchBuffers, grad: Float32Array): number {
    const leaf = buffers.yPredLeaf as Tensor;
    leaf.grad = null;
    const loss = mean(this.loss(buffers.yTrue as Tensor, leaf));
    backward(loss);
    const g = leaf.grad as Tensor | null;
    leaf.grad = null;
    if (g) grad.set(g.data);
    else grad.fill(0);
    return loss.item();
  }
}

/** Copies rows order[start..start+m) of a [n×width] array into out [m×width]. */
function gatherRows(
  data: Float32Array,
  width: number,
  order: Int32Array,
  start: number,
  m: number,
  out: Float32Array,
): void {
  if (width === 1) {
    for (let i = 0; i < m; i++) out[i] = data[order[start + i]];
    return;
  }
  if (width >= 64) {
    // Long rows: a block copy per row beats the element loop (and its view is cheap next to it).
    for (let i = 0; i < m; i++) {
      const from = order[start + i] * width;
      out.set(data.subarray(from, from + width), i * width);
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const from = order[start + i] * width;
    const to = i * width;
    for (let j = 0; j < width; j++) out[to + j] = data[from + j];
  }
}

/**
 * A fast-path training run for this model, loss, optimizer and data, or null when the model, the
 * optimizer or the data need the autograd path (or the fast path is switched off). `trainable` is
 * the model's trainableVariables, in the order the autograd path hands them to the optimizer.
 */
export function startFastFit(
  model: object,
  layers: readonly Layer[],
  loss: LossFn,
  optimizer: Optimizer,
  trainable: readonly Variable[],
  xs: Tensor,
  ys: Tensor,
): FastFit | null {
  if (!isFastPathEnabled()) return null;
  if (!(optimizer instanceof BaseOptimizer) || trainable.length === 0) return null;
  const fast = fastModelFor(model, layers);
  if (typeof fast === 'string') return null;
  const { plan } = fast;
  if (xs.rank !== 2 || xs.shape[1] !== plan.inWidth || !(xs.data instanceof Float32Array)) return null;
  if (ys.rank < 2 || !(ys.data instanceof Float32Array)) return null;
  // The lowest Dense step holding a trainable weight: the backward pass stops there.
  const wanted = new Set(trainable);
  let lowest = -1;
  for (let s = 0; s < plan.steps.length && lowest < 0; s++) {
    const step = plan.steps[s];
    if (step.kind === 'dense' && (wanted.has(step.kernel) || (step.bias !== null && wanted.has(step.bias)))) {
      lowest = s;
    }
  }
  if (lowest < 0) return null;
  const mode = lossMode(loss, ys.shape.slice(1), plan.outWidth, ys);
  try {
    return new FastFitRun(fast, lowest, loss, mode, optimizer, trainable, xs, ys);
  } catch {
    return null;
  }
}
