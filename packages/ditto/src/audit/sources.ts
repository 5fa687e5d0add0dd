/**
 * The sources of nondeterminism the guard watches — functions on global objects that return
 * something different on every run — and, for the random ones, how 'seed' mode replaces them.
 * Runtime-neutral: only what every JavaScript runtime has (`Math`, `Date`, `globalThis.crypto`,
 * `globalThis.performance`). Node's `node:crypto` functions are added by the Node entry point.
 *
 * @module
 */

import type { ReplacementStreams } from './replacement-streams.js';

/** Randomness (entropy, a generator) or a clock. */
export type SourceKind = 'randomness' | 'time';

/** A function on a global object that the guard wraps for the duration of a guarded run. */
export interface WatchedSource {
  /** How reports name it, e.g. 'Math.random'. */ // determinism-ok: names the source, calls nothing
  readonly name: string;
  readonly kind: SourceKind;
  /** The object that holds the function, or undefined when this runtime has none. */
  holder(): object | undefined;
  /** The function's property name on the holder. */
  readonly property: string;
  /**
   * For 'seed' mode: the call's result drawn from the keyed replacement streams. Sources without it
   * are watched and reported, never replaced.
   */
  replace?(
    original: (...args: unknown[]) => unknown,
    thisArg: unknown,
    args: unknown[],
    streams: ReplacementStreams,
  ): unknown;
  /** Called after the guard installs or removes its wrappers (Node: `syncBuiltinESMExports`). */
  sync?(): void;
}

/** The bytes of any ArrayBufferView (a typed array or a DataView). */
function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function globalCrypto(): object | undefined {
  return (globalThis as { crypto?: object }).crypto;
}

/** `Math.random`: replaced by doubles in [0, 1) made from 53 bits of two stream words. */ // determinism-ok: names the source, calls nothing
export const mathRandom: WatchedSource = {
  name: 'Math.random', // determinism-ok: names the source, calls nothing
  kind: 'randomness',
  holder: () => Math, // determinism-ok: the guard wraps Math.random on this object
  property: 'random',
  replace: (_original, _thisArg, _args, streams) => streams.unitDouble('Math.random'), // determinism-ok: names the source, calls nothing
};

/**
 * `crypto.getRandomValues(array)`: replaced by calling the runtime's own function first (so argument
 * checks and errors are the runtime's), then overwriting the array's bytes from the stream.
 */
export const cryptoGetRandomValues: WatchedSource = {
  name: 'crypto.getRandomValues', // determinism-ok: names the source, calls nothing
  kind: 'randomness',
  holder: globalCrypto,
  property: 'getRandomValues',
  replace: (original, thisArg, args, streams) => {
    const result = original.apply(thisArg, args);
    streams.fillBytes('crypto.getRandomValues', bytesOf(args[0] as ArrayBufferView)); // determinism-ok: names or tests for the source, calls nothing
    return result;
  },
};

/** `crypto.randomUUID()`: replaced by a version-4 UUID from 16 stream bytes. */
export const cryptoRandomUUID: WatchedSource = {
  name: 'crypto.randomUUID',
  kind: 'randomness',
  holder: globalCrypto,
  property: 'randomUUID',
  replace: (_original, _thisArg, _args, streams) => streams.uuid('crypto.randomUUID'),
};

/** `Date.now()`: watched, never replaced (a fake clock would break timeouts). */ // determinism-ok: names or tests for the source, calls nothing
export const dateNow: WatchedSource = {
  name: 'Date.now',
  kind: 'time',
  holder: () => Date,
  property: 'now',
};

/** `performance.now()`: watched, never replaced. */
export const performanceNow: WatchedSource = {
  name: 'performance.now',
  kind: 'time',
  holder: () => (globalThis as { performance?: object }).performance,
  property: 'now',
};

/** The sources every runtime has, in the order reports list them. */
export const standardSources: readonly WatchedSource[] = Object.freeze([
  mathRandom,
  cryptoGetRandomValues,
  cryptoRandomUUID,
  dateNow,
  performanceNow,
]);
