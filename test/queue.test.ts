/**
 * Repeats on a Redis job queue (BullMQ): worker processes on this machine stand in for machines.
 * The per-repeat hashes must equal a local run's whatever happens to the workers or to Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RepeatResult } from '../packages/ditto/src/experiments/index.js';
import { VERSION } from '../packages/ditto/src/version.js';
import { moduleContentHash } from '../packages/ditto-node/src/experiments/module-hash.js';
import { openRecords } from '../packages/ditto-node/src/experiments/records.js';
import { runExperimentFile } from '../packages/ditto-node/src/experiments/run-file.js';
import { parseRepeatJob } from '../packages/ditto-node/src/queue/job.js';
import { isVerified, openQueueRunner } from '../packages/ditto-node/src/queue/queue-runner.js';
import { type QueueWorker, startQueueWorker } from '../packages/ditto-node/src/queue/worker.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';
import { repoRoot } from './helpers/run-tsx.js';

const SLOW = join(repoRoot, 'test/fixtures/queue/slow.ts');
const FLAKY = join(repoRoot, 'test/fixtures/queue/flaky.ts');
const CLI = join(repoRoot, 'packages/ditto-node/src/cli/main.ts');

let redis: TestRedis;
let queueCounter = 0;
/** A fresh queue name per test: its jobs reach only the workers the test starts. */
let queueName = 'q0';
const inProcess: QueueWorker[] = [];

/** A worker in this process (its repeats still run on worker threads), on this test's queue. */
async function startWorker(
  options: { root?: string } = {},
): Promise<{ worker: QueueWorker; lines: string[] }> {
  const lines: string[] = [];
  const worker = await startQueueWorker({
    queue: redis.url,
    name: queueName,
    // Generous: on a loaded machine a short lock expires while its worker is alive and merely slow.
    lockDuration: 10_000,
    root: options.root ?? repoRoot,
    log: (line) => lines.push(line),
  });
  inProcess.push(worker);
  return { worker, lines };
}
let dir: string;
let local: RepeatResult[];
const workers: ChildProcess[] = [];

interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves at the first stderr line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
}

/** Starts `ditto worker` in its own process. */
async function startWorkerProcess(args: string[] = [], cwd = repoRoot): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'worker',
      '--queue',
      redis.url,
      '--queue-name',
      queueName,
      '--lock-duration',
      '3000',
      ...args,
    ],
    { cwd, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  workers.push(child);
  const lines: string[] = [];
  const listeners: Array<() => void> = [];
  let buffered = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners.splice(0)) listener();
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const hit = lines.find((line) => pattern.test(line));
        if (hit !== undefined) resolve(hit);
        else if (child.exitCode !== null) reject(new Error(`worker exited: ${lines.join('\n')}`));
        else listeners.push(check);
      };
      child.once('exit', check);
      check();
    });
  await waitFor(/waiting for jobs/);
  return { child, lines, waitFor };
}

/** `promise`, or after 45 s an error showing what every worker said (a hang explained, not a timeout). */
async function withDiagnostics<T>(promise: Promise<T>, processes: WorkerProcess[]): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `no result after 45 s; workers said:\n${processes.map((p) => p.lines.join('\n')).join('\n--\n')}`,
          ),
        ),
      45_000,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function queueRun(file: string, options: { verifyFraction?: number; records?: string | false } = {}) {
  const pool = await openQueueRunner({
    queue: redis.url,
    name: queueName,
    relativeFile: relative(repoRoot, file),
    moduleHash: moduleContentHash(file).hash,
    verifyFraction: options.verifyFraction,
    pollMs: 250,
  });
  try {
    return await runExperimentFile(file, { pool, records: options.records ?? false });
  } finally {
    await pool.destroy();
  }
}

const hashes = (results: RepeatResult[]) =>
  results.map((r) =>
    r.status === 'ok'
      ? `${r.index}:${r.weightsHash}:${r.metrics.mse}`
      : `${r.index}:failed: ${r.error.message}`,
  );

beforeAll(async () => {
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'ditto-queue-'));
  local = (await runExperimentFile(SLOW, { records: false, workers: 2 })).run.results;
});

beforeEach(() => {
  queueName = `q${++queueCounter}`;
});

