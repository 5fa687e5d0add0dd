/**
 * Benchmark runner for ditto, one workload per process: `node --import tsx bench/runners/ditto.ts
 * '{"workload":"a","backend":"js","quick":false}'` prints one JSON line of results.
 */
import { listBackends, setBackend } from '../../packages/ditto/src/backend/registry.js';
import { threadsReady } from '../../packages/ditto/src/backend/threads/register.js';
import { registerWasmBackend } from '../../packages/ditto/src/backend/wasm/register.js';
import { Conv2D } from '../../packages/ditto/src/layers/conv/conv2d.js';
import { Dense } from '../../packages/ditto/src/layers/dense.js';
import { Embedding } from '../../packages/ditto/src/layers/embedding.js';
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
} from '../../packages/ditto/src/layers/pooling/global-pooling.js';
import { MaxPooling2D } from '../../packages/ditto/src/layers/pooling/pooling.js';
import { LSTM } from '../../packages/ditto/src/layers/recurrent/lstm.js';
import { Sequential } from '../../packages/ditto/src/models/sequential.js';
import { setSeed } from '../../packages/ditto/src/random/index.js';
import { Tensor } from '../../packages/ditto/src/tensor/tensor.js';
import { repeatSeed } from '../../packages/ditto/src/tutorial/repeat-seed.js';
import { fitTutorial, tutorialData } from '../../packages/ditto/src/tutorial/tutorial.js';
import { registerNodeThreadsBackend } from '../../packages/ditto-node/src/threads/index.js';
import { cleanRound, EpochRates, newRoundLog } from '../lib/clean-round.js';
import { summarize, timeMs } from '../lib/summary.js';
import { cnnData, lstmData, mlpData, planFor, textData } from '../lib/workloads.js';

