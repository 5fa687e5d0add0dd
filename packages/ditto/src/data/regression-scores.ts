/**
 * Regression scores on plain arrays, computed in float64 as scikit-learn.metrics defines them
 * (`mean_squared_error`, `mean_absolute_error`, `root_mean_squared_error`, `r2_score`, each with
 * its default 'uniform_average' over outputs). Sums run in index order, one addition at a time;
 * NumPy sums pairwise, so results can differ from scikit-learn's in the last bits.
 */

import { Tensor } from '../tensor/tensor.js';

/**
 * Targets or predictions: a flat array (one output), rows of outputs ([[v], [v], …]), or a tensor
 * of rank 1 or 2 (such as `model.predict(x)`).
 */
export type RegressionValues = ArrayLike<number> | ArrayLike<ArrayLike<number>> | Tensor;

interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values. */
  readonly values: Float64Array;
}

function toMatrix(fn: string, name: string, given: RegressionValues): Matrix {
  if (given instanceof Tensor && given.rank > 2) {
    throw new RangeError(
      `${fn}: ${name} must have rank 1 or 2, got a tensor of shape [${given.shape.join(', ')}]`,
    );
  }
  if (given instanceof Tensor && given.rank > 0) return tensorMatrix(fn, name, given);
  const input =
    given instanceof Tensor ? (given.toArray() as ArrayLike<number> | ArrayLike<ArrayLike<number>>) : given;
  if (input === null || typeof input !== 'object' || typeof input.length !== 'number') {
    throw new TypeError(
      `${fn}: ${name} must be an array of numbers or of rows, got ${input === null ? 'null' : typeof input}`,
    );
  }
  const rows = input.length;
  if (rows === 0) throw new RangeError(`${fn}: ${name} is empty`);
  const nested = typeof input[0] === 'object' && input[0] !== null;
  const cols = nested ? (input[0] as ArrayLike<number>).length : 1;
  if (cols === 0) throw new RangeError(`${fn}: ${name} row 0 is empty`);
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const entry = input[i];
    const row: ArrayLike<unknown> = nested ? (entry as ArrayLike<unknown>) : [entry];
    if (nested && (typeof entry !== 'object' || entry === null || row.length !== cols)) {
      throw new RangeError(`${fn}: ${name} row ${i} does not have ${cols} value(s) like row 0`);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        const where = nested ? `[${i}][${j}]` : `[${i}]`;
        throw new TypeError(`${fn}: ${name}${where} must be a finite number, got ${String(v)}`);
      }
      values[i * cols + j] = v;
    }
  }
  return { rows, cols, values };
}

/**
 * A tensor of rank 1 or 2 as a matrix, read from its data (float32 values are exact in float64):
 * the values and checks of its nested array (`toArray`), without building that array.
 */
function tensorMatrix(fn: string, name: string, given: Tensor): Matrix {
  const nested = given.rank === 2;
  const rows = given.shape[0];
  if (rows === 0) throw new RangeError(`${fn}: ${name} is empty`);
  const cols = nested ? given.shape[1] : 1;
  if (cols === 0) throw new RangeError(`${fn}: ${name} row 0 is empty`);
  const data = given.data;
  const values = new Float64Array(rows * cols);
  for (let k = 0; k < values.length; k++) {
    const v = data[k];
    if (!Number.isFinite(v)) {
      const i = Math.floor(k / cols);
      const where = nested ? `[${i}][${k - i * cols}]` : `[${i}]`;
      throw new TypeError(`${fn}: ${name}${where} must be a finite number, got ${String(v)}`);
    }
    values[k] = v;
  }
  return { rows, cols, values };
}

/** Both inputs as matrices of one shape: n samples × k outputs (a flat array is k = 1). */
function pair(fn: string, yTrue: RegressionValues, yPred: RegressionValues): [Matrix, Matrix] {
  const t = toMatrix(fn, 'yTrue', yTrue);
  const p = toMatrix(fn, 'yPred', yPred);
  if (t.rows !== p.rows) throw new RangeError(`${fn}: yTrue has ${t.rows} samples but yPred has ${p.rows}`);
  if (t.cols !== p.cols)
    throw new RangeError(`${fn}: yTrue has ${t.cols} output(s) per sample but yPred has ${p.cols}`);
  return [t, p];
}

