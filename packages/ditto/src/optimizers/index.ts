/** ditto's optimizers, with Keras 3's update forms and defaults, and lookup by name. */

import { describe, didYouMean } from '../validate/index.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { Ftrl } from './ftrl.js';
import { Lion } from './lion.js';
import { Nadam } from './nadam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamBase } from './adam-base.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { BaseOptimizer, type BaseOptimizerOptions, type Slots } from './base-optimizer.js';
export { clipByNorm, clipByValue, globalNormScale, scaleInto } from './clip.js';
export { Ftrl, type FtrlOptions } from './ftrl.js';
export { Lion, type LionOptions } from './lion.js';
export { Nadam, type NadamOptions } from './nadam.js';
export type { GradientPair, Optimizer } from './optimizer.js';
export { integerPower, powerFor } from './power.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export * as schedules from './schedules/index.js';
export { SGD, type SGDOptions } from './sgd.js';

/** Lower-case names (Keras's registry keys: its class names lower-cased) and their factories. */
const FACTORIES: Readonly<Record<string, () => Optimizer>> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  adamw: () => new AdamW(),
  rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(),
  nadam: () => new Nadam(),
  adamax: () => new Adamax(),
  adadelta: () => new Adadelta(),
  lion: () => new Lion(),
  ftrl: () => new Ftrl(),
};

/** The names `getOptimizer` accepts (case-insensitively). */
export const OPTIMIZER_NAMES: readonly string[] = Object.freeze(Object.keys(FACTORIES));

function isOptimizer(value: unknown): value is Optimizer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Optimizer).applyGradients === 'function' &&
    typeof (value as Optimizer).getConfig === 'function'
  );
}

/**
 * An optimizer from a name, as Keras's `optimizers.get`: 'sgd', 'adam', 'adamw', 'rmsprop',
 * 'adagrad', 'nadam', 'adamax', 'adadelta', 'lion' or 'ftrl', case-insensitive (so Keras's class names 'SGD', 'RMSprop', … work too),
 * gives a fresh instance with Keras's defaults; an optimizer instance is returned unchanged.
 *
 * @example
 * ```ts
 * const adam = getOptimizer('Adam'); // new Adam()
 * const same = getOptimizer(adam);   // adam itself
 * ```
 */
export function getOptimizer(nameOrInstance: string | Optimizer): Optimizer {
  if (typeof nameOrInstance === 'string') {
    const factory = Object.hasOwn(FACTORIES, nameOrInstance.toLowerCase())
      ? FACTORIES[nameOrInstance.toLowerCase()]
      : undefined;
    if (factory === undefined) {
      throw new RangeError(
        `Unknown optimizer '${nameOrInstance}'${didYouMean(nameOrInstance, OPTIMIZER_NAMES)}. ` +
          `Valid names (case-insensitive): ${OPTIMIZER_NAMES.join(', ')}`,
      );
    }
    return factory();
  }
  if (isOptimizer(nameOrInstance)) return nameOrInstance;
  throw new TypeError(
    `getOptimizer: expected an optimizer name or instance, got ${describe(nameOrInstance)}`,
  );
}
