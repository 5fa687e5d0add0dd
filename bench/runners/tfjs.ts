/**
 * Benchmark runner for TensorFlow.js, one workload and backend per process:
 * `node --import tsx bench/runners/tfjs.ts '{"workload":"a","backend":"wasm"}'` prints one JSON
 * line. The wasm backend runs with SIMD and without threads, as the issue specifies.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { summarize, timeMs } from '../lib/summary.js';
import { lstmData, mlpData, planFor, TUTORIAL_X, TUTORIAL_Y } from '../lib/workloads.js';

interface Args {
  workload: 'a' | 'b' | 'c';
  backend: 'cpu' | 'wasm';
  quick?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const plan = planFor('slow', args.quick ?? false);

async function selectBackend(): Promise<void> {
  if (args.backend === 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  }
  if (!(await tf.setBackend(args.backend))) throw new Error(`tfjs backend ${args.backend} failed to start`);
  await tf.ready();
}

/** Epoch timings from fit's callbacks: every epoch after the first. */
function epochTimer(samples: number) {
  const starts: number[] = [];
  const rates: number[] = [];
  const callback = new tf.CustomCallback({
    onEpochBegin: async (epoch) => {
      starts[epoch] = performance.now();
    },
    onEpochEnd: async (epoch) => {
      if (epoch > 0) rates.push(samples / ((performance.now() - starts[epoch]) / 1000));
    },
  });
  return { callback, rates };
}

async function tutorial() {
  const xs = tf.tensor2d(TUTORIAL_X, [9, 1]);
  const ys = tf.tensor2d(TUTORIAL_Y, [9, 1]);
  const fitOnce = async () => {
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
  };
  const { warmup, fits, runsOf30 } = plan.tutorial;
  for (let i = 0; i < warmup; i++) await fitOnce();
  const perFit: number[] = [];
  for (let i = 0; i < fits; i++) perFit.push(await timeMs(fitOnce));
  const thirty: number[] = [];
  for (let r = 0; r < runsOf30; r++) {
    thirty.push(
      await timeMs(async () => {
        for (let i = 0; i < 30; i++) await fitOnce();
      }),
    );
  }
  return { perFitMs: summarize(perFit), thirtyFitsMs: summarize(thirty) };
}

async function mlp() {
  const { samples, batchSize, epochs } = plan.mlp;
  const { x, oneHot } = mlpData(samples);
  const xs = tf.tensor2d(x, [samples, 784]);
  const ys = tf.tensor2d(oneHot, [samples, 10]);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
  const { callback, rates } = epochTimer(samples);
  await model.fit(xs, ys, {
    epochs: 1 + epochs,
    batchSize,
    shuffle: true,
    verbose: 0,
    callbacks: [callback],
  });
  return { samplesPerSecond: summarize(rates), threads: 1 };
}

async function lstm() {
  const { samples, steps, batchSize, epochs } = plan.lstm;
  const { x, y } = lstmData(samples, steps);
  const xs = tf.tensor3d(x, [samples, steps, 1]);
  const ys = tf.tensor2d(y, [samples, 1]);
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 32, inputShape: [steps, 1] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'meanSquaredError' });
  const { callback, rates } = epochTimer(samples);
  await model.fit(xs, ys, {
    epochs: 1 + epochs,
    batchSize,
    shuffle: true,
    verbose: 0,
    callbacks: [callback],
  });
  return { samplesPerSecond: summarize(rates), threads: 1 };
}

async function main() {
  await selectBackend();
  const run = { a: tutorial, b: mlp, c: lstm }[args.workload];
  const result = await run();
  process.stdout.write(
    `${JSON.stringify({ framework: `tfjs-${args.backend}`, version: tf.version.tfjs, ...result })}\n`,
  );
}

await main();
