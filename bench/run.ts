/**
 * `npm run bench`: ditto against TensorFlow.js (cpu backend; wasm backend with SIMD, no threads)
 * and PyTorch (Debian's python3-torch, when importable), on the same machine in one run. Each
 * framework runs each workload in a fresh process, one after another:
 *
 * (a) the tutorial workload (1→10→1, 9 samples, Adam, MSE, 100 epochs, full batch): one fit
 *     (build, compile, fit, predict, score), and 30 fits in a row;
 * (b) an MLP 784→128 relu→10 softmax, categorical crossentropy, Adam, batch 128, on 10,000 synthetic
 *     samples: samples per second of an epoch after a warm-up epoch, at 1 thread and at all cores;
 * (c) LSTM(32) → Dense(1) on sequences of length 20, batch 64: samples per second;
 * (d) a small CNN — Conv2D(16, 3) relu → MaxPooling2D → Conv2D(32, 3) relu → GlobalAveragePooling2D
 *     → Dense(10) softmax — on 28×28×1 synthetic images, batch 64, Adam: samples per second;
 * (e) a text classifier — Embedding(10,000, 64) → GlobalAveragePooling1D → Dense(1) sigmoid, binary
 *     crossentropy, Adam — on sequences of 100 word indices, batch 128: samples per second.
 *
 * Prints a table of medians and ratios (peer time / ditto time: above 1, ditto is faster) and writes
 * it all as JSON (bench/results.json by default). Timings are not asserted anywhere.
 *
 * Usage: node --import tsx bench/run.ts [--quick] [--only a,b,c,d,e] [--out FILE] [--no-torch] [--no-tfjs]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { VERSION } from '../packages/ditto/src/version.js';
import {
  cnnMatmulFlopsPerSample,
  lstmGateValuesPerSample,
  lstmMatmulFlopsPerSample,
  mlpFlopsPerSample,
  tutorialFlopsPerFit,
} from './lib/flops.js';
import type { Summary } from './lib/summary.js';
import { cnnData, lstmData, mlpData, planFor, textData } from './lib/workloads.js';

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

interface Options {
  quick: boolean;
  only: Set<string>;
  out: string;
  torch: boolean;
  tfjs: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    quick: false,
    only: new Set(['a', 'b', 'c', 'd', 'e']),
    out: join(root, 'bench/results.json'),
    torch: true,
    tfjs: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-torch') options.torch = false;
    else if (arg === '--no-tfjs') options.tfjs = false;
    else if (arg === '--only') options.only = new Set(argv[++i].split(','));
    else if (arg === '--out') options.out = resolve(argv[++i]);
    else throw new Error(`bench: unknown option ${arg}`);
  }
  return options;
}

/** One measurement: a framework on a workload, or the reason it was not measured. */
interface Row {
  workload: 'a' | 'b' | 'c' | 'd' | 'e';
  framework: string;
  threads: number | 'all';
  result?: Record<string, unknown>;
  skipped?: string;
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('{')) return JSON.parse(lines[i]);
  }
  throw new Error(`no JSON in runner output: ${stdout.slice(-500)}`);
}

async function runNode(file: string, args: unknown): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    process.execPath,
    // The runners import 'ditto' from its sources, as `npm run bench` itself does.
    ['--conditions=ditto-source', '--import', 'tsx', join(root, file), JSON.stringify(args)],
    {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    },
  );
  return lastJsonLine(stdout);
}

/** A Python with torch importable: `python3` first, then Debian's own interpreter. */
async function findTorchPython(): Promise<{ python: string; version: string } | null> {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const { stdout } = await run(python, ['-c', 'import torch; print(torch.__version__)']);
      return { python, version: stdout.trim() };
    } catch {
      // not this one
    }
  }
  return null;
}

