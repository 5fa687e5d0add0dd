// The runtime-neutral experiment core: definitions, per-repeat seeds and keys, in-process runs,
// failures, and the wiring of the statistics (which are themselves checked against SciPy in
// test/stats-*.test.ts; here the numbers that reach a comparison are pinned to SciPy too).
import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  type ExperimentRun,
  experiment,
  keyedRandomSource,
  metricValues,
  parseSeed,
  type RepeatContext,
  runExperiment,
  statisticsKey,
  summarize,
  tutorialExperiment,
} from '../packages/ditto/src/experiments/index.js';
import {
  bits,
  foldIn,
  getSeed,
  key,
  nextKey,
  restoreSeedState,
  setSeed,
  uniform,
} from '../packages/ditto/src/random/index.js';
import {
  bootstrap,
  cliffsDelta,
  convergence,
  describe as describeSample,
  hedgesG,
  mannWhitneyU,
  welchTTest,
} from '../packages/ditto/src/stats/index.js';
import { fitTutorial } from '../packages/ditto/src/tutorial/tutorial.js';

/** A run whose metric `m` takes the given values, repeat by repeat (no training involved). */
async function runOf(
  name: string,
  values: number[],
  seed = 1,
  better?: 'lower' | 'higher',
): Promise<ExperimentRun> {
  const e = experiment({
    name,
    repeats: values.length,
    seed,
    better: better ? { m: better } : undefined,
    run: (ctx) => ({ m: values[ctx.index] }),
  });
  return runExperiment(e);
}

/** The words of a key (uint64 seed → [hi, lo]) as a bigint, as DESIGN.md defines repeat seeds. */
function keyToSeed([hi, lo]: readonly [number, number]): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

describe('experiment()', () => {
  const run = () => ({ m: 1 });

  it.each([0, -1, 1.5, Number.NaN, '3'])('rejects repeats = %s', (repeats) => {
    expect(() => experiment({ name: 'x', repeats: repeats as number, run })).toThrow(
      /`repeats` must be an integer ≥ 1/,
    );
  });

  it('rejects a missing name, a run that is not a function, bad seeds, workers and directions', () => {
    expect(() => experiment({ name: '', run })).toThrow(/`name` must be a non-empty string/);
    expect(() => experiment({ name: 'x' } as never)).toThrow(/`run` must be a function/);
    expect(() => experiment({ name: 'x', seed: 1.5, run })).toThrow(/invalid `seed`/);
    expect(() => experiment({ name: 'x', workers: 0, run })).toThrow(/`workers` must be an integer ≥ 1/);
    expect(() => experiment({ name: 'x', better: { m: 'up' as never }, run })).toThrow(/better\.m/);
  });

  it('has Keras-like defaults: 30 repeats, no seed, lower is better', () => {
    const e = experiment({ name: 'x', run });
    expect([e.repeats, e.seed, e.workers, e.better]).toEqual([30, undefined, undefined, {}]);
    expect(Object.isFrozen(e)).toBe(true);
  });
});

