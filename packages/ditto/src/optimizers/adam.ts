/** Adam, with Keras 3's defaults and form of the update. */
import { checkOptions } from '../validate/index.js';
import { ADAM_OPTIONS, AdamBase, type AdamOptions } from './adam-base.js';

export type { AdamOptions } from './adam-base.js';

/**
 * Adam as Keras 3 computes it: with t the step (1, 2, …),
 * α = lr·√(1−β2^t)/(1−β1^t); m ← m + (g−m)(1−β1); v ← v + (g²−v)(1−β2); w ← w − m·α/(√v + ε).
 * ε is added to the uncorrected √v (Kingma & Ba's "ε-hat"), unlike TensorFlow.js, which adds it to
 * the bias-corrected √v̂. The exact float32 order of operations is in docs/optimizers.md.
 *
 * @example
 * ```ts
 * const adam = new Adam(); // lr 0.001, β1 0.9, β2 0.999, ε 1e-7, as in Keras
 * adam.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class Adam extends AdamBase {
  constructor(options: AdamOptions = {}) {
    checkOptions('Adam', options, ADAM_OPTIONS);
    super('adam', options);
  }
}
