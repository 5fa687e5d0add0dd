/**
 * Keyed shuffles and splits of sample indices: a hold-out split into training, validation and test
 * sets, k-fold cross-validation, both optionally stratified by class. Every split owns a random
 * key (from its seed, else the next key of the global seed's `split` source when it is constructed) and is a pure function of
 * that key and the number of samples, so the same configuration gives the same indices in every
 * runtime; `toConfig` saves the key, so a split saved next to a model replays exactly.
 * docs/data.md, "Splits", gives each algorithm.
 */

import { isUint32 } from '../random/check.js';
import { permutation } from '../random/distributions.js';
import { nextKey } from '../random/global.js';
import { foldIn, type Key, key, type Seed } from '../random/key.js';
import {
  checkBoolean,
  checkInteger,
  checkOptions,
  checkSeed,
  describe,
  optionNames,
} from '../validate/index.js';
import { type Label, LabelEncoder } from './categorical.js';
import { checkConfig } from './scalers.js';
import { testCount } from './train-test-split.js';

function keyOf(where: string, seed: Seed | undefined): Key {
  if (seed === undefined) return nextKey('split');
  checkSeed(where, 'seed', seed);
  return key(seed);
}

function checkKeyConfig(where: string, value: unknown): Key {
  if (!Array.isArray(value) || value.length !== 2 || !value.every(isUint32)) {
    throw new TypeError(`${where}: key must be two 32-bit unsigned integers, got ${describe(value)}`);
  }
  return [value[0], value[1]];
}

function checkCount(where: string, n: unknown): number {
  checkInteger(where, 'n', n, 2);
  return n as number;
}

/** Class index of every sample, classes in sorted label order. */
function classCodes(where: string, labels: readonly Label[]): { codes: number[]; count: number } {
  if (!Array.isArray(labels))
    throw new TypeError(`${where}: labels must be an array, got ${describe(labels)}`);
  const encoder = new LabelEncoder().fit(labels);
  return { codes: encoder.transform(labels), count: encoder.classes.length };
}

/** Per class, its sample indices in index order, shuffled by permutation(foldIn(key, class)) if asked. */
function classMembers(codes: readonly number[], count: number, shuffleKey: Key | null): number[][] {
  const members: number[][] = Array.from({ length: count }, () => []);
  codes.forEach((c, i) => {
    members[c].push(i);
  });
  if (shuffleKey === null) return members;
  return members.map((list, c) =>
    Array.from(permutation(foldIn(shuffleKey, c), list.length), (p) => list[p]),
  );
}

/**
 * Splits `total` over classes in proportion to their sizes: floor(size · total / n) each, the rest
 * one by one to the largest remainders (ties to the lower class), never more than `available`.
 */
function quotas(sizes: readonly number[], available: readonly number[], total: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  const quota = sizes.map((s, c) => Math.min(available[c], Math.floor((s * total) / n)));
  const order = sizes
    .map((s, c) => ({ c, remainder: s * total - Math.floor((s * total) / n) * n }))
    .sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  let left = total - quota.reduce((a, b) => a + b, 0);
  while (left > 0) {
    let given = false;
    for (const { c } of order) {
      if (left > 0 && quota[c] < available[c]) {
        quota[c]++;
        left--;
        given = true;
      }
    }
    if (!given) break;
  }
  return quota;
}

const ascending = (a: number, b: number): number => a - b;

/**
 * Sample indices in a keyed random order: `random.permutation(key(seed), n)` (the next `split` key
 * without a seed) as an array.
 *
 * @example
 * ```ts
 * const order = shuffleIndices(x.length, { seed: 7 });
 * const xShuffled = order.map((i) => x[i]);
 * ```
 */
export function shuffleIndices(n: number, options: { seed?: Seed } = {}): number[] {
  checkOptions('shuffleIndices', options, ['seed']);
  checkInteger('shuffleIndices', 'n', n, 0);
  return Array.from(permutation(keyOf('shuffleIndices', options.seed), n));
}

/**
 * The rows of `values` at `indices`, in that order: `take(x, split.train)`.
 *
 * @example
 * ```ts
 * const xTrain = take(x, split.train);
 * ```
 */
