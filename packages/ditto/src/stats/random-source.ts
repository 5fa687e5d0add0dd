/**
 * The only source of randomness the statistics use (bootstrap resampling).
 *
 * It is injected rather than global so that an interval is a pure function of the data and the
 * source: the experiment runner adapts ditto's keyed Threefry stream to this interface, which makes
 * every bootstrap interval reproducible from the experiment seed.
 *
 * @example
 * ```ts
 * // A toy source for illustration only (not uniform for large bounds):
 * let state = 1;
 * const random: RandomSource = {
 *   nextInt(bound) {
 *     state = (Math.imul(state, 1103515245) + 12345) >>> 0;
 *     return state % bound;
 *   },
 * };
 * ```
 */
export interface RandomSource {
  /** A uniformly distributed integer in `[0, bound)`; `bound` is a positive integer. */
  nextInt(bound: number): number;
}
