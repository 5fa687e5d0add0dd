/**
 * The cross-runtime workloads: seeded trainings whose weights, predictions and per-epoch losses are
 * fingerprinted — with a training trace (ditto's divergence tool) that locates any difference — on
 * every backend this runtime offers, both as the engine runs them (traced steps replayed with fused
 * kernels) and op by op on the autograd tape (tracing off). Runtime-neutral on purpose — no Node, Bun, Deno or DOM API — because the
 * very same code (bundled once by scripts/build-browser.ts) runs in Node, Bun, Deno, Chromium and
 * Firefox, and test/cross-runtime.test.ts compares the fingerprints.
 */
import { type TrainingTraceData, traceTraining } from '../../packages/ditto/src/audit/index.js';
import { registerWasmBackend } from '../../packages/ditto/src/backend/wasm/register.js';
import { isTracingEnabled, setTracing } from '../../packages/ditto/src/engine/trace-cache.js';
import {
  Add,
  BatchNormalization,
  Concatenate,
  Conv2D,
  Dense,
  Dropout,
  type FitOptions,
  GlobalAveragePooling2D,
  getBackend,
  type History,
  hashArrays,
  Input,
  listBackends,
  MaxPooling2D,
  Model,
  type ModelData,
  optimizers,
  random,
  Sequential,
  setBackend,
  setSeed,
} from '../../packages/ditto/src/index.js';
import { fitTutorial, tutorialData } from '../../packages/ditto/src/tutorial/tutorial.js';
import { traceToTransport } from './trace-transport.js';

/** Fingerprints of one training (SHA-256, hex), and its trace. */
export interface WorkloadResult {
  /** `model.weightsHash()` after training. */
  weights: string;
  /** The predictions on the training inputs. */
  predictions: string;
  /** Every per-epoch value `fit` reported (loss, metrics, validation), in name order. */
  history: string;
  /**
   * Every step's weights, gradients and optimizer slots, hashed: where two runs first differ (in
   * JSON-safe form; see trace-transport.ts).
   */
  trace: TrainingTraceData;
  /** The training loss of the first and the last epoch (a sanity check that training happened). */
  loss: { first: number; last: number };
}

/** What one runtime reports. */
export interface RuntimeReport {
  /** Runtime name and version, e.g. 'node 20.20.2' or a browser's user agent. */
  runtime: string;
  /**
   * variant → workload name → fingerprints. A variant is a backend and how steps run: 'js' and
   * 'wasm' (the engine's traced and replayed steps, which fit uses by itself), 'js/autograd' and
   * 'wasm/autograd' (tracing off: every step op by op on the autograd tape).
   */
  backends: Record<string, Record<string, WorkloadResult>>;
  /** Backends that could not be registered in this runtime (e.g. no WebAssembly SIMD). */
  unavailableBackends: string[];
  /**
   * A hash of engine `Math.exp/log/sin/pow/tanh/cbrt` on fixed inputs. Informational: it may differ
   * between engines, which is exactly why ditto never calls those functions.
   */
  engineMath: string;
  /** fitTutorial({ seed: 1 })'s own hash, checked against the `tutorial` workload's. */
  fitTutorialHash: string;
  /** Wall time of `runWorkloads` in this runtime (reported, never compared). */
  milliseconds: number;
}

/** The workloads' names, in report order. */
export const WORKLOAD_NAMES = ['tutorial', 'softmax', 'dropout', 'functional', 'convolutional'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** The seed every workload trains with. */
export const SEED = 1;

function historyHash(history: History): string {
  const names = Object.keys(history.history).sort();
  return hashArrays(names.map((name) => Float64Array.from(history.history[name])));
}

async function trainAndFingerprint(
  model: Model,
  x: ModelData,
  y: ModelData,
  options: FitOptions,
): Promise<WorkloadResult> {
  const trace = traceTraining(model);
  let history: History;
  try {
    history = await model.fit(x, y, { ...options, verbose: 0 });
  } finally {
    trace.stop();
  }
  return {
    weights: model.weightsHash(),
    predictions: hashArrays([model.predict(x)].flat().map((p) => p.data)),
    history: historyHash(history),
    trace: traceToTransport(trace.data),
    loss: { first: history.history.loss[0], last: history.history.loss.at(-1) ?? Number.NaN },
  };
}

/**
 * The reproducibility tutorial's network (1→10→1, Adam, MSE, 100 full-batch epochs), written out
 * with the public API so its predictions and epochs can be fingerprinted; `runWorkloads` checks it
 * against `fitTutorial({ seed: 1 })`.
 */
async function tutorial(): Promise<WorkloadResult> {
  const { X, y } = tutorialData();
  setSeed(SEED);
  const model = new Sequential();
  model.add(new Dense(10, { inputDim: 1 }));
  model.add(new Dense(1));
  model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
  return trainAndFingerprint(model, X, y, { epochs: 100, batchSize: X.length });
}

/**
 * Three Gaussian blobs in four dimensions, 150 points, drawn from a fixed key (independent of the
 * training seed): the classifier's data. Labels one-hot.
 */
export function blobs(): { x: number[][]; y: number[][] } {
  const [kCenters, kPoints] = random.split(random.key(20240607), 2);
  const classes = 3;
  const features = 4;
  const perClass = 50;
  const centers = random.normal(kCenters, classes * features, { stddev: 2 });
  const noise = random.normal(kPoints, classes * perClass * features);
  const x: number[][] = [];
  const y: number[][] = [];
  // Interleave the classes so that the validation split (the last 20%) holds every class.
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < classes; c++) {
      const row = x.length;
      x.push(
        Array.from({ length: features }, (_, f) => centers[c * features + f] + noise[row * features + f]),
      );
      y.push(Array.from({ length: classes }, (_, k) => (k === c ? 1 : 0)));
    }
  }
  return { x, y };
}

