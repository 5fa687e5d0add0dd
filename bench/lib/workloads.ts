/**
 * The benchmark's workloads and their synthetic data, defined once for every framework. Data come
 * from ditto's keyed generator with fixed seeds, so every run and every framework sees the same
 * numbers (the Python runner reads them from a file).
 */
import { key, randint, split, uniform } from '../../packages/ditto/src/random/index.js';

/** Sizes of the workloads; `quick` shrinks the repetitions, never the work per sample. */
export interface Plan {
  /**
   * (a) tutorial fits: warm-up fits; clean rounds of about `roundMs` of back-to-back fits (per-fit
   * time = round time / fits in the round); clean runs of 30 fits.
   */
  tutorial: { warmup: number; rounds: number; roundMs: number; runsOf30: number };
  /** (b) MLP: samples, batch size, clean timed epochs after one warm-up epoch, extra epochs allowed. */
  mlp: { samples: number; batchSize: number; epochs: number; extraEpochs: number };
  /** (c) LSTM: the same for sequences of `steps` values. */
  lstm: { samples: number; steps: number; batchSize: number; epochs: number; extraEpochs: number };
  /** (d) small CNN: the same for 28×28×1 images. */
  cnn: { samples: number; batchSize: number; epochs: number; extraEpochs: number };
  /** (e) text classifier: the same for sequences of `steps` word indices below `vocabulary`. */
  text: {
    samples: number;
    steps: number;
    vocabulary: number;
    dim: number;
    batchSize: number;
    epochs: number;
    extraEpochs: number;
  };
}

/** Repetitions per framework: the slow peers get fewer, so a full run stays in minutes. */
export type Speed = 'fast' | 'slow';

export function planFor(speed: Speed, quick: boolean): Plan {
  const fast = speed === 'fast';
  const epochs = quick || !fast ? 1 : 3;
  return {
    tutorial: {
      warmup: fast ? 50 : 3,
      rounds: quick ? 3 : fast ? 15 : 5,
      roundMs: 200,
      runsOf30: quick ? 1 : fast ? 10 : 2,
    },
    mlp: { samples: 10_000, batchSize: 128, epochs, extraEpochs: fast ? 6 : 2 },
    lstm: { samples: quick ? 512 : 2048, steps: 20, batchSize: 64, epochs, extraEpochs: fast ? 6 : 2 },
    cnn: { samples: quick ? 256 : 1024, batchSize: 64, epochs, extraEpochs: fast ? 6 : 2 },
    text: {
      // tfjs-cpu takes about a minute per 1,000 samples here: the slow peers get 256 a round
      samples: !fast ? 256 : quick ? 1024 : 4096,
      steps: 100,
      vocabulary: 10_000,
      dim: 64,
      batchSize: 128,
      epochs,
      extraEpochs: fast ? 6 : 2,
    },
  };
}

/** The MLP's data: `samples` rows of 784 values uniform in [0, 1) and labels 0–9 (seed 2024). */
export function mlpData(samples: number): { x: Float32Array; labels: Int32Array; oneHot: Float32Array } {
  const [kx, ky] = split(key(2024), 2);
  const x = uniform(kx, samples * 784);
  const labels = randint(ky, samples, 0, 10);
  const oneHot = new Float32Array(samples * 10);
  labels.forEach((label, i) => {
    oneHot[i * 10 + label] = 1;
  });
  return { x, labels, oneHot };
}

/** The LSTM's data: sequences [samples × steps × 1] uniform in [0, 1) and one target each (seed 2025). */
export function lstmData(samples: number, steps: number): { x: Float32Array; y: Float32Array } {
  const [kx, ky] = split(key(2025), 2);
  return { x: uniform(kx, samples * steps), y: uniform(ky, samples) };
}

/** The tutorial's 9 (x, next x) pairs of 0.0 … 0.9. */
export const TUTORIAL_X = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
export const TUTORIAL_Y = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** The CNN's data: `samples` images of 28×28×1 values uniform in [0, 1) and one-hot labels 0–9 (seed 2026). */
export function cnnData(samples: number): { x: Float32Array; oneHot: Float32Array } {
  const [kx, ky] = split(key(2026), 2);
  const labels = randint(ky, samples, 0, 10);
  const oneHot = new Float32Array(samples * 10);
  labels.forEach((label, i) => {
    oneHot[i * 10 + label] = 1;
  });
  return { x: uniform(kx, samples * 784), oneHot };
}

/**
 * The text classifier's data: `samples` sequences of `steps` word indices uniform in
 * [0, vocabulary) (as float32, what Embedding reads) and labels 0/1 (seed 2027).
 */
export function textData(
  samples: number,
  steps: number,
  vocabulary: number,
): { x: Float32Array; y: Float32Array } {
  const [kx, ky] = split(key(2027), 2);
  return {
    x: Float32Array.from(randint(kx, samples * steps, 0, vocabulary)),
    y: Float32Array.from(randint(ky, samples, 0, 2)),
  };
}
