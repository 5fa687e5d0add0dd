/**
 * Benchmark of the experiment runner: 30 repeats of the tutorial workload (examples/experiment.ts:
 * 1→10→1, 9 samples, Adam, MSE, 100 epochs, full batch; each repeat builds, fits, predicts, scores
 * and hashes) in-process and on 1 and 2 worker threads, the whole `ditto run examples/experiment.ts`
 * command as a user runs it, and one fit of the same network in TensorFlow.js (cpu backend).
 *
 * - "cold" pool times start before the worker threads exist: thread start-up, loading the module in
 *   every worker and all 30 repeats. Pools here never run repeats in this thread (`inProcess:
 *   'never'`), so they measure the worker path.
 * - "warm" pool times run 30 more repeats on the same threads (median of 3).
 * - Two builds of the runner: "source" (this checkout's TypeScript, so each worker first registers
 *   tsx and compiles the sources: the development set-up) and "built" (packages/*\/dist, what an
 *   installed ditto runs; measured in a child process that resolves 'ditto' to dist). Both run the
 *   same workload and must give the same weights.
 * - In-process: 30 repeats on the main thread after a warm-up round (median of 3).
 * - `ditto run`: the built command (packages/ditto-node/dist/cli/main.js) started cold in a fresh
 *   process, N times (`--runs N`, default 7), recording each run in a fresh database: wall time
 *   and the process's CPU time (user + system), median and range, with the load average — other
 *   processes share the cores. Its results must equal the in-process ones bit for bit. Needs
 *   `npm run build` first.
 * - tfjs "cold" is the first fit in the process (backend start-up included), "warm" the median of 5
 *   later fits.
 *
 * Prints a table and writes bench/results-experiments.json. Timings are reported, never asserted.
 *
 * Usage: node --conditions=ditto-source --import tsx bench/experiments.ts [--out FILE] [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type ExperimentRun, runExperiment } from '../packages/ditto/src/experiments/index.js';
import { tutorialData } from '../packages/ditto/src/tutorial/tutorial.js';
import { VERSION } from '../packages/ditto/src/version.js';
import {
  loadExperiments,
  RepeatPool,
  runExperimentFile,
} from '../packages/ditto-node/src/experiments/index.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const moduleFile = join(root, 'examples/experiment.ts');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'bench/results-experiments.json');
const runsIndex = process.argv.indexOf('--runs');
const cliRuns = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 7;
if (!Number.isInteger(cliRuns) || cliRuns < 1)
  throw new Error(`--runs must be a whole number ≥ 1, got ${process.argv[runsIndex + 1]}`);

const now = () => performance.now();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const hashes = (run: ExperimentRun) =>
  run.results.map((r) => (r.status === 'ok' ? String(r.weightsHash) : 'failed'));

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

type Runner = {
  RepeatPool: typeof RepeatPool;
  runExperimentFile: typeof runExperimentFile;
};

async function measurePool(runner: Runner, file: string, workers: number, reference: string[]) {
  const started = now();
  const pool = new runner.RepeatPool(workers, { inProcess: 'never' });
  try {
    const first = await runner.runExperimentFile(file, { pool, records: false });
    const coldMs = now() - started;
    const warm: number[] = [];
    const identical = [hashes(first.run).join() === reference.join()];
    for (let i = 0; i < 3; i++) {
      const t = now();
      const again = await runner.runExperimentFile(file, { pool, records: false });
      warm.push(now() - t);
      identical.push(hashes(again.run).join() === reference.join());
    }
    return { workers, coldMs, warmMs: median(warm), identical: identical.every(Boolean) };
  } finally {
    await pool.destroy();
  }
}

async function measureBuild(runner: Runner, file: string, reference: string[]) {
  const one = await measurePool(runner, file, 1, reference);
  const two = await measurePool(runner, file, 2, reference);
  return {
    pools: [one, two],
    speedupCold: one.coldMs / two.coldMs,
    speedupWarm: one.warmMs / two.warmMs,
    identical: one.identical && two.identical,
  };
}

/** The built packages (packages/ditto-node/dist, packages/ditto/dist), as an installed ditto runs them. */
function builtRunner(): { runner: string; cli: string } {
  const runner = join(root, 'packages/ditto-node/dist/experiments/index.js');
  const cli = join(root, 'packages/ditto-node/dist/cli/main.js');
  for (const file of [runner, cli, join(root, 'packages/ditto/dist/esm/index.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  return { runner, cli };
}

/**
 * measureBuild for the built packages, in a child process without the ditto-source condition, so
 * that its workers resolve 'ditto' to dist as an installed copy does (this process resolves it to
 * the sources, which a built worker could not load).
 */
function measureBuiltPools(runner: string, reference: string[]): Awaited<ReturnType<typeof measureBuild>> {
  const script = `
    const { RepeatPool, runExperimentFile } = await import(${JSON.stringify(pathToFileURL(runner).href)});
    const file = ${JSON.stringify(moduleFile)};
    const reference = ${JSON.stringify(reference.join())};
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
    const hashes = (run) => run.results.map((r) => (r.status === 'ok' ? String(r.weightsHash) : 'failed')).join();
    const pools = [];
    for (const workers of [1, 2]) {
      const started = performance.now();
      const pool = new RepeatPool(workers, { inProcess: 'never' });
      const first = await runExperimentFile(file, { pool, records: false });
      const coldMs = performance.now() - started;
      const identical = [hashes(first.run) === reference];
      const warm = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const again = await runExperimentFile(file, { pool, records: false });
        warm.push(performance.now() - t);
        identical.push(hashes(again.run) === reference);
      }
      await pool.destroy();
      pools.push({ workers, coldMs, warmMs: median(warm), identical: identical.every(Boolean) });
    }
    process.stdout.write(JSON.stringify(pools));
  `;
  // A file, not `node -e`: worker threads inherit the parent's execArgv, -e included.
  const dir = mkdtempSync(join(os.tmpdir(), 'ditto-bench-built-'));
  const file = join(dir, 'built-pools.mjs');
  writeFileSync(file, script);
  const child = spawnSync(process.execPath, [file], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  rmSync(dir, { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`the built pools failed (${child.status}): ${child.stderr}`);
  const [one, two] = JSON.parse(child.stdout) as Array<{
    workers: number;
    coldMs: number;
    warmMs: number;
    identical: boolean;
  }>;
  return {
    pools: [one, two],
    speedupCold: one.coldMs / two.coldMs,
    speedupWarm: one.warmMs / two.warmMs,
    identical: one.identical && two.identical,
  };
}

/** The median and range of some timings. */
function spread(xs: number[]) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * `ditto run examples/experiment.ts` as a user runs it: a fresh process of the built command (no
 * source condition, no tsx flag), a fresh records database each time. Wall time around the
 * process; CPU time (user + system, all its threads) from /usr/bin/time where it exists.
 */
function measureCli(cli: string, reference: string[]) {
  const dir = mkdtempSync(join(os.tmpdir(), 'ditto-bench-cli-'));
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const wall: number[] = [];
  const cpu: number[] = [];
  let identical = true;
  try {
    for (let i = 0; i < cliRuns; i++) {
      const args = [cli, 'run', moduleFile, '--json', '--db', join(dir, `runs-${i}.db`)];
      const env = { ...process.env, NODE_OPTIONS: '' };
      const started = now();
      const child = time
        ? spawnSync(time, ['-f', 'cpu %U %S', process.execPath, ...args], {
            encoding: 'utf8',
            env,
            cwd: root,
          })
        : spawnSync(process.execPath, args, { encoding: 'utf8', env, cwd: root });
      wall.push(now() - started);
      if (child.status !== 0) throw new Error(`ditto run failed (${child.status}): ${child.stderr}`);
      const cpuLine = /cpu ([\d.]+) ([\d.]+)/.exec(child.stderr);
      if (cpuLine) cpu.push((Number(cpuLine[1]) + Number(cpuLine[2])) * 1000);
      const run = JSON.parse(child.stdout).runs[0].run as ExperimentRun;
      identical &&= hashes(run).join() === reference.join();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs: cliRuns, wallMs: spread(wall), cpuMs: cpu.length ? spread(cpu) : null, identical };
}

// Other processes share the cores; the load average puts the timings in context.
const loadBefore = os.loadavg();
const tfjs = await measureTfjs();

const [{ experiment }] = await loadExperiments(moduleFile);
const inProcessRuns: number[] = [];
let reference: string[] = [];
for (let i = 0; i < 4; i++) {
  const t = now();
  const run = await runExperiment(experiment);
  if (i > 0) inProcessRuns.push(now() - t); // round 0 warms the JIT up
  reference = hashes(run);
}
const inProcessMs = median(inProcessRuns);
const source = await measureBuild({ RepeatPool, runExperimentFile }, moduleFile, reference);
const built = builtRunner();
const compiled = measureBuiltPools(built.runner, reference);
const loadBeforeCli = os.loadavg();
const cli = measureCli(built.cli, reference);
const fastest = compiled;

const result = {
  date: new Date().toISOString(),
  dittoVersion: VERSION,
  node: process.version,
  platform: `${os.platform()}/${os.arch()}`,
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores: os.availableParallelism(),
  loadAverage: {
    before: loadBefore.map((x) => Number(x.toFixed(2))),
    after: os.loadavg().map((x) => Number(x.toFixed(2))),
  },
  workload:
    'tutorial 1→10→1, 9 samples, Adam, MSE, 100 epochs, full batch; 30 repeats (examples/experiment.ts)',
  ditto: {
    inProcessMs,
    source,
    compiled,
    cli: { ...cli, loadAverage: loadBeforeCli.map((x) => Number(x.toFixed(2))), goalMs: 600 },
    identicalEverywhere: source.identical && compiled.identical && cli.identical,
  },
  tfjs,
  goal: {
    statement: 'all 30 repeats (2 workers, cold pool) finish faster than tfjs does one fit',
    build: 'built',
    versusColdFit: fastest.pools[1].coldMs < tfjs.coldMs,
    versusWarmFit: fastest.pools[1].coldMs < tfjs.warmMs,
    warmPoolVersusWarmFit: fastest.pools[1].warmMs < tfjs.warmMs,
  },
};

const ms = (x: number) => `${x.toFixed(0).padStart(7)} ms`;
const rows: [string, string][] = [['ditto, 30 repeats in-process (main thread, warm)', ms(inProcessMs)]];
for (const [name, build] of [
  ['source', source],
  ['built', compiled],
] as const) {
  for (const p of build.pools) {
    const label = `ditto (${name}), 30 repeats, ${p.workers} worker${p.workers === 1 ? '' : 's'}`;
    rows.push([`${label}, cold`, ms(p.coldMs)], [`${label}, warm`, ms(p.warmMs)]);
  }
  rows.push([
    `ditto (${name}), speed-up 1 → 2 workers, cold / warm`,
    `${build.speedupCold.toFixed(2)}× / ${build.speedupWarm.toFixed(2)}×`,
  ]);
}
const range = (r: { median: number; min: number; max: number }) =>
  `${ms(r.median)} (${r.min.toFixed(0)}–${r.max.toFixed(0)})`;
rows.push([
  `ditto run examples/experiment.ts, cold process, wall (median of ${cli.runs})`,
  range(cli.wallMs),
]);
if (cli.cpuMs) rows.push([`ditto run examples/experiment.ts, CPU time user+sys (median)`, range(cli.cpuMs)]);
rows.push(
  [`tfjs ${tfjs.version} (${tfjs.backend}), one fit, cold`, ms(tfjs.coldMs)],
  [`tfjs ${tfjs.version} (${tfjs.backend}), one fit, warm`, ms(tfjs.warmMs)],
);
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(
  `\n${result.workload}\n${result.cpu} × ${result.cores}, Node ${process.version}, ` +
    `load average ${result.loadAverage.before[0]} → ${result.loadAverage.after[0]}\n\n`,
);
for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
process.stdout.write(
  `\n  identical weights at 1 and 2 workers, in-process and in every build: ${result.ditto.identicalEverywhere ? 'yes' : 'NO'}\n` +
    `  ditto run goal (≤ 600 ms wall, median): ${cli.wallMs.median <= 600 ? 'met' : 'not met'} at load average ${result.ditto.cli.loadAverage[0]}\n` +
    `  goal (30 repeats on 2 workers, cold pool, ${result.goal.build} build, faster than one tfjs fit): ` +
    `${result.goal.versusColdFit ? 'met' : 'not met'} against tfjs's cold fit, ` +
    `${result.goal.versusWarmFit ? 'met' : 'not met'} against its warm fit\n`,
);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`\n  written to ${out}\n`);