describe('runExperiment (in-process)', () => {
  it('gives repeat i the seed and key derived from (experiment seed, i), and orders results by index', async () => {
    const seen: RepeatContext[] = [];
    const e = experiment({
      name: 'contexts',
      repeats: 5,
      seed: 42,
      run: (ctx) => {
        seen.push(ctx);
        return { i: ctx.index };
      },
    });
    const run = await runExperiment(e, { indices: [3, 0, 4, 1, 2] });
    expect(run.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    for (const ctx of seen) {
      // DESIGN.md: a repeat's key is foldIn(key(seed), index); its seed is that key's 64 bits.
      const expected = foldIn(key(42), ctx.index);
      expect(ctx.key).toEqual(expected);
      expect(ctx.seed).toBe(keyToSeed(expected));
      expect(ctx.experimentSeed).toBe(42n);
      expect(run.results[ctx.index].seed).toBe(String(ctx.seed));
    }
  });

  it('sets the global seed to the repeat seed before run, and restores the caller’s state after', async () => {
    const e = experiment({
      name: 'global seed',
      repeats: 3,
      seed: 'strings work too',
      run: (ctx) => {
        expect(getSeed()).toBe(ctx.seed);
        const draw = uniform(nextKey(), 1)[0];
        // nextKey() after setSeed(s) is the first 'user' key (id 5): independent of everything else.
        expect(draw).toBe(uniform(foldIn(foldIn(key(ctx.seed), 5), 0), 1)[0]);
        return { draw };
      },
    });
    setSeed(99);
    nextKey();
    const run = await runExperiment(e);
    expect(run.results.every((r) => r.status === 'ok')).toBe(true);
    expect(getSeed()).toBe(99);
    expect(nextKey()).toEqual(foldIn(foldIn(key(99), 5), 1));
    restoreSeedState({ seed: undefined, drawn: false, counters: {} });
  });

  it('makes fitTutorial() with no seed reproducible per repeat: repeat i = a fit seeded with repeat i’s seed', async () => {
    const e = tutorialExperiment({ repeats: 4, seed: 7, epochs: 10 });
    const all = await runExperiment(e);
    const alone = await runExperiment(e, { indices: [2] });
    const direct = await fitTutorial({ seed: BigInt(all.results[2].seed), epochs: 10 });
    const r2 = all.results[2];
    expect(r2.status).toBe('ok');
    if (r2.status !== 'ok') return;
    expect(alone.results[0]).toMatchObject({ index: 2, metrics: r2.metrics, weightsHash: r2.weightsHash });
    expect(r2.weightsHash).toBe(direct.weightsHash);
    expect(r2.metrics.mse).toBe(direct.mse);
    // Different repeats train differently.
    expect(new Set(all.results.map((r) => (r.status === 'ok' ? r.weightsHash : r.status))).size).toBe(4);
  });

  it('reports a throwing repeat with index, seed and stack, and keeps the others', async () => {
    const e = experiment({
      name: 'flaky',
      repeats: 5,
      seed: 3,
      run: (ctx) => {
        if (ctx.index === 2) throw new Error('diverged at repeat two');
        return { m: ctx.index };
      },
    });
    const run = await runExperiment(e);
    expect(run.results.map((r) => r.status)).toEqual(['ok', 'ok', 'failed', 'ok', 'ok']);
    const failed = run.results[2];
    if (failed.status !== 'failed') throw new Error('expected a failure');
    expect(failed.index).toBe(2);
    expect(failed.seed).toBe(String(keyToSeed(foldIn(key(3), 2))));
    expect(failed.error.message).toBe('diverged at repeat two');
    expect(failed.error.stack).toMatch(/diverged at repeat two\n\s+at /);
    expect(metricValues(run, 'm')).toEqual([0, 1, 3, 4]);
  });

  it.each([
    [{ m: Number.NaN }, /metric 'm' is NaN; every metric must be a finite number/],
    [{ m: Number.POSITIVE_INFINITY }, /metric 'm' is Infinity/],
    [{ m: '0.1' }, /metric 'm' is "0.1"/],
    [{}, /no metrics/],
    [null, /must return named metrics/],
    [[1, 2], /must return named metrics/],
    [{ m: 1, weightsHash: 5 }, /weightsHash that is not a non-empty string/],
    [{ 'bad name': 1 }, /metric name "bad name"/],
  ])('turns invalid output %j into a failure with a clear message', async (output, message) => {
    const e = experiment({ name: 'bad', repeats: 1, seed: 0, run: () => output as never });
    const [result] = (await runExperiment(e)).results;
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.error.message).toMatch(message);
  });

  it('records −0 as 0 (JSON records cannot keep the sign)', async () => {
    const run = await runExperiment(experiment({ name: 'z', repeats: 1, seed: 0, run: () => ({ m: -0 }) }));
    expect(Object.is(metricValues(run, 'm')[0], 0)).toBe(true);
  });

  it('draws and records a seed when none is given; replaying with it gives the same results', async () => {
    const e = experiment({ name: 'drawn', repeats: 3, run: (ctx) => ({ u: uniform(ctx.key, 1)[0] }) });
    const first = await runExperiment(e);
    expect(first.seedDrawn).toBe(true);
    expect(first.seed).toMatch(/^\d+$/);
    const replay = await runExperiment(e, { seed: BigInt(first.seed) });
    expect(replay.seedDrawn).toBe(false);
    expect(replay.results).toEqual(first.results.map((r) => ({ ...r, milliseconds: expect.any(Number) })));
  });

  it('rejects bad overrides and indices', async () => {
    const e = experiment({ name: 'x', repeats: 3, seed: 1, run: () => ({ m: 1 }) });
    await expect(runExperiment(e, { repeats: 0 })).rejects.toThrow(/`repeats` must be an integer ≥ 1/);
    await expect(runExperiment(e, { indices: [3] })).rejects.toThrow(/not an integer in \[0, 3\)/);
    await expect(runExperiment(e, { indices: [1, 1] })).rejects.toThrow(/listed twice/);
    await expect(runExperiment({ name: 'fake' } as never)).rejects.toThrow(/expected an experiment/);
  });

  it('parses command-line seeds as integers or strings', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('-3')).toBe(-3);
    expect(parseSeed('18446744073709551615')).toBe(18446744073709551615n);
    expect(parseSeed('baseline')).toBe('baseline');
    expect(parseSeed('1e3')).toBe('1e3');
  });
});

