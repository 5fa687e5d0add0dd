/**
 * Property: a ditto model file changed anywhere — bytes flipped, cut short, extended, bytes
 * inserted — is always refused with a ModelFileError naming what is wrong, within a second; never
 * a crash, a hang or a model with silently wrong weights.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Dense,
  Dropout,
  LSTM,
  ModelFileError,
  modelFromBytes,
  Sequential,
  setSeed,
} from '../packages/ditto/src/index.js';

setSeed(21);
const model = new Sequential([
  new LSTM(3, { inputShape: [4, 2], returnSequences: false, name: 'lstm' }),
  new Dropout(0.2, { name: 'dropout' }),
  new Dense(2, { name: 'dense' }),
]);
model.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
await model.fit(
  Array.from({ length: 6 }, (_, i) => Array.from({ length: 4 }, (_, t) => [i / 6, t / 4])),
  Array.from({ length: 6 }, (_, i) => [i / 6, 1 - i / 6]),
  { epochs: 1, batchSize: 3, verbose: 0 },
);
const good = model.toBytes();

/** Loads the bytes and returns the error; fails the property on success, a foreign error or a slow refusal. */
function refusal(bytes: Uint8Array): ModelFileError {
  const start = performance.now();
  let caught: unknown;
  try {
    modelFromBytes(bytes);
  } catch (error) {
    caught = error;
  }
  const elapsed = performance.now() - start;
  expect(caught, 'a changed file was loaded').toBeInstanceOf(ModelFileError);
  const error = caught as ModelFileError;
  expect(error.message).toMatch(/^model file: \S/);
  expect(error.field.length).toBeGreaterThan(0);
  expect(elapsed, `refused after ${elapsed.toFixed(0)} ms`).toBeLessThan(1000);
  return error;
}

const position = fc.integer({ min: 0, max: good.length - 1 });

describe('a corrupted model file is always refused clearly', () => {
  it('loads unchanged (the baseline)', () => {
    expect(modelFromBytes(good).weightsHash()).toBe(model.weightsHash());
  });

  it('bytes flipped at random positions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(position, fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (flips) => {
          const bad = good.slice();
          for (const [at, mask] of flips) bad[at] ^= mask;
          if (bad.every((b, i) => b === good[i])) return; // flips that cancel out
          refusal(bad);
        },
      ),
      { numRuns: 400, seed: 1 },
    );
  });

  it('cut to a random length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), (length) => {
        refusal(good.subarray(0, length));
      }),
      { numRuns: 300, seed: 2 },
    );
  });

  it('random bytes appended or inserted', () => {
    fc.assert(
      fc.property(
        position,
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.boolean(),
        (at, extra, append) => {
          const where = append ? good.length : at;
          const bad = new Uint8Array(good.length + extra.length);
          bad.set(good.subarray(0, where));
          bad.set(extra, where);
          bad.set(good.subarray(where), where + extra.length);
          refusal(bad);
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  it('a flipped data byte is blamed on its tensor', () => {
    const dataStart = 8 + Number(new DataView(good.buffer).getBigUint64(0, true));
    fc.assert(
      fc.property(fc.integer({ min: dataStart, max: good.length - 1 }), (at) => {
        const bad = good.slice();
        bad[at] ^= 0xff;
        expect(refusal(bad).field).toMatch(/^tensor '/);
      }),
      { numRuns: 200, seed: 4 },
    );
  });
});