export function take<T>(values: readonly T[], indices: readonly number[]): T[] {
  return indices.map((i, p) => {
    if (!Number.isInteger(i) || i < 0 || i >= values.length) {
      throw new RangeError(`take: indices[${p}] is ${describe(i)}, not an index of ${values.length} values`);
    }
    return values[i];
  });
}

/** Options of {@link HoldoutSplit}. */
export interface HoldoutSplitOptions {
  /** The test set: a fraction in (0, 1) of all samples (rounded up) or a count ≥ 1 (default 0.25). */
  testSize?: number;
  /** The validation set, given as testSize is; 0 for none (default 0). */
  validationSize?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Seed of the split's key; without it, the next key of the global `split` source at construction. */
  seed?: Seed;
}

const HOLDOUT_OPTIONS = optionNames<HoldoutSplitOptions>({
  testSize: true,
  validationSize: true,
  shuffle: true,
  seed: true,
});

/** Three disjoint sets of sample indices that together hold every sample. */
export interface SplitIndices {
  readonly train: number[];
  readonly validation: number[];
  readonly test: number[];
}

/** The JSON form of a {@link HoldoutSplit}. */
export interface HoldoutSplitConfig {
  readonly className: 'HoldoutSplit';
  readonly config: { testSize: number; validationSize: number; shuffle: boolean; key: [number, number] };
}

/**
 * A train / validation / test split of n samples. Unstratified, the order is
 * `permutation(key, n)`; its first nTest positions form the test set, the next nValidation the
 * validation set, the rest the training set (each in permutation order; the test set matches
 * `trainTestSplit` with the same seed). Without shuffling the training samples come first and the
 * test samples last. Stratified by labels, each class keeps its share in every set (largest
 * remainder rounding) and each set lists its indices in ascending order.
 *
 * @example
 * ```ts
 * const split = new HoldoutSplit({ testSize: 0.2, validationSize: 0.1, seed: 42 });
 * const { train, validation, test } = split.split(x.length);
 * const stratified = split.split(y.length, y); // every class in proportion in each set
 * ```
 */
export class HoldoutSplit {
  readonly testSize: number;
  readonly validationSize: number;
  readonly shuffle: boolean;
  readonly key: Key;

  constructor(options: HoldoutSplitOptions = {}) {
    checkOptions('HoldoutSplit', options, HOLDOUT_OPTIONS);
    const { testSize = 0.25, validationSize = 0, shuffle = true } = options;
    checkBoolean('HoldoutSplit', 'shuffle', shuffle);
    if (typeof testSize !== 'number' || !(testSize > 0)) {
      throw new RangeError(
        `HoldoutSplit: testSize must be a fraction in (0, 1) or an integer ≥ 1, got ${describe(testSize)}`,
      );
    }
    if (typeof validationSize !== 'number' || !(validationSize >= 0)) {
      throw new RangeError(
        `HoldoutSplit: validationSize must be 0, a fraction in (0, 1) or an integer ≥ 1, got ${describe(validationSize)}`,
      );
    }
    this.testSize = testSize;
    this.validationSize = validationSize;
    this.shuffle = shuffle;
    this.key = keyOf('HoldoutSplit', options.seed);
  }

  /** The three sets for n samples, stratified when `labels` (one per sample) is given. */
  split(n: number, labels?: readonly Label[]): SplitIndices {
    const where = 'HoldoutSplit.split';
    checkCount(where, n);
    const nTest = testCount(n, this.testSize);
    const nValidation = this.validationSize === 0 ? 0 : testCount(n, this.validationSize);
    if (nTest + nValidation >= n) {
      throw new RangeError(
        `${where}: with ${n} samples, ${nTest} test and ${nValidation} validation samples leave the training set empty`,
      );
    }
    if (labels !== undefined) return this.stratified(n, labels, nTest, nValidation);
    const order = this.shuffle
      ? Array.from(permutation(this.key, n))
      : Array.from({ length: n }, (_, i) => i);
    if (!this.shuffle) {
      const nTrain = n - nTest - nValidation;
      return {
        train: order.slice(0, nTrain),
        validation: order.slice(nTrain, nTrain + nValidation),
        test: order.slice(nTrain + nValidation),
      };
    }
    return {
      test: order.slice(0, nTest),
      validation: order.slice(nTest, nTest + nValidation),
      train: order.slice(nTest + nValidation),
    };
  }

