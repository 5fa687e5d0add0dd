/**
 * An attribution's design on the job queue: each job carries its cell's design, so a queue worker
 * computes the bits of the local run, and two cells (or two designs' repeat i) are never one job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RepeatDesign, RepeatResult } from '../packages/ditto/src/experiments/index.js';
import { attributeCommand } from '../packages/ditto-node/src/cli/commands/attribute.js';
import type { CommandIO } from '../packages/ditto-node/src/experiments/commands.js';
import { moduleContentHash } from '../packages/ditto-node/src/experiments/module-hash.js';
import { openRecords } from '../packages/ditto-node/src/experiments/records.js';
import { runExperimentFile } from '../packages/ditto-node/src/experiments/run-file.js';
import { jobId, parseRepeatJob, type RepeatJob } from '../packages/ditto-node/src/queue/job.js';
import { openQueueRunner } from '../packages/ditto-node/src/queue/queue-runner.js';
import { type QueueWorker, startQueueWorker } from '../packages/ditto-node/src/queue/worker.js';
import { runCli } from './helpers/cli.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';
import { repoRoot } from './helpers/run-tsx.js';

const ATTRIBUTED = join(repoRoot, 'test/fixtures/queue/attributed.ts');

let redis: TestRedis;
let dir: string;
let queueCounter = 0;
/** A fresh queue name per test: its jobs reach only the worker the test starts. */
let queueName = 'a0';
const started: QueueWorker[] = [];

async function startWorker(): Promise<string[]> {
  const lines: string[] = [];
  const worker = await startQueueWorker({
    queue: redis.url,
    name: queueName,
    lockDuration: 10_000,
    root: repoRoot,
    log: (line) => lines.push(line),
  });
  started.push(worker);
  return lines;
}

function capture(): CommandIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const same = (t: string) => t;
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    style: { bold: same, dim: same, red: same, green: same },
    progress: false,
  };
}

const hashes = (results: readonly RepeatResult[]) =>
  results.map((r) =>
    r.status === 'ok'
      ? `${r.index}:${r.weightsHash}:${r.metrics.mse}`
      : `${r.index}:failed: ${r.error.message}`,
  );

/** The per-cell hashes of every run an attribution recorded, in the order of its arms. */
function recordedCells(db: string, runIds: string[]): string[][] {
  const records = openRecords(db, { readonly: true });
  try {
    return runIds.map((id) => hashes(records.getRun(id).results));
  } finally {
    records.close();
  }
}

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'ditto-queue-attribution-'));
});

beforeEach(() => {
  queueName = `a${++queueCounter}`;
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.close()));
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ditto attribute --queue', () => {
  it('gives the per-cell weights hashes and the attribution of the local run', async () => {
    const attribute = async (db: string, queue: { queue?: string; queueName?: string }) => {
      const io = capture();
      const code = await attributeCommand(
        ATTRIBUTED,
        { levels: '2', db, json: true, resamples: '200', workers: '1', ...queue },
        io,
      );
      expect(io.stderr.join('')).toMatch(
        /draws from init, order; crossed design, 2 seeds per source: 4 repeats/,
      );
      expect(code).toBe(0);
      const { metrics, runIds } = JSON.parse(io.stdout.join(''));
      return { metrics, cells: recordedCells(db, runIds) };
    };
    const local = await attribute(join(dir, 'local.db'), {});
    const lines = await startWorker();
    const queued = await attribute(join(dir, 'queued.db'), { queue: redis.url, queueName });
    // Every cell ran on the queue worker, none in this process.
    expect(
      lines.filter((line) => / repeat \d of test\/fixtures\/queue\/attributed\.ts: ok$/.test(line)),
    ).toHaveLength(4);
    expect(queued.cells).toEqual(local.cells);
    expect(queued.metrics).toEqual(local.metrics);
    // The check can fail: the cells differ from each other and from the plain repeats, so a worker
    // that ignored the design would give other hashes.
    const [cells] = local.cells;
    expect(new Set(cells).size).toBe(4);
    const plain = (await runExperimentFile(ATTRIBUTED, { records: false, repeats: 4, workers: 1 })).run
      .results;
    expect(hashes(plain).slice(1)).not.toContain(cells[1]);
    expect(hashes(plain).slice(1)).not.toContain(cells[2]);
  }, 60_000);

  it('repeat i of two designs is two jobs, each with the bits of its local run', async () => {
    const lines = await startWorker();
    const pool = await openQueueRunner({
      queue: redis.url,
      name: queueName,
      relativeFile: relative(repoRoot, ATTRIBUTED),
      moduleHash: moduleContentHash(ATTRIBUTED).hash,
      pollMs: 250,
    });
    const designs: RepeatDesign[] = [{ vary: ['init'] }, { vary: ['order'] }];
    try {
      for (const design of designs) {
        const options = { records: false as const, repeats: 3, design };
        const here = (await runExperimentFile(ATTRIBUTED, { ...options, workers: 1 })).run.results;
        const there = (await runExperimentFile(ATTRIBUTED, { ...options, pool })).run.results;
        expect(hashes(there)).toEqual(hashes(here));
      }
    } finally {
      await pool.destroy();
    }
    // Six jobs computed: the second design's repeats were not served the first design's results.
    expect(lines.filter((line) => / repeat \d of /.test(line))).toHaveLength(6);
  }, 60_000);
});

