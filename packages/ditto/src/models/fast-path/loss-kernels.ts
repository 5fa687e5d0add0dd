/**
 * Fused losses: the batch loss and its gradient with respect to the predictions, computed in one
 * pass over float32 arrays with exactly the operations (and the order of rounding) that the autograd
 * path performs for `mean(loss(yTrue, yPred))` and its backward pass. Each kernel's comment lists the
 * ops it reproduces; src/losses/ defines them.
 *
 * Shared by all: the batch mean divides the sum of the m per-sample losses (ascending, from +0)
 * once by m, and its backward hands every sample s = fround(1/m). A mean over the last axis of c
 * values divides its row sum by c, and its backward hands every value fround(g/c).
 */
import type { Backend } from '../../backend/backend.js';
import { log } from '../../numeric/elementary.js';

const fr = Math.fround;
/** Keras's clip bounds for probabilities, as float32 scalars (losses/loss-ops.ts: EPSILON = 1e-7). */
const LOW = fr(1e-7);
const HIGH = fr(1 - 1e-7);

/** Everything a loss kernel reads and writes for one batch of m samples with c outputs each. */
export interface LossBatch {
  /** Predictions [m×c] (the model's output). */
  readonly yPred: Float32Array;
  /** Targets [m×c], or one-hot targets for the sparse losses. */
  readonly yTrue: Float32Array;
  /** ∂loss/∂yPred [m×c], written by the kernel. */
  readonly grad: Float32Array;
  /** Scratch [m×c] (log-softmax output for the logits losses). */
  readonly work1: Float32Array;
  /** Scratch [m×c] (its incoming gradient). */
  readonly work2: Float32Array;
  readonly m: number;
  readonly c: number;
}

/**
 * mean(meanSquaredError): per sample mean_j (t − p)² — ops sub, square, mean(−1); backward
 * mean(−1) → square (2·d·g) → sub (−g for p).
 */
export function meanSquaredErrorKernel({ yPred, yTrue, grad, m, c }: LossBatch): number {
  const s = fr(1 / m);
  const g = fr(s / c);
  let total = 0;
  for (let i = 0, o = 0; i < m; i++) {
    let row = 0;
    for (let j = 0; j < c; j++, o++) {
      const d = fr(yTrue[o] - yPred[o]);
      row = fr(row + fr(d * d));
      grad[o] = -fr(2 * d * g);
    }
    total = fr(total + fr(row / c));
  }
  return fr(total / m);
}

/** mean(meanAbsoluteError): per sample mean_j |t − p| — ops sub, abs, mean(−1). */
export function meanAbsoluteErrorKernel({ yPred, yTrue, grad, m, c }: LossBatch): number {
  const s = fr(1 / m);
  const g = fr(s / c);
  let total = 0;
  for (let i = 0, o = 0; i < m; i++) {
    let row = 0;
    for (let j = 0; j < c; j++, o++) {
      const d = fr(yTrue[o] - yPred[o]);
      row = fr(row + Math.abs(d));
      const gAbs = d > 0 ? g : d < 0 ? -g : 0;
      grad[o] = -gAbs;
    }
    total = fr(total + fr(row / c));
  }
  return fr(total / m);
}

/** maximum(x, LOW) then minimum(·, HIGH), as binaryForward computes them (NaN stays NaN). */
function clipForward(x: number): { mx: number; cl: number } {
  const mx = Number.isNaN(x) ? Number.NaN : x >= LOW ? x : LOW;
  const cl = Number.isNaN(mx) ? Number.NaN : mx <= HIGH ? mx : HIGH;
  return { mx, cl };
}

/**
 * mean(binaryCrossentropy) on probabilities: cl = clip(p, ε, 1 − ε); per element
 * −(z·log cl + (1 − z)·log(1 − cl)); mean over the last axis. In the backward pass cl receives two
 * gradients (through log cl and through 1 − cl), added once — an order-free sum of two terms.
 */
