/**
 * Measures the threaded backend at 1 thread and at more: kernel speed (matmul 128×784×128 and the
 * sizes around the thresholds, elementwise ops) and the throughput of one epoch of the MLP
 * 784→128 relu→10 softmax on 10,000 synthetic samples (Adam, batch 128, after a warm-up epoch).
 * The numbers in docs/threads.md come from here.
 *
 * On a machine shared with other jobs a measurement is only meaningful while the others leave the
 * cores alone, so every timed round also reads the machine's busy time (Linux /proc/stat) and is
 * discarded, and repeated, when other processes used more than 5 % of a core meanwhile.
 *
 * Usage: `npx tsx src/node/threads/bench-threads.ts [--threads 2] [--rounds 5] [--kernels-only]`
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { registerBackend, setBackend } from '../../backend/registry.js';
import {
  createThreadedBackend,
  DEFAULT_THRESHOLDS,
  type ThreadedBackend,
} from '../../backend/threads/threaded-backend.js';
import { Dense } from '../../layers/dense.js';
import { Sequential } from '../../models/sequential.js';
import { key, setSeed, uniform } from '../../random/index.js';
import { tensor } from '../../tensor/tensor.js';
import { nodeWorkerSpawner } from './index.js';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const maxThreads = argument('threads', Math.min(2, availableParallelism()));
const rounds = argument('rounds', 5);
const now = (): number => performance.now(); // determinism-ok: measurement only

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds of CPU time the whole machine has spent busy (undefined where /proc/stat is missing). */
function machineBusyMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((s, x) => s + x, 0);
    return (total - idle) * 10; // USER_HZ = 100
  } catch {
    return undefined;
  }
}

let discarded = 0;

/**
 * Runs `f` (one timed round) until a round passes during which other processes used at most 5 % of
 * a core (at most 20 tries); returns that round's wall-clock milliseconds.
 */
async function cleanRound(f: () => void | Promise<void>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const busy0 = machineBusyMs();
    const cpu0 = process.cpuUsage();
    const start = now();
    await f();
    const wall = now() - start;
    const cpu = process.cpuUsage(cpu0);
    const busy1 = machineBusyMs();
    if (busy0 === undefined || busy1 === undefined) return wall;
    const others = busy1 - busy0 - (cpu.user + cpu.system) / 1000;
    // /proc/stat counts in 10 ms ticks: allow two ticks of slack.
    if (others <= 0.05 * wall + 20 || attempt >= 20) return wall;
    discarded++;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Median milliseconds per call of `f` over clean rounds of about 200 ms each. */
async function perCall(f: () => void): Promise<number> {
  for (let i = 0; i < 5; i++) f();
  const start = now();
  f();
  const calls = Math.max(1, Math.round(200 / Math.max(now() - start, 0.001)));
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    times.push(
      (await cleanRound(() => {
        for (let i = 0; i < calls; i++) f();
      })) / calls,
    );
  }
  return median(times);
}

function filled(count: number, seed: number): Float32Array {
  return uniform(key(seed), count).map((v) => v * 2 - 1);
}

async function atEachThreadCount(backend: ThreadedBackend, f: () => void): Promise<number[]> {
  const results: number[] = [];
  for (let threads = 1; threads <= maxThreads; threads++) {
    backend.setThreads(threads);
    await backend.ready();
    results.push(await perCall(f));
  }
  return results;
}

