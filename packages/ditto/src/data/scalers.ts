/**
 * Feature scaling fitted on training data only, as scikit-learn's `StandardScaler` and
 * `MinMaxScaler`, under ditto's numeric contract: inputs are rounded to float32, every operation
 * is rounded to float32, and each column's statistics are reduced in one written-down order
 * (rows in index order, one addition at a time), so the fitted values and the scaled data have
 * the same bits in every runtime. docs/data.md gives the formulas.
 */

import { checkBoolean, checkOptions, describe, optionNames } from '../validate/index.js';
import { checkRows, checkVector, type Rows } from './rows.js';

const f = Math.fround;

/** Σ over rows in index order of `term(row value)`, each addition rounded to float32. */
function columnSum(rows: Rows, j: number, term: (x: number) => number): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum = f(sum + term(f(rows[i][j])));
  return sum;
}

function notFitted(where: string): never {
  throw new Error(`${where}: the scaler is not fitted; call fit(trainingRows) first`);
}

function mapRows(rows: Rows, op: (x: number, j: number) => number): number[][] {
  return rows.map((row) => row.map((x, j) => op(f(x), j)));
}

/** Options of {@link StandardScaler}. */
export interface StandardScalerOptions {
  /** Subtract each column's mean (default true). */
  withMean?: boolean;
  /** Divide by each column's standard deviation (default true). */
  withStd?: boolean;
}

const STANDARD_OPTIONS = optionNames<StandardScalerOptions>({ withMean: true, withStd: true });

/** The JSON form of a fitted or unfitted {@link StandardScaler}. */
export interface StandardScalerConfig {
  readonly className: 'StandardScaler';
  readonly config: {
    readonly withMean: boolean;
    readonly withStd: boolean;
    readonly mean: number[] | null;
    readonly scale: number[] | null;
  };
}

/**
 * Standardizes each column to mean 0 and standard deviation 1, with the statistics of the rows it
 * was fitted on. mean = (Σ x) / n and var = (Σ (x − mean)²) / n (the population variance, as
 * scikit-learn), sums in row order, each operation rounded to float32; scale = √var, or 1 for a
 * constant column. transform gives (x − mean) / scale.
 *
 * @example
 * ```ts
 * const scaler = new StandardScaler().fit(xTrain);
 * const train = scaler.transform(xTrain);
 * const test = scaler.transform(xTest); // scaled with the training statistics
 * const saved = JSON.stringify(scaler.toConfig());
 * StandardScaler.fromConfig(JSON.parse(saved)).transform(xTest); // the same bits
 * ```
 */
