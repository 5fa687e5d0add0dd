/**
 * Keyed splits: pinned hashes of the indices (the same in every runtime), properties over random
 * sizes and seeds with fast-check (a partition of all samples, the asked sizes, every sample
 * validated once across folds, classes in proportion), agreement with trainTestSplit's test set,
 * and JSON round trips that replay the same indices.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HoldoutSplit,
  KFold,
  preprocessorFromConfig,
  type SplitIndices,
  StratifiedKFold,
  shuffleIndices,
  take,
  testCount,
  trainTestSplit,
} from '../packages/ditto/src/data/index.js';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import { restoreSeedState, saveSeedState, setSeed } from '../packages/ditto/src/random/index.js';

const hashIndices = (...lists: number[][]): string => hashArrays(lists.map((l) => Float64Array.from(l)));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (l: number[]): number[] => [...l].sort((a, b) => a - b);

function expectPartition({ train, validation, test }: SplitIndices, n: number): void {
  expect(sorted([...train, ...validation, ...test])).toEqual(range(n));
}

/** Labels with uneven classes: 0 for i % 10 < 6, 1 for 6–8, 2 for 9. */
const unevenLabels = (n: number): string[] =>
  range(n).map((i) => (i % 10 < 6 ? 'a' : i % 10 < 9 ? 'b' : 'c'));

describe('HoldoutSplit', () => {
  it('pinned indices for a seed', () => {
    const { train, validation, test } = new HoldoutSplit({
      testSize: 0.2,
      validationSize: 0.1,
      seed: 42,
    }).split(100);
    expect([train.length, validation.length, test.length]).toEqual([70, 10, 20]);
    expect(hashIndices(train, validation, test)).toBe(
      '40e0b05d9e7205c8fa88931c242bb0defa4b6bdbec6974565d3ff2a2e5a5f3c6',
    );
    const s = new HoldoutSplit({ testSize: 0.2, validationSize: 0.1, seed: 42 }).split(
      100,
      unevenLabels(100),
    );
    expect(hashIndices(s.train, s.validation, s.test)).toBe(
      'ca72fa37d4c4d99f294eb30d9d51c8d451c0e010bc97348e047642197d3ca62d',
    );
  });

  it('its test set is trainTestSplit’s with the same seed', () => {
    const x = range(37);
    const { xTest } = trainTestSplit(x, x, { testSize: 0.3, seed: 'abc' });
    expect(new HoldoutSplit({ testSize: 0.3, seed: 'abc' }).split(37).test).toEqual(xTest);
  });

  it('property: a partition with the asked sizes, same for the same seed, from JSON too', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 300 }), fc.integer(), fc.boolean(), (n, seed, shuffle) => {
        const split = new HoldoutSplit({ testSize: 0.25, validationSize: 0.2, seed, shuffle });
        const result = split.split(n);
        expectPartition(result, n);
        expect(result.test.length).toBe(testCount(n, 0.25));
        expect(result.validation.length).toBe(testCount(n, 0.2));
        const restored = preprocessorFromConfig(JSON.parse(JSON.stringify(split.toConfig()))) as HoldoutSplit;
        expect(restored.split(n)).toEqual(result);
      }),
      { numRuns: 60 },
    );
  });

  it('property: stratified sets hold each class in proportion (within one sample)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 400 }), fc.integer(), (n, seed) => {
        const labels = unevenLabels(n);
        const result = new HoldoutSplit({ testSize: 0.3, validationSize: 0.2, seed }).split(n, labels);
        expectPartition(result, n);
        expect(result.test.length).toBe(testCount(n, 0.3));
        for (const cls of ['a', 'b', 'c']) {
          const total = labels.filter((l) => l === cls).length;
          const inTest = result.test.filter((i) => labels[i] === cls).length;
          expect(Math.abs(inTest - (total * result.test.length) / n)).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a split without a seed takes the next global key: reproducible after setSeed', () => {
    const saved = saveSeedState();
    try {
      setSeed(5);
      const first = [new HoldoutSplit().split(20), new HoldoutSplit().split(20)];
      setSeed(5);
      const again = [new HoldoutSplit().split(20), new HoldoutSplit().split(20)];
      expect(again).toEqual(first);
      expect(first[0]).not.toEqual(first[1]);
    } finally {
      restoreSeedState(saved);
    }
  });

  it('errors name what is wrong', () => {
    expect(() => new HoldoutSplit({ testSize: 0.5, validationSize: 0.5 }).split(10)).toThrow(
      'with 10 samples, 5 test and 5 validation samples leave the training set empty',
    );
    expect(() => new HoldoutSplit({ test_size: 0.2 } as never)).toThrow("did you mean 'testSize'");
    expect(() => new HoldoutSplit({ seed: 1 }).split(4, ['a'])).toThrow(
      'labels must hold one label per sample (4)',
    );
    expect(() =>
      HoldoutSplit.fromConfig({ className: 'HoldoutSplit', config: { key: [1] } } as never),
    ).toThrow('key must be two 32-bit unsigned integers');
  });
});

