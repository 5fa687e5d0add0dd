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
  /**
   * The past steps to use instead of `lag`: `[1, 7, 24]` gives columns t − 24, t − 7, t − 1
   * (oldest first, whatever the order given). `lag: L` is `lags: [1, …, L]`.
   */
  lags?: readonly number[];
  /**
   * The steps ahead to predict instead of `lead`, counted from the last input step: horizon h is
   * the value at t + h − 1, so `[1, 3]` gives columns t and t + 2. `lead: H` is `horizons: [1, …, H]`.
   */
  horizons?: readonly number[];
  /** Drop the rows with missing positions (default true); otherwise they hold NaN. */
  dropNa?: boolean;
}

const OPTIONS = optionNames<SeriesToSupervisedOptions>({
  lag: true,
  lead: true,
  lags: true,
  horizons: true,
  dropNa: true,
});

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

/** A list of distinct steps ≥ 1, sorted ascending. */
function checkStepList(name: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(
      `seriesToSupervised: ${name} must be a non-empty array of integers ≥ 1, got ${describe(value)}`,
    );
  }
  value.forEach((step: unknown, i: number) => {
    checkSteps(`${name}[${i}]`, step);
  });
  const sorted = [...(value as number[])].sort((a, b) => a - b);
  sorted.forEach((step, i) => {
    if (i > 0 && sorted[i - 1] === step)
      throw new RangeError(`seriesToSupervised: ${name} holds ${step} twice`);
  });
  return sorted;
}

/** The explicit steps, or 1 … count from the plain option; both at once is an error. */
function stepsFrom(listName: string, list: unknown, countName: string, count: unknown): number[] {
  if (list !== undefined) {
    if (count !== undefined) {
      throw new TypeError(`seriesToSupervised: give ${countName} or ${listName}, not both`);
    }
    return checkStepList(listName, list);
  }
  const n = checkSteps(countName, count ?? 1);
  return Array.from({ length: n }, (_, i) => i + 1);
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
 * time step, as pandas' `shift` gives). `lags` and `horizons` pick the steps explicitly: the inputs
 * are the values at t − lag for each lag (largest first) and the targets those at t + h − 1 for
 * each horizon h (smallest first).
 *
 * @throws TypeError / RangeError for an empty series, non-finite values, rows of unequal width,
 *   a lag, lead, lags or horizons entry that is not an integer ≥ 1 (or lag with lags, lead with horizons), or a series too short to give one complete row.
 * @example
 * ```ts
 * const sequence = Array.from({ length: 10 }, (_, i) => i / 10);
 * const { X, y } = seriesToSupervised(sequence); // X [[0], [0.1], …, [0.8]], y [[0.1], …, [0.9]]
 * seriesToSupervised([[1, 10], [2, 20], [3, 30]], { lag: 2 }); // X [[1, 10, 2, 20]], y [[3, 30]]
 * seriesToSupervised([1, 2, 3, 4, 5, 6], { lags: [1, 3], horizons: [1, 2] }); // X [[1, 3], [2, 4]], y [[4, 5], [5, 6]]
 * ```
 */
export function seriesToSupervised(
  series: readonly number[] | readonly (readonly number[])[],
  options: SeriesToSupervisedOptions = {},
): SupervisedData {
  checkOptions('seriesToSupervised', options, OPTIONS);
  const { dropNa = true } = options;
  const lags = stepsFrom('lags', options.lags, 'lag', options.lag);
  const horizons = stepsFrom('horizons', options.horizons, 'lead', options.lead);
  if (typeof dropNa !== 'boolean')
    throw new TypeError(`seriesToSupervised: dropNa must be a boolean, got ${describe(dropNa)}`);
  const rows = toRows(series);
  const length = rows.length;
  const maxLag = lags[lags.length - 1];
  const maxHorizon = horizons[horizons.length - 1];
  if (dropNa && length < maxLag + maxHorizon) {
    const steps =
      options.lags === undefined && options.horizons === undefined
        ? `lag ${maxLag} and lead ${maxHorizon}`
        : `largest lag ${maxLag} and horizon ${maxHorizon}`;
    throw new RangeError(
      `seriesToSupervised: a series of ${length} steps is too short for ${steps} (needs at least ${maxLag + maxHorizon})`,
    );
  }
  const width = rows[0].length;
  const valuesAt = (t: number): number[] =>
    t >= 0 && t < length ? rows[t] : new Array<number>(width).fill(Number.NaN);
  const X: number[][] = [];
  const y: number[][] = [];
  const first = dropNa ? maxLag : 0;
  const last = dropNa ? length - maxHorizon : length - 1;
  for (let t = first; t <= last; t++) {
    const inputs: number[] = [];
    for (let i = lags.length - 1; i >= 0; i--) inputs.push(...valuesAt(t - lags[i]));
    const targets: number[] = [];
    for (const h of horizons) targets.push(...valuesAt(t + h - 1));
    X.push(inputs);
    y.push(targets);
  }
  return { X, y };
}
