/**
 * Throughput of repeats on the Redis job queue (issue 14; docs/scaling.md): the same experiment run
 * locally on one worker thread, then through the queue with 1, 2 and 4 `ditto worker` processes
 * (concurrency 1 each) on a throwaway redis-server, each after a warm-up run (threads started, module
 * loaded). Reports wall time, repeats per second and the
 * queue's overhead per job against the local run, and checks that every configuration gives the
 * local run's per-repeat hashes. Timings are reported, never asserted.
 *
 * Usage: node --conditions=ditto-source --import tsx bench/queue.ts [--out FILE]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RepeatResult } from '../packages/ditto/src/experiments/index.js';
import { moduleContentHash } from '../packages/ditto-node/src/experiments/module-hash.js';
import { runExperimentFile } from '../packages/ditto-node/src/experiments/run-file.js';
import { openQueueRunner } from '../packages/ditto-node/src/queue/queue-runner.js';
import { startRedis } from '../test/helpers/redis-server.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const file = join(root, 'bench/fixtures/queue-workload.ts');
const cli = join(root, 'packages/ditto-node/src/cli/main.ts');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'bench/results-queue.json');

const fingerprint = (results: RepeatResult[]) =>
  results
    .map((r) => (r.status === 'ok' ? `${r.weightsHash}:${r.metrics.mse}` : `failed: ${r.error.message}`))
    .join('\n');

async function startWorkers(url: string, queueName: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          cli,
          'worker',
          '--queue',
          url,
          '--queue-name',
          queueName,
          '--lock-duration',
          '10000',
        ],
        { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      return new Promise<ChildProcess>((resolveReady, reject) => {
        let text = '';
        child.stderr?.setEncoding('utf8');
        child.stderr?.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('waiting for jobs')) resolveReady(child);
        });
        child.once('exit', () => reject(new Error(`worker exited: ${text}`)));
      });
    }),
  );
}

const redis = await startRedis();
const rows: Array<{
  label: string;
  workers: number;
  seconds: number;
  repeatsPerSecond: number;
  overheadMsPerJob?: number;
}> = [];
try {
  await runExperimentFile(file, { records: false, workers: 1, seed: 999, repeats: 2 }); // warm-up
  const localStart = performance.now();
  const local = await runExperimentFile(file, { records: false, workers: 1 });
  const localSeconds = (performance.now() - localStart) / 1000;
  const n = local.run.results.length;
  rows.push({
    label: 'local, 1 worker thread',
    workers: 1,
    seconds: localSeconds,
    repeatsPerSecond: n / localSeconds,
  });
  const reference = fingerprint(local.run.results);
  for (const count of [1, 2, 4]) {
    const queueName = `bench-${count}`;
    const workers = await startWorkers(redis.url, queueName, count);
    try {
      const pool = await openQueueRunner({
        queue: redis.url,
        name: queueName,
        relativeFile: relative(root, file),
        moduleHash: moduleContentHash(file).hash,
        workers: count,
        pollMs: 250,
      });
      // A warm-up run with another seed (other job ids): every worker has started its thread and
      // loaded the module, so the measured run shows the queue's steady cost, not start-up.
      await runExperimentFile(file, { pool, records: false, seed: 999, repeats: 2 * count });
      const started = performance.now();
      const { run } = await runExperimentFile(file, { pool, records: false });
      const seconds = (performance.now() - started) / 1000;
      await pool.destroy();
      const got = fingerprint(run.results).split('\n');
      const expected = reference.split('\n');
      const at = got.findIndex((line, i) => line !== expected[i]);
      if (at >= 0) throw new Error(`${count} workers: repeat ${at} differs from the local run: ${got[at]}`);
      rows.push({
        label: `queue, ${count} worker process${count > 1 ? 'es' : ''}`,
        workers: count,
        seconds,
        repeatsPerSecond: n / seconds,
        overheadMsPerJob: count === 1 ? ((seconds - localSeconds) * 1000) / n : undefined,
      });
    } finally {
      for (const w of workers) w.kill('SIGTERM');
    }
  }
  console.log(
    `queue benchmark: ${n} repeats, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`,
  );
  for (const r of rows) {
    const overhead =
      r.overheadMsPerJob === undefined ? '' : `  (${r.overheadMsPerJob.toFixed(1)} ms per job over local)`;
    console.log(
      `  ${r.label.padEnd(28)} ${r.seconds.toFixed(2)} s  ${r.repeatsPerSecond.toFixed(1)} repeats/s${overhead}`,
    );
  }
  console.log('  every configuration gave the local per-repeat hashes');
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), cores: cpus().length, load: loadavg()[0], rows }, null, 2)}\n`,
  );
} finally {
  await redis.stop();
}