export function binaryCrossentropyKernel({ yPred, yTrue, grad, m, c }: LossBatch): number {
  const s = fr(1 / m);
  const gMean = fr(s / c);
  const gSum = -gMean; // neg's backward
  let total = 0;
  for (let i = 0, o = 0; i < m; i++) {
    let row = 0;
    for (let j = 0; j < c; j++, o++) {
      const p = yPred[o];
      const z = yTrue[o];
      const mx = Number.isNaN(p) ? Number.NaN : p >= LOW ? p : LOW;
      const cl = Number.isNaN(mx) ? Number.NaN : mx <= HIGH ? mx : HIGH;
      const logCl = fr(log(cl));
      const positive = fr(z * logCl);
      const oneMinusZ = fr(1 - z);
      const oneMinusCl = fr(1 - cl);
      const logOneMinusCl = fr(log(oneMinusCl));
      const negative = fr(oneMinusZ * logOneMinusCl);
      row = fr(row + -fr(positive + negative));
      // Backward: add → both terms get gSum; mul → times its other factor; log → divided by its input.
      const viaLog = fr(fr(gSum * z) / cl);
      const viaOneMinus = -fr(fr(gSum * oneMinusZ) / oneMinusCl);
      const gCl = fr(viaLog + viaOneMinus);
      const gMx = mx <= HIGH ? gCl : 0;
      grad[o] = p >= LOW ? gMx : 0;
    }
    total = fr(total + fr(row / c));
  }
  return fr(total / m);
}

/**
 * mean(categoricalCrossentropy) on probabilities, per sample −Σ_j y·log clip(p / Σp, ε, 1 − ε):
 * ops sum(−1, keepDims), div, maximum, minimum, log, mul, sum(−1), neg. Backward, per row: the
 * gradient g of each normalised value goes to p as g / S and to the row sum S as −(g·(p/S))/S,
 * summed over the row in ascending j; p's gradient is the sum of its two contributions.
 */
export function categoricalCrossentropyKernel({ yPred, yTrue, grad, m, c }: LossBatch): number {
  const s = fr(1 / m);
  const gProduct = -s; // neg's backward, broadcast by sum(−1)'s backward
  let total = 0;
  for (let i = 0; i < m; i++) {
    const base = i * c;
    let sum = 0;
    for (let j = 0; j < c; j++) sum = fr(sum + yPred[base + j]);
    let row = 0;
    let gSum = 0;
    for (let j = 0; j < c; j++) {
      const o = base + j;
      const y = yTrue[o];
      const normalised = fr(yPred[o] / sum);
      const { mx, cl } = clipForward(normalised);
      const logProb = fr(log(cl));
      row = fr(row + fr(y * logProb));
      const gLog = fr(fr(gProduct * y) / cl);
      const gMx = mx <= HIGH ? gLog : 0;
      const gNormalised = normalised >= LOW ? gMx : 0;
      grad[o] = fr(gNormalised / sum);
      gSum = fr(gSum + -fr(fr(gNormalised * normalised) / sum));
    }
    for (let j = 0; j < c; j++) grad[base + j] = fr(grad[base + j] + gSum);
    total = fr(total + -row);
  }
  return fr(total / m);
}

/**
 * mean(categoricalCrossentropy) on logits, per sample −Σ_j y·logSoftmax(x): ops logSoftmax, mul,
 * sum(−1), neg; backward mul (−s·y) → the backend's log-softmax backward.
 */
export function categoricalCrossentropyLogitsKernel(backend: Backend, batch: LossBatch): number {
  const { yPred, yTrue, grad, work1: logSoftmax, work2: gLogSoftmax, m, c } = batch;
  backend.softmax(yPred, logSoftmax, m, c, true);
  const s = fr(1 / m);
  const gProduct = -s;
  let total = 0;
  for (let i = 0, o = 0; i < m; i++) {
    let row = 0;
    for (let j = 0; j < c; j++, o++) {
      const y = yTrue[o];
      row = fr(row + fr(y * logSoftmax[o]));
      gLogSoftmax[o] = fr(gProduct * y);
    }
    total = fr(total + -row);
  }
  backend.softmaxBackward(logSoftmax, gLogSoftmax, grad, m, c, true);
  return fr(total / m);
}

/**
 * Writes one-hot rows [m×c] for integer labels (already checked to be class indices), as
 * sparseCategoricalCrossentropy's oneHot does.
 */
export function oneHotInto(labels: Float32Array, out: Float32Array, m: number, c: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++) out[i * c + labels[i]] = 1;
}

/** Whether every label is an integer class index in [0, classes) — else the autograd path reports it. */
export function validLabels(labels: ArrayLike<number>, classes: number): boolean {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) return false;
  }
  return true;
}
