// `vary`: repeat i varies only the named sources, every other source keeps one seed (bit-fixed);
// 'all' is the plain repeat bit for bit; designs reach worker threads and run records; bad input
// (unknown source, empty list, k < 2, a varied source the model never uses) is named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { attribute } from '../packages/ditto/src/experiments/attribution.js';
import { designSeed } from '../packages/ditto/src/experiments/attribution-design.js';
import { planAttribution } from '../packages/ditto/src/experiments/attribution-plan.js';
import {
  EXPERIMENT,
  experiment,
  type RepeatResult,
  type RepeatSuccess,
  runExperiment,
} from '../packages/ditto/src/experiments/index.js';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Dropout } from '../packages/ditto/src/layers/dropout.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { nextKey, normal, SEED_SOURCES, setSeed, uniform } from '../packages/ditto/src/random/index.js';
import { repeatSeed } from '../packages/ditto/src/tutorial/repeat-seed.js';
import { RepeatPool, runExperimentFile } from '../packages/ditto-node/src/experiments/index.js';
import { repoRoot } from './helpers/run-tsx.js';

/** One draw per source, as a metric each: which sources moved is read off directly. */
function draws() {
  return {
    init: normal(nextKey('init'), 1)[0],
    dropout: uniform(nextKey('dropout'), 1)[0],
    order: uniform(nextKey('order'), 1)[0],
  };
}

const ok = (results: RepeatResult[]) => results as RepeatSuccess[];
const column = (results: RepeatResult[], metric: string) => ok(results).map((r) => r.metrics[metric]);

describe('vary', () => {
  it("['init'] varies init alone; dropout and order keep the bits of repeat 0", async () => {
    const exp = experiment({ name: 'draws', repeats: 5, seed: 3, vary: ['init'], run: draws });
    const run = await runExperiment(exp);
    expect(new Set(column(run.results, 'init')).size).toBe(5);
    expect(new Set(column(run.results, 'dropout')).size).toBe(1);
    expect(new Set(column(run.results, 'order')).size).toBe(1);
    // Level i of a source draws what that source draws in repeat i of the plain run.
    const plain = await runExperiment(experiment({ name: 'draws', repeats: 5, seed: 3, run: draws }));
    expect(column(run.results, 'init')).toEqual(column(plain.results, 'init'));
    expect(column(run.results, 'order')).toEqual(new Array(5).fill(column(plain.results, 'order')[0]));
    // The record's seed is still the repeat's (replays and verify derive it the same way).
    expect(run.results[2].seed).toBe(String(repeatSeed(3, 2)));
  });

  it("'all' (the default) and every source listed give the plain repeats, bit for bit", async () => {
    const plain = await runExperiment(experiment({ name: 'd', repeats: 4, seed: 9, run: draws }));
    const all = await runExperiment(experiment({ name: 'd', repeats: 4, seed: 9, vary: 'all', run: draws }));
    // (Listing split, augment and user, which the draws never use, warns: silenced here.)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const listed = await runExperiment(
      experiment({ name: 'd', repeats: 4, seed: 9, vary: [...SEED_SOURCES], run: draws }),
    );
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
    // Independently: setSeed(repeatSeed(seed, i)) then the draws.
    const expected = [0, 1, 2, 3].map((i) => {
      setSeed(repeatSeed(9, i));
      return draws();
    });
    expect(ok(plain.results).map((r) => r.metrics)).toEqual(expected);
    expect(ok(all.results).map((r) => r.metrics)).toEqual(expected);
    expect(ok(listed.results).map((r) => r.metrics)).toEqual(expected);
  });

  it('a real model: vary order and dropout leave the initial weights bit-fixed, vary init changes them', async () => {
    const fit = async () => {
      const model = new Sequential();
      model.add(new Dense(6, { inputDim: 1, activation: 'relu' }));
      model.add(new Dropout(0.3));
      model.add(new Dense(1));
      model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
      const initial = model.weightsHash();
      const x = [[0], [0.1], [0.2], [0.3], [0.4], [0.5]];
      const y = [[0.1], [0.2], [0.3], [0.4], [0.5], [0.6]];
      const history = await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
      return {
        loss: history.history.loss.at(-1) as number,
        weightsHash: `${initial}:${model.weightsHash()}`,
      };
    };
    const initialHashes = async (vary: 'all' | ['init'] | ['order'] | ['dropout']) => {
      const run = await runExperiment(experiment({ name: 'mlp', repeats: 3, seed: 5, vary, run: fit }));
      return ok(run.results).map((r) => (r.weightsHash as string).split(':'));
    };
    for (const fixedInit of [await initialHashes(['order']), await initialHashes(['dropout'])]) {
      expect(new Set(fixedInit.map(([initial]) => initial)).size).toBe(1);
      // …while what the varied source acts on (the trained weights) differs.
      expect(new Set(fixedInit.map(([, trained]) => trained)).size).toBe(3);
    }
    const varied = await initialHashes(['init']);
    expect(new Set(varied.map(([initial]) => initial)).size).toBe(3);
  });

  it('designSeed: crossed cells enumerate the levels, the first source slowest', () => {
    const design = { crossed: ['init', 'order'] as const, levels: 3 };
    expect(designSeed(7n, 0, design)).toEqual(repeatSeed(7n, 0));
    expect(designSeed(7n, 5, design)).toEqual({
      seed: repeatSeed(7n, 0),
      init: repeatSeed(7n, 1),
      order: repeatSeed(7n, 2),
    });
    expect(designSeed(7n, 4, { vary: ['dropout'] })).toEqual({
      seed: repeatSeed(7n, 0),
      dropout: repeatSeed(7n, 4),
    });
    expect(designSeed(7n, 4, 'all')).toBe(repeatSeed(7n, 4));
  });
});