afterEach(async () => {
  await Promise.all(inProcess.splice(0).map((w) => w.close()));
  for (const child of workers.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('repeats on a job queue', () => {
  it('three workers, one killed with SIGKILL mid-job: every repeat completes with the local hashes', async () => {
    expect(local.filter((r) => r.status === 'failed')).toEqual([]);
    const started = await Promise.all([startWorkerProcess(), startWorkerProcess(), startWorkerProcess()]);
    const [victim] = started;
    const running = queueRun(SLOW);
    // Killed right after its first repeat: it has already taken the next job from the queue.
    await victim.waitFor(/repeat \d+ of .*: ok/);
    victim.child.kill('SIGKILL');
    const { run } = await withDiagnostics(running, started);
    expect(hashes(run.results)).toEqual(hashes(local));
  });

  it('a job submitted twice is computed once', async () => {
    const worker = await startWorker();
    const first = await queueRun(SLOW);
    const second = await queueRun(SLOW);
    expect(hashes(second.run.results)).toEqual(hashes(first.run.results));
    expect(worker.lines.filter((line) => / repeat \d+ of /.test(line))).toHaveLength(8);
  });

  it('Redis restarted in the middle of a run: nothing is lost or duplicated in the records', async () => {
    const db = join(dir, 'restart.db');
    const [worker] = await Promise.all([startWorker(), startWorker()]);
    const running = queueRun(SLOW, { records: db });
    while (!worker.lines.some((line) => /: ok$/.test(line))) await new Promise((r) => setTimeout(r, 20));
    await redis.restart();
    const { run, record } = await running;
    expect(hashes(run.results)).toEqual(hashes(local));
    const records = openRecords(db);
    try {
      const stored = records.getRun(record?.id as string);
      expect(stored.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    } finally {
      records.close();
    }
  });

  it('a worker whose experiment file differs refuses its jobs, naming the file', async () => {
    const root = join(dir, 'modified');
    const copy = join(root, 'test/fixtures/queue');
    mkdirSync(copy, { recursive: true });
    cpSync(SLOW, join(copy, 'slow.ts'));
    writeFileSync(join(copy, 'slow.ts'), readFileSync(SLOW, 'utf8').replace('epochs: 40', 'epochs: 41'));
    const worker = await startWorker({ root });
    const { run } = await queueRun(SLOW);
    expect(run.results.every((r) => r.status === 'failed')).toBe(true);
    const [failed] = run.results;
    expect(failed.status === 'failed' && failed.error.message).toMatch(
      /copy of test\/fixtures\/queue\/slow\.ts .* differs from the coordinator's/,
    );
    expect(worker.lines.some((line) => /refused repeat/.test(line))).toBe(true);
  });

  it('a worker without the experiment file says which file it needs', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    await startWorker({ root: empty });
    const { run } = await queueRun(SLOW);
    const [failed] = run.results;
    expect(failed.status === 'failed' && failed.error.message).toContain(
      'this worker needs the experiment file test/fixtures/queue/slow.ts',
    );
  });

  it('a nondeterministic experiment run with verifyFraction 1 is flagged, naming both workers', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const { run } = await queueRun(FLAKY, { verifyFraction: 1 });
    expect(run.results).toHaveLength(3);
    for (const result of run.results) {
      expect(result.status).toBe('failed');
      if (result.status === 'failed') {
        expect(result.error.message).toMatch(
          /cross-machine reproducibility failure: repeat \d gave different results on two workers \(noise .*\): worker .* vs worker /,
        );
      }
    }
  });

  it('a deterministic experiment with verifyFraction 1 passes its checks', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const { run } = await queueRun(SLOW, { verifyFraction: 1 });
    expect(hashes(run.results)).toEqual(hashes(local));
  });
});

describe('bad input on the queue', () => {
  it('an unreachable Redis URL is a clear error within seconds', async () => {
    const started = Date.now();
    await expect(
      openQueueRunner({ queue: 'redis://127.0.0.1:1', relativeFile: 'x.ts', moduleHash: 'ab' }),
    ).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(startQueueWorker({ queue: 'http://localhost:6379' })).rejects.toThrow(
      /must start with redis:\/\//,
    );
    await expect(
      openQueueRunner({ queue: redis.url, relativeFile: 'x.ts', moduleHash: 'ab', verifyFraction: 2 }),
    ).rejects.toThrow(/--verify-fraction must be a number in \[0, 1\] \(got 2\)/);
  });

  it('a malformed job payload is rejected and logged, and the worker goes on', async () => {
    const worker = await startWorker();
    const { Queue } = await import('bullmq');
    const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      await queue.add('repeat', { v: 1, file: 'x.ts', index: -3 });
      while (!worker.lines.some((line) => /rejected job .*malformed job payload: `exportName`/.test(line))) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const { run } = await queueRun(SLOW);
      expect(hashes(run.results)).toEqual(hashes(local));
    } finally {
      await queue.close();
    }
  });

  it('a job from a ditto of the same version but different code is refused, saying so', async () => {
    const worker = await startWorker();
    const { Queue } = await import('bullmq');
    const queue = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const file = relative(repoRoot, SLOW);
      const payload = {
        v: 1,
        file,
        exportName: 'default',
        moduleHash: moduleContentHash(SLOW).hash,
        dittoVersion: VERSION,
        dittoCode: 'f'.repeat(64),
        seed: '5',
        index: 0,
        verify: false,
      };
      await queue.add('repeat', payload);
      while (
        !worker.lines.some((line) => /refused repeat 0 .*different code from the coordinator's/.test(line))
      ) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await queue.close();
    }
  });

  it('payload checks name the field', () => {
    expect(() => parseRepeatJob(null)).toThrow(/expected an object, got null/);
    expect(() => parseRepeatJob({ v: 2 })).toThrow(/`v` must be the format version 1 \(got 2\)/);
    const good = {
      v: 1,
      file: 'a.ts',
      exportName: 'default',
      moduleHash: 'ab',
      dittoVersion: '0.1.0',
      dittoCode: 'cd',
      seed: '18446744073709551615',
      index: 0,
      verify: false,
    };
    expect(parseRepeatJob(good)).toEqual(good);
    expect(() => parseRepeatJob({ ...good, seed: '18446744073709551616' })).toThrow(
      /`seed` must be an unsigned/,
    );
    expect(() => parseRepeatJob({ ...good, index: 1.5 })).toThrow(/`index` must be an integer/);
  });

  it('the repeats verified are a keyed choice of about the requested share', () => {
    const chosen = Array.from({ length: 1000 }, (_, i) => isVerified(7n, i, 0.1)).filter(Boolean).length;
    expect(chosen).toBeGreaterThan(70);
    expect(chosen).toBeLessThan(130);
    expect(Array.from({ length: 50 }, (_, i) => isVerified(7n, i, 1)).every(Boolean)).toBe(true);
    expect(Array.from({ length: 50 }, (_, i) => isVerified(7n, i, 0)).some(Boolean)).toBe(false);
  });
});
