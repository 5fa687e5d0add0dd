/**
 * Handwritten digits with a small convolutional network, and the same question asked as an
 * experiment: does the CNN beat a multilayer perceptron that sees the same 64 pixels as a flat row?
 * The data are the 8×8 digits scikit-learn ships (the UCI optdigits test set, 1,797 images),
 * copied into examples/data/digits/ with their licence; nothing is downloaded.
 *
 *   npx tsx --conditions=ditto-source examples/digits-cnn.ts     # one CNN: test accuracy, hash
 *   npx ditto compare examples/digits-cnn.ts --report digits.html  # CNN vs MLP, 10 repeats each
 *
 * The split is keyed by its own seed (DATA_SEED), so every repeat of both experiments trains on the
 * same 1,347 images and is scored on the same 450; both experiments use experiment seed 9, so the
 * only difference between them is the network.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  argMax,
  Conv2D,
  Dense,
  experiment,
  Flatten,
  HoldoutSplit,
  MaxPooling2D,
  optimizers,
  Sequential,
  setSeed,
  take,
} from 'ditto';

/** The fixture, and the SHA-256 of its bytes as examples/data/digits/README.md states it. */
const DIGITS_FILE = fileURLToPath(new URL('./data/digits/digits.csv.gz', import.meta.url));
export const DIGITS_SHA256 = '46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a';
/** Seed of the train/test split alone: the same split for every repeat and both networks. */
const DATA_SEED = 2026;
const TEST_SHARE = 0.25;
const SEED = 9;
const REPEATS = 10;
const EPOCHS = 10;

/** The digits: one row of 64 pixel intensities (0 … 16, row-major 8×8) and its digit per image. */
export interface Digits {
  pixels: number[][];
  labels: number[];
}

/**
 * Reads examples/data/digits/digits.csv.gz after checking its SHA-256 (a changed fixture would
 * silently change every hash): 1,797 lines of 64 integer pixels and the digit.
 */
export function loadDigits(file: string = DIGITS_FILE): Digits {
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== DIGITS_SHA256) {
    throw new Error(
      `${file}: SHA-256 is ${sha256}, expected ${DIGITS_SHA256} (examples/data/digits/README.md)`,
    );
  }
  const lines = gunzipSync(bytes).toString('utf8').trim().split('\n');
  const pixels: number[][] = [];
  const labels: number[] = [];
  lines.forEach((line, i) => {
    const values = line.split(',').map(Number);
    const label = values[64];
    const valid = values.length === 65 && values.every((v) => Number.isInteger(v) && v >= 0 && v <= 16);
    if (!valid || label > 9) {
      throw new TypeError(`${file}: line ${i + 1} is not 64 pixels in 0 … 16 and a digit 0 … 9`);
    }
    pixels.push(values.slice(0, 64));
    labels.push(label);
  });
  return { pixels, labels };
}

/** The keyed, stratified split and the images scaled to [0, 1]. */
export interface DigitsData {
  /** Which images (lines of the file, from 0) each set holds, ascending. */
  train: number[];
  test: number[];
  trainX: number[][];
  trainY: number[];
  testX: number[][];
  testY: number[];
}

/**
 * A stratified holdout of 25 % (every digit in proportion in both sets), keyed by DATA_SEED;
 * pixels divided by 16, their maximum.
 */
export function digitsData(): DigitsData {
  const { pixels, labels } = loadDigits();
  const { train, test } = new HoldoutSplit({ testSize: TEST_SHARE, seed: DATA_SEED }).split(
    labels.length,
    labels,
  );
  const scaled = pixels.map((row) => row.map((v) => v / 16));
  return {
    train,
    test,
    trainX: take(scaled, train),
    trainY: take(labels, train),
    testX: take(scaled, test),
    testY: take(labels, test),
  };
}

/** Which network: convolutions over the 8×8 image, or a perceptron over its 64 pixels. */
export type DigitsModel = 'cnn' | 'mlp';

function network(kind: DigitsModel): Sequential {
  if (kind === 'mlp') {
    return new Sequential([
      new Dense(32, { inputDim: 64, activation: 'relu' }),
      new Dense(10, { activation: 'softmax' }),
    ]);
  }
  // 8×8×1 → 6×6×16 → 3×3×16 → 1×1×32 → 32 → 10.
  return new Sequential([
    new Conv2D(16, 3, { activation: 'relu', inputShape: [8, 8, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D(32, 3, { activation: 'relu' }),
    new Flatten(),
    new Dense(10, { activation: 'softmax' }),
  ]);
}

/** [samples][64] → [samples][8][8][1]: the CNN reads channels-last images. */
function asImages(X: number[][]): number[][][][] {
  return X.map((row) => Array.from({ length: 8 }, (_, r) => row.slice(r * 8, r * 8 + 8).map((v) => [v])));
}

/** What one fit gives: the share of test images classified right, and the weights' hash. */
export interface DigitsResult {
  accuracy: number;
  weightsHash: string;
}

/** Options of {@link fitDigits}. */
export interface DigitsOptions {
  /** Epochs (default 10). */
  epochs?: number;
}

/**
 * Fits one network on the training images (Adam, learning rate 0.01, batches of 32, shuffled each
 * epoch, sparse categorical cross-entropy) and scores it on the test images: accuracy is the share
 * whose largest predicted probability is at the true digit. Seeded by the global seed, which the
 * experiment runner sets per repeat.
 *
 * @example
 * ```ts
 * setSeed(1);
 * const { accuracy, weightsHash } = await fitDigits('cnn');
 * ```
 */
export async function fitDigits(kind: DigitsModel, options: DigitsOptions = {}): Promise<DigitsResult> {
  const data = digitsData();
  const inputs = (X: number[][]) => (kind === 'cnn' ? asImages(X) : X);
  const model = network(kind);
  model.compile({
    loss: 'sparseCategoricalCrossentropy',
    optimizer: new optimizers.Adam({ learningRate: 0.01 }),
  });
  await model.fit(
    inputs(data.trainX),
    data.trainY.map((y) => [y]),
    { epochs: options.epochs ?? EPOCHS, batchSize: 32, verbose: 0 },
  );
  const predicted = argMax(model.predict(inputs(data.testX)).toArray() as number[][]);
  const correct = predicted.filter((digit, i) => digit === data.testY[i]).length;
  return { accuracy: correct / data.testY.length, weightsHash: model.weightsHash() };
}

const classifier = (kind: DigitsModel) => async () => {
  const { accuracy, weightsHash } = await fitDigits(kind);
  return { accuracy, weightsHash };
};

export const cnn = experiment({
  name: 'CNN 2×Conv2D',
  repeats: REPEATS,
  seed: SEED,
  better: { accuracy: 'higher' },
  run: classifier('cnn'),
});

export const mlp = experiment({
  name: 'MLP 64→32→10',
  repeats: REPEATS,
  seed: SEED,
  better: { accuracy: 'higher' },
  run: classifier('mlp'),
});

// Run as a script: one CNN from seed SEED.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setSeed(SEED);
  const { accuracy, weightsHash } = await fitDigits('cnn');
  console.log(`digits CNN, seed ${SEED}, ${EPOCHS} epochs: test accuracy ${(accuracy * 100).toFixed(2)} %`);
  console.log(`weights hash ${weightsHash}`);
}
