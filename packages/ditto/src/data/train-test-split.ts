/**
 * Splitting samples into a training and a test set, as scikit-learn's `train_test_split`, with the
 * shuffle drawn from ditto's keyed random streams instead of a hidden global generator.
 */
import { permutation } from '../random/distributions.js';
import { nextKey } from '../random/global.js';
import { key, type Seed } from '../random/key.js';
import { checkOptions, optionNames } from '../validate/index.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /**
   * The test set's share of the samples, a number in (0, 1) (default 0.25), or an integer ≥ 1
   * giving its size. A fraction gives ceil(testSize · n) test samples, as scikit-learn.
   */
  testSize?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Seed of the shuffle; without it the shuffle takes the next key of the global `split` source (`random.nextKey('split')`). */
  seed?: Seed;
}

const OPTIONS = optionNames<TrainTestSplitOptions>({ testSize: true, shuffle: true, seed: true });

/** The four parts of a split. */
export interface TrainTestSplit<X, Y> {
  readonly xTrain: X[];
  readonly xTest: X[];
  readonly yTrain: Y[];
  readonly yTest: Y[];
}

/** The test set's size for n samples, as scikit-learn's `_validate_shuffle_split`. */
export function testCount(n: number, testSize: number): number {
  if (typeof testSize !== 'number' || !Number.isFinite(testSize) || testSize <= 0) {
    throw new RangeError(
      `trainTestSplit: testSize must be a fraction in (0, 1) or an integer ≥ 1, got ${String(testSize)}`,
    );
  }
  let count: number;
  if (testSize < 1) count = Math.ceil(testSize * n);
  else if (Number.isInteger(testSize)) count = testSize;
  else
    throw new RangeError(
      `trainTestSplit: testSize must be a fraction in (0, 1) or an integer ≥ 1, got ${testSize}`,
    );
  if (count >= n) {
    throw new RangeError(
      `trainTestSplit: with ${n} samples and testSize ${testSize} the test set would take ${count} and leave the training set empty`,
    );
  }
  return count;
}

/**
 * Splits paired samples into training and test sets. With `shuffle` (the default) the order is
 * `random.permutation(k, n)` with k = `key(seed)` when a seed is given, else the next `split` key of the global seed;
 * as scikit-learn's ShuffleSplit, the first `nTest` positions of the permutation form the test set
 * and the rest the training set, both in permutation order. Without shuffling the test set is the
 * last `nTest` samples and no key is taken. Rows are not copied.
 *
 * @throws Error for inputs of different lengths, fewer than two samples, or a testSize that would
 *   leave either set empty.
 * @example
 * ```ts
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.2, seed: 42 });
 * ```
 */
export function trainTestSplit<X, Y>(
  X: readonly X[],
  y: readonly Y[],
  options: TrainTestSplitOptions = {},
): TrainTestSplit<X, Y> {
  checkOptions('trainTestSplit', options, OPTIONS);
  const { testSize = 0.25, shuffle = true, seed } = options;
  if (!Array.isArray(X) || !Array.isArray(y)) throw new TypeError('trainTestSplit: X and y must be arrays');
  if (X.length !== y.length) {
    throw new RangeError(`trainTestSplit: X has ${X.length} samples but y has ${y.length}`);
  }
  if (typeof shuffle !== 'boolean')
    throw new TypeError(`trainTestSplit: shuffle must be a boolean, got ${String(shuffle)}`);
  const n = X.length;
  if (n < 2) throw new RangeError(`trainTestSplit: needs at least 2 samples, got ${n}`);
  const nTest = testCount(n, testSize);
  let order: ArrayLike<number>;
  if (shuffle) {
    order = permutation(seed === undefined ? nextKey('split') : key(seed), n);
  } else {
    // scikit-learn without shuffling: training samples first, the test set last.
    order = Array.from({ length: n }, (_, i) => (i < nTest ? n - nTest + i : i - nTest));
  }
  const test = Array.from({ length: nTest }, (_, i) => order[i]);
  const train = Array.from({ length: n - nTest }, (_, i) => order[nTest + i]);
  return {
    xTrain: train.map((i) => X[i]),
    xTest: test.map((i) => X[i]),
    yTrain: train.map((i) => y[i]),
    yTest: test.map((i) => y[i]),
  };
}