export class StandardScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  private meanValues: number[] | null = null;
  private scaleValues: number[] | null = null;

  constructor(options: StandardScalerOptions = {}) {
    checkOptions('StandardScaler', options, STANDARD_OPTIONS);
    const { withMean = true, withStd = true } = options;
    checkBoolean('StandardScaler', 'withMean', withMean);
    checkBoolean('StandardScaler', 'withStd', withStd);
    this.withMean = withMean;
    this.withStd = withStd;
  }

  /** Each column's fitted mean (0 when `withMean` is false). */
  get mean(): readonly number[] {
    return this.meanValues ?? notFitted('StandardScaler.mean');
  }

  /** Each column's fitted scale: the standard deviation, 1 for a constant column or without `withStd`. */
  get scale(): readonly number[] {
    return this.scaleValues ?? notFitted('StandardScaler.scale');
  }

  /** Computes the statistics of `rows` (the training data), replacing any earlier fit. */
  fit(rows: Rows): this {
    const width = checkRows('StandardScaler.fit', rows);
    const n = f(rows.length);
    const mean: number[] = [];
    const scale: number[] = [];
    for (let j = 0; j < width; j++) {
      const m = f(columnSum(rows, j, (x) => x) / n);
      let s = 1;
      if (this.withStd) {
        const variance = f(
          columnSum(rows, j, (x) => {
            const d = f(x - m);
            return f(d * d);
          }) / n,
        );
        s = variance === 0 ? 1 : f(Math.sqrt(variance));
      }
      mean.push(this.withMean ? m : 0);
      scale.push(s);
    }
    this.meanValues = mean;
    this.scaleValues = scale;
    return this;
  }

  /** (x − mean) / scale per column, in float32. */
  transform(rows: Rows): number[][] {
    const mean = this.meanValues ?? notFitted('StandardScaler.transform');
    const scale = this.scaleValues as number[];
    checkRows('StandardScaler.transform', rows, mean.length, true);
    return mapRows(rows, (x, j) => f(f(x - mean[j]) / scale[j]));
  }

  /** fit(rows), then transform(rows). */
  fitTransform(rows: Rows): number[][] {
    return this.fit(rows).transform(rows);
  }

  /** x · scale + mean per column, in float32: back to the original units. */
  inverseTransform(rows: Rows): number[][] {
    const mean = this.meanValues ?? notFitted('StandardScaler.inverseTransform');
    const scale = this.scaleValues as number[];
    checkRows('StandardScaler.inverseTransform', rows, mean.length, true);
    return mapRows(rows, (x, j) => f(f(x * scale[j]) + mean[j]));
  }

  /** The options and fitted statistics as JSON-safe values (float32 numbers print exactly). */
  toConfig(): StandardScalerConfig {
    return {
      className: 'StandardScaler',
      config: {
        withMean: this.withMean,
        withStd: this.withStd,
        mean: this.meanValues && [...this.meanValues],
        scale: this.scaleValues && [...this.scaleValues],
      },
    };
  }

  /** Rebuilds a scaler from {@link StandardScaler.toConfig}, checking every field. */
  static fromConfig(config: StandardScalerConfig): StandardScaler {
    const inner = checkConfig('StandardScaler', config);
    const scaler = new StandardScaler({
      withMean: inner.withMean as boolean,
      withStd: inner.withStd as boolean,
    });
    if (inner.mean !== null || inner.scale !== null) {
      scaler.meanValues = checkVector('StandardScaler.fromConfig', 'mean', inner.mean);
      scaler.scaleValues = checkVector(
        'StandardScaler.fromConfig',
        'scale',
        inner.scale,
        scaler.meanValues.length,
      );
    }
    return scaler;
  }
}

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** The range the training data is mapped onto (default [0, 1]). */
  featureRange?: readonly [number, number];
}

const MIN_MAX_OPTIONS = optionNames<MinMaxScalerOptions>({ featureRange: true });

/** The JSON form of a fitted or unfitted {@link MinMaxScaler}. */
export interface MinMaxScalerConfig {
  readonly className: 'MinMaxScaler';
  readonly config: {
    readonly featureRange: [number, number];
    readonly dataMin: number[] | null;
    readonly dataMax: number[] | null;
  };
}

/**
 * Maps each column linearly so the training data's minimum goes to `featureRange[0]` and its
 * maximum to `featureRange[1]`, in scikit-learn's form: scale = (hi − lo) / (max − min) (a constant
 * column's range counts as 1), offset = lo − min · scale, transform x · scale + offset; each
 * operation rounded to float32. Values outside the training range map outside `featureRange`.
 *
 * @example
 * ```ts
 * const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(xTrain);
 * scaler.transform(xTest);
 * ```
 */