  private stratified(n: number, labels: readonly Label[], nTest: number, nValidation: number): SplitIndices {
    const where = 'HoldoutSplit.split';
    if (!Array.isArray(labels) || labels.length !== n) {
      throw new RangeError(`${where}: labels must hold one label per sample (${n}), got ${describe(labels)}`);
    }
    const { codes, count } = classCodes(where, labels);
    const members = classMembers(codes, count, this.shuffle ? this.key : null);
    const sizes = members.map((m) => m.length);
    const testQuota = quotas(sizes, sizes, nTest);
    const validationQuota = quotas(
      sizes,
      sizes.map((s, c) => s - testQuota[c]),
      nValidation,
    );
    const train: number[] = [];
    const validation: number[] = [];
    const test: number[] = [];
    members.forEach((list, c) => {
      test.push(...list.slice(0, testQuota[c]));
      validation.push(...list.slice(testQuota[c], testQuota[c] + validationQuota[c]));
      train.push(...list.slice(testQuota[c] + validationQuota[c]));
    });
    return {
      train: train.sort(ascending),
      validation: validation.sort(ascending),
      test: test.sort(ascending),
    };
  }

  /** The options and the key as JSON. */
  toConfig(): HoldoutSplitConfig {
    return {
      className: 'HoldoutSplit',
      config: {
        testSize: this.testSize,
        validationSize: this.validationSize,
        shuffle: this.shuffle,
        key: [this.key[0], this.key[1]],
      },
    };
  }

  /** Rebuilds a split from {@link HoldoutSplit.toConfig}: the same indices for the same n. */
  static fromConfig(config: HoldoutSplitConfig): HoldoutSplit {
    const inner = checkConfig('HoldoutSplit', config);
    const { key: savedKey, ...options } = inner;
    const split = new HoldoutSplit({ ...(options as HoldoutSplitOptions), seed: 0 });
    (split as { key: Key }).key = checkKeyConfig('HoldoutSplit.fromConfig', savedKey);
    return split;
  }
}

/** Options of {@link KFold} and {@link StratifiedKFold}. */
export interface KFoldOptions {
  /** The number of folds, ≥ 2 (default 5). */
  k?: number;
  /** Shuffle before dealing the folds (default true). */
  shuffle?: boolean;
  /** Seed of the folds' key; without it, the next key of the global `split` source at construction. */
  seed?: Seed;
}

const KFOLD_OPTIONS = optionNames<KFoldOptions>({ k: true, shuffle: true, seed: true });

/** One fold: the validation samples and the training samples (every other one), ascending. */
export interface Fold {
  readonly train: number[];
  readonly validation: number[];
}

/** The JSON form of a {@link KFold} or {@link StratifiedKFold}. */
export interface KFoldConfig<Name extends 'KFold' | 'StratifiedKFold' = 'KFold' | 'StratifiedKFold'> {
  readonly className: Name;
  readonly config: { k: number; shuffle: boolean; key: [number, number] };
}

abstract class Folds {
  readonly k: number;
  readonly shuffle: boolean;
  readonly key: Key;

  constructor(where: string, options: KFoldOptions) {
    checkOptions(where, options, KFOLD_OPTIONS);
    const { k = 5, shuffle = true } = options;
    checkInteger(where, 'k', k, 2);
    checkBoolean(where, 'shuffle', shuffle);
    this.k = k;
    this.shuffle = shuffle;
    this.key = keyOf(where, options.seed);
  }

  /** Folds from each sample's fold number: fold i validates on the samples numbered i. */
  protected folds(foldOf: readonly number[]): Fold[] {
    return Array.from({ length: this.k }, (_, f) => {
      const train: number[] = [];
      const validation: number[] = [];
      foldOf.forEach((g, i) => {
        (g === f ? validation : train).push(i);
      });
      return { train, validation };
    });
  }

