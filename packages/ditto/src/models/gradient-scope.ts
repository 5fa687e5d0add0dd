/**
 * Which variables a training step differentiates: exactly the trainable ones. A variable can be
 * frozen by its own flag or by its layer's (`layer.trainable = false`, which leaves the variable's
 * flag alone), and either flag can change after the variable was made — so the step decides, not
 * the flags the variable was created with.
 */
import type { Variable } from '../layers/variable.js';

/**
 * Runs `fn` with `requiresGrad` set on every variable in `trainable` and cleared on every other one
 * of `variables`, then restores the flags. As in Keras (whose tape watches only the trainable
 * weights) a frozen variable gets no gradient: none is computed for it, and none is left on it for
 * the next step's to be added into — a left-over gradient made every second step one addition
 * longer than the first, so a model with a frozen layer was never replayed.
 */
export function withGradientsFor<T>(
  variables: readonly Variable[],
  trainable: readonly Variable[],
  fn: () => T,
): T {
  const wanted = new Set(trainable);
  const previous = variables.map((v) => v.value.requiresGrad);
  for (const v of variables) v.value.requiresGrad = wanted.has(v);
  try {
    return fn();
  } finally {
    variables.forEach((v, i) => {
      v.value.requiresGrad = previous[i];
    });
  }
}
