// Repeats that misbehave — run past their time limit, call process.exit, crash their thread, never
// settle — are recorded as failed with what happened, and the run goes on (on a fresh worker).
// And the in-process path (short repeats run on the calling thread) gives the worker path's bits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepeatResult } from '../packages/ditto/src/experiments/index.js';
import { RepeatPool, runExperimentFile } from '../packages/ditto-node/src/experiments/index.js';
import { fasterInProcess } from '../packages/ditto-node/src/experiments/schedule.js';
import { runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/run-tsx.js';

const src = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, 'packages/ditto/src', path)).href);
let dir: string;
let faulty: string;
let pool: RepeatPool;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-faults-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  faulty = join(dir, 'faulty.ts');
  writeFileSync(
    faulty,
    `import { isMainThread } from 'node:worker_threads';
import { experiment, tutorialExperiment } from ${src('experiments/index.ts')};
export default experiment({
  name: 'faulty',
  repeats: 7,
  seed: 3,
  timeout: 2,
  run(ctx) {
    if (ctx.index === 1) process.exit(3);
    if (ctx.index === 2) return new Promise(() => {});
    if (ctx.index === 3) { for (;;) {} }
    if (ctx.index === 4) { setTimeout(() => { throw new Error('thrown from a timer'); }); return new Promise(() => {}); }
    if (ctx.index === 5) return new Promise((resolve) => setInterval(() => {}, 1000));
    return { m: ctx.index };
  },
});
export const tutorial = tutorialExperiment({ name: 'tutorial', repeats: 5, seed: 11, epochs: 20 });
export const where = experiment({
  name: 'where', repeats: 4, seed: 1,
  run: (ctx) => ({ main: isMainThread ? 1 : 0, i: ctx.index }),
});
export const hangsFirst = experiment({
  name: 'hangs first', repeats: 3, seed: 2,
  run(ctx) {
    if (ctx.index === 0) return new Promise(() => {});
    if (ctx.index === 1) process.exit(4);
    return { m: ctx.index };
  },
});
`,
  );
  pool = new RepeatPool(2, { inProcess: 'never' });
});

afterAll(async () => {
  await pool?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** Results without their timings and backend, the fields allowed to differ between paths. */
const bits = (results: RepeatResult[]) => results.map(({ milliseconds: _m, ...r }) => r);
const errorOf = (r: RepeatResult | undefined) => (r?.status === 'failed' ? r.error : undefined);

describe('repeats that misbehave, on worker threads', () => {
  it('records a timeout, process.exit, a crash and a promise that never settles, and finishes the rest', async () => {
    const { run } = await runExperimentFile(faulty, { exportName: 'default', pool, records: false });
    expect(run.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(run.results.map((r) => r.status)).toEqual([
      'ok',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'ok',
    ]);
    const [, exit, unsettled, loop, crash, interval] = run.results;
    expect(errorOf(exit)).toMatchObject({
      name: 'RepeatExitError',
      message: 'repeat 1 called process.exit(3); the run went on without it',
    });
    expect(errorOf(unsettled)).toMatchObject({ name: 'RepeatUnsettledError' });
    expect(errorOf(unsettled)?.message).toMatch(/^repeat 2 never settled/);
    expect(errorOf(loop)).toMatchObject({
      name: 'RepeatTimeoutError',
      message: 'repeat 3 timed out after 2 s and was stopped (time limit 2 s)',
    });
    expect(errorOf(crash)).toMatchObject({ name: 'RepeatCrashError' });
    expect(errorOf(crash)?.message).toContain('Error: thrown from a timer');
    expect(errorOf(interval)).toMatchObject({ name: 'RepeatTimeoutError' });
    // Each failure keeps its repeat's seed, so it can be replayed alone.
    expect(run.results[6]).toMatchObject({ status: 'ok', metrics: { m: 6 } });
  });

  it('a --timeout option overrides the experiment’s', async () => {
    const { run } = await runExperimentFile(faulty, {
      exportName: 'default',
      pool,
      records: false,
      repeats: 4,
      timeout: 0.5,
    });
    expect(errorOf(run.results[3])?.message).toBe(
      'repeat 3 timed out after 0.5 s and was stopped (time limit 0.5 s)',
    );
  });
});

describe('repeats in this thread', () => {
  it('give the worker path’s bits (weights hashes and metrics)', async () => {
    const auto = new RepeatPool(2);
    try {
      const here = await runExperimentFile(faulty, { exportName: 'tutorial', pool: auto, records: false });
      const there = await runExperimentFile(faulty, { exportName: 'tutorial', pool, records: false });
      expect(bits(here.run.results)).toEqual(bits(there.run.results));
      expect(new Set(here.run.results.map((r) => r.status === 'ok' && r.weightsHash)).size).toBe(5);
      const placed = await runExperimentFile(faulty, { exportName: 'where', pool: auto, records: false });
      // Short repeats stay in this thread; the 'never' pool puts them on workers.
      expect(placed.run.results.map((r) => r.status === 'ok' && r.metrics.main)).toEqual([1, 1, 1, 1]);
      const elsewhere = await runExperimentFile(faulty, { exportName: 'where', pool, records: false });
      expect(elsewhere.run.results.map((r) => r.status === 'ok' && r.metrics.main)).toEqual([0, 0, 0, 0]);
    } finally {
      await auto.destroy();
    }
  });

  it('decide from a measured repeat whether starting threads pays off', () => {
    expect(fasterInProcess(2, 29, 2)).toBe(true); // the tutorial: 60 ms here vs 300 + 30 ms there
    expect(fasterInProcess(100, 29, 2)).toBe(false); // 2.9 s here vs 1.75 s there
    expect(fasterInProcess(1000, 0, 2)).toBe(true); // nothing left to run
  });

  it('`ditto run --timeout` stops a repeat past it', async () => {
    const args = ['run', faulty, '--repeats', '4', '--timeout', '1', '--no-record', '--json'];
    const result = await runCli(args, { cwd: dir });
    expect(result.code).toBe(1);
    const results: RepeatResult[] = JSON.parse(result.stdout).runs[0].run.results;
    expect(results.map((r) => r.status)).toEqual(['ok', 'failed', 'failed', 'failed']);
    expect(errorOf(results[3])?.message).toBe(
      'repeat 3 timed out after 1 s and was stopped (time limit 1 s)',
    );
  });

  it('a first repeat that never settles, or calls process.exit, fails alone in `ditto run`', async () => {
    const result = await runCli(['run', faulty, '--export', 'hangsFirst', '--no-record', '--json'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    const { runs } = JSON.parse(result.stdout);
    const results: RepeatResult[] = runs[0].run.results;
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'ok']);
    expect(errorOf(results[0])?.name).toBe('RepeatUnsettledError');
    expect(errorOf(results[1])?.message).toBe('repeat 1 called process.exit(4); the run went on without it');
  });
});
