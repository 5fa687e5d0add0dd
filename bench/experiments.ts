/**
 * Benchmark of the experiment runner: 30 repeats of the tutorial workload (examples/experiment.ts:
 * 1→10→1, 9 samples, Adam, MSE, 100 epochs, full batch; each repeat builds, fits, predicts, scores
 * and hashes) in-process and on 1 and 2 worker threads, next to one fit of the same network in
 * TensorFlow.js (cpu backend) measured in the same run.
 *
 * - "cold" pool times start before the worker threads exist: thread start-up, loading the module in
 *   every worker (through tsx when running from source) and all 30 repeats — what `ditto run` costs.
 * - "warm" pool times run 30 more repeats on the same threads (median of 3).
 * - tfjs "cold" is the first fit in the process (backend start-up included), "warm" the median of 5
 *   later fits.
 *
 * Prints a table and writes bench/results-experiments.json. Timings are reported, never asserted.
 *
 * Usage: node --import tsx bench/experiments.ts [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type ExperimentRun, runExperiment } from '../src/experiments/index.js';
import { loadExperiments, RepeatPool, runExperimentFile } from '../src/node/experiments/index.js';
import { tutorialData } from '../src/tutorial/tutorial.js';
import { VERSION } from '../src/version.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const moduleFile = join(root, 'examples/experiment.ts');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'bench/results-experiments.json');

const now = () => performance.now();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const hashes = (run: ExperimentRun) => run.results.map((r) => (r.status === 'ok' ? r.weightsHash : 'failed'));

/** One fit of the tutorial network in tfjs: build, compile, fit, predict, score. */
async function tfjsFit(xs: tf.Tensor2D, ys: tf.Tensor2D): Promise<number> {
  const started = now();
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, inputShape: [1] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'meanSquaredError' });
  await model.fit(xs, ys, { epochs: 100, batchSize: 9, shuffle: true, verbose: 0 });
  const prediction = model.predict(xs) as tf.Tensor;
  const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(prediction, ys))));
  await mse.data();
  tf.dispose([prediction, mse]);
  model.dispose();
  return now() - started;
}

async function measureTfjs() {
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs cpu backend failed to start');
  await tf.ready();
  const { X, y } = tutorialData();
  const xs = tf.tensor2d(X);
  const ys = tf.tensor2d(y);
  const cold = await tfjsFit(xs, ys);
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push(await tfjsFit(xs, ys));
  tf.dispose([xs, ys]);
  return { version: tf.version.tfjs, backend: tf.getBackend(), coldMs: cold, warmMs: median(warm) };
}

async function measurePool(workers: number, reference: string[]) {
  const started = now();
  const pool = new RepeatPool(workers);
  try {
    const first = await runExperimentFile(moduleFile, { pool, records: false });
    const coldMs = now() - started;
    const warm: number[] = [];
    const identical = [hashes(first.run).join() === reference.join()];
    for (let i = 0; i < 3; i++) {
      const t = now();
      const again = await runExperimentFile(moduleFile, { pool, records: false });
      warm.push(now() - t);
      identical.push(hashes(again.run).join() === reference.join());
    }
    return { workers, coldMs, warmMs: median(warm), identical: identical.every(Boolean) };
  } finally {
    await pool.destroy();
  }
}

const tfjs = await measureTfjs();

const [{ experiment }] = await loadExperiments(moduleFile);
await runExperiment(experiment, { repeats: 3 }); // warm the in-process JIT, as the warm pools are
let t = now();
const inProcessRun = await runExperiment(experiment);
const inProcessMs = now() - t;
const reference = hashes(inProcessRun);
t = now();
const one = await measurePool(1, reference);
const two = await measurePool(2, reference);

const result = {
  date: new Date().toISOString(),
  dittoVersion: VERSION,
  node: process.version,
  platform: `${os.platform()}/${os.arch()}`,
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores: os.availableParallelism(),
  workload:
    'tutorial 1→10→1, 9 samples, Adam, MSE, 100 epochs, full batch; 30 repeats (examples/experiment.ts)',
  ditto: {
    inProcessMs,
    pools: [one, two],
    speedupCold: one.coldMs / two.coldMs,
    speedupWarm: one.warmMs / two.warmMs,
    identicalAcrossWorkerCounts: one.identical && two.identical,
  },
  tfjs,
  goal: {
    statement: 'all 30 repeats (2 workers, cold) finish faster than tfjs does one fit',
    versusColdFit: two.coldMs < tfjs.coldMs,
    versusWarmFit: two.coldMs < tfjs.warmMs,
    warmPoolVersusWarmFit: two.warmMs < tfjs.warmMs,
  },
};

const ms = (x: number) => `${x.toFixed(0).padStart(7)} ms`;
const rows: [string, string][] = [
  ['ditto, 30 repeats in-process (1 thread)', ms(inProcessMs)],
  ['ditto, 30 repeats, 1 worker, cold', ms(one.coldMs)],
  ['ditto, 30 repeats, 1 worker, warm', ms(one.warmMs)],
  ['ditto, 30 repeats, 2 workers, cold', ms(two.coldMs)],
  ['ditto, 30 repeats, 2 workers, warm', ms(two.warmMs)],
  [
    'speed-up 1 → 2 workers (cold / warm)',
    `${result.ditto.speedupCold.toFixed(2)}× / ${result.ditto.speedupWarm.toFixed(2)}×`,
  ],
  [`tfjs ${tfjs.version} (${tfjs.backend}), one fit, cold`, ms(tfjs.coldMs)],
  [`tfjs ${tfjs.version} (${tfjs.backend}), one fit, warm`, ms(tfjs.warmMs)],
];
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`\n${result.workload}\n${result.cpu} × ${result.cores}, Node ${process.version}\n\n`);
for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
process.stdout.write(
  `\n  identical weights at 1 and 2 workers and in-process: ${result.ditto.identicalAcrossWorkerCounts ? 'yes' : 'NO'}\n` +
    `  goal (30 repeats on 2 workers, cold, faster than one tfjs fit): ` +
    `${result.goal.versusColdFit ? 'met' : 'not met'} against tfjs's cold fit, ` +
    `${result.goal.versusWarmFit ? 'met' : 'not met'} against its warm fit\n`,
);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`\n  written to ${out}\n`);