describe('KFold and StratifiedKFold', () => {
  it('pinned folds for a seed; sizes as scikit-learn (the first n mod k folds one longer)', () => {
    const folds = new KFold({ k: 3, seed: 7 }).split(10);
    expect(folds.map((f) => f.validation.length)).toEqual([4, 3, 3]);
    expect(hashIndices(...folds.flatMap((f) => [f.train, f.validation]))).toBe(
      '7882377ed08204c72b8c47a19dfa9085e2f9e5d14588a8eca0b9eacceadce7cf',
    );
    const strat = new StratifiedKFold({ k: 4, seed: 7 }).split(unevenLabels(50));
    expect(hashIndices(...strat.flatMap((f) => [f.train, f.validation]))).toBe(
      'ce60c1c0348b760df185f3c1bb2b00ed92d664532e262d9df27c6f0731fca154',
    );
    // Without shuffling, consecutive chunks as sklearn.model_selection.KFold(3).
    expect(new KFold({ k: 3, shuffle: false }).split(7).map((f) => f.validation)).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('property: every sample is validated exactly once, and trained on in the other folds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 8, max: 200 }),
        fc.integer(),
        (k, n, seed) => {
          const folds = new KFold({ k, seed }).split(n);
          expect(sorted(folds.flatMap((f) => f.validation))).toEqual(range(n));
          for (const f of folds) expect(sorted([...f.train, ...f.validation])).toEqual(range(n));
          const restored = KFold.fromConfig(JSON.parse(JSON.stringify(new KFold({ k, seed }).toConfig())));
          expect(restored.split(n)).toEqual(folds);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: stratified folds hold each class within one sample of its share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 12, max: 300 }),
        fc.integer(),
        (k, n, seed) => {
          const labels = unevenLabels(n);
          const folds = new StratifiedKFold({ k, seed }).split(labels);
          expect(sorted(folds.flatMap((f) => f.validation))).toEqual(range(n));
          for (const cls of ['a', 'b', 'c']) {
            const total = labels.filter((l) => l === cls).length;
            for (const f of folds) {
              const count = f.validation.filter((i) => labels[i] === cls).length;
              expect(Math.abs(count - total / k)).toBeLessThan(1);
            }
          }
          const sizes = folds.map((f) => f.validation.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('errors name what is wrong', () => {
    expect(() => new KFold({ k: 1 })).toThrow('KFold: k must be an integer ≥ 2, got 1');
    expect(() => new KFold({ k: 5, seed: 0 }).split(3)).toThrow('k = 5 folds need at least 5 samples, got 3');
    expect(() => new StratifiedKFold({ seed: 0 }).split([1, 'a'] as never)).toThrow('labels[1] is a string');
  });
});

describe('shuffleIndices and take', () => {
  it('a keyed permutation, pinned, and take gathers rows in that order', () => {
    const order = shuffleIndices(8, { seed: 3 });
    expect(sorted(order)).toEqual(range(8));
    expect(hashIndices(order)).toBe('5f505913bb46dae5910a9cd1728ce52e92945dd13df92ddf9b27953a4d5a0cd9');
    expect(take(['a', 'b', 'c'], [2, 0])).toEqual(['c', 'a']);
    expect(() => take(['a'], [1])).toThrow('take: indices[0] is 1, not an index of 1 values');
  });
});
