/**
 * Benchmark runner for TensorFlow.js, one workload and backend per process:
 * `node --import tsx bench/runners/tfjs.ts '{"workload":"a","backend":"wasm"}'` prints one JSON
 * line. The wasm backend runs with SIMD and without threads, as the issue specifies.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cleanRound, EpochRates, newRoundLog } from '../lib/clean-round.js';
import { summarize, timeMs } from '../lib/summary.js';
import { cnnData, lstmData, mlpData, planFor, TUTORIAL_X, TUTORIAL_Y, textData } from '../lib/workloads.js';

interface Args {
  workload: 'a' | 'b' | 'c' | 'd' | 'e';
  backend: 'cpu' | 'wasm';
  quick?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const plan = planFor('slow', args.quick ?? false);
const log = newRoundLog();

async function selectBackend(): Promise<void> {
  if (args.backend === 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  }
  if (!(await tf.setBackend(args.backend))) throw new Error(`tfjs backend ${args.backend} failed to start`);
  await tf.ready();
}

/** Epoch rates from fit's callbacks (clean epochs after the warm-up one); stops the fit when enough. */
function epochTimer(model: tf.Sequential, samples: number, wanted: number) {
  const meter = new EpochRates(samples, wanted, log);
  const callback = new tf.CustomCallback({
    onEpochBegin: async () => meter.begin(),
    onEpochEnd: async (epoch) => {
      meter.end(epoch);
      if (meter.done()) model.stopTraining = true;
    },
  });
  return { callback, meter };
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
  const { warmup, rounds, roundMs, runsOf30 } = plan.tutorial;
  for (let i = 0; i < warmup; i++) await fitOnce();
  const fitsPerRound = Math.max(1, Math.round(roundMs / (await timeMs(fitOnce))));
  const perFit: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ms = await cleanRound(async () => {
      for (let i = 0; i < fitsPerRound; i++) await fitOnce();
    }, log);
    perFit.push(ms / fitsPerRound);
  }
  const thirty: number[] = [];
  for (let r = 0; r < runsOf30; r++) {
    const ms = await cleanRound(
      async () => {
        for (let i = 0; i < 30; i++) await fitOnce();
      },
      log,
      3,
    );
    thirty.push(ms);
  }
  return { perFitMs: summarize(perFit), thirtyFitsMs: summarize(thirty), fitsPerRound };
}

/** Trains for the plan's epochs (plus extra ones while epochs are disturbed) and reports rates. */
async function epochs(
  model: tf.Sequential,
  xs: tf.Tensor,
  ys: tf.Tensor,
  plan: { samples: number; batchSize: number; epochs: number; extraEpochs: number },
) {
  const { callback, meter } = epochTimer(model, plan.samples, plan.epochs);
  await model.fit(xs, ys, {
    epochs: 1 + plan.epochs + plan.extraEpochs,
    batchSize: plan.batchSize,
    shuffle: true,
    verbose: 0,
    callbacks: [callback],
  });
  return { samplesPerSecond: summarize(meter.rates()), threads: 1 };
}

async function mlp() {
  const { samples } = plan.mlp;
  const { x, oneHot } = mlpData(samples);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
  return epochs(model, tf.tensor2d(x, [samples, 784]), tf.tensor2d(oneHot, [samples, 10]), plan.mlp);
}

async function lstm() {
  const { samples, steps } = plan.lstm;
  const { x, y } = lstmData(samples, steps);
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 32, inputShape: [steps, 1] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'meanSquaredError' });
  return epochs(model, tf.tensor3d(x, [samples, steps, 1]), tf.tensor2d(y, [samples, 1]), plan.lstm);
}

async function cnn() {
  // tfjs-backend-wasm registers no Conv2DBackpropFilter: it cannot train a Conv2D at all.
  if (!tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) {
    return { unavailable: `tfjs-${args.backend} has no Conv2DBackpropFilter kernel (cannot train Conv2D)` };
  }
  const { samples } = plan.cnn;
  const { x, oneHot } = cnnData(samples);
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy' });
  return epochs(model, tf.tensor4d(x, [samples, 28, 28, 1]), tf.tensor2d(oneHot, [samples, 10]), plan.cnn);
}

async function text() {
  // tfjs-backend-wasm registers no UnsortedSegmentSum: it cannot take an Embedding's gradient.
  if (!tf.getKernel('UnsortedSegmentSum', tf.getBackend())) {
    return { unavailable: `tfjs-${args.backend} has no UnsortedSegmentSum kernel (cannot train Embedding)` };
  }
  // tfjs-cpu's UnsortedSegmentSum compares every gradient row with every one of the 10,000
  // segments: 4 epochs of 256 samples did not finish in 200 s on this machine (2026-12-01).
  if (args.backend === 'cpu') {
    return { unavailable: 'tfjs-cpu: the Embedding gradient (UnsortedSegmentSum) takes minutes per epoch' };
  }
  const { samples, steps, vocabulary, dim } = plan.text;
  const { x, y } = textData(samples, steps, vocabulary);
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: vocabulary, outputDim: dim, inputLength: steps }));
  model.add(tf.layers.globalAveragePooling1d({}));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'binaryCrossentropy' });
  return epochs(model, tf.tensor2d(x, [samples, steps]), tf.tensor2d(y, [samples, 1]), plan.text);
}

async function main() {
  await selectBackend();
  const run = { a: tutorial, b: mlp, c: lstm, d: cnn, e: text }[args.workload];
  const result = await run();
  const framework = `tfjs-${args.backend}`;
  process.stdout.write(
    `${JSON.stringify({ framework, version: tf.version.tfjs, rounds: log, ...result })}\n`,
  );
}

await main();
