/**
 * The dropout masks of one recurrent call, as Keras 3 draws them: one mask for the inputs and one
 * for the recurrent state, each of one row per sequence and the same at every timestep.
 *
 * Keys: the layer's `call`-th training call with dropout draws from `foldIn(dropoutKey, call)` (its
 * key of the `dropout` source, apart from the weights' `init` key), then `foldIn(·, 0)` for the
 * input mask and `foldIn(·, 1)` for the recurrent one.
 *
 * Model files and training states of format 1 stored the layer's single key k, whose masks were
 * drawn from `foldIn(foldIn(k, LEGACY_MASK_STREAM), call)`: {@link legacyDropoutKey} turns k into
 * the dropout key that continues those masks.
 */
import { defineKernel } from '../../kernels/registry.js';
import { bernoulli, foldIn, type Key } from '../../random/index.js';
import type { FloatArray } from '../../tensor/dtype.js';

/** The stream, under a format-1 layer key, that held a recurrent layer's masks. */
const LEGACY_MASK_STREAM = 0xffffffff;

/** Fills a [rows, width] inverted-dropout mask: 0 with probability `rate`, else 1/(1 − rate). */
function fillDropoutMask(mask: FloatArray, maskKey: Key, rate: number): void {
  const keep = bernoulli(maskKey, mask.length, 1 - rate);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < mask.length; i++) mask[i] = keep[i] ? scale : 0;
}

/** The dropout key that continues the masks of a recurrent layer whose format-1 key was `layerKey`. */
export function legacyDropoutKey(layerKey: Key): Key {
  return foldIn(layerKey, LEGACY_MASK_STREAM);
}

/** A recurrent layer as the mask kernel sees it: its rates and its counter of masked calls. */
export interface MaskConsumer {
  readonly dropout: number;
  readonly recurrentDropout: number;
  /** The key of the next masked call, advancing the counter. */
  nextMaskKey(): Key;
}

/**
 * Draws one masked call's masks: the input mask (when dropout > 0), then the recurrent one (when
 * recurrentDropout > 0), in that order among the buffers; the last argument is the layer. A
 * primitive with an effect, so a replayed step draws the next call's masks as an eager one does.
 */
export const recurrentDropoutMasks = defineKernel('recurrentDropoutMasks', (...args: unknown[]) => {
  const layer = args[args.length - 1] as MaskConsumer;
  const masks = args.slice(0, -1) as FloatArray[];
  const callKey = layer.nextMaskKey();
  let next = 0;
  if (layer.dropout > 0) fillDropoutMask(masks[next++], foldIn(callKey, 0), layer.dropout);
  if (layer.recurrentDropout > 0) fillDropoutMask(masks[next], foldIn(callKey, 1), layer.recurrentDropout);
});
