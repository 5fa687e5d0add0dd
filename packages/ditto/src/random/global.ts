/**
 * The global seed, like Keras's `keras.utils.set_random_seed`: one seed from which every consumer
 * created without an explicit seed (an initializer, a dropout layer, a shuffle, a split) takes its
 * own key. Each source of randomness (`init`, `dropout`, `order`, `split`, `augment`, `user`) has
 * its own stream of the seed and its own counter: the i-th key handed out for source s is
 * `foldIn(foldIn(key(seedOf(s)), SOURCE_IDS[s]), i)`, where seedOf(s) is the seed in force, or the
 * source's override (`setSeed({ seed: 1, init: 42 })`).
 *
 * @module
 */

import { checkObject, checkSeed } from '../validate/arguments.js';
import { didYouMean } from '../validate/suggest.js';
import { describe } from './check.js';
import { foldIn, type Key, key, type Seed } from './key.js';
import { SEED_SOURCES, type SeedSource, SOURCE_IDS } from './sources.js';

export { SEED_SOURCES, type SeedSource } from './sources.js';

/**
 * A seed per source: `seed` for every source not named, and an override for each one named.
 * `{ seed: 1 }` is the same as `setSeed(1)`; `{ seed: 1, init: 42 }` changes only the `init` stream.
 */
export type SeedAssignment = { readonly seed: Seed } & Partial<Readonly<Record<SeedSource, Seed>>>;

/** How many keys each source has handed out since the seed was set (a missing source: 0). */
export type SourceCounters = Readonly<Partial<Record<SeedSource, number>>>;

/** A snapshot of the global seeding state, for {@link saveSeedState} / {@link restoreSeedState}. */
export interface SeedState {
  /** The seed or assignment in force, or undefined when none has been set or drawn yet. */
  readonly seed: Seed | SeedAssignment | undefined;
  /** Whether the seed was drawn from the system's entropy rather than set. */
  readonly drawn: boolean;
  /** How many keys {@link nextKey} has handed out for each source since the seed was set. */
  readonly counters: SourceCounters;
}

const TWO_32 = 4294967296;
const ASSIGNMENT_FIELDS: readonly string[] = ['seed', ...SEED_SOURCES];

let inForce: Seed | SeedAssignment | undefined;
let roots: Record<SeedSource, Key> | undefined;
let drawn = false;
let counters = zeroCounters();

function zeroCounters(): Record<SeedSource, number> {
  const zeros = {} as Record<SeedSource, number>;
  for (const source of SEED_SOURCES) zeros[source] = 0;
  return zeros;
}

function isAssignment(value: Seed | SeedAssignment): value is SeedAssignment {
  return typeof value === 'object' && value !== null;
}

/**
 * Checks a seed or an assignment and returns what is in force (a plain seed when nothing is
 * overridden, else a frozen copy of the assignment) and each source's root key.
 */
function resolve(
  where: string,
  value: unknown,
): { seed: Seed | SeedAssignment; roots: Record<SeedSource, Key> } {
  if (typeof value !== 'object' || value === null) {
    checkSeed(where, 'seed', value);
    return { seed: value, roots: rootsOf(value, {}) };
  }
  checkObject(where, 'the seed assignment', value);
  const given = value as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!ASSIGNMENT_FIELDS.includes(name)) {
      throw new TypeError(
        `${where}: unknown source ${describe(name)}${didYouMean(name, ASSIGNMENT_FIELDS)}; an assignment has 'seed' and any of ${SEED_SOURCES.join(', ')}`,
      );
    }
  }
  if (given.seed === undefined) {
    throw new TypeError(
      `${where}: the seed assignment has no 'seed' (the seed of every source it does not override), e.g. { seed: 1, init: 42 }`,
    );
  }
  checkSeed(where, "the assignment's 'seed'", given.seed);
  const overrides: Partial<Record<SeedSource, Seed>> = {};
  for (const source of SEED_SOURCES) {
    const seed = given[source];
    if (seed === undefined) continue;
    checkSeed(where, `the '${source}' override`, seed);
    overrides[source] = seed;
  }
  const base = given.seed as Seed;
  const seed = Object.keys(overrides).length === 0 ? base : Object.freeze({ seed: base, ...overrides });
  return { seed, roots: rootsOf(base, overrides) };
}

function rootsOf(base: Seed, overrides: Partial<Record<SeedSource, Seed>>): Record<SeedSource, Key> {
  // sourceKey(seed, source) for each source, with key(base) made once (a seed's conversion to 64
  // bits takes BigInt arithmetic, the slow part of setSeed).
  const baseKey = key(base);
  const roots = {} as Record<SeedSource, Key>;
  for (const source of SEED_SOURCES) {
    const own = overrides[source];
    roots[source] = foldIn(own === undefined ? baseKey : key(own), SOURCE_IDS[source]);
  }
  return roots;
}

/**
 * Sets the global seed and restarts every source's sequence of keys. Accepts what {@link key}
 * accepts (an integer of up to 64 bits or a string), or a {@link SeedAssignment} that overrides
 * the seed of some sources: an override's stream is derived from its own seed exactly as the base
 * seed's streams are, so `{ seed: 1, init: 1 }` gives the same keys as `1`.
 *
 * @throws TypeError / RangeError naming an invalid seed or an unknown source (the state is then
 * left unchanged).
 * @example
 * ```ts
 * setSeed(42);
 * const model = buildModel(); // initializers take nextKey('init') in program order
 * setSeed({ seed: 42, init: 7 }); // other weights, the same dropout masks and data order
 * ```
 */
export function setSeed(seed: Seed | SeedAssignment): void {
  const resolved = resolve('setSeed', seed);
  inForce = resolved.seed;
  roots = resolved.roots;
  drawn = false;
  counters = zeroCounters();
}