describe('attribute() with four sources: one at a time', () => {
  it('varies each source alone (k² repeats) and all together; additive effects leave no overlap', async () => {
    // y = 4·init + 2·dropout + order + 0·split (drawn, but without effect): variances 16, 4, 1, 0.
    const exp = experiment({
      name: 'four sources',
      seed: 2,
      run: () => {
        const [i, d, o] = (['init', 'dropout', 'order'] as const).map((s) => normal(nextKey(s), 1)[0]);
        uniform(nextKey('split'), 1);
        return { y: 4 * i + 2 * d + o };
      },
    });
    const answer = await attribute(exp, { levels: 4, nResamples: 300 });
    expect(answer.sources).toEqual(['init', 'dropout', 'order', 'split']);
    expect(answer.plan.kind).toBe('one-at-a-time');
    expect(answer.plan.arms.map((a) => [a.label, a.repeats])).toEqual([
      ['vary init', 16],
      ['vary dropout', 16],
      ['vary order', 16],
      ['vary split', 16],
      ['all', 16],
    ]);
    const [init, dropout, order, split, overlap] = answer.metrics[0].terms;
    expect(overlap.label).toBe('interactions');
    // The split arm is constant: its component is exactly 0; the others rank as their variances.
    expect(split.component).toBe(0);
    expect(init.share).toBeGreaterThan(dropout.share);
    expect(dropout.share).toBeGreaterThan(order.share);
    expect(split.negligible).toBe(true);
    // Each arm's values are exactly the varied source's draws (the others bit-fixed).
    const initArm = ok(answer.runs[0].results).map((r) => r.metrics.y);
    const plain = ok(answer.runs[4].results).map((r) => r.metrics.y);
    expect(initArm[0]).toBe(plain[0]);
    expect(new Set(ok(answer.runs[3].results).map((r) => r.metrics.y)).size).toBe(1);
  });
});

