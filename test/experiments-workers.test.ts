// The Node runner: experiment modules loaded by path in worker threads (RepeatPool), results that do
// not depend on the worker count, failures kept per repeat, and clear errors for bad modules.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RepeatResult, runExperiment } from '../packages/ditto/src/experiments/index.js';
import { repeatSeed } from '../packages/ditto/src/tutorial/repeat-seed.js';
import {
  loadExperiments,
  RepeatPool,
  runExperimentFile,
} from '../packages/ditto-node/src/experiments/index.js';
import { repoRoot } from './helpers/run-tsx.js';

const repeatSeedOf = (seed: number, index: number) => String(repeatSeed(seed, index));
const src = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, 'packages/ditto/src', path)).href);
let dir: string;
let fixture: string;
let pool1: RepeatPool;
let pool2: RepeatPool;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-workers-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  fixture = join(dir, 'fixture.ts');
  writeFileSync(
    fixture,
    `import { experiment, tutorialExperiment } from ${src('experiments/index.ts')};
export default tutorialExperiment({ name: 'tiny tutorial', repeats: 6, seed: 11, epochs: 15 });
export const flaky = experiment({
  name: 'flaky',
  repeats: 6,
  seed: 5,
  run(ctx) {
    if (ctx.index === 3) throw new Error('boom in repeat 3');
    if (ctx.index === 4) return { m: Number.NaN };
    return { m: ctx.index };
  },
});
`,
  );
  writeFileSync(
    join(dir, 'empty.ts'),
    'export const definition = { name: "x", run() { return { m: 1 }; } };\n',
  );
  pool1 = new RepeatPool(1, { inProcess: 'never' });
  pool2 = new RepeatPool(2, { inProcess: 'never' });
});

afterAll(async () => {
  await Promise.all([pool1?.destroy(), pool2?.destroy()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Results without their timings, which are the only field allowed to differ. */
const bits = (results: RepeatResult[]) => results.map(({ milliseconds: _, ...r }) => r);

describe('worker pool', () => {
  it('gives identical results (weights hashes and metrics) at 1 and 2 workers and in-process, ordered by index', async () => {
    const one = await runExperimentFile(fixture, { exportName: 'default', pool: pool1, records: false });
    const two = await runExperimentFile(fixture, { exportName: 'default', pool: pool2, records: false });
    const [{ experiment }] = await loadExperiments(fixture);
    const inProcess = await runExperiment(experiment);
    expect(two.run.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(
      one.run.results.every((r) => r.status === 'ok' && /^[0-9a-f]{64}$/.test(r.weightsHash ?? '')),
    ).toBe(true);
    expect(new Set(one.run.results.map((r) => r.status === 'ok' && r.weightsHash)).size).toBe(6);
    expect(bits(two.run.results)).toEqual(bits(one.run.results));
    expect(bits(inProcess.results)).toEqual(bits(one.run.results));
    expect([one.workers, two.workers]).toEqual([1, 2]);
    expect(one.run.seed).toBe('11');
  });

  it('reports a throwing repeat and a non-finite metric with index, seed and stack; the others are kept', async () => {
    const { run } = await runExperimentFile(fixture, { exportName: 'flaky', pool: pool2, records: false });
    expect(run.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'failed', 'ok']);
    const [boom, nan] = [run.results[3], run.results[4]];
    if (boom.status !== 'failed' || nan.status !== 'failed') throw new Error('expected failures');
    expect(boom.seed).toBe(repeatSeedOf(5, 3));
    expect(boom.error.message).toBe('boom in repeat 3');
    expect(boom.error.stack).toContain('fixture.ts');
    expect(nan.error.message).toMatch(/metric 'm' is NaN; every metric must be a finite number/);
    expect(run.results.filter((r) => r.status === 'ok').map((r) => r.status === 'ok' && r.metrics.m)).toEqual(
      [0, 1, 2, 5],
    );
  });

  it('runs only the requested repeats of a resumed plan and never mixes up seeds', async () => {
    const { run } = await runExperimentFile(fixture, {
      exportName: 'flaky',
      pool: pool2,
      records: false,
      repeats: 2,
    });
    expect(run.repeats).toBe(2);
    expect(run.results.map((r) => [r.index, r.seed])).toEqual([
      [0, repeatSeedOf(5, 0)],
      [1, repeatSeedOf(5, 1)],
    ]);
  });
});

describe('bad input', () => {
  it('a module that exports no experiment', async () => {
    await expect(loadExperiments(join(dir, 'empty.ts'))).rejects.toThrow(
      /empty\.ts exports no experiment \(exports: definition\)\. .*wrap it as experiment\(\{ … \}\)/,
    );
  });

  it('a missing module', async () => {
    await expect(loadExperiments(join(dir, 'missing.ts'))).rejects.toThrow(
      /cannot find the experiment module/,
    );
  });

  it('a module with several experiments and no export chosen, or an unknown export', async () => {
    await expect(runExperimentFile(fixture, { records: false, pool: pool1 })).rejects.toThrow(
      /exports 2 experiments \(default, flaky\); choose one by export name/,
    );
    await expect(
      runExperimentFile(fixture, { exportName: 'nope', records: false, pool: pool1 }),
    ).rejects.toThrow(/no experiment exported as 'nope'/);
  });

  it('repeats < 1 and a bad worker count', async () => {
    await expect(
      runExperimentFile(fixture, { exportName: 'flaky', repeats: 0, records: false, pool: pool1 }),
    ).rejects.toThrow(/`repeats` must be an integer ≥ 1 \(got 0\)/);
    await expect(
      runExperimentFile(fixture, { exportName: 'flaky', workers: 0, records: false }),
    ).rejects.toThrow(/`workers` must be an integer ≥ 1/);
  });
});
