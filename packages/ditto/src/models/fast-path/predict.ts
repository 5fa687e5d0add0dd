/**
 * `predict` on the fast path: the fused forward pass (dropout off) batch by batch, each batch read in
 * place from the samples and written straight into one output array. Rows are independent, so this
 * gives the bits of the autograd path's per-batch forward pass and concatenation.
 */
import { getBackend } from '../../backend/registry.js';
import type { Layer } from '../../layers/layer.js';
import { Tensor } from '../../tensor/tensor.js';
import { forwardPass } from './engine.js';
import { fastModelFor } from './fast-model.js';
import { isFastPathEnabled } from './settings.js';

/**
 * The model's outputs for the samples of xs ([n×features], float32) in batches of `batchSize`, or
 * null when the model or the data need the autograd path (or the fast path is switched off).
 */
export function fastPredict(
  model: object,
  layers: readonly Layer[],
  xs: Tensor,
  batchSize: number,
): Tensor | null {
  if (!isFastPathEnabled()) return null;
  const fast = fastModelFor(model, layers);
  if (typeof fast === 'string') return null;
  const { plan } = fast;
  if (xs.rank !== 2 || xs.shape[1] !== plan.inWidth || !(xs.data instanceof Float32Array)) return null;
  const n = xs.shape[0];
  const k = plan.inWidth;
  const width = plan.outWidth;
  const out = new Float32Array(n * width);
  const backend = getBackend();
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const buffers = fast.buffers(end - start);
    const y = forwardPass(backend, plan, buffers, xs.data.subarray(start * k, end * k), false);
    out.set(y, start * width);
  }
  return new Tensor(out, [n, width]);
}