describe('bad input', () => {
  const run = () => ({ m: 1 });
  it('an unknown source is an error with the nearest name', () => {
    expect(() => experiment({ name: 'x', run, vary: ['inti' as 'init'] })).toThrow(
      "experiment 'x': `vary`[0] is 'inti', not a source of randomness (did you mean 'init'?); the sources are init, dropout, order, split, augment, user",
    );
    expect(() => experiment({ name: 'x', run, vary: [] })).toThrow(
      /`vary` is empty; name at least one source, or use 'all'/,
    );
    expect(() => experiment({ name: 'x', run, vary: 'init' as 'all' })).toThrow(
      /`vary` must be 'all' or a list of sources/,
    );
    expect(() => experiment({ name: 'x', run, vary: ['init', 'init'] })).toThrow(/names 'init' twice/);
  });

  it('k < 2 is an error: one level shows no spread', async () => {
    expect(() => planAttribution(['init'], 1)).toThrow(/`levels` must be an integer ≥ 2 \(got 1\)/);
    const exp = experiment({ name: 'draws', seed: 1, run: draws });
    await expect(attribute(exp, { levels: 1 })).rejects.toThrow(/`levels` must be an integer ≥ 2/);
  });

  it('varying a source the model never draws from warns, naming it, once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const exp = experiment({ name: 'no dropout', repeats: 3, seed: 1, vary: ['dropout'], run: draws2 });
      await runExperiment(exp);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(
        /experiment 'no dropout' varies 'dropout', but its repeats draw no randomness from it \(they draw from init, order\): varying it changes nothing/,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('an experiment that draws nothing has nothing to attribute', async () => {
    await expect(attribute(experiment({ name: 'constant', seed: 1, run }))).rejects.toThrow(
      /draws from no source of randomness/,
    );
  });
});

function draws2() {
  return { init: normal(nextKey('init'), 1)[0], order: uniform(nextKey('order'), 1)[0] };
}

describe('designs on worker threads and in run records', () => {
  let dir: string;
  let pool: RepeatPool;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ditto-vary-'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const src = (path: string) =>
      JSON.stringify(pathToFileURL(join(repoRoot, 'packages/ditto/src', path)).href);
    writeFileSync(
      join(dir, 'draws.ts'),
      `import { experiment } from ${src('experiments/index.ts')};
import { nextKey, normal, uniform } from ${src('random/index.ts')};
export default experiment({
  name: 'draws', repeats: 4, seed: 3, vary: ['order'],
  run: () => ({ init: normal(nextKey('init'), 1)[0], order: uniform(nextKey('order'), 1)[0] }),
});
`,
    );
    pool = new RepeatPool(2, { inProcess: 'never' });
  });
  afterAll(async () => {
    await pool?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker runs the design it is given; the record stores it', async () => {
    const file = join(dir, 'draws.ts');
    const records = join(dir, 'runs.db');
    const own = await runExperimentFile(file, { pool, records });
    expect(own.record?.options.design).toEqual({ vary: ['order'] });
    expect(new Set(column(own.run.results, 'init')).size).toBe(1);
    expect(new Set(column(own.run.results, 'order')).size).toBe(4);
    const crossed = { crossed: ['init', 'order'] as const, levels: 2 };
    const onThreads = await runExperimentFile(file, { pool, records, repeats: 4, design: crossed });
    expect(onThreads.record?.options.design).toEqual(crossed);
    // The same cells in this thread, through the experiment's handle.
    const { default: exp } = await import(pathToFileURL(file).href);
    const here = await Promise.all([0, 1, 2, 3].map((i) => exp[EXPERIMENT].runRepeat(3n, i, crossed)));
    const metrics = (results: RepeatResult[]) => ok(results).map((r) => r.metrics);
    expect(metrics(onThreads.run.results)).toEqual(metrics(here));
    expect(hashArrays([Float64Array.from(column(here, 'init'))])).not.toBe(
      hashArrays([Float64Array.from(column(own.run.results, 'init'))]),
    );
  });
});
