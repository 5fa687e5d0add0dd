/**
 * The switch between the fused fast path and the general autograd path. Both give the same bits
 * (the autograd path defines the numbers); the switch exists to check that, and to rule the fast
 * path out when chasing a problem.
 */

let enabled = true;

/**
 * Turns the fused training fast path on (the default) or off for every model. With it off, `fit`
 * and `predict` always run the general autograd path.
 *
 * @example
 * ```ts
 * import { setFastPath } from 'ditto';
 * setFastPath(false); // everything through the autograd tape
 * ```
 */
export function setFastPath(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setFastPath: expected a boolean, got ${typeof on}`);
  enabled = on;
}

/** Whether `fit` and `predict` may use the fused fast path. */
export function isFastPathEnabled(): boolean {
  return enabled;
}
