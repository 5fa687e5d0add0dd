/**
 * The arrays one batch size needs, allocated once per (model, batch size) and reused by every step:
 * each step's output, pre-activation, incoming gradient and gradient before the activation, the
 * gathered inputs and targets, and the loss's scratch. Training-only arrays are added on the first
 * training step.
 */
import { Tensor } from '../../tensor/tensor.js';
import type { LossBatch } from './loss-kernels.js';
import type { Plan } from './plan.js';

export class BatchBuffers {
  /** Batch size. */
  readonly m: number;
  /** Each step's output [m×width]. */
  readonly outputs: Float32Array[];
  /**
   * Each step's pre-activation (Dense: x·kernel + bias, kept for the backward pass); the output
   * array itself where the activation is linear or the step has none.
   */
  readonly preActivations: Float32Array[];
  /** Per dense step, room for x·kernel before the bias (composite kernels only). */
  readonly scratch: Float32Array[];
  /** Whether the training arrays exist. */
  private trainingReady = false;
  /** Gathered inputs [m×inWidth]. */
  inputs = new Float32Array(0);
  /** ∂loss/∂output of each step. */
  readonly grads: Float32Array[] = [];
  /** ∂loss/∂pre-activation of each step (the grads array itself where the activation is linear). */
  readonly preGrads: Float32Array[] = [];
  /** Each dropout step's mask of the current step. */
  readonly masks: Array<Float32Array | Float64Array | null> = [];
  /** Tensors of ones that each dropout layer turns into its mask. */
  readonly ones: Array<Tensor | null> = [];
  /** Gathered targets [m × target width], in the layout of the fit's y. */
  targets = new Float32Array(0);
  /** One-hot targets [m×outWidth] for the sparse crossentropy. */
  oneHot = new Float32Array(0);
  /** Loss scratch [m×outWidth]. */
  work1 = new Float32Array(0);
  work2 = new Float32Array(0);
  /** The targets as a tensor (for metrics and losses computed on the tape). */
  yTrue: Tensor | undefined;
  /** The predictions as a tensor (for metrics). */
  yPred: Tensor | undefined;
  /** The predictions as a leaf that requires a gradient (for losses computed on the tape). */
  yPredLeaf: Tensor | undefined;
  /** What a loss kernel reads and writes, with the gathered targets. */
  lossBatch: LossBatch | undefined;
  /** The same with the one-hot targets. */
  oneHotLossBatch: LossBatch | undefined;

  constructor(
    private readonly plan: Plan,
    m: number,
  ) {
    this.m = m;
    this.outputs = [];
    this.preActivations = [];
    this.scratch = [];
    for (const step of plan.steps) {
      const size = m * step.width;
      const out = new Float32Array(size);
      this.outputs.push(out);
      const separatePre =
        step.kind === 'dense' && !(step.activation.kind === 'unary' && step.activation.op === 'linear');
      this.preActivations.push(separatePre ? new Float32Array(size) : out);
      this.scratch.push(step.kind === 'dense' && step.bias ? new Float32Array(size) : out);
    }
  }

  /** Adds the arrays training needs (once), for targets of `targetShape` per sample. */
  prepareTraining(targetShape: readonly number[]): void {
    if (this.trainingReady) return;
    const { m, plan } = this;
    this.inputs = new Float32Array(m * plan.inWidth);
    plan.steps.forEach((step, s) => {
      const size = m * step.width;
      const grad = new Float32Array(size);
      this.grads.push(grad);
      this.preGrads.push(this.preActivations[s] === this.outputs[s] ? grad : new Float32Array(size));
      this.masks.push(null);
      this.ones.push(
        step.kind === 'dropout' ? new Tensor(new Float32Array(size).fill(1), [m, step.width]) : null,
      );
    });
    const targetWidth = targetShape.reduce((a, b) => a * b, 1);
    this.targets = new Float32Array(m * targetWidth);
    this.yTrue = new Tensor(this.targets, [m, ...targetShape]);
    const outputSize = m * plan.outWidth;
    this.oneHot = new Float32Array(outputSize);
    this.work1 = new Float32Array(outputSize);
    this.work2 = new Float32Array(outputSize);
    const predictions = this.outputs[this.outputs.length - 1];
    this.yPred = new Tensor(predictions, [m, plan.outWidth]);
    this.yPredLeaf = new Tensor(predictions, [m, plan.outWidth], true);
    const grad = this.grads[this.grads.length - 1];
    const shared = { yPred: predictions, grad, work1: this.work1, work2: this.work2, m, c: plan.outWidth };
    this.lossBatch = { ...shared, yTrue: this.targets };
    this.oneHotLossBatch = { ...shared, yTrue: this.oneHot };
    this.trainingReady = true;
  }
}
