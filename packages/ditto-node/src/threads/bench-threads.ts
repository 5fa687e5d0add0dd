/**
 * Measures the threaded backend at 1 thread and at more: kernel speed (matmul 128×784×128 and the
 * sizes around the thresholds, elementwise ops) and the throughput of one epoch of the MLP
 * 784→128 relu→10 softmax on 10,000 synthetic samples (Adam, batch 128, after a warm-up epoch).
 * The numbers in docs/threads.md come from here.
 *
 * On a machine shared with other jobs a measurement is only meaningful while the others leave the
 * cores alone, so every timed round also reads the machine's busy time (Linux /proc/stat) and is
 * discarded, and repeated, when other processes used more than 5 % of a core meanwhile. Rounds
 * alternate between one backend per thread count (each with its workers running throughout), so
 * that slow phases of the machine hit every thread count alike; tables show the median and the
 * fastest round.
 *
 * Usage: `npx tsx src/node/threads/bench-threads.ts [--threads 2] [--rounds 7] [--kernels-only | --mlp-only]`
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import {
  createThreadedBackend,
  DEFAULT_THRESHOLDS,
  Dense,
  key,
  registerBackend,
  Sequential,
  setBackend,
  setSeed,
  type ThreadedBackend,
  tensor,
  uniform,
} from 'ditto/internal';
import { nodeWorkerSpawner } from './index.js';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const maxThreads = argument('threads', Math.min(2, availableParallelism()));
const rounds = argument('rounds', 7);
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

/** Calls per round of about 200 ms. */
function callsPerRound(f: () => void): number {
  for (let i = 0; i < 5; i++) f();
  const start = now();
  f();
  return Math.max(1, Math.round(200 / Math.max(now() - start, 0.001)));
}

/** Milliseconds per call of `f(backend)` on each backend: [median, fastest round]. */
async function perCall(
  backends: ThreadedBackend[],
  f: (backend: ThreadedBackend) => void,
): Promise<[number, number][]> {
  const calls = backends.map((backend) => callsPerRound(() => f(backend)));
  const times: number[][] = backends.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let b = 0; b < backends.length; b++) {
      const ms = await cleanRound(() => {
        for (let i = 0; i < calls[b]; i++) f(backends[b]);
      });
      times[b].push(ms / calls[b]);
    }
  }
  return times.map((list) => [median(list), Math.min(...list)]);
}

function filled(count: number, seed: number): Float32Array {
  return uniform(key(seed), count).map((v) => v * 2 - 1);
}

/** "1T median (fastest) ms …   ×speed-up of the medians (of the fastest rounds)". */
function row(label: string, ms: [number, number][], flops = 0): string {
  const cells = ms.map(([med, best], i) => {
    const rate = flops ? `, ${(flops / med / 1e6).toFixed(1)} GFLOP/s` : '';
    return `${i + 1}T ${med.toFixed(3)} (${best.toFixed(3)}) ms${rate}`;
  });
  const last = ms[ms.length - 1];
  const speedUp = `×${(ms[0][0] / last[0]).toFixed(2)} (×${(ms[0][1] / last[1]).toFixed(2)})`;
  return `${label.padEnd(26)} ${cells.join('   ')}   ${speedUp}`;
}

async function kernels(backends: ThreadedBackend[]): Promise<void> {
  console.log('\nkernels: ms per call, median (fastest) round; speed-up of the medians (of the fastest)');
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
    const ms = await perCall(backends, (backend) => backend.matmul(a, b, out, m, k, n, transposeA, false));
    console.log(row(`matmul ${m}×${k}×${n}${transposeA ? ' (tA)' : ''}`, ms, 2 * m * k * n));
  }
  for (const count of [1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22]) {
    const x = filled(count, 3);
    const y = filled(count, 4);
    const out = new Float32Array(count);
    const ops: [string, (backend: ThreadedBackend) => void][] = [
      ['relu', (backend) => backend.unary('relu', x, out, 1)],
      ['add', (backend) => backend.binary('add', x, [1], y, [1], out, [count])],
      ['tanh', (backend) => backend.unary('tanh', x, out, 1)],
    ];
    for (const [name, f] of ops) console.log(row(`${name} ${count}`, await perCall(backends, f)));
  }
}

/**
 * The MLP's second epoch (the first warms up), alternating between the backends. Every round
 * starts from the same freshly initialised model, so that each timed epoch does the same arithmetic
 * on the same values (training changes the values, and with them the speed: subnormal numbers, say).
 */
async function mlp(backends: ThreadedBackend[]): Promise<void> {
  console.log(
    '\nMLP 784→128 relu→10 softmax, Adam, batch 128, 10,000 samples: samples/s of the second epoch',
  );
  const n = 10_000;
  const x = tensor(uniform(key(784), n * 784), [n, 784]);
  const draws = uniform(key(10), n);
  const labels = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) labels[i * 10 + Math.floor(draws[i] * 10)] = 1;
  const y = tensor(labels, [n, 10]);
  const secondEpoch = async (backend: ThreadedBackend): Promise<number> => {
    registerBackend(backend); // the same name for every count: replaces the previous one
    setBackend(backend.name);
    setSeed(1);
    const model = new Sequential([
      new Dense(128, { inputDim: 784, activation: 'relu' }),
      new Dense(10, { activation: 'softmax' }),
    ]);
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
    return cleanRound(async () => {
      await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
    });
  };
  const rates: number[][] = backends.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let b = 0; b < backends.length; b++) rates[b].push(n / ((await secondEpoch(backends[b])) / 1000));
  }
  rates.forEach((list, b) => {
    const all = list.map((r) => r.toFixed(0)).join(' ');
    console.log(
      `${b + 1} thread(s): median ${median(list).toFixed(0)}, best ${Math.max(...list).toFixed(0)} (${all})`,
    );
  });
  const [one, last] = [rates[0], rates[rates.length - 1]];
  const paired = one.map((rate, r) => last[r] / rate);
  console.log(
    `speed-up: ×${(median(last) / median(one)).toFixed(2)} (medians), ×${(Math.max(...last) / Math.max(...one)).toFixed(2)} (best epochs), ` +
      `×${median(paired).toFixed(2)} (median of the rounds' ratios)`,
  );
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} logical cores, load average ${load}`,
  );
  const backends: ThreadedBackend[] = [];
  for (let threads = 1; threads <= maxThreads; threads++) {
    const backend = createThreadedBackend({ spawn: nodeWorkerSpawner, threads });
    await backend.ready();
    backends.push(backend);
  }
  if (!process.argv.includes('--mlp-only')) {
    // Every call of at least 2^14 elements or multiply-adds split, to see where splitting pays.
    const low = { matmul: 1 << 14, elementwise: 1 << 14, transcendental: 1 << 14 };
    for (const backend of backends) backend.configure({ thresholds: low });
    await kernels(backends);
    for (const backend of backends) backend.configure({ thresholds: DEFAULT_THRESHOLDS });
  }
  if (!process.argv.includes('--kernels-only')) await mlp(backends);
  for (const backend of backends) backend.shutdown();
  console.log(`rounds discarded because other processes used the cores: ${discarded}`);
}

await main();
