/**
 * Masks between layers, as Keras propagates them: a mask is a [batch, timesteps] tensor of 1 (a
 * real step) and 0 (padding). A layer that makes one (Embedding with `maskZero`) or changes one
 * (an RNN that returns only its last output) implements {@link MaskingLayer}; the layers Keras
 * marks `supports_masking` pass it through unchanged; every other layer drops it.
 */
import { formatShape, ShapeError } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Activation } from './activation-layer.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import type { Layer } from './layer.js';

/** Options that `Sequential` passes to `call`: the training flag and the incoming mask. */
export interface CallOptions {
  training: boolean;
  /** [batch, timesteps] of 0/1 from the layer before, or null/undefined when there is none. */
  mask?: Tensor | null;
}

/** A layer that computes the mask of its output from its input and the incoming mask. */
export interface MaskingLayer {
  computeMask(inputs: Tensor, mask: Tensor | null): Tensor | null;
}

function isMaskingLayer(layer: unknown): layer is MaskingLayer {
  return typeof (layer as Partial<MaskingLayer>).computeMask === 'function';
}

/** The mask after `layer`, given its input and the mask it received. */
export function outputMask(layer: Layer, inputs: Tensor, mask: Tensor | null): Tensor | null {
  if (isMaskingLayer(layer)) return layer.computeMask(inputs, mask);
  // Keras 3's supports_masking layers keep the mask (they act on each step on its own).
  if (layer instanceof Dense || layer instanceof Dropout || layer instanceof Activation) return mask;
  return null;
}

/** Checks that a mask fits inputs [batch, timesteps, …]; the error names the layer and both shapes. */
export function checkMask(layerName: string, inputs: Tensor, mask: Tensor): void {
  const fits = mask.rank === 2 && mask.shape[0] === inputs.shape[0] && mask.shape[1] === inputs.shape[1];
  if (!fits) {
    throw new ShapeError(
      `${layerName}: mask of shape ${formatShape(mask.shape)} does not fit inputs of shape ${formatShape(inputs.shape)} ` +
        `(expected [${inputs.shape[0]}, ${inputs.shape[1]}])`,
    );
  }
}