/** A softmax classifier: 4→16 relu→3 softmax, categorical crossentropy, shuffled mini-batches. */
async function softmax(): Promise<WorkloadResult> {
  const { x, y } = blobs();
  setSeed(SEED);
  const model = new Sequential();
  model.add(new Dense(16, { inputDim: 4, activation: 'relu' }));
  model.add(new Dense(3, { activation: 'softmax' }));
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return trainAndFingerprint(model, x, y, { epochs: 20, batchSize: 16, validationSplit: 0.2 });
}

/**
 * Dropout between tanh layers and a sigmoid output (binary crossentropy): keyed masks per training
 * call, plus the transcendental functions ditto implements itself.
 */
async function dropout(): Promise<WorkloadResult> {
  const { x, y } = blobs();
  const binary = y.map((row) => [row[0]]); // class 0 against the rest
  setSeed(SEED);
  const model = new Sequential();
  model.add(new Dense(16, { inputDim: 4, activation: 'tanh' }));
  model.add(new Dropout(0.25));
  model.add(new Dense(8, { activation: 'elu' }));
  model.add(new Dropout(0.1));
  model.add(new Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binaryCrossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
  return trainAndFingerprint(model, x, binary, { epochs: 15, batchSize: 10, validationSplit: 0.2 });
}

/**
 * The functional API: two inputs (the blobs' first and last two features) through one shared Dense,
 * added, concatenated with the first input, and two heads — the class (softmax, categorical
 * crossentropy) and the features' sum (linear, MSE, loss weight 0.1) — Adam, shuffled mini-batches,
 * validation split, per-output history keys.
 */
async function functional(): Promise<WorkloadResult> {
  const { x, y } = blobs();
  const a = x.map((row) => row.slice(0, 2));
  const b = x.map((row) => row.slice(2, 4));
  const sum = x.map((row) => [row[0] + row[1] + row[2] + row[3]]);
  setSeed(SEED);
  const inputA = Input({ shape: [2], name: 'a' });
  const inputB = Input({ shape: [2], name: 'b' });
  const shared = new Dense(8, { activation: 'tanh', name: 'shared' });
  const joined = new Add({ name: 'joined' }).apply([shared.apply(inputA), shared.apply(inputB)]);
  const h = new Concatenate({ name: 'features' }).apply([joined, inputA]);
  const classes = new Dense(3, { activation: 'softmax', name: 'classes' }).apply(h);
  const total = new Dense(1, { name: 'total' }).apply(h);
  const model = new Model({ inputs: [inputA, inputB], outputs: [classes, total], name: 'two_inputs' });
  model.compile({
    optimizer: 'adam',
    loss: { classes: 'categoricalCrossentropy', total: 'mse' },
    lossWeights: { classes: 1, total: 0.1 },
    metrics: { classes: ['accuracy'] },
  });
  return trainAndFingerprint(model, { a, b }, [y, sum], { epochs: 10, batchSize: 16, validationSplit: 0.2 });
}

/**
 * Tiny 8×8×1 images of three patterns — a bright row, a bright column, the bright diagonal, at a
 * position drawn per image — under Gaussian noise, 20 of them, drawn from a fixed key (independent
 * of the training seed). Labels one-hot, classes interleaved.
 */
export function stripes(): { x: number[][][][]; y: number[][] } {
  const [kPositions, kNoise] = random.split(random.key(20261201), 2);
  const count = 20;
  const side = 8;
  const positions = random.randint(kPositions, count, 0, side);
  const noise = random.normal(kNoise, count * side * side, { stddev: 0.3 });
  const x: number[][][][] = [];
  const y: number[][] = [];
  for (let i = 0; i < count; i++) {
    const pattern = i % 3;
    const at = positions[i];
    const lit = (r: number, c: number) => (pattern === 0 ? r === at : pattern === 1 ? c === at : r === c);
    x.push(
      Array.from({ length: side }, (_, r) =>
        Array.from({ length: side }, (_, c) => [(lit(r, c) ? 1 : 0) + noise[(i * side + r) * side + c]]),
      ),
    );
    y.push(Array.from({ length: 3 }, (_, k) => (k === pattern ? 1 : 0)));
  }
  return { x, y };
}

/**
 * A small CNN: Conv2D(4, 3) relu → MaxPooling2D → Conv2D(8, 3, same) relu → BatchNormalization →
 * GlobalAveragePooling2D → Dropout(0.2) → 3 softmax; Adam (learning rate 0.01), categorical crossentropy, shuffled
 * mini-batches, validation split: unfold + matmul, pooling's argmax, batch statistics and the
 * moving averages, a keyed mask.
 */
async function convolutional(): Promise<WorkloadResult> {
  const { x, y } = stripes();
  setSeed(SEED);
  const model = new Sequential();
  model.add(new Conv2D(4, 3, { activation: 'relu', inputShape: [8, 8, 1] }));
  model.add(new MaxPooling2D({ poolSize: 2 }));
  model.add(new Conv2D(8, 3, { activation: 'relu', padding: 'same' }));
  model.add(new BatchNormalization());
  model.add(new GlobalAveragePooling2D());
  model.add(new Dropout(0.2));
  model.add(new Dense(3, { activation: 'softmax' }));
  const optimizer = new optimizers.Adam({ learningRate: 0.01 });
  model.compile({ loss: 'categoricalCrossentropy', optimizer, metrics: ['accuracy'] });
  return trainAndFingerprint(model, x, y, { epochs: 3, batchSize: 8, validationSplit: 0.2 });
}

const WORKLOADS: Record<WorkloadName, () => Promise<WorkloadResult>> = {
  tutorial,
  softmax,
  dropout,
  functional,
  convolutional,
};

/** The runtime's name and version, found without assuming any runtime's API. */
export function runtimeName(): string {
  const g = globalThis as {
    Deno?: { version: { deno: string } };
    Bun?: { version: string };
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  if (g.process?.versions?.node) return `node ${g.process.versions.node}`;
  return g.navigator?.userAgent ?? 'unknown';
}

function engineMathHash(): string {
  const inputs = Array.from({ length: 64 }, (_, i) => 0.1 + i * 0.37);
  const out = new Float64Array(inputs.length * 6);
  inputs.forEach((v, i) => {
    // determinism-ok: measured on purpose, to show that engines differ; never used for results
    out.set([Math.exp(v), Math.log(v), Math.sin(v * 7), v ** 1.7, Math.tanh(v / 4), Math.cbrt(v)], i * 6);
  });
  return hashArrays([out]);
}

/**
 * Trains every workload with seed 1 on every backend available here (the reference 'js' and, where
 * the runtime supports WebAssembly SIMD, 'wasm'), traced and op by op, and returns their
 * fingerprints. Restores the backend and the tracing setting afterwards.
 *
 * @example
 * ```ts
 * const report = await runWorkloads();
 * console.log(report.backends.js.tutorial.weights);
 * ```
 */
export async function runWorkloads(): Promise<RuntimeReport> {
  const started = performance.now(); // determinism-ok: timing is reported, not compared
  const unavailableBackends: string[] = [];
  let wasmError = '';
  try {
    if (!registerWasmBackend()) wasmError = 'no WebAssembly SIMD';
  } catch (error) {
    wasmError = String(error);
  }
  if (wasmError) unavailableBackends.push(`wasm (${wasmError})`);
  const previous = getBackend().name;
  const tracing = isTracingEnabled();
  const backends: RuntimeReport['backends'] = {};
  try {
    for (const name of listBackends()) {
      setBackend(name);
      for (const traced of [true, false]) {
        setTracing(traced);
        const results: Record<string, WorkloadResult> = {};
        for (const workload of WORKLOAD_NAMES) results[workload] = await WORKLOADS[workload]();
        backends[traced ? name : `${name}/autograd`] = results;
      }
    }
  } finally {
    setBackend(previous);
    setTracing(tracing);
  }
  const fitTutorialHash = (await fitTutorial({ seed: SEED })).weightsHash;
  return {
    runtime: runtimeName(),
    backends,
    unavailableBackends,
    engineMath: engineMathHash(),
    fitTutorialHash,
    milliseconds: performance.now() - started, // determinism-ok: reporting only
  };
}
