/**
 * examples/digits-cnn.ts: the fixture is scikit-learn's digits file as Python reads it, the
 * example's command prints the same weights hash in two fresh processes (pinned), and its CNN
 * classifies the held-out images at least as well as scikit-learn's LogisticRegression on the same
 * split — a linear model, the floor any network that uses the images' structure must clear.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend, setBackend, setSeed } from 'ditto';
import { afterAll, describe, expect, it } from 'vitest';
import { DIGITS_SHA256, digitsData, fitDigits, loadDigits } from '../examples/digits-cnn.js';
import { repeatZeroInFreshProcess, runExampleCommand } from './helpers/example-processes.js';
import { repoRoot } from './helpers/run-tsx.js';

const FIXTURE = join(repoRoot, 'examples/data/digits/digits.csv.gz');

/** The weights hash `examples/digits-cnn.ts` prints (seed 9, 10 epochs, default backend). */
const PINNED_HASH = 'ba25767eb64ca6eb4ff4c139eff4f48a4a0fbcd05d7092855eb0dc5856a5024e';

/**
 * Weights hashes of repeat 0 of each exported experiment (experiment seed 9): the same as repeat 0
 * of `ditto compare examples/digits-cnn.ts` on two worker threads recorded.
 */
const PINNED_EXPERIMENTS = {
  cnn: '34be4aee9fe14c64f1d31a22938645d783624c59f882fb8e886bb9fb1046338b',
  mlp: '7911674aa0acdab0fb5debe23ad19375578b912172fc66b61969d9f14798a8fe',
};

const scratch = mkdtempSync(join(tmpdir(), 'ditto-digits-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('examples/digits-cnn.ts', () => {
  it('reads the 1,797 digits as numpy reads the same file', () => {
    const { pixels, labels } = loadDigits();
    const python = `
import gzip, json, sys, numpy as np
d = np.loadtxt(gzip.open(sys.argv[1]), delimiter=',')
print(json.dumps({'shape': list(d.shape), 'pixelSum': int(d[:, :64].sum()),
  'perClass': np.bincount(d[:, 64].astype(int)).tolist(), 'first': d[0].astype(int).tolist()}))`;
    const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', python, FIXTURE], { encoding: 'utf8' }));
    expect(ref.shape).toEqual([1797, 65]);
    expect([pixels.length, pixels[0].length + 1]).toEqual(ref.shape);
    expect(pixels.flat().reduce((a, b) => a + b, 0)).toBe(ref.pixelSum);
    expect(Array.from({ length: 10 }, (_, d) => labels.filter((l) => l === d).length)).toEqual(ref.perClass);
    expect([...pixels[0], labels[0]]).toEqual(ref.first);
  });

  it('refuses a fixture whose SHA-256 differs, naming the file and both hashes', () => {
    const changed = join(scratch, 'digits.csv.gz');
    copyFileSync(FIXTURE, changed);
    writeFileSync(changed, Buffer.from([0]), { flag: 'a' });
    expect(() => loadDigits(changed)).toThrow(`${changed}: SHA-256 is `);
    expect(() => loadDigits(changed)).toThrow(`expected ${DIGITS_SHA256}`);
  });

  it('prints the same weights hash in two fresh processes, as pinned, and beats a linear model', async () => {
    const [a, b] = await Promise.all([
      runExampleCommand('examples/digits-cnn.ts'),
      runExampleCommand('examples/digits-cnn.ts'),
    ]);
    expect(a.hash).toBe(PINNED_HASH);
    expect(b).toEqual(a);

    // scikit-learn's LogisticRegression on exactly the example's split and scaling.
    const { train, test } = digitsData();
    const python = `
import gzip, json, sys, numpy as np
from sklearn.linear_model import LogisticRegression
split = json.load(sys.stdin)
d = np.loadtxt(gzip.open(sys.argv[1]), delimiter=',')
X, y = d[:, :64] / 16, d[:, 64].astype(int)
model = LogisticRegression(max_iter=5000).fit(X[split['train']], y[split['train']])
print(model.score(X[split['test']], y[split['test']]))`;
    const linear = Number(
      execFileSync('/usr/bin/python3', ['-c', python, FIXTURE], {
        encoding: 'utf8',
        input: JSON.stringify({ train, test }),
      }),
    );
    expect(test).toHaveLength(450); // 25 % of 1,797, rounded up
    expect(linear).toBeGreaterThan(0.9); // the reference itself is sound: chance is 0.1
    expect(a.accuracy).toBeGreaterThanOrEqual(linear);
  }, 60_000);

  it('gives the pinned hash on the plain TypeScript backend too (the default is wasm)', async () => {
    const previous = getBackend().name;
    setBackend('js');
    try {
      setSeed(9); // what the script does
      expect((await fitDigits('cnn')).weightsHash).toBe(PINNED_HASH);
    } finally {
      setBackend(previous);
    }
  }, 60_000);

  it('repeat 0 of each compared experiment gives the same weights in two fresh processes, as pinned', async () => {
    const [a, b] = await Promise.all([
      repeatZeroInFreshProcess('examples/digits-cnn.ts', ['cnn', 'mlp']),
      repeatZeroInFreshProcess('examples/digits-cnn.ts', ['cnn', 'mlp']),
    ]);
    expect(a).toEqual(PINNED_EXPERIMENTS);
    expect(b).toEqual(PINNED_EXPERIMENTS);
  }, 60_000);
});