  protected config<Name extends 'KFold' | 'StratifiedKFold'>(className: Name): KFoldConfig<Name> {
    return { className, config: { k: this.k, shuffle: this.shuffle, key: [this.key[0], this.key[1]] } };
  }

  protected static restore<T extends Folds>(
    className: string,
    config: unknown,
    make: (o: KFoldOptions) => T,
  ): T {
    const inner = checkConfig(className, config);
    const { key: savedKey, ...options } = inner;
    const folds = make({ ...(options as KFoldOptions), seed: 0 });
    (folds as { key: Key }).key = checkKeyConfig(`${className}.fromConfig`, savedKey);
    return folds;
  }
}

/**
 * k-fold cross-validation as scikit-learn's `KFold`: the samples in the order
 * `permutation(key, n)` (index order without shuffling) are cut into k consecutive chunks, the
 * first n mod k of them one sample longer; fold i validates on chunk i and trains on the rest.
 *
 * @example
 * ```ts
 * for (const { train, validation } of new KFold({ k: 5, seed: 1 }).split(x.length)) {
 *   // fit on take(x, train), score on take(x, validation)
 * }
 * ```
 */
export class KFold extends Folds {
  constructor(options: KFoldOptions = {}) {
    super('KFold', options);
  }

  /** The k folds of n samples. */
  split(n: number): Fold[] {
    checkCount('KFold.split', n);
    if (this.k > n)
      throw new RangeError(`KFold.split: k = ${this.k} folds need at least ${this.k} samples, got ${n}`);
    const order = this.shuffle ? permutation(this.key, n) : Int32Array.from({ length: n }, (_, i) => i);
    const foldOf = new Array<number>(n);
    const base = Math.floor(n / this.k);
    const longer = n % this.k;
    let p = 0;
    for (let f = 0; f < this.k; f++) {
      const size = base + (f < longer ? 1 : 0);
      for (let s = 0; s < size; s++) foldOf[order[p++]] = f;
    }
    return this.folds(foldOf);
  }

  /** The options and the key as JSON. */
  toConfig(): KFoldConfig<'KFold'> {
    return this.config('KFold');
  }

  /** Rebuilds folds from {@link KFold.toConfig}. */
  static fromConfig(config: KFoldConfig<'KFold'>): KFold {
    return Folds.restore('KFold', config, (o) => new KFold(o));
  }
}

/**
 * Stratified k-fold cross-validation: each class's samples (classes in sorted label order, each
 * class's samples in index order, shuffled by `permutation(foldIn(key, class))`) are lined up one
 * class after another and dealt to folds 0, 1, …, k − 1, 0, 1, … — so every fold holds each class
 * in proportion, and fold sizes differ by at most one.
 *
 * @example
 * ```ts
 * const folds = new StratifiedKFold({ k: 3, seed: 0 }).split(yLabels);
 * ```
 */
export class StratifiedKFold extends Folds {
  constructor(options: KFoldOptions = {}) {
    super('StratifiedKFold', options);
  }

  /** The k folds for these labels (one per sample). */
  split(labels: readonly Label[]): Fold[] {
    const where = 'StratifiedKFold.split';
    const { codes, count } = classCodes(where, labels);
    if (this.k > codes.length) {
      throw new RangeError(
        `${where}: k = ${this.k} folds need at least ${this.k} samples, got ${codes.length}`,
      );
    }
    const foldOf = new Array<number>(codes.length);
    let p = 0;
    for (const list of classMembers(codes, count, this.shuffle ? this.key : null)) {
      for (const i of list) foldOf[i] = p++ % this.k;
    }
    return this.folds(foldOf);
  }

  /** The options and the key as JSON. */
  toConfig(): KFoldConfig<'StratifiedKFold'> {
    return this.config('StratifiedKFold');
  }

  /** Rebuilds folds from {@link StratifiedKFold.toConfig}. */
  static fromConfig(config: KFoldConfig<'StratifiedKFold'>): StratifiedKFold {
    return Folds.restore('StratifiedKFold', config, (o) => new StratifiedKFold(o));
  }
}