async function kernels(backend: ThreadedBackend): Promise<void> {
  console.log('\nkernels: ms per call (median of clean rounds), speed-up of the last column');
  const matmuls: [number, number, number, boolean][] = [
    [128, 784, 128, false],
    [784, 128, 128, true],
    [64, 64, 64, false],
    [64, 128, 64, false],
    [128, 128, 128, false],
    [128, 256, 128, false],
    [256, 256, 256, false],
  ];
  for (const [m, k, n, transposeA] of matmuls) {
    const a = filled(m * k, 1);
    const b = filled(k * n, 2);
    const out = new Float32Array(m * n);
    const ms = await atEachThreadCount(backend, () => backend.matmul(a, b, out, m, k, n, transposeA, false));
    const label = `matmul ${m}×${k}×${n}${transposeA ? ' (transposeA)' : ''}`;
    const gflops = ms.map((t) => ((2 * m * k * n) / t / 1e6).toFixed(1));
    console.log(
      `${label.padEnd(34)} ${ms.map((t, i) => `${i + 1}T ${t.toFixed(3)} ms (${gflops[i]} GFLOP/s)`).join('   ')}   ×${(ms[0] / ms[ms.length - 1]).toFixed(2)}`,
    );
  }
  for (const count of [1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22]) {
    const x = filled(count, 3);
    const y = filled(count, 4);
    const out = new Float32Array(count);
    const ops: [string, () => void][] = [
      ['relu', () => backend.unary('relu', x, out, 1)],
      ['add', () => backend.binary('add', x, [1], y, [1], out, [count])],
      ['tanh', () => backend.unary('tanh', x, out, 1)],
    ];
    for (const [name, f] of ops) {
      const ms = await atEachThreadCount(backend, f);
      console.log(
        `${`${name} ${count}`.padEnd(34)} ${ms.map((t, i) => `${i + 1}T ${t.toFixed(3)} ms`).join('   ')}   ×${(ms[0] / ms[ms.length - 1]).toFixed(2)}`,
      );
    }
  }
}

/** The MLP and its data (fixed keys). */
function mlpSetup() {
  const n = 10_000;
  const x = tensor(uniform(key(784), n * 784), [n, 784]);
  const draws = uniform(key(10), n);
  const labels = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) labels[i * 10 + Math.floor(draws[i] * 10)] = 1;
  const y = tensor(labels, [n, 10]);
  setSeed(1);
  const model = new Sequential([
    new Dense(128, { inputDim: 784, activation: 'relu' }),
    new Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  return {
    n,
    trainEpoch: () => model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 }).then(() => undefined),
  };
}

async function main(): Promise<void> {
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} logical cores, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  // Kernels: every call of at least 2^14 elements or multiply-adds split, to see where splitting pays.
  const backend = createThreadedBackend({ spawn: nodeWorkerSpawner, threads: 1 });
  registerBackend(backend);
  backend.configure({ thresholds: { matmul: 1 << 14, elementwise: 1 << 14, transcendental: 1 << 14 } });
  if (!process.argv.includes('--mlp-only')) await kernels(backend);
  if (process.argv.includes('--kernels-only')) return backend.shutdown();

  backend.configure({ thresholds: DEFAULT_THRESHOLDS });
  setBackend(backend.name);
  console.log('\nMLP 784→128 relu→10 softmax, Adam, batch 128, 10,000 samples: samples/s of one epoch');
  const { n, trainEpoch } = mlpSetup();
  await trainEpoch(); // warm-up epoch
  // Alternate the thread counts so that slow phases of a shared machine hit each alike.
  const rates = new Map<number, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (let threads = 1; threads <= maxThreads; threads++) {
      backend.setThreads(threads);
      await backend.ready();
      const ms = await cleanRound(trainEpoch);
      rates.set(threads, [...(rates.get(threads) ?? []), n / (ms / 1000)]);
    }
  }
  for (const [threads, list] of rates) {
    console.log(
      `${threads} thread(s): median ${median(list).toFixed(0)} samples/s (${list.map((r) => r.toFixed(0)).join(' ')})`,
    );
  }
  const first = median(rates.get(1) ?? [0]);
  const last = median(rates.get(maxThreads) ?? [0]);
  console.log(`speed-up ${maxThreads} threads / 1: ×${(last / first).toFixed(2)}`);
  console.log(`rounds discarded because other processes used the cores: ${discarded}`);
  backend.shutdown();
}

await main();
