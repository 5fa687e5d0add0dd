/**
 * Node's own entropy functions for the determinism guard: `node:crypto`'s `randomBytes`,
 * `randomInt`, `randomUUID`, `randomFillSync` and `randomFill`. (`node:crypto`'s `getRandomValues`
 * is a fixed getter whose function calls `globalThis.crypto.getRandomValues`, which the guard
 * watches already.)
 *
 * The guard wraps them on the module's exports object and then calls `syncBuiltinESMExports()`, so
 * code that imported them by name (`import { randomBytes } from 'node:crypto'`) sees the wrappers
 * too; the same happens on the way back. Code that copied a function into a variable of its own
 * before the guard started keeps calling the original.
 *
 * @module
 */

import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { ReplacementStreams, WatchedSource } from 'ditto/internal';

const require = createRequire(import.meta.url);
/** The mutable CommonJS exports object behind both `require('crypto')` and `import 'node:crypto'`. */
const nodeCrypto = require('node:crypto') as Record<string, unknown>;

type Callback = (error: Error | null, value?: unknown) => void;

function splitCallback(args: unknown[]): { rest: unknown[]; callback: Callback | undefined } {
  const last = args[args.length - 1];
  return typeof last === 'function'
    ? { rest: args.slice(0, -1), callback: last as Callback }
    : { rest: args, callback: undefined };
}

function nodeSource(property: string, replace?: WatchedSource['replace']): WatchedSource {
  return {
    name: `node:crypto.${property}`,
    kind: 'randomness',
    holder: () => nodeCrypto,
    property,
    ...(replace ? { replace } : {}),
    sync: syncBuiltinESMExports,
  };
}

/**
 * `randomBytes(size[, callback])`: the runtime's function runs first (its checks, its errors), then
 * the bytes are overwritten from the stream; with a callback, the bytes are drawn at the call (so
 * the stream's order never depends on when callbacks run) and copied in before the callback sees them.
 */
function replaceRandomBytes(
  original: (...args: unknown[]) => unknown,
  thisArg: unknown,
  args: unknown[],
  streams: ReplacementStreams,
): unknown {
  const { rest, callback } = splitCallback(args);
  if (!callback) {
    const buffer = original.apply(thisArg, rest) as Uint8Array;
    streams.fillBytes('node:crypto.randomBytes', buffer);
    return buffer;
  }
  let bytes: Uint8Array | undefined;
  const result = original.apply(thisArg, [
    ...rest,
    (error: Error | null, buffer?: Uint8Array) => {
      if (!error && buffer && bytes) buffer.set(bytes);
      callback(error, buffer);
    },
  ]);
  bytes = streams.fillBytes('node:crypto.randomBytes', new Uint8Array(Number(rest[0])));
  return result;
}

/** `randomInt([min, ]max[, callback])`: the runtime checks the arguments; the value comes from the stream. */
function replaceRandomInt(
  original: (...args: unknown[]) => unknown,
  thisArg: unknown,
  args: unknown[],
  streams: ReplacementStreams,
): unknown {
  const { rest, callback } = splitCallback(args);
  const [min, max] = rest.length >= 2 ? [Number(rest[0]), Number(rest[1])] : [0, Number(rest[0])];
  if (!callback) {
    original.apply(thisArg, rest);
    return streams.intBetween('node:crypto.randomInt', min, max);
  }
  let value: number | undefined;
  const result = original.apply(thisArg, [
    ...rest,
    (error: Error | null, n?: number) => callback(error, error ? n : value),
  ]);
  value = streams.intBetween('node:crypto.randomInt', min, max);
  return result;
}

/** The `node:crypto` sources, in the order reports list them. */
export const nodeCryptoSources: readonly WatchedSource[] = Object.freeze([
  nodeSource('randomBytes', replaceRandomBytes),
  nodeSource('randomInt', replaceRandomInt),
  nodeSource('randomUUID', (_original, _thisArg, _args, streams) => streams.uuid('node:crypto.randomUUID')),
  // Watched only: their offset and size arguments make a faithful replacement more than it is worth.
  nodeSource('randomFillSync'),
  nodeSource('randomFill'),
]);
