/**
 * Option objects: every key must be one the function knows, so a typo (`epoch`, `batch_size`,
 * `activaton`) fails at the call with the nearest valid name instead of being ignored.
 *
 * @module
 */

import { describe } from '../random/check.js';
import { didYouMean } from './suggest.js';

/**
 * Every option name of `T`, each mapped to `true`. The compiler checks the object against `T`'s
 * declaration: a name missing from it, or one `T` does not declare, is a type error, so the list of
 * valid names cannot drift from the interface.
 */
export type OptionSpec<T> = { readonly [K in keyof Required<T>]: true };

/**
 * The names of an {@link OptionSpec}, as the list {@link checkOptions} takes.
 *
 * @example
 * ```ts
 * const FIT_OPTIONS = optionNames<FitOptions>({ epochs: true, batchSize: true, … });
 * ```
 */
export function optionNames<T extends object>(spec: OptionSpec<T>): readonly string[] {
  return Object.freeze(Object.keys(spec));
}

/**
 * Throws unless `options` is undefined or a plain object whose own keys are all in `allowed`. The
 * message names the function, the unknown key, the nearest valid name (Keras's snake_case maps to
 * its camelCase) and every valid name.
 *
 * @param where The function as the user wrote it: `'fit'`, `'Dense'`, `"experiment 'tutorial'"`.
 * @throws TypeError `fit: unknown option "batch_size" (did you mean 'batchSize'?); valid options: …`
 * @example
 * ```ts
 * checkOptions('fit', options, FIT_OPTIONS);
 * ```
 */
export function checkOptions(where: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      const valid = allowed.length === 0 ? 'none' : allowed.join(', ');
      throw new TypeError(
        `${where}: unknown option ${describe(name)}${didYouMean(name, allowed)}; valid options: ${valid}`,
      );
    }
  }
}
