/**
 * Which sources of randomness a repeat varies: `vary` (some sources vary with the repeat, the
 * others keep one fixed seed) and the crossed design of an attribution (each source at k levels,
 * every combination). A design is plain data, so it crosses thread boundaries and is stored in run
 * records; {@link designSeed} turns (experiment seed, repeat index, design) into what the runner
 * passes to `setSeed`.
 *
 * @module
 */

import { SEED_SOURCES, type Seed, type SeedAssignment, type SeedSource } from '../random/index.js';
import { repeatSeed } from '../tutorial/repeat-seed.js';
import { didYouMean } from '../validate/index.js';

/**
 * How a repeat's sources get their seeds.
 *
 * - `'all'`: every source varies with the repeat — `setSeed(repeatSeed(experimentSeed, i))`, the
 *   plain repeat, bit for bit as before designs existed.
 * - `{ vary: ['init'] }`: repeat i gives the listed sources the seed of level i, every other source
 *   the seed of level 0, so they are bit-fixed across repeats.
 * - `{ crossed: ['init', 'order'], levels: 5 }`: repeat c is cell c of the k^s combinations, the
 *   first source varying slowest; source j gets the seed of its level in that cell, the sources
 *   not listed level 0.
 *
 * The seed of level l is `repeatSeed(experimentSeed, l)`, the seed repeat l has when every source
 * varies: level l of a source draws exactly what that source draws in repeat l of the plain run.
 */
export type RepeatDesign =
  | 'all'
  | { readonly vary: readonly SeedSource[] }
  | { readonly crossed: readonly SeedSource[]; readonly levels: number };

/** What `vary` accepts: 'all' (every source varies with the repeat) or a list of sources. */
export type Vary = 'all' | readonly SeedSource[];

/**
 * Checks a `vary` option and returns it frozen: 'all', or a non-empty list of distinct sources.
 *
 * @throws TypeError/RangeError naming `where` and the bad entry, with the nearest source name.
 * @example
 * ```ts
 * checkVary("experiment 'x'", ['init']); // ['init']
 * checkVary("experiment 'x'", ['inti']); // throws: … is 'inti', not a source of randomness (did you mean 'init'?) …
 * ```
 */
export function checkVary(where: string, vary: unknown): Vary {
  if (vary === 'all') return 'all';
  if (!Array.isArray(vary)) {
    throw new TypeError(
      `${where}: \`vary\` must be 'all' or a list of sources (${SEED_SOURCES.join(', ')}), got ${typeof vary === 'string' ? JSON.stringify(vary) : typeof vary}`,
    );
  }
  if (vary.length === 0) {
    throw new RangeError(`${where}: \`vary\` is empty; name at least one source, or use 'all'`);
  }
  return Object.freeze(checkSources(`${where}: \`vary\``, vary));
}

/** Checks a list of source names: each known (else the nearest one is suggested), none twice. */
export function checkSources(where: string, sources: readonly unknown[]): SeedSource[] {
  const seen = new Set<SeedSource>();
  sources.forEach((source, i) => {
    if (typeof source !== 'string' || !(SEED_SOURCES as readonly string[]).includes(source)) {
      const hint = typeof source === 'string' ? didYouMean(source, SEED_SOURCES) : '';
      throw new RangeError(
        `${where}[${i}] is ${typeof source === 'string' ? `'${source}'` : String(source)}, not a source of randomness${hint}; the sources are ${SEED_SOURCES.join(', ')}`,
      );
    }
    if (seen.has(source as SeedSource)) throw new RangeError(`${where} names '${source}' twice`);
    seen.add(source as SeedSource);
  });
  return [...seen];
}

/** The design a `vary` option stands for. */
export function varyDesign(vary: Vary): RepeatDesign {
  return vary === 'all' ? 'all' : Object.freeze({ vary });
}

/** The sources a design varies. */
export function designSources(design: RepeatDesign): readonly SeedSource[] {
  if (design === 'all') return SEED_SOURCES;
  return 'vary' in design ? design.vary : design.crossed;
}

/** The level of each varied source in repeat `index` of a design other than 'all'. */
export function designLevels(
  design: Exclude<RepeatDesign, 'all'>,
  index: number,
): Partial<Record<SeedSource, number>> {
  const levels: Partial<Record<SeedSource, number>> = {};
  if ('vary' in design) {
    for (const source of design.vary) levels[source] = index;
    return levels;
  }
  let rest = index;
  for (let j = design.crossed.length - 1; j >= 0; j--) {
    levels[design.crossed[j]] = rest % design.levels;
    rest = Math.floor(rest / design.levels);
  }
  return levels;
}

/**
 * What repeat `index` passes to `setSeed`: `repeatSeed(experimentSeed, index)` for 'all' or no
 * design (unchanged from before designs existed), else the assignment of {@link RepeatDesign}.
 *
 * @example
 * ```ts
 * designSeed(7n, 3, { vary: ['init'] }); // { seed: repeatSeed(7n, 0), init: repeatSeed(7n, 3) }
 * ```
 */
export function designSeed(
  experimentSeed: bigint,
  index: number,
  design: RepeatDesign | undefined,
): Seed | SeedAssignment {
  if (design === undefined || design === 'all') return repeatSeed(experimentSeed, index);
  const base = repeatSeed(experimentSeed, 0);
  const assignment: Record<string, Seed> = { seed: base };
  let overrides = 0;
  for (const [source, level] of Object.entries(designLevels(design, index))) {
    if (level === 0) continue; // level 0 is the base seed's own stream
    assignment[source] = repeatSeed(experimentSeed, level as number);
    overrides++;
  }
  return overrides === 0 ? base : (Object.freeze(assignment) as SeedAssignment);
}

/**
 * Checks a design read from outside (a run record, a worker message, an API caller).
 *
 * @throws RangeError/TypeError naming what is wrong.
 */
export function checkDesign(where: string, design: unknown): RepeatDesign {
  if (design === 'all') return 'all';
  if (design === null || typeof design !== 'object' || Array.isArray(design)) {
    throw new TypeError(`${where}: a design must be 'all', { vary: [...] } or { crossed: [...], levels: k }`);
  }
  const d = design as Record<string, unknown>;
  if ('vary' in d) {
    const vary = checkVary(where, d.vary);
    return varyDesign(vary);
  }
  if (!Array.isArray(d.crossed) || d.crossed.length === 0) {
    throw new TypeError(`${where}: a crossed design needs a non-empty list \`crossed\` of sources`);
  }
  const levels = checkLevels(where, d.levels);
  return Object.freeze({ crossed: Object.freeze(checkSources(`${where}: \`crossed\``, d.crossed)), levels });
}

/**
 * Throws unless `levels` (k, the seeds per source) is an integer ≥ 2: one level has no spread.
 */
export function checkLevels(where: string, levels: unknown): number {
  if (typeof levels !== 'number' || !Number.isInteger(levels) || levels < 2) {
    throw new RangeError(
      `${where}: \`levels\` must be an integer ≥ 2 (got ${String(levels)}): a source seen at one level shows no spread`,
    );
  }
  return levels;
}
