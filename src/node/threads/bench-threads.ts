/**
 * Measures the threaded backend against itself at 1 thread and at more: kernel speed (matmul
 * 128×784×128, and the sizes around the thresholds) and the throughput of one epoch of the MLP
 * 784→128 relu→10 softmax on 10,000 synthetic samples (Adam, batch 128, after a warm-up epoch).
 * The numbers in docs/threads.md come from here.
 *
 * Usage: `npx tsx src/node/threads/bench-threads.ts [--threads 2] [--repeats 5] [--kernels-only]`
 */
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
const repeats = argument('repeats', 5);
const now = (): number => performance.now(); // determinism-ok: measurement only

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds per call of `f`: median and fastest over `rounds` rounds of `calls` calls. */
function time(f: () => void, calls: number, rounds: number): { median: number; best: number } {
  for (let i = 0; i < calls; i++) f();
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = now();
    for (let i = 0; i < calls; i++) f();
    per.push((now() - start) / calls);
  }
  return { median: median(per), best: Math.min(...per) };
}

function filled(count: number, seed: number): Float32Array {
  return uniform(key(seed), count).map((v) => v * 2 - 1);
}

async function kernels(backend: ThreadedBackend): Promise<void> {
  console.log('\nkernels (ms per call, median of rounds; GFLOP/s from the median)');
  const matmuls: [number, number, number][] = [
    [128, 784, 128],
    [784, 128, 128],
    [64, 64, 64],
    [64, 128, 64],
    [128, 128, 128],
    [128, 256, 128],
    [256, 256, 256],
  ];
  for (const [m, k, n] of matmuls) {
    const a = filled(m * k, 1);
    const b = filled(k * n, 2);
    const out = new Float32Array(m * n);
    const row: string[] = [`matmul ${m}×${k}×${n}`.padEnd(24)];
    const calls = Math.max(1, Math.round(2e7 / (m * k * n)));
    for (let threads = 1; threads <= maxThreads; threads++) {
      backend.setThreads(threads);
      await backend.ready();
      const t = time(() => backend.matmul(a, b, out, m, k, n, false, false), calls, 15);
      row.push(
        `${threads}T ${t.median.toFixed(3)} ms (${((2 * m * k * n) / t.median / 1e6).toFixed(1)} GFLOP/s)`,
      );
    }
    console.log(row.join('   '));
  }
  for (const count of [1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22]) {
    const x = filled(count, 3);
    const y = filled(count, 4);
    const out = new Float32Array(count);
    for (const [name, f] of [
      ['relu', () => backend.unary('relu', x, out, 1)],
      ['tanh', () => backend.unary('tanh', x, out, 1)],
      ['add', () => backend.binary('add', x, [1], y, [1], out, [count])],
    ] as [string, () => void][]) {
      const row: string[] = [`${name} ${count}`.padEnd(24)];
      for (let threads = 1; threads <= maxThreads; threads++) {
        backend.setThreads(threads);
        await backend.ready();
        const t = time(f, Math.max(1, Math.round(2e6 / count)), 15);
        row.push(`${threads}T ${t.median.toFixed(3)} ms`);
      }
      console.log(row.join('   '));
    }
  }
}

/** Samples per second of one MLP epoch (after a warm-up epoch), `repeats` times. */
async function mlpEpochs(threads: number, backend: ThreadedBackend): Promise<number[]> {
  backend.setThreads(threads);
  await backend.ready();
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
  await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = now();
    await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
    rates.push(n / ((now() - start) / 1000));
  }
  return rates;
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
  backend.configure({ thresholds: { matmul: 1 << 14, elementwise: 1 << 14, transcendental: 1 << 14 } });
  registerBackend(backend);
  await kernels(backend);
  if (process.argv.includes('--kernels-only')) return backend.shutdown();
  backend.configure({ thresholds: DEFAULT_THRESHOLDS });
  setBackend(backend.name);
  console.log(`\nMLP 784→128 relu→10 softmax, Adam, batch 128, 10,000 samples: samples/s per epoch`);
  // Alternate thread counts so slow phases of a shared machine hit both alike.
  const results = new Map<number, number[]>();
  for (let round = 0; round < 2; round++) {
    for (let threads = 1; threads <= maxThreads; threads++) {
      results.set(threads, [...(results.get(threads) ?? []), ...(await mlpEpochs(threads, backend))]);
    }
  }
  for (const [threads, rates] of results) {
    console.log(
      `${threads} thread(s): median ${median(rates).toFixed(0)}, best ${Math.max(...rates).toFixed(0)} ` +
        `(${rates.map((r) => r.toFixed(0)).join(' ')})`,
    );
  }
  backend.shutdown();
}

await main();