export class MinMaxScaler {
  readonly featureRange: readonly [number, number];
  private minValues: number[] | null = null;
  private maxValues: number[] | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    checkOptions('MinMaxScaler', options, MIN_MAX_OPTIONS);
    const range = options.featureRange ?? [0, 1];
    const [lo, hi] = checkVector('MinMaxScaler', 'featureRange', range, 2);
    if (!(lo < hi)) {
      throw new RangeError(
        `MinMaxScaler: featureRange must be [low, high] with low < high, got ${describe(range)}`,
      );
    }
    this.featureRange = [f(lo), f(hi)];
  }

  /** Each column's minimum over the training rows. */
  get dataMin(): readonly number[] {
    return this.minValues ?? notFitted('MinMaxScaler.dataMin');
  }

  /** Each column's maximum over the training rows. */
  get dataMax(): readonly number[] {
    return this.maxValues ?? notFitted('MinMaxScaler.dataMax');
  }

  /** Computes each column's minimum and maximum of `rows`, replacing any earlier fit. */
  fit(rows: Rows): this {
    const width = checkRows('MinMaxScaler.fit', rows);
    const min = new Array<number>(width).fill(Number.POSITIVE_INFINITY);
    const max = new Array<number>(width).fill(Number.NEGATIVE_INFINITY);
    for (const row of rows) {
      for (let j = 0; j < width; j++) {
        const x = f(row[j]);
        if (x < min[j]) min[j] = x;
        if (x > max[j]) max[j] = x;
      }
    }
    this.minValues = min;
    this.maxValues = max;
    return this;
  }

  /** Per column, the fitted (scale, offset) of x · scale + offset. */
  private coefficients(where: string): { scale: number[]; offset: number[] } {
    const min = this.minValues ?? notFitted(where);
    const max = this.maxValues as number[];
    const [lo, hi] = this.featureRange;
    const span = f(hi - lo);
    const scale = min.map((m, j) => {
      const range = f(max[j] - m);
      return f(span / (range === 0 ? 1 : range));
    });
    const offset = min.map((m, j) => f(lo - f(m * scale[j])));
    return { scale, offset };
  }

  /** x · scale + offset per column, in float32. */
  transform(rows: Rows): number[][] {
    const { scale, offset } = this.coefficients('MinMaxScaler.transform');
    checkRows('MinMaxScaler.transform', rows, scale.length, true);
    return mapRows(rows, (x, j) => f(f(x * scale[j]) + offset[j]));
  }

  /** fit(rows), then transform(rows). */
  fitTransform(rows: Rows): number[][] {
    return this.fit(rows).transform(rows);
  }

  /** (x − offset) / scale per column, in float32: back to the original units. */
  inverseTransform(rows: Rows): number[][] {
    const { scale, offset } = this.coefficients('MinMaxScaler.inverseTransform');
    checkRows('MinMaxScaler.inverseTransform', rows, scale.length, true);
    return mapRows(rows, (x, j) => f(f(x - offset[j]) / scale[j]));
  }

  /** The options and fitted extremes as JSON-safe values. */
  toConfig(): MinMaxScalerConfig {
    return {
      className: 'MinMaxScaler',
      config: {
        featureRange: [this.featureRange[0], this.featureRange[1]],
        dataMin: this.minValues && [...this.minValues],
        dataMax: this.maxValues && [...this.maxValues],
      },
    };
  }

  /** Rebuilds a scaler from {@link MinMaxScaler.toConfig}, checking every field. */
  static fromConfig(config: MinMaxScalerConfig): MinMaxScaler {
    const inner = checkConfig('MinMaxScaler', config);
    const scaler = new MinMaxScaler({ featureRange: inner.featureRange as [number, number] });
    if (inner.dataMin !== null || inner.dataMax !== null) {
      scaler.minValues = checkVector('MinMaxScaler.fromConfig', 'dataMin', inner.dataMin);
      scaler.maxValues = checkVector(
        'MinMaxScaler.fromConfig',
        'dataMax',
        inner.dataMax,
        scaler.minValues.length,
      );
    }
    return scaler;
  }
}

/** The inner `config` of a `{ className, config }` object, after checking the class name. */
export function checkConfig(className: string, config: unknown): Record<string, unknown> {
  const where = `${className}.fromConfig`;
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(
      `${where}: expected { className: '${className}', config: {…} }, got ${describe(config)}`,
    );
  }
  const { className: name, config: inner } = config as { className?: unknown; config?: unknown };
  if (name !== className)
    throw new TypeError(`${where}: className must be '${className}', got ${describe(name)}`);
  if (typeof inner !== 'object' || inner === null) {
    throw new TypeError(`${where}: config must be an object, got ${describe(inner)}`);
  }
  return inner as Record<string, unknown>;
}
