/**
 * Benchmark runner for ditto, one workload per process: `node --import tsx bench/runners/ditto.ts
 * '{"workload":"a","backend":"js","quick":false}'` prints one JSON line of results.
 */
import { listBackends, setBackend } from '../../src/backend/registry.js';
import { registerWasmBackend } from '../../src/backend/wasm/register.js';
import { Dense } from '../../src/layers/dense.js';
import { Sequential } from '../../src/models/sequential.js';
import { setSeed } from '../../src/random/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { repeatSeed } from '../../src/tutorial/repeat-seed.js';
import { fitTutorial, tutorialData } from '../../src/tutorial/tutorial.js';
import { summarize, timeMs } from '../lib/summary.js';
import { mlpData, planFor } from '../lib/workloads.js';

interface Args {
  workload: 'a' | 'b' | 'c';
  backend: string;
  quick?: boolean;
  /** Fewer repetitions (the plain TypeScript backend on the MLP). */
  slow?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const plan = planFor(args.slow ? 'slow' : 'fast', args.quick ?? false);

function selectBackend(name: string): void {
  if (name === 'wasm' && !registerWasmBackend()) throw new Error('WebAssembly SIMD is not available here');
  if (!listBackends().includes(name)) throw new Error(`no backend '${name}'`);
  setBackend(name);
}

/** (a): one fit of the tutorial network (build, compile, 100 epochs, predict, score), and 30 fits. */
async function tutorial() {
  const data = tutorialData();
  const { warmup, fits, runsOf30 } = plan.tutorial;
  for (let i = 0; i < warmup; i++) await fitTutorial({ seed: repeatSeed(3, i) }, data);
  const perFit: number[] = [];
  for (let i = 0; i < fits; i++)
    perFit.push(await timeMs(() => fitTutorial({ seed: repeatSeed(1, i) }, data)));
  const thirty: number[] = [];
  for (let r = 0; r < runsOf30; r++) {
    thirty.push(
      await timeMs(async () => {
        for (let i = 0; i < 30; i++) await fitTutorial({ seed: repeatSeed(7, i) }, data);
      }),
    );
  }
  const check = await fitTutorial({ seed: 1 }, data);
  return { perFitMs: summarize(perFit), thirtyFitsMs: summarize(thirty), weightsHash: check.weightsHash };
}

/** (b): samples per second of one epoch of the MLP, after a warm-up epoch, timed epoch by epoch. */
async function mlp() {
  const { samples, batchSize, epochs } = plan.mlp;
  const { x, oneHot } = mlpData(samples);
  setSeed(1);
  const model = new Sequential([
    new Dense(128, { inputDim: 784, activation: 'relu' }),
    new Dense(10, { activation: 'softmax' }),
  ]);
  model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam' });
  const starts: number[] = [];
  const seconds: number[] = [];
  await model.fit(new Tensor(x, [samples, 784]), new Tensor(oneHot, [samples, 10]), {
    epochs: 1 + epochs,
    batchSize,
    verbose: 0,
    callbacks: [
      {
        onEpochBegin: (epoch) => {
          starts[epoch] = performance.now();
        },
        onEpochEnd: (epoch) => {
          if (epoch > 0) seconds.push((performance.now() - starts[epoch]) / 1000);
        },
      },
    ],
  });
  return {
    samplesPerSecond: summarize(seconds.map((s) => samples / s)),
    threads: 1,
    weightsHash: model.weightsHash(),
  };
}

async function main() {
  selectBackend(args.backend);
  let result: Record<string, unknown>;
  if (args.workload === 'a') result = await tutorial();
  else if (args.workload === 'b') result = await mlp();
  else result = { unavailable: 'ditto has no LSTM layer yet' };
  process.stdout.write(`${JSON.stringify({ framework: `ditto-${args.backend}`, ...result })}\n`);
}

await main();