describe('ditto attribute --queue on the command line', () => {
  it('an unreachable Redis or a bad --verify-fraction is a clear error', async () => {
    const unreachable = await runCli([
      'attribute',
      ATTRIBUTED,
      '--no-record',
      '--queue',
      'redis://127.0.0.1:1',
    ]);
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    const fraction = await runCli([
      'attribute',
      ATTRIBUTED,
      '--no-record',
      '--queue',
      redis.url,
      '--verify-fraction',
      '2',
    ]);
    expect(fraction.code).not.toBe(0);
    expect(fraction.stderr).toMatch(/--verify-fraction must be a number in \[0, 1\] \(got '2'\)/);
  }, 60_000);
});

describe('the design in a job', () => {
  const job: RepeatJob = {
    v: 1,
    file: 'a.ts',
    exportName: 'default',
    moduleHash: 'ab',
    dittoVersion: '0.2.0',
    dittoCode: 'cd',
    seed: '11',
    index: 1,
    verify: false,
  };

  it('is part of the job id: two cells, or no design and a design, are never one job', () => {
    const ids = [
      jobId(job),
      jobId({ ...job, design: 'all' }),
      jobId({ ...job, design: { vary: ['init'] } }),
      jobId({ ...job, design: { vary: ['order'] } }),
      jobId({ ...job, design: { crossed: ['init', 'order'], levels: 2 } }),
      jobId({ ...job, design: { crossed: ['init', 'order'], levels: 3 } }),
      jobId({ ...job, design: { crossed: ['order', 'init'], levels: 2 } }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    // One design, one id, however its keys were ordered when it was read back (a record, JSON).
    const reordered = JSON.parse('{"levels": 2, "crossed": ["init", "order"]}') as RepeatDesign;
    expect(jobId({ ...job, design: reordered })).toBe(ids[4]);
  });

  it('is checked when a worker takes the job, naming the field', () => {
    const design = { crossed: ['init', 'order'], levels: 2 };
    expect(parseRepeatJob({ ...job, design })).toEqual({ ...job, design });
    expect(parseRepeatJob(job)).not.toHaveProperty('design');
    expect(() => parseRepeatJob({ ...job, design: { vary: ['inti'] } })).toThrow(
      /malformed job payload: `design`: `vary`\[0\] is 'inti', not a source of randomness \(did you mean 'init'\?\)/,
    );
    expect(() => parseRepeatJob({ ...job, design: { crossed: ['init'], levels: 1 } })).toThrow(
      /malformed job payload: `design`: `levels` must be an integer ≥ 2/,
    );
    expect(() => parseRepeatJob({ ...job, design: 7 })).toThrow(
      /malformed job payload: `design`: a design must be/,
    );
  });
});