describe('statistics wiring', () => {
  it('keyedRandomSource reads the key’s word stream (for a power-of-two bound: word mod bound)', () => {
    const k = key(2024);
    const random = keyedRandomSource(k);
    const words = bits(k, 40);
    // nextBelow rejects words ≥ 2^32 − 2^32 mod bound; for bound 2^k that limit is 2^32: no rejection.
    for (let i = 0; i < 40; i++) expect(random.nextInt(8)).toBe(words[i] % 8);
  });

  it('summarize = describe + bootstrap keyed by (seed, metric) + convergence, on values in repeat order', async () => {
    const values = [0.31, 0.12, 0.5, 0.12, 0.27, 0.9, 0.05, 0.33];
    const run = await runOf('A', values, 5);
    const [m] = summarize(run, { nResamples: 999 }).metrics;
    expect(m.values).toEqual(values);
    expect(m.description).toEqual(describeSample(values));
    const random = () => keyedRandomSource(statisticsKey('bootstrap', ['5'], 'm'));
    expect(m.bootstrap.bca).toEqual(bootstrap(values, { random: random(), nResamples: 999, method: 'BCa' }));
    expect(m.bootstrap.percentile).toEqual(
      bootstrap(values, { random: random(), nResamples: 999, method: 'percentile' }),
    );
    expect(m.convergence).toEqual(convergence(values, { tolerance: 0.1, relative: true }));
    expect(m.better).toBe('lower');
  });

  it('keys the bootstrap by the experiment seed: same seed, same interval; other seed, other interval', async () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const a = summarize(await runOf('A', values, 1), { nResamples: 500 }).metrics[0];
    const again = summarize(await runOf('A', values, 1), { nResamples: 500 }).metrics[0];
    const other = summarize(await runOf('A', values, 2), { nResamples: 500 }).metrics[0];
    expect(again.bootstrap).toEqual(a.bootstrap);
    expect(other.description).toEqual(a.description);
    expect(other.bootstrap.percentile.standardError).not.toBe(a.bootstrap.percentile.standardError);
  });

  it('compareRuns reports the SciPy statistics for tiny samples with ties (n = 2 vs 3)', async () => {
    const a = [0.5, 0.25];
    const b = [0.75, 1.0, 0.5];
    const c = compareRuns([await runOf('A', a), await runOf('B', b)], { nResamples: 200 });
    const [pair] = c.metrics[0].pairs;
    // stats.ttest_ind([0.5, 0.25], [0.75, 1.0, 0.5], equal_var=False) — SciPy 1.17.1
    expect(pair.welch?.statistic).toBeCloseTo(-1.9639610121239317, 12);
    expect(pair.welch?.df).toBeCloseTo(2.8823529411764697, 12);
    expect(pair.welch?.pValue).toBeCloseTo(0.148027881803898, 12);
    // stats.mannwhitneyu(a, b, alternative='two-sided') -> U 0.5, p 0.23613697022165292 (ties: asymptotic)
    expect(pair.mannWhitney.statistic).toBe(0.5);
    expect(pair.mannWhitney.pValue).toBeCloseTo(0.23613697022165292, 12);
    expect(pair.mannWhitney.method).toBe('asymptotic');
    expect(pair.hedgesG).toBe(hedgesG(a, b));
    expect(pair.cliffsDelta).toEqual(cliffsDelta(a, b));
    expect(c.metrics[0].kruskalWallis).toBeNull();
  });

  it('compareRuns: Kruskal–Wallis for three runs and identical samples, as SciPy', async () => {
    const a = [1, 2, 2, 3];
    const b = [2, 3, 3, 4, 5];
    const c = [3, 3, 4, 4];
    const comparison = compareRuns([await runOf('A', a), await runOf('B', b), await runOf('C', c)], {
      nResamples: 100,
    });
    const m = comparison.metrics[0];
    // stats.kruskal([1,2,2,3], [2,3,3,4,5], [3,3,4,4]) -> H 5.157142857142862, p 0.07588232995726546
    expect(m.kruskalWallis?.statistic).toBeCloseTo(5.157142857142862, 12);
    expect(m.kruskalWallis?.pValue).toBeCloseTo(0.07588232995726546, 12);
    expect(m.pairs.map((p) => [p.a, p.b])).toEqual([
      ['A', 'B'],
      ['A', 'C'],
      ['B', 'C'],
    ]);
    // stats.ttest_ind([1,2,2,3], [2,3,3,4,5], equal_var=False) -> t −2.143303524935281, p 0.06952436949908249
    expect(m.pairs[0].welch?.pValue).toBeCloseTo(0.06952436949908249, 12);
    expect(m.pairs[0].welch).toEqual(welchTTest(a, b));
    // stats.mannwhitneyu([2,2,2], [2,2,2]) -> U 4.5, p 1.0
    const same = compareRuns([await runOf('X', [2, 2, 2]), await runOf('Y', [2, 2, 2], 9)], {
      nResamples: 100,
    });
    const [p] = same.metrics[0].pairs;
    expect(p.mannWhitney).toEqual({ ...mannWhitneyU([2, 2, 2], [2, 2, 2]), statistic: 4.5, pValue: 1 });
    expect(p.improvement.estimate).toBe(0.5);
    expect(p.verdict.significant).toBe(false);
  });

  it('orients the probability of improvement and the verdict by the metric’s direction', async () => {
    const low = Array.from({ length: 10 }, (_, i) => i);
    const high = Array.from({ length: 10 }, (_, i) => 20 + i);
    const lower = compareRuns([await runOf('L', low), await runOf('H', high)], { nResamples: 200 });
    expect(lower.metrics[0].pairs[0].improvement.estimate).toBe(1); // every run of L beats every run of H
    expect(lower.metrics[0].pairs[0].verdict.winner).toBe('L');
    const higher = compareRuns([await runOf('L', low, 1, 'higher'), await runOf('H', high, 1, 'higher')], {
      nResamples: 200,
    });
    expect(higher.metrics[0].better).toBe('higher');
    expect(higher.metrics[0].pairs[0].improvement.estimate).toBe(0);
    expect(higher.metrics[0].pairs[0].verdict.winner).toBe('H');
    expect(higher.metrics[0].pairs[0].verdict.text).toMatch(/^H's median m is higher/);
  });

  it('rejects comparisons that cannot be made', async () => {
    const a = await runOf('A', [1, 2, 3]);
    expect(() => compareRuns([a])).toThrow(/at least two runs/);
    expect(() => compareRuns([a, a], { metrics: ['mse'] })).toThrow(
      /no successful repeat reporting metric 'mse'/,
    );
    const b = await runOf('B', [1, 2], 1, 'higher');
    expect(() => compareRuns([a, b])).toThrow(/says lower m is better/);
    // Duplicate names get distinct labels.
    expect(compareRuns([a, a], { nResamples: 10 }).labels).toEqual(['A', 'A #2']);
  });
});