function machine(torch: { python: string; version: string } | null): Record<string, unknown> {
  const cpus = os.cpus();
  let blas = 'unknown';
  for (const candidate of [
    '/usr/lib/x86_64-linux-gnu/libblas.so.3',
    '/usr/lib/aarch64-linux-gnu/libblas.so.3',
  ]) {
    if (existsSync(candidate)) blas = realpathSync(candidate);
  }
  const tfjs = JSON.parse(readFileSync(join(root, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8'));
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ditto: VERSION,
    tfjs: tfjs.version,
    torch: torch ? `${torch.version} (${torch.python}, BLAS ${blas})` : 'not installed',
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function writeF32(path: string, data: Float32Array): string {
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return path;
}

const fmtMs = (s: Summary) =>
  `${s.median.toPrecision(3)} ms [${s.p25.toPrecision(3)}–${s.p75.toPrecision(3)}]`;
const fmtRate = (s: Summary) =>
  `${Math.round(s.median).toLocaleString('en-US')} samples/s [${Math.round(s.p25).toLocaleString('en-US')}–${Math.round(s.p75).toLocaleString('en-US')}]`;

/** The measure a row is judged by, as a time (lower is better), for ratios. */
function timeOf(row: Row, measure: 'perFitMs' | 'thirtyFitsMs' | 'samplesPerSecond'): number | undefined {
  const s = row.result?.[measure] as Summary | undefined;
  if (!s) return undefined;
  return measure === 'samplesPerSecond' ? 1 / s.median : s.median;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const torch = options.torch ? await findTorchPython() : null;
  const info = machine(torch);
  const notes: string[] = [];
  if (!options.torch) notes.push('PyTorch skipped (--no-torch).');
  else if (!torch)
    notes.push('PyTorch skipped: python3-torch is not importable (apt-get install -y python3-torch).');
  const log = (message: string) => process.stderr.write(`${message}\n`);
  log(`bench: ${info.cpu}, ${info.cores} cores, Node ${info.node}${options.quick ? ' (quick)' : ''}`);

  log('bench: measuring arithmetic peaks …');
  const peaks = await runNode('bench/runners/peak.ts', {});

  const dir = mkdtempSync(join(os.tmpdir(), 'ditto-bench-'));
  const rows: Row[] = [];
  const measure = async (row: Row, job: () => Promise<Record<string, unknown>>) => {
    log(`bench: (${row.workload}) ${row.framework}, threads ${row.threads} …`);
    try {
      row.result = await job();
      if (typeof row.result.unavailable === 'string') row.skipped = row.result.unavailable;
    } catch (error) {
      row.skipped = `failed: ${(error as Error).message.split('\n')[0]}`;
    }
    rows.push(row);
  };
  const cores = os.cpus().length;
  const torchPlan = planFor('fast', options.quick);
  try {
    for (const workload of ['a', 'b', 'c', 'd', 'e'] as const) {
      if (!options.only.has(workload)) continue;
      const torchArgs: Record<string, unknown> = { workload };
      if (workload === 'a') torchArgs.plan = planFor('fast', options.quick).tutorial;
      if (workload === 'b') {
        const { x, oneHot } = mlpData(torchPlan.mlp.samples);
        Object.assign(torchArgs, {
          plan: torchPlan.mlp,
          x: writeF32(join(dir, 'mlp-x.f32'), x),
          y: writeF32(join(dir, 'mlp-y.f32'), oneHot),
        });
      }
      if (workload === 'c') {
        const { x, y } = lstmData(torchPlan.lstm.samples, torchPlan.lstm.steps);
        Object.assign(torchArgs, {
          plan: torchPlan.lstm,
          x: writeF32(join(dir, 'lstm-x.f32'), x),
          y: writeF32(join(dir, 'lstm-y.f32'), y),
        });
      }
      if (workload === 'd') {
        const { x, oneHot } = cnnData(torchPlan.cnn.samples);
        Object.assign(torchArgs, {
          plan: torchPlan.cnn,
          x: writeF32(join(dir, 'cnn-x.f32'), x),
          y: writeF32(join(dir, 'cnn-y.f32'), oneHot),
        });
      }
      if (workload === 'e') {
        const { samples, steps, vocabulary } = torchPlan.text;
        const { x, y } = textData(samples, steps, vocabulary);
        Object.assign(torchArgs, {
          plan: torchPlan.text,
          x: writeF32(join(dir, 'text-x.f32'), x),
          y: writeF32(join(dir, 'text-y.f32'), y),
        });
      }
      for (const backend of ['js', 'wasm']) {
        const slow = backend === 'js' && workload === 'b';
        await measure({ workload, framework: `ditto-${backend}`, threads: 1 }, () =>
          runNode('bench/runners/ditto.ts', { workload, backend, quick: options.quick, slow }),
        );
      }
      if (workload === 'b') {
        await measure({ workload, framework: 'ditto-wasm-threads', threads: 'all' }, () =>
          runNode('bench/runners/ditto.ts', {
            workload,
            backend: 'wasm-threads',
            threads: cores,
            quick: options.quick,
          }),
        );
      }
      if (options.tfjs) {
        for (const backend of ['cpu', 'wasm']) {
          await measure({ workload, framework: `tfjs-${backend}`, threads: 1 }, () =>
            runNode('bench/runners/tfjs.ts', { workload, backend, quick: options.quick }),
          );
        }
      }
      if (torch) {
        const threadCounts: Array<number | 'all'> = workload === 'a' ? [1] : [1, 'all'];
        for (const threads of threadCounts) {
          await measure({ workload, framework: 'pytorch', threads }, async () => {
            const count = threads === 'all' ? cores : threads;
            const args = { ...torchArgs, threads: count };
            const script = join(root, 'bench/runners/torch_bench.py');
            // OpenBLAS keeps its own thread pool besides torch's OpenMP one: pin both to the count.
            const pinned = String(count);
            const { stdout } = await run(torch.python, [script, JSON.stringify(args)], {
              maxBuffer: 16 * 1024 * 1024,
              env: {
                ...process.env,
                OMP_NUM_THREADS: pinned,
                OPENBLAS_NUM_THREADS: pinned,
                MKL_NUM_THREADS: pinned,
              },
            });
            return lastJsonLine(stdout);
          });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const limits = bounds(rows, peaks, cores);
  const table = report(rows, notes, limits.bounds);
  process.stdout.write(`${table.text}\n${limits.text}\n`);
  const results = {
    date: new Date().toISOString(),
    quick: options.quick,
    machine: info,
    peaks,
    bounds: limits.bounds,
    rows,
    targets: table.targets,
    notes,
  };
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`bench: wrote ${options.out}`);
}

interface Peaks {
  scalarGflops: number;
  simdGflops: number | null;
  /** The SIMD loop on every core at once: whether the cores add floating-point throughput. */
  simdAllCoresGflops?: { workers: number; perWorker: number[]; total: number } | null;
  matmulGflops: {
    js: { forward: number; weightGrad: number };
    wasm: { forward: number; weightGrad: number } | null;
  };
  /** ns per value of the wasm backend's gate functions and their gradients. */
  gateNs?: Record<'sigmoid' | 'tanh', { value: number; gradient: number }> | null;
}

/**
 * The physical bounds: (a)'s operations at the best scalar rate measured under the contract (its
 * arrays are too small for SIMD to matter), (b)'s at the best SIMD rate, on one core and on all.
 */
function bounds(rows: Row[], raw: Record<string, unknown>, cores: number) {
  const peaks = raw as unknown as Peaks;
  const scalar = Math.max(
    peaks.scalarGflops,
    peaks.matmulGflops.js.forward,
    peaks.matmulGflops.js.weightGrad,
  );
  const wasm = peaks.matmulGflops.wasm;
  const simd = Math.max(peaks.simdGflops ?? 0, wasm?.forward ?? 0, wasm?.weightGrad ?? 0) || null;
  const fitFlops = tutorialFlopsPerFit();
  const sampleFlops = mlpFlopsPerSample();
  const fitBoundMs = (fitFlops / (scalar * 1e9)) * 1000;
  const sampleBound = simd ? (simd * 1e9) / sampleFlops : null;
  const bestOf = (
    workload: string,
    pick: (s: Summary) => number,
    better: (a: number, b: number) => boolean,
  ) => {
    let found: number | null = null;
    for (const row of rows) {
      // One-core bounds: only the one-thread rows (the threaded backend's row is all cores).
      if (row.workload !== workload || !row.framework.startsWith('ditto') || row.threads !== 1 || row.skipped)
        continue;
      const s = row.result?.[workload === 'a' ? 'perFitMs' : 'samplesPerSecond'] as Summary | undefined;
      if (s && (found === null || better(pick(s), found))) found = pick(s);
    }
    return found;
  };
  const fitMs = bestOf(
    'a',
    (s) => s.median,
    (a, b) => a < b,
  );
  const fastest = (workload: string) =>
    bestOf(
      workload,
      (s) => s.median,
      (a, b) => a > b,
    );
  const rate = fastest('b');
  // (c): the matrix products at the SIMD peak, plus the gate functions' forward values at ditto's
  // own measured cost per value (the fused LSTM cell computes their gradients from the kept
  // doubles, counted free here, so this bound is generous); (d): its matrix products at the peak.
  const lstmMatmulSeconds = simd ? lstmMatmulFlopsPerSample() / (simd * 1e9) : null;
  const gates = lstmGateValuesPerSample();
  const g = peaks.gateNs;
  const lstmGateSeconds = g ? (gates.sigmoid * g.sigmoid.value + gates.tanh * g.tanh.value) * 1e-9 : null;
  const lstmMatmulBound = lstmMatmulSeconds ? 1 / lstmMatmulSeconds : null;
  const lstmBound =
    lstmMatmulSeconds !== null && lstmGateSeconds !== null ? 1 / (lstmMatmulSeconds + lstmGateSeconds) : null;
  const cnnBound = simd ? (simd * 1e9) / cnnMatmulFlopsPerSample() : null;
  const lstmRate = fastest('c');
  const cnnRate = fastest('d');
  const result = {
    bestScalarGflops: scalar,
    bestSimdGflops: simd,
    simdAllCoresGflops: peaks.simdAllCoresGflops?.total ?? null,
    tutorialFlopsPerFit: fitFlops,
    tutorialBoundMs: fitBoundMs,
    tutorialDittoMs: fitMs,
    tutorialTimesBound: fitMs === null ? null : fitMs / fitBoundMs,
    mlpFlopsPerSample: sampleFlops,
    mlpBoundSamplesPerSecond1Core: sampleBound,
    mlpBoundSamplesPerSecondAllCores: sampleBound === null ? null : sampleBound * cores,
    mlpDittoSamplesPerSecond: rate,
    mlpFractionOfBound1Core: rate === null || sampleBound === null ? null : rate / sampleBound,
    lstmMatmulFlopsPerSample: lstmMatmulFlopsPerSample(),
    lstmMatmulBoundSamplesPerSecond1Core: lstmMatmulBound,
    lstmBoundSamplesPerSecond1Core: lstmBound,
    lstmDittoSamplesPerSecond: lstmRate,
    cnnMatmulFlopsPerSample: cnnMatmulFlopsPerSample(),
    cnnBoundSamplesPerSecond1Core: cnnBound,
    cnnDittoSamplesPerSecond: cnnRate,
  };
  const all = peaks.simdAllCoresGflops ?? null;
  const perSecond = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(0)} %`);
  const text = [
    '',
    'physical bounds (operations at the best rate measured under the contract: no FMA, every op rounded)',
    `  peaks: scalar ${scalar.toFixed(2)} GFLOP/s, SIMD ${simd === null ? '—' : simd.toFixed(1)} GFLOP/s (one core)` +
      (all
        ? `; the SIMD loop on ${all.workers} cores at once: ${all.total.toFixed(1)} GFLOP/s (${(all.total / (peaks.simdGflops ?? all.total)).toFixed(2)}× one)`
        : ''),
    `  (a) ${fitFlops.toLocaleString('en-US')} flops per fit → ${fitBoundMs.toFixed(3)} ms at the scalar peak; ` +
      `ditto ${fitMs === null ? '—' : `${fitMs.toFixed(3)} ms = ${(fitMs / fitBoundMs).toFixed(1)}× the bound`}`,
    `  (b) ${Math.round(sampleFlops).toLocaleString('en-US')} flops per sample → ` +
      `${sampleBound === null ? '—' : Math.round(sampleBound).toLocaleString('en-US')} samples/s at the SIMD peak on one core; ` +
      `ditto ${rate === null ? '—' : Math.round(rate).toLocaleString('en-US')} = ${pct(result.mlpFractionOfBound1Core)} of it`,
    `  (c) ${lstmMatmulFlopsPerSample().toLocaleString('en-US')} matmul flops per sample → ${perSecond(lstmMatmulBound)} samples/s; ` +
      `with the gate functions at ${g ? `σ ${g.sigmoid.value.toFixed(1)}, tanh ${g.tanh.value.toFixed(1)} ns per value (forward; gradients from the kept values)` : '—'} ` +
      `→ ${perSecond(lstmBound)} samples/s; ditto ${perSecond(lstmRate)}`,
    `  (d) ${cnnMatmulFlopsPerSample().toLocaleString('en-US')} matmul flops per sample → ${perSecond(cnnBound)} samples/s; ditto ${perSecond(cnnRate)}`,
  ].join('\n');
  return { bounds: result, text };
}

/** (b): ditto-wasm-threads at all cores over ditto-wasm on one thread, samples/s. */
function threadsSpeedUp(rows: Row[]): number | null {
  const rate = (framework: string) => {
    const row = rows.find((r) => r.workload === 'b' && r.framework === framework && !r.skipped);
    return (row?.result?.samplesPerSecond as Summary | undefined)?.median;
  };
  const threads = rate('ditto-wasm-threads');
  const one = rate('ditto-wasm');
  return threads === undefined || one === undefined ? null : threads / one;
}

interface Target {
  workload: string;
  goal: string;
  ratio: number | null;
  needed: number;
  met: boolean | null;
}

/** The table of medians and ratios, and how each of the issue's targets fares. */
function report(
  rows: Row[],
  notes: string[],
  limits: ReturnType<typeof bounds>['bounds'],
): { text: string; targets: Target[] } {
  const lines: string[] = [];
  /** ditto's fastest row at this thread setting (at all cores, the 1-thread rows count too). */
  const best = (
    workload: string,
    measure: 'perFitMs' | 'thirtyFitsMs' | 'samplesPerSecond',
    threads: number | 'all' = 1,
  ) => {
    const times = rows
      .filter(
        (r) =>
          r.workload === workload &&
          r.framework.startsWith('ditto') &&
          (r.threads === 1 || threads === 'all'),
      )
      .map((r) => ({ r, t: timeOf(r, measure) }))
      .filter((x): x is { r: Row; t: number } => x.t !== undefined)
      .sort((x, y) => x.t - y.t);
    return times[0];
  };
  const sections: Array<[string, Row['workload'], 'perFitMs' | 'thirtyFitsMs' | 'samplesPerSecond']> = [
    ['(a) tutorial, one fit', 'a', 'perFitMs'],
    ['(a) tutorial, 30 fits', 'a', 'thirtyFitsMs'],
    ['(b) MLP 784→128→10, batch 128', 'b', 'samplesPerSecond'],
    ['(c) LSTM(32)→Dense(1), 20 steps, batch 64', 'c', 'samplesPerSecond'],
    ['(d) CNN Conv2D(16)→MaxPool→Conv2D(32)→GAP→Dense(10), 28×28×1, batch 64', 'd', 'samplesPerSecond'],
    ['(e) Embedding(10,000, 64)→GAP1D→Dense(1), 100 steps, batch 128', 'e', 'samplesPerSecond'],
  ];
  for (const [title, workload, measure] of sections) {
    const group = rows.filter((r) => r.workload === workload);
    if (group.length === 0) continue;
    const reference = best(workload, measure);
    const referenceAll = best(workload, measure, 'all');
    const name = (r: typeof reference) => (r ? r.r.framework : 'ditto');
    const against =
      referenceAll && referenceAll.r !== reference?.r
        ? `${name(reference)} time (all cores: ${name(referenceAll)})`
        : `${name(reference)} time`;
    lines.push('', `${title} — ratio = peer time / ${against}`);
    for (const row of group) {
      const label = `${row.framework}${row.threads === 'all' ? ' (all cores)' : ' (1 thread)'}`.padEnd(26);
      const s = row.result?.[measure] as Summary | undefined;
      if (!s || row.skipped) {
        lines.push(`  ${label} ${row.skipped ?? 'not measured'}`);
        continue;
      }
      const value = measure === 'samplesPerSecond' ? fmtRate(s) : fmtMs(s);
      const t = timeOf(row, measure);
      const ref = row.threads === 'all' ? referenceAll : reference;
      const ratio = ref && t !== undefined ? (t / ref.t).toFixed(2) : '—';
      lines.push(`  ${label} ${value.padEnd(42)} ratio ${ratio}`);
    }
  }
  const ratioOf = (
    workload: string,
    measure: 'perFitMs' | 'samplesPerSecond',
    framework: string,
    threads: number | 'all',
  ) => {
    const reference = best(workload, measure, threads);
    const row = rows.find(
      (r) => r.workload === workload && r.framework === framework && r.threads === threads,
    );
    const t = row ? timeOf(row, measure) : undefined;
    return reference && t !== undefined ? t / reference.t : null;
  };
  const target = (workload: string, goal: string, ratio: number | null, needed: number): Target => ({
    workload,
    goal,
    ratio,
    needed,
    met: ratio === null ? null : ratio >= needed,
  });
  // The current issues' targets: (a)–(c) from the one-engine issue, (d) from the layers issue, (e)
  // from the speed task (issue 10's bench (e)).
  const targets = [
    target('a', '≥ 400× faster per fit than tfjs-cpu', ratioOf('a', 'perFitMs', 'tfjs-cpu', 1), 400),
    target('a', '≥ 100× faster per fit than PyTorch', ratioOf('a', 'perFitMs', 'pytorch', 1), 100),
    target('b', '≥ 3× tfjs-wasm samples/s', ratioOf('b', 'samplesPerSecond', 'tfjs-wasm', 1), 3),
    target('b', 'within 2× of PyTorch (1 thread)', ratioOf('b', 'samplesPerSecond', 'pytorch', 1), 0.5),
    target('b', '≥ 85 % of the SIMD peak (1 core)', limits.mlpFractionOfBound1Core, 0.85),
    target('b', 'threads ≥ 1.6× one thread', threadsSpeedUp(rows), 1.6),
    target('c', '≥ 3× PyTorch (1 thread) samples/s', ratioOf('c', 'samplesPerSecond', 'pytorch', 1), 3),
    target('c', '≥ 20× tfjs-wasm samples/s', ratioOf('c', 'samplesPerSecond', 'tfjs-wasm', 1), 20),
    target('d', '≥ 10× tfjs-wasm samples/s', ratioOf('d', 'samplesPerSecond', 'tfjs-wasm', 1), 10),
    target('d', 'ahead of PyTorch (1 thread)', ratioOf('d', 'samplesPerSecond', 'pytorch', 1), 1),
    target('e', 'ahead of PyTorch (1 thread)', ratioOf('e', 'samplesPerSecond', 'pytorch', 1), 1),
  ];
  lines.push('', 'targets (ratio = peer time / ditto time)');
  for (const t of targets) {
    const state =
      t.met === null
        ? 'not measured'
        : t.met
          ? 'met'
          : `MISSED (needs ${t.needed}, ${(t.needed / (t.ratio as number)).toFixed(2)}× short)`;
    lines.push(
      `  (${t.workload}) ${t.goal.padEnd(36)} ratio ${t.ratio === null ? '—' : t.ratio.toFixed(2)}  ${state}`,
    );
  }
  for (const note of notes) lines.push(`note: ${note}`);
  return { text: lines.join('\n'), targets };
}

await main();
