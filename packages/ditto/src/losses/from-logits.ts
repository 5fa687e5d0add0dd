/**
 * Crossentropy losses on logits as values `compile` accepts, under Keras's names: the same as a
 * closure such as `(t, p) => categoricalCrossentropy(t, p, { fromLogits: true })`, with a name that
 * run records and summaries show.
 */
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from './crossentropy.js';
import type { LossFn } from './index.js';

/** The crossentropy losses that can take logits, under Keras's names. */
export type LogitsLossName =
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy'
  | 'binary_crossentropy';

function named(name: string, fn: LossFn): LossFn {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

const LOGITS_LOSSES: Readonly<Record<LogitsLossName, LossFn>> = {
  categorical_crossentropy: named('categorical_crossentropy', (yTrue, yPred) =>
    categoricalCrossentropy(yTrue, yPred, { fromLogits: true }),
  ),
  sparse_categorical_crossentropy: named('sparse_categorical_crossentropy', (yTrue, yPred) =>
    sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits: true }),
  ),
  binary_crossentropy: named('binary_crossentropy', (yTrue, yPred) =>
    binaryCrossentropy(yTrue, yPred, { fromLogits: true }),
  ),
};

/**
 * The crossentropy loss of the given name computed from logits (Keras's `from_logits=True`), as a
 * loss function for `compile`. Always the same function object for a name.
 *
 * @example
 * ```ts
 * model.add(new Dense(10)); // logits: no softmax
 * model.compile({ loss: fromLogits('sparse_categorical_crossentropy'), optimizer: 'adam' });
 * ```
 */
export function fromLogits(name: LogitsLossName): LossFn {
  const fn = Object.hasOwn(LOGITS_LOSSES, name) ? LOGITS_LOSSES[name] : undefined;
  if (!fn) {
    throw new Error(
      `fromLogits: unknown loss ${JSON.stringify(name)}; valid names: ${Object.keys(LOGITS_LOSSES).join(', ')}`,
    );
  }
  return fn;
}
