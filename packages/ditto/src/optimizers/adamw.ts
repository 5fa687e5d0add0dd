/** AdamW: Adam with decoupled weight decay, with Keras 3's defaults. */
import { checkOptions } from '../validate/index.js';
import { ADAM_OPTIONS, AdamBase, type AdamOptions } from './adam-base.js';

export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay: w ← w − w·wd·lr before each Adam step; default 0.004 (≥ 0). */
  weightDecay?: number;
}

/**
 * AdamW as Keras 3 computes it (Loshchilov & Hutter's decoupled weight decay): each step first
 * shrinks the weights, w ← w − w·wd·lr, then applies the {@link Adam} update with the decayed w.
 * Keras does the decay for all variables before any Adam update; since both are elementwise the
 * result is the same as doing both per element, which is what ditto's single loop does.
 *
 * @example
 * ```ts
 * const adamw = new AdamW({ weightDecay: 0.01 });
 * adamw.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class AdamW extends AdamBase {
  constructor(options: AdamWOptions = {}) {
    checkOptions('AdamW', options, ADAM_OPTIONS);
    super('adamw', { ...options, weightDecay: options.weightDecay ?? 0.004 });
  }
}
