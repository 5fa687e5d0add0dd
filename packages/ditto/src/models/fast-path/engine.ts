/**
 * The fused forward and backward passes over a plan's steps, on preallocated arrays. Each step
 * computes what its layer's ops compute on the autograd path, in the same order of operations:
 * Dense through Backend.denseForward / denseBackward (or their composite from basic kernels),
 * activations through the backend's unary and softmax kernels, dropout as the elementwise product
 * with its layer's mask.
 */
import type { Backend } from '../../backend/backend.js';
import type { BatchBuffers } from './batch-buffers.js';
import { denseBackward, denseForward } from './dense-kernels.js';
import type { Plan } from './plan.js';

/** Gradient arrays of one Dense step's kernel and bias (reused every step). */
export interface DenseGrads {
  readonly kernel: Float32Array;
  readonly bias: Float32Array | null;
}

/**
 * Runs the layers on x ([m×inWidth]) and returns the output array. In training, each Dropout layer
 * draws its next mask (through its own `call`, which advances its per-call key exactly as the
 * autograd path does); otherwise dropout is the identity.
 */
export function forwardPass(
  backend: Backend,
  plan: Plan,
  buffers: BatchBuffers,
  x: Float32Array,
  training: boolean,
): Float32Array {
  const m = buffers.m;
  const steps = plan.steps;
  let h = x;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s];
    const out = buffers.outputs[s];
    if (step.kind === 'dense') {
      const w = step.kernel.value.data as Float32Array;
      const bias = step.bias ? (step.bias.value.data as Float32Array) : null;
      const z = buffers.preActivations[s];
      const act = step.activation;
      const { inWidth: k, width: n } = step;
      if (act.kind === 'unary') {
        denseForward(backend, h, w, bias, z, out, buffers.scratch[s], m, k, n, act.op, act.alpha);
      } else {
        denseForward(backend, h, w, bias, z, z, buffers.scratch[s], m, k, n, 'linear', 1);
        backend.softmax(z, out, m, n, act.log);
      }
      h = out;
    } else if (step.kind === 'activation') {
      const act = step.activation;
      if (act.kind === 'unary') backend.unary(act.op, h, out, act.alpha);
      else backend.softmax(h, out, m, step.width, act.log);
      h = out;
    } else if (training) {
      const ones = buffers.ones[s];
      if (!ones) throw new Error('fast path: dropout step without its training arrays');
      const mask = step.layer.call(ones, { training: true }).data;
      buffers.masks[s] = mask;
      for (let i = 0; i < out.length; i++) out[i] = h[i] * mask[i];
      h = out;
    }
  }
  return h;
}

/**
 * Back-propagates buffers.grads[last] (∂loss/∂output, written by the loss) down to step `lowest`,
 * the first Dense step with a trainable weight: every Dense step from the top down to it fills its
 * weight gradients; below it nothing needs a gradient, and step `lowest` skips ∂loss/∂input.
 */
export function backwardPass(
  backend: Backend,
  plan: Plan,
  buffers: BatchBuffers,
  weightGrads: ReadonlyArray<DenseGrads | null>,
  lowest: number,
): void {
  const m = buffers.m;
  const steps = plan.steps;
  for (let s = steps.length - 1; s >= lowest; s--) {
    const step = steps[s];
    const input = s === 0 ? buffers.inputs : buffers.outputs[s - 1];
    const gradInput = s > lowest ? buffers.grads[s - 1] : null;
    const dy = buffers.grads[s];
    if (step.kind === 'dense') {
      const grads = weightGrads[s];
      if (!grads) throw new Error('fast path: dense step without gradient arrays');
      const w = step.kernel.value.data as Float32Array;
      const z = buffers.preActivations[s];
      const dz = buffers.preGrads[s];
      const act = step.activation;
      const { inWidth: k, width: n } = step;
      if (act.kind === 'unary') {
        denseBackward(
          backend,
          input,
          w,
          z,
          dy,
          dz,
          gradInput,
          grads.kernel,
          grads.bias,
          m,
          k,
          n,
          act.op,
          act.alpha,
        );
      } else {
        backend.softmaxBackward(buffers.outputs[s], dy, dz, m, n, act.log);
        denseBackward(
          backend,
          input,
          w,
          z,
          dz,
          dz,
          gradInput,
          grads.kernel,
          grads.bias,
          m,
          k,
          n,
          'linear',
          1,
        );
      }
    } else if (!gradInput) {
      // Nothing below needs a gradient.
    } else if (step.kind === 'activation') {
      const act = step.activation;
      if (act.kind === 'unary') backend.unaryBackward(act.op, input, dy, gradInput, act.alpha);
      else backend.softmaxBackward(buffers.outputs[s], dy, gradInput, m, step.width, act.log);
    } else {
      const mask = buffers.masks[s];
      if (!mask) throw new Error('fast path: dropout backward before its forward pass');
      for (let i = 0; i < dy.length; i++) gradInput[i] = dy[i] * mask[i];
    }
  }
}
