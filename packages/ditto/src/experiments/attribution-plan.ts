/**
 * The design of an attribution: which runs to make, given the sources a model draws from.
 *
 * - **Crossed** for up to {@link MAX_CROSSED_SOURCES} sources: every combination of k levels per
 *   source (k^s runs), which separates each source's component from their interactions.
 * - **One at a time** beyond that: each source varied alone (k² runs each), plus k² runs with every
 *   source varying; the interactions are only known together, as a remainder.
 *
 * Why the line is at three sources: at the default k = 5 a crossed design costs 5, 25, 125, 625 runs
 * for 1–4 sources, one at a time (s + 1)·25 = 50, 75, 100, 125. Up to three sources the crossed
 * design costs about as much (125 vs 100 runs at s = 3) and every run informs every component; at
 * four it would cost five times as much.
 *
 * @module
 */

import { integerPower } from '../optimizers/power.js';
import type { SeedSource } from '../random/index.js';
import { checkLevels, checkSources, type RepeatDesign } from './attribution-design.js';

/** Crossed designs are used up to this many sources (see the module's description). */
export const MAX_CROSSED_SOURCES = 3;
/** Levels per source when none is given. */
export const DEFAULT_LEVELS = 5;

/** One set of runs of an attribution: a design and how many repeats it has. */
export interface AttributionArm {
  /** A short name: 'crossed', 'vary init', 'all'. */
  readonly label: string;
  /** The design of its repeats ('all': every source varies, a plain run). */
  readonly design: RepeatDesign;
  readonly repeats: number;
}

/** The runs an attribution makes. */
export interface AttributionPlan {
  readonly kind: 'crossed' | 'one-at-a-time';
  /** The sources whose contribution is estimated, in the order of `SEED_SOURCES`. */
  readonly sources: readonly SeedSource[];
  /** k: seeds per source (crossed), or k² repeats per arm (one at a time). */
  readonly levels: number;
  readonly arms: readonly AttributionArm[];
}

/**
 * The runs that attribute a metric's spread to `sources` (those the model was seen to draw from).
 *
 * @throws RangeError for no sources (nothing random to attribute), an unknown or repeated source,
 *   or `levels` < 2.
 * @example
 * ```ts
 * planAttribution(['init', 'order']); // crossed, one arm of 25 repeats
 * ```
 */
export function planAttribution(
  sources: readonly SeedSource[],
  levels: number = DEFAULT_LEVELS,
): AttributionPlan {
  const where = 'attribute';
  checkLevels(where, levels);
  const checked = checkSources(`${where}: sources`, sources);
  if (checked.length === 0) {
    throw new RangeError(
      `${where}: the experiment draws from no source of randomness (every repeat gives the same bits), so there is no spread to attribute`,
    );
  }
  if (checked.length <= MAX_CROSSED_SOURCES) {
    const design: RepeatDesign = Object.freeze({ crossed: Object.freeze(checked), levels });
    return Object.freeze({
      kind: 'crossed',
      sources: Object.freeze(checked),
      levels,
      arms: Object.freeze([
        Object.freeze({ label: 'crossed', design, repeats: integerPower(levels, checked.length) }),
      ]),
    });
  }
  const repeats = levels * levels;
  const arms: AttributionArm[] = checked.map((source) =>
    Object.freeze({
      label: `vary ${source}`,
      design: Object.freeze({ vary: Object.freeze([source]) }),
      repeats,
    }),
  );
  arms.push(Object.freeze({ label: 'all', design: 'all', repeats }));
  return Object.freeze({
    kind: 'one-at-a-time',
    sources: Object.freeze(checked),
    levels,
    arms: Object.freeze(arms),
  });
}
