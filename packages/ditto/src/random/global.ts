/**
 * The global seed, like Keras's `keras.utils.set_random_seed`: one root key from which every
 * consumer created without an explicit seed (an initializer, a dropout layer, a shuffle, a split)
 * takes its own key, in program order.
 *
 * @module
 */

import { describe } from './check.js';
import { foldIn, type Key, key, type Seed } from './key.js';

/** A snapshot of the global seeding state, for {@link saveSeedState} / {@link restoreSeedState}. */
export interface SeedState {
  /** The seed in force, or undefined when none has been set or drawn yet. */
  readonly seed: Seed | undefined;
  /** Whether the seed was drawn from the system's entropy rather than set. */
  readonly drawn: boolean;
  /** How many keys {@link nextKey} has handed out since the seed was set. */
  readonly counter: number;
}

const TWO_32 = 4294967296;

/**
 * The documented sources of randomness in training (docs/random.md): `init` (weights, embeddings),
 * `dropout` (dropout, recurrent dropout, noise layers), `order` (shuffling), `split` (train/test
 * splits, k-fold), `augment` (data augmentation) and `user` (what user code draws).
 */
export type SeedSource = 'init' | 'dropout' | 'order' | 'split' | 'augment' | 'user';

let currentSeed: Seed | undefined;
let rootKey: Key | undefined;
let drawn = false;
let counter = 0;

/**
 * Sets the global seed and restarts the sequence of keys that {@link nextKey} hands out.
 * Accepts what {@link key} accepts (an integer of up to 64 bits or a string).
 *
 * @throws Error for an invalid seed (the state is then left unchanged).
 * @example
 * ```ts
 * setSeed(42);
 * const model = buildModel(); // initializers take nextKey() in program order
 * ```
 */
export function setSeed(seed: Seed): void {
  const root = key(seed);
  currentSeed = seed;
  rootKey = root;
  drawn = false;
  counter = 0;
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
 * The global seed in force. If none was set, a uint32 seed is drawn once from the system's
 * entropy (`crypto.getRandomValues`) and recorded, so the run can be replayed later with
 * `setSeed(getSeed())`.
 *
 * @example
 * ```ts
 * const seed = getSeed(); // record it with the run's results
 * // later, to replay: setSeed(seed)
 * ```
 */
export function getSeed(): Seed {
  if (currentSeed === undefined) {
    const seed = drawSeed();
    currentSeed = seed;
    rootKey = key(seed);
    drawn = true;
    counter = 0;
  }
  return currentSeed;
}

/** Whether the seed in force was drawn from the system's entropy (no `setSeed` before first use). */
export function seedWasDrawn(): boolean {
  return drawn;
}

/**
 * A fresh key for the next consumer: `foldIn(key(seed), i)` for the i-th call since the seed was
 * set (or drawn), counting from 0. Draws a seed first if none is in force. The caller names the
 * source it draws for (every source still shares one sequence).
 *
 * @example
 * ```ts
 * setSeed(1);
 * const a = nextKey(); // foldIn(key(1), 0)
 * const b = nextKey(); // foldIn(key(1), 1)
 * ```
 */
export function nextKey(_source: SeedSource = 'user'): Key {
  getSeed();
  if (counter >= TWO_32) {
    throw new Error('random.nextKey: 2^32 keys handed out since the seed was set; call setSeed again');
  }
  return foldIn(rootKey as Key, counter++);
}

/** The current global seeding state, to put back later with {@link restoreSeedState}. */
export function saveSeedState(): SeedState {
  return Object.freeze({ seed: currentSeed, drawn, counter });
}

/**
 * Puts back a state from {@link saveSeedState}. `{ seed: undefined, drawn: false, counter: 0 }`
 * returns to the initial, unseeded state.
 */
export function restoreSeedState(state: SeedState): void {
  const { seed, counter: count } = state;
  if (!Number.isSafeInteger(count) || count < 0 || count > TWO_32) {
    throw new Error(`random.restoreSeedState: invalid counter ${describe(count)}`);
  }
  const root = seed === undefined ? undefined : key(seed);
  currentSeed = seed;
  rootKey = root;
  drawn = seed === undefined ? false : state.drawn;
  counter = seed === undefined ? 0 : count;
}

/**
 * Runs the synchronous `fn` with the global seed set to `seed`, then restores the previous state
 * (also when `fn` throws). Useful in tests and for isolated sub-experiments. (An async `fn` would
 * see the state restored at its first `await`.)
 *
 * @example
 * ```ts
 * const w = withSeed(0, () => normal(nextKey(), 3));
 * ```
 */
export function withSeed<T>(seed: Seed, fn: () => T): T {
  const saved = saveSeedState();
  setSeed(seed);
  try {
    return fn();
  } finally {
    restoreSeedState(saved);
  }
}
