/**
 * Framing a time series as a supervised problem: the pandas step of the Keras reproducibility
 * tutorial, `df = concat([df.shift(1), df], axis=1); df.dropna()`, generalised to several lags,
 * several steps ahead and several variables.
 */

import { checkOptions, optionNames } from '../validate/index.js';

/** Options of {@link seriesToSupervised}. */
export interface SeriesToSupervisedOptions {
  /** How many past steps form the inputs: columns t − lag, …, t − 1 (default 1). */
  lag?: number;
  /** How many steps form the targets: columns t, …, t + lead − 1 (default 1). */
  lead?: number;
  /** Drop the rows with missing positions (default true); otherwise they hold NaN. */
  dropNa?: boolean;
}

const OPTIONS = optionNames<SeriesToSupervisedOptions>({ lag: true, lead: true, dropNa: true });

/** Inputs and targets, one row per time step kept. */
export interface SupervisedData {
  readonly X: number[][];
  readonly y: number[][];
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

function checkSteps(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`seriesToSupervised: ${name} must be an integer ≥ 1, got ${describe(value)}`);
  }
  return value;
}

/** The series as rows of one width, checked: univariate values become rows of one value. */
function toRows(series: readonly number[] | readonly (readonly number[])[]): number[][] {
  if (!Array.isArray(series))
    throw new TypeError(`seriesToSupervised: series must be an array, got ${describe(series)}`);
  if (series.length === 0) throw new RangeError('seriesToSupervised: series is empty');
  const multivariate = Array.isArray(series[0]);
  const rows = series.map((entry: unknown, t: number) => {
    if (Array.isArray(entry) !== multivariate) {
      throw new TypeError(
        `seriesToSupervised: step ${t} is ${describe(entry)} but step 0 is ${multivariate ? 'an array' : 'a number'}; use all numbers or all rows`,
      );
    }
    const row: unknown[] = multivariate ? (entry as unknown[]) : [entry];
    row.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        const where = multivariate ? `step ${t}, variable ${k}` : `step ${t}`;
        throw new TypeError(
          `seriesToSupervised: value at ${where} must be a finite number, got ${describe(v)}`,
        );
      }
    });
    return row as number[];
  });
  const width = rows[0].length;
  if (width === 0) throw new RangeError('seriesToSupervised: step 0 has no variables');
  rows.forEach((row, t) => {
    if (row.length !== width) {
      throw new RangeError(`seriesToSupervised: step ${t} has ${row.length} variables, step 0 has ${width}`);
    }
  });
  return rows;
}

/**
 * Turns a series into input/target pairs. For each time step t, the inputs are the values at
 * t − lag, …, t − 1 (oldest first; for several variables, all variables of one step before the
 * next step) and the targets the values at t, …, t + lead − 1. Rows whose positions fall outside
 * the series are dropped, or kept with NaN there when `dropNa` is false (then there is one row per
 * time step, as pandas' `shift` gives).
 *
 * @throws TypeError / RangeError for an empty series, non-finite values, rows of unequal width,
 *   a lag or lead that is not an integer ≥ 1, or a series too short to give one complete row.
 * @example
 * ```ts
 * const sequence = Array.from({ length: 10 }, (_, i) => i / 10);
 * const { X, y } = seriesToSupervised(sequence); // X [[0], [0.1], …, [0.8]], y [[0.1], …, [0.9]]
 * seriesToSupervised([[1, 10], [2, 20], [3, 30]], { lag: 2 }); // X [[1, 10, 2, 20]], y [[3, 30]]
 * ```
 */
export function seriesToSupervised(
  series: readonly number[] | readonly (readonly number[])[],
  options: SeriesToSupervisedOptions = {},
): SupervisedData {
  checkOptions('seriesToSupervised', options, OPTIONS);
  const { lag = 1, lead = 1, dropNa = true } = options;
  checkSteps('lag', lag);
  checkSteps('lead', lead);
  if (typeof dropNa !== 'boolean')
    throw new TypeError(`seriesToSupervised: dropNa must be a boolean, got ${describe(dropNa)}`);
  const rows = toRows(series);
  const length = rows.length;
  if (dropNa && length < lag + lead) {
    throw new RangeError(
      `seriesToSupervised: a series of ${length} steps is too short for lag ${lag} and lead ${lead} (needs at least ${lag + lead})`,
    );
  }
  const width = rows[0].length;
  const valuesAt = (t: number): number[] =>
    t >= 0 && t < length ? rows[t] : new Array<number>(width).fill(Number.NaN);
  const X: number[][] = [];
  const y: number[][] = [];
  const first = dropNa ? lag : 0;
  const last = dropNa ? length - lead : length - 1;
  for (let t = first; t <= last; t++) {
    const inputs: number[] = [];
    for (let s = t - lag; s < t; s++) inputs.push(...valuesAt(s));
    const targets: number[] = [];
    for (let s = t; s < t + lead; s++) targets.push(...valuesAt(s));
    X.push(inputs);
    y.push(targets);
  }
  return { X, y };
}