/** Per output j: Σ_i f(t_ij, p_ij) / n. */
function columnMeans(t: Matrix, p: Matrix, f: (a: number, b: number) => number): number[] {
  return Array.from({ length: t.cols }, (_, j) => {
    let sum = 0;
    for (let i = 0; i < t.rows; i++) sum += f(t.values[i * t.cols + j], p.values[i * t.cols + j]);
    return sum / t.rows;
  });
}

/** The plain mean of per-output scores ('uniform_average'). */
function average(scores: readonly number[]): number {
  let sum = 0;
  for (const s of scores) sum += s;
  return sum / scores.length;
}

/**
 * Mean squared error in float64, as `sklearn.metrics.mean_squared_error`: per output
 * Σ(y − ŷ)² / n, then the mean over outputs.
 *
 * @example
 * ```ts
 * meanSquaredError([0.1, 0.2], [[0.1], [0.4]]); // ≈ 0.02
 * ```
 */
export function meanSquaredError(yTrue: RegressionValues, yPred: RegressionValues): number {
  const [t, p] = pair('meanSquaredError', yTrue, yPred);
  return average(columnMeans(t, p, (a, b) => (a - b) * (a - b)));
}

/**
 * Mean absolute error in float64, as `sklearn.metrics.mean_absolute_error`: per output
 * Σ|y − ŷ| / n, then the mean over outputs.
 *
 * @example
 * ```ts
 * meanAbsoluteError([1, 2], [1.5, 1]); // 0.75
 * ```
 */
export function meanAbsoluteError(yTrue: RegressionValues, yPred: RegressionValues): number {
  const [t, p] = pair('meanAbsoluteError', yTrue, yPred);
  return average(columnMeans(t, p, (a, b) => Math.abs(a - b)));
}

/**
 * Root mean squared error in float64, as `sklearn.metrics.root_mean_squared_error`: per output
 * √(Σ(y − ŷ)² / n), then the mean over outputs.
 *
 * @example
 * ```ts
 * rootMeanSquaredError([0, 0], [3, 4]); // √12.5
 * ```
 */
export function rootMeanSquaredError(yTrue: RegressionValues, yPred: RegressionValues): number {
  const [t, p] = pair('rootMeanSquaredError', yTrue, yPred);
  return average(columnMeans(t, p, (a, b) => (a - b) * (a - b)).map(Math.sqrt));
}

/**
 * Coefficient of determination in float64, as `sklearn.metrics.r2_score` (force_finite = true):
 * per output 1 − Σ(y − ŷ)² / Σ(y − ȳ)², where a constant target gives 1 for a perfect prediction
 * and 0 otherwise; then the mean over outputs. NaN for fewer than two samples, as scikit-learn.
 *
 * @example
 * ```ts
 * r2Score([1, 2, 3], [1, 2, 4]); // 0.5
 * ```
 */
export function r2Score(yTrue: RegressionValues, yPred: RegressionValues): number {
  const [t, p] = pair('r2Score', yTrue, yPred);
  if (t.rows < 2) return Number.NaN;
  const scores = Array.from({ length: t.cols }, (_, j) => {
    let mean = 0;
    for (let i = 0; i < t.rows; i++) mean += t.values[i * t.cols + j];
    mean /= t.rows;
    let residual = 0;
    let total = 0;
    for (let i = 0; i < t.rows; i++) {
      const y = t.values[i * t.cols + j];
      const e = y - p.values[i * t.cols + j];
      residual += e * e;
      total += (y - mean) * (y - mean);
    }
    if (total === 0) return residual === 0 ? 1 : 0;
    return 1 - residual / total;
  });
  return average(scores);
}
