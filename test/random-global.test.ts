import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as random from '../packages/ditto/src/random/index.js';

const {
  foldIn,
  getSeed,
  key,
  nextKey,
  normal,
  restoreSeedState,
  saveSeedState,
  seedWasDrawn,
  setSeed,
  withSeed,
} = random;

/** The i-th key of the 'user' source (id 5): foldIn(foldIn(key(seed), 5), i). */
const userKey = (seed: random.Seed, i: number) => foldIn(foldIn(key(seed), 5), i);
const NO_DRAWS = { init: 0, dropout: 0, order: 0, split: 0, augment: 0, user: 0 };
const UNSEEDED = { seed: undefined, drawn: false, counters: {} } as const;

/** Makes crypto.getRandomValues write `word`, counting the calls. */
function fakeEntropy(word: number) {
  return vi
    .spyOn(globalThis.crypto, 'getRandomValues')
    .mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      (array as unknown as Uint32Array)[0] = word;
      return array;
    });
}

beforeEach(() => restoreSeedState(UNSEEDED));
afterEach(() => vi.restoreAllMocks());

describe('setSeed and nextKey', () => {
  it("hand out the 'user' source's keys in program order", () => {
    setSeed(42);
    expect(nextKey()).toEqual(userKey(42, 0));
    expect(nextKey()).toEqual(userKey(42, 1));
    expect(nextKey()).toEqual(userKey(42, 2));
    expect(getSeed()).toBe(42);
    expect(seedWasDrawn()).toBe(false);
  });
  it('setSeed restarts the sequence, so a seeded run repeats exactly', () => {
    const run = () => {
      setSeed(7);
      return [normal(nextKey(), 5), normal(nextKey(), 5)];
    };
    const first = run();
    const second = run();
    expect(second).toEqual(first);
    // …while the two consumers within one run get different draws.
    expect(first[0]).not.toEqual(first[1]);
  });
  it('accepts every seed form of key(), and keeps it as given', () => {
    setSeed('experiment-3');
    expect(getSeed()).toBe('experiment-3');
    expect(nextKey()).toEqual(userKey('experiment-3', 0));
    setSeed(-5n);
    expect(getSeed()).toBe(-5n);
    expect(nextKey()).toEqual(userKey(-5n, 0));
  });
  it('rejects an invalid seed and leaves the state unchanged', () => {
    setSeed(3);
    nextKey();
    expect(() => setSeed(1.5)).toThrow('1.5');
    expect(() => setSeed(Number.NaN)).toThrow('NaN');
    expect(getSeed()).toBe(3);
    expect(nextKey()).toEqual(userKey(3, 1));
  });
  it('stops after 2^32 keys rather than repeat one', () => {
    restoreSeedState({ seed: 1, drawn: false, counters: { user: 2 ** 32 - 1 } });
    expect(nextKey()).toEqual(userKey(1, 2 ** 32 - 1));
    expect(() => nextKey()).toThrow('2^32');
  });
});

describe('unseeded runs', () => {
  it('draw a uint32 seed once from crypto.getRandomValues, record it and report it', () => {
    const spy = fakeEntropy(123456789);
    expect(seedWasDrawn()).toBe(false);
    expect(getSeed()).toBe(123456789);
    expect(getSeed()).toBe(123456789);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(seedWasDrawn()).toBe(true);
    expect(nextKey()).toEqual(userKey(123456789, 0));
    expect(spy).toHaveBeenCalledTimes(1);
  });
  it('draw the seed on the first nextKey too', () => {
    const spy = fakeEntropy(99);
    expect(nextKey()).toEqual(userKey(99, 0));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(getSeed()).toBe(99);
  });
  it('can be replayed with setSeed(getSeed())', () => {
    // Real entropy here: whatever seed is drawn, the replay must reproduce the run.
    const lucky = [normal(nextKey(), 4), normal(nextKey(), 4)];
    const seed = getSeed();
    expect(seedWasDrawn()).toBe(true);
    expect(typeof seed).toBe('number');
    expect(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 32).toBe(true);
    setSeed(seed);
    expect(seedWasDrawn()).toBe(false);
    expect([normal(nextKey(), 4), normal(nextKey(), 4)]).toEqual(lucky);
  });
});

describe('saving and restoring the state', () => {
  it('restoreSeedState(saveSeedState()) continues where it was', () => {
    setSeed(5);
    nextKey();
    const saved = saveSeedState();
    expect(saved).toEqual({ seed: 5, drawn: false, counters: { ...NO_DRAWS, user: 1 } });
    const a = nextKey();
    nextKey();
    restoreSeedState(saved);
    expect(nextKey()).toEqual(a);
  });
  it('withSeed runs under a temporary seed and restores the previous state, also after a throw', () => {
    setSeed(1);
    nextKey();
    const inner = withSeed(2, () => nextKey());
    expect(inner).toEqual(userKey(2, 0));
    expect(nextKey()).toEqual(userKey(1, 1));
    expect(() =>
      withSeed(3, () => {
        nextKey();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(getSeed()).toBe(1);
    expect(nextKey()).toEqual(userKey(1, 2));
  });
  it('the unseeded state can be restored, and a drawn seed keeps its flag', () => {
    fakeEntropy(17);
    getSeed();
    const drawn = saveSeedState();
    expect(drawn).toEqual({ seed: 17, drawn: true, counters: NO_DRAWS });
    setSeed(4);
    restoreSeedState(drawn);
    expect(seedWasDrawn()).toBe(true);
    restoreSeedState(UNSEEDED);
    expect(seedWasDrawn()).toBe(false);
    expect(saveSeedState()).toEqual({ ...UNSEEDED, counters: NO_DRAWS });
    expect(() => restoreSeedState({ seed: 1, drawn: false, counters: { user: -1 } })).toThrow('-1');
  });
});
