/**
 * The dropout masks of one recurrent call, as Keras 3 draws them: one mask for the inputs and one
 * for the recurrent state, each of one row per sequence and the same at every timestep.
 *
 * Keys: mask draws use `foldIn(foldIn(layerKey, MASK_STREAM), call)` for the layer's `call`-th
 * training call with dropout, then `foldIn(·, 0)` for the input mask and `foldIn(·, 1)` for the
 * recurrent one. MASK_STREAM (2³² − 1) keeps them apart from the weights' keys `foldIn(layerKey, i)`.
 */
import { defineKernel } from '../../kernels/registry.js';
import { bernoulli, foldIn, type Key } from '../../random/index.js';
import type { FloatArray } from '../../tensor/dtype.js';

export const MASK_STREAM = 0xffffffff;

/** Fills a [rows, width] inverted-dropout mask: 0 with probability `rate`, else 1/(1 − rate). */
function fillDropoutMask(mask: FloatArray, maskKey: Key, rate: number): void {
  const keep = bernoulli(maskKey, mask.length, 1 - rate);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < mask.length; i++) mask[i] = keep[i] ? scale : 0;
}

/** The key of a layer's `call`-th masked call. */
export function callMaskKey(layerKey: Key, call: number): Key {
  return foldIn(foldIn(layerKey, MASK_STREAM), call);
}

/** A recurrent layer as the mask kernel sees it: its rates and its counter of masked calls. */
export interface MaskConsumer {
  readonly dropout: number;
  readonly recurrentDropout: number;
  /** The key of the next masked call, advancing the counter. */
  nextMaskCallKey(): Key;
}

/**
 * Draws one masked call's masks: the input mask (when dropout > 0), then the recurrent one (when
 * recurrentDropout > 0), in that order among the buffers; the last argument is the layer. A
 * primitive with an effect, so a replayed step draws the next call's masks as an eager one does.
 */
export const recurrentDropoutMasks = defineKernel('recurrentDropoutMasks', (...args: unknown[]) => {
  const layer = args[args.length - 1] as MaskConsumer;
  const masks = args.slice(0, -1) as FloatArray[];
  const callKey = layer.nextMaskCallKey();
  let next = 0;
  if (layer.dropout > 0) fillDropoutMask(masks[next++], foldIn(callKey, 0), layer.dropout);
  if (layer.recurrentDropout > 0) fillDropoutMask(masks[next], foldIn(callKey, 1), layer.recurrentDropout);
});