/**
 * Draws a uint32 seed from the system's entropy source (`crypto.getRandomValues`). The one place
 * ditto reads entropy: every caller records the seed it gets, so the run can be replayed.
 *
 * @param where names the caller in the error thrown when the runtime has no entropy source.
 */
export function drawSeed(where = 'random'): number {
  const source = globalThis.crypto;
  const available = typeof source?.getRandomValues === 'function'; // determinism-ok: tests for the source, calls nothing
  if (!available) {
    throw new Error(`${where}: no seed was given and this runtime has no entropy source; set a seed`);
  }
  const word = new Uint32Array(1);
  source.getRandomValues(word); // determinism-ok: the drawn seed is recorded by the caller and replays the run
  return word[0];
}

/**
 * The global seed in force: the plain seed when no source is overridden, else the assignment
 * object. If none was set, a uint32 seed is drawn once from the system's entropy
 * (`crypto.getRandomValues`) and recorded, so the run can be replayed later with
 * `setSeed(getSeed())`.
 *
 * @example
 * ```ts
 * const seed = getSeed(); // record it with the run's results
 * // later, to replay: setSeed(seed)
 * ```
 */
export function getSeed(): Seed | SeedAssignment {
  if (inForce === undefined) {
    const seed = drawSeed();
    inForce = seed;
    roots = rootsOf(seed, {});
    drawn = true;
    counters = zeroCounters();
  }
  return inForce;
}

/** The base seed of a seed or an assignment: the seed of every source it does not override. */
export function baseSeed(seed: Seed | SeedAssignment): Seed {
  return isAssignment(seed) ? seed.seed : seed;
}

/** Whether the seed in force was drawn from the system's entropy (no `setSeed` before first use). */
export function seedWasDrawn(): boolean {
  return drawn;
}

function checkSource(where: string, source: unknown): asserts source is SeedSource {
  if (!(SEED_SOURCES as readonly unknown[]).includes(source)) {
    const hint = typeof source === 'string' ? didYouMean(source, SEED_SOURCES) : '';
    throw new TypeError(
      `${where}: unknown source ${describe(source)}${hint}; the sources are ${SEED_SOURCES.join(', ')}`,
    );
  }
}

/**
 * A fresh key for the next consumer of `source` (default `user`): the i-th call for a source since
 * the seed was set (or drawn), counting from 0, returns `foldIn(foldIn(key(seed), SOURCE_IDS[source]), i)`
 * with the source's seed. Draws a seed first if none is in force. Sources count separately.
 *
 * @example
 * ```ts
 * setSeed(1);
 * const a = nextKey(); // foldIn(foldIn(key(1), 5), 0): the first 'user' key
 * const w = nextKey('init'); // foldIn(foldIn(key(1), 0), 0), whatever 'user' drew before
 * ```
 */
export function nextKey(source: SeedSource = 'user'): Key {
  checkSource('random.nextKey', source);
  getSeed();
  const count = counters[source];
  if (count >= TWO_32) {
    throw new Error(
      `random.nextKey: 2^32 '${source}' keys handed out since the seed was set; call setSeed again`,
    );
  }
  counters[source] = count + 1;
  return foldIn((roots as Record<SeedSource, Key>)[source], count);
}

/**
 * The sources that have handed out at least one key since the seed was set (or restored), in the
 * order of {@link SEED_SOURCES}: what a run actually drew from, detected rather than guessed.
 *
 * @example
 * ```ts
 * setSeed(1);
 * model.build([4]); // Dense layers only
 * drawnSources(); // ['init']
 * ```
 */
export function drawnSources(): SeedSource[] {
  return SEED_SOURCES.filter((source) => counters[source] > 0);
}

/** The current global seeding state, to put back later with {@link restoreSeedState}. */
export function saveSeedState(): SeedState {
  return Object.freeze({ seed: inForce, drawn, counters: Object.freeze({ ...counters }) });
}

/**
 * Puts back a state from {@link saveSeedState} (a source missing from `counters` restarts at 0).
 * `{ seed: undefined, drawn: false, counters: {} }` returns to the initial, unseeded state.
 */
export function restoreSeedState(state: SeedState): void {
  checkObject('random.restoreSeedState', 'state', state);
  const given = state.counters ?? {};
  checkObject('random.restoreSeedState', 'counters', given);
  const restored = zeroCounters();
  for (const [source, count] of Object.entries(given)) {
    checkSource('random.restoreSeedState', source);
    if (count === undefined) continue;
    if (!Number.isSafeInteger(count) || count < 0 || count > TWO_32) {
      throw new Error(`random.restoreSeedState: invalid counter ${describe(count)} for '${source}'`);
    }
    restored[source] = count;
  }
  const resolved = state.seed === undefined ? undefined : resolve('random.restoreSeedState', state.seed);
  inForce = resolved?.seed;
  roots = resolved?.roots;
  drawn = resolved === undefined ? false : state.drawn;
  counters = resolved === undefined ? zeroCounters() : restored;
}

/**
 * Runs the synchronous `fn` with the global seed set to `seed` (a seed or an assignment), then
 * restores the previous state — seed and every source's counter — also when `fn` throws. Useful in
 * tests and for isolated sub-experiments. (An async `fn` would see the state restored at its first
 * `await`.)
 *
 * @example
 * ```ts
 * const w = withSeed(0, () => normal(nextKey(), 3));
 * ```
 */
export function withSeed<T>(seed: Seed | SeedAssignment, fn: () => T): T {
  const saved = saveSeedState();
  setSeed(seed);
  try {
    return fn();
  } finally {
    restoreSeedState(saved);
  }
}