interface Args {
  workload: 'a' | 'b' | 'c' | 'd' | 'e';
  /** 'js', 'wasm', or 'wasm-threads' (with `threads`). */
  backend: string;
  threads?: number;
  quick?: boolean;
  /** Fewer repetitions (the plain TypeScript backend on the MLP). */
  slow?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const plan = planFor(args.slow ? 'slow' : 'fast', args.quick ?? false);
const log = newRoundLog();

async function selectBackend(name: string): Promise<number> {
  if (name === 'wasm' && !registerWasmBackend()) throw new Error('WebAssembly SIMD is not available here');
  if (name === 'wasm-threads') {
    if (!registerNodeThreadsBackend({ threads: args.threads ?? 1 })) {
      throw new Error('WebAssembly SIMD is not available here');
    }
  }
  if (!listBackends().includes(name)) throw new Error(`no backend '${name}'`);
  setBackend(name);
  return name === 'wasm-threads' ? await threadsReady() : 1;
}

/** (a): one fit of the tutorial network (build, compile, 100 epochs, predict, score), and 30 fits. */
async function tutorial() {
  const data = tutorialData();
  const { warmup, rounds, roundMs, runsOf30 } = plan.tutorial;
  for (let i = 0; i < warmup; i++) await fitTutorial({ seed: repeatSeed(3, i) }, data);
  const probe = await timeMs(() => fitTutorial({ seed: 1 }, data));
  const fitsPerRound = Math.max(1, Math.round(roundMs / probe));
  const perFit: number[] = [];
  let seed = 0;
  for (let r = 0; r < rounds; r++) {
    const ms = await cleanRound(async () => {
      for (let i = 0; i < fitsPerRound; i++) await fitTutorial({ seed: repeatSeed(1, seed++) }, data);
    }, log);
    perFit.push(ms / fitsPerRound);
  }
  const thirty: number[] = [];
  for (let r = 0; r < runsOf30; r++) {
    thirty.push(
      await cleanRound(async () => {
        for (let i = 0; i < 30; i++) await fitTutorial({ seed: repeatSeed(7, i) }, data);
      }, log),
    );
  }
  const check = await fitTutorial({ seed: 1 }, data);
  return {
    perFitMs: summarize(perFit),
    thirtyFitsMs: summarize(thirty),
    fitsPerRound,
    weightsHash: check.weightsHash,
  };
}

/** (b): samples per second of an epoch of the MLP, after a warm-up epoch, timed epoch by epoch. */
async function mlp() {
  const { samples, batchSize, epochs, extraEpochs } = plan.mlp;
  const { x, oneHot } = mlpData(samples);
  setSeed(1);
  const model = new Sequential([
    new Dense(128, { inputDim: 784, activation: 'relu' }),
    new Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam' });
  const meter = new EpochRates(samples, epochs, log);
  await model.fit(new Tensor(x, [samples, 784]), new Tensor(oneHot, [samples, 10]), {
    epochs: 1 + epochs + extraEpochs,
    batchSize,
    verbose: 0,
    callbacks: [
      {
        onEpochBegin: () => meter.begin(),
        onEpochEnd: (epoch) => {
          meter.end(epoch);
          if (meter.done()) model.stopTraining = true;
        },
      },
    ],
  });
  return { samplesPerSecond: summarize(meter.rates()) };
}

/** (c): samples per second of an epoch of LSTM(32) → Dense(1) on sequences of 20 steps, batch 64. */
async function lstm() {
  const { samples, steps, batchSize, epochs, extraEpochs } = plan.lstm;
  const { x, y } = lstmData(samples, steps);
  setSeed(1);
  const model = new Sequential([new LSTM(32, { inputShape: [steps, 1] }), new Dense(1)]);
  model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
  const meter = new EpochRates(samples, epochs, log);
  await model.fit(new Tensor(x, [samples, steps, 1]), new Tensor(y, [samples, 1]), {
    epochs: 1 + epochs + extraEpochs,
    batchSize,
    verbose: 0,
    callbacks: [
      {
        onEpochBegin: () => meter.begin(),
        onEpochEnd: (epoch) => {
          meter.end(epoch);
          if (meter.done()) model.stopTraining = true;
        },
      },
    ],
  });
  return { samplesPerSecond: summarize(meter.rates()), weightsHash: model.weightsHash() };
}

/** (d): samples per second of an epoch of the small CNN on 28×28×1 images, batch 64, Adam. */
async function cnn() {
  const { samples, batchSize, epochs, extraEpochs } = plan.cnn;
  const { x, oneHot } = cnnData(samples);
  setSeed(1);
  const model = new Sequential([
    new Conv2D(16, 3, { activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D(),
    new Conv2D(32, 3, { activation: 'relu' }),
    new GlobalAveragePooling2D(),
    new Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  const meter = new EpochRates(samples, epochs, log);
  await model.fit(new Tensor(x, [samples, 28, 28, 1]), new Tensor(oneHot, [samples, 10]), {
    epochs: 1 + epochs + extraEpochs,
    batchSize,
    verbose: 0,
    callbacks: [
      {
        onEpochBegin: () => meter.begin(),
        onEpochEnd: (epoch) => {
          meter.end(epoch);
          if (meter.done()) model.stopTraining = true;
        },
      },
    ],
  });
  return { samplesPerSecond: summarize(meter.rates()), weightsHash: model.weightsHash() };
}

/** (e): samples per second of an epoch of Embedding(10,000, 64) → GlobalAveragePooling1D → Dense(1) sigmoid, batch 128. */
async function text() {
  const { samples, steps, vocabulary, dim, batchSize, epochs, extraEpochs } = plan.text;
  const { x, y } = textData(samples, steps, vocabulary);
  setSeed(1);
  const model = new Sequential([
    new Embedding(vocabulary, dim, { inputLength: steps }),
    new GlobalAveragePooling1D(),
    new Dense(1, { activation: 'sigmoid' }),
  ]);
  model.compile({ loss: 'binaryCrossentropy', optimizer: 'adam' });
  const meter = new EpochRates(samples, epochs, log);
  await model.fit(new Tensor(x, [samples, steps]), new Tensor(y, [samples, 1]), {
    epochs: 1 + epochs + extraEpochs,
    batchSize,
    verbose: 0,
    callbacks: [
      {
        onEpochBegin: () => meter.begin(),
        onEpochEnd: (epoch) => {
          meter.end(epoch);
          if (meter.done()) model.stopTraining = true;
        },
      },
    ],
  });
  return { samplesPerSecond: summarize(meter.rates()), weightsHash: model.weightsHash() };
}

async function main() {
  const threads = await selectBackend(args.backend);
  let result: Record<string, unknown>;
  if (args.workload === 'a') result = await tutorial();
  else if (args.workload === 'b') result = await mlp();
  else if (args.workload === 'd') result = await cnn();
  else if (args.workload === 'e') result = await text();
  else result = await lstm();
  const framework = `ditto-${args.backend}`;
  process.stdout.write(`${JSON.stringify({ framework, threads, rounds: log, ...result })}\n`);
}

await main();
