/**
 * From parsed CSV records (lists of field strings, as any CSV parser yields them) to typed columns
 * and training batches: column selection, type inference with explicit overrides, a missing-value
 * policy, and errors naming the row, column and line of a bad value. Runtime-neutral: the Node
 * package's `readCsv` / `readCsvBatches` feed it csv-parse's records from a file or stream; in a
 * browser any parser's records (csv-parse's browser build, say) can be fed the same way.
 * docs/data.md, "CSV", states the rules.
 */

import type { ShapedArray } from '../models/inputs.js';
import {
  checkArray,
  checkNonEmptyString,
  checkObject,
  checkOneOf,
  checkOptions,
  checkPositiveInteger,
  describe,
  didYouMean,
  optionNames,
} from '../validate/index.js';

/** One parsed record: its fields, and the line of the file on which it ends (1-based). */
export interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
}

/** What a column holds once converted. */
export type CsvColumnType = 'number' | 'string';

/** A converted field. */
export type CsvValue = number | string;

/** How a missing field is handled (see {@link CsvOptions.missing}). */
export type CsvMissingPolicy =
  | 'error'
  | 'drop'
  | { readonly fill: CsvValue | Readonly<Record<string, CsvValue>> };

/** Options of reading CSV into a table. */
export interface CsvOptions {
  /** The columns to keep, by header name, in this order (default: every column). */
  columns?: readonly string[];
  /** Column types that override inference: `{ zip: 'string' }`. */
  types?: Readonly<Record<string, CsvColumnType>>;
  /**
   * A missing field (one of `missingValues`) in a kept column: `'error'` (the default) throws
   * naming its row and column; `'drop'` skips the row; `{ fill: v }` or `{ fill: { col: v } }`
   * puts a value there (every column with a missing field needs a fill value of its type).
   */
  missing?: CsvMissingPolicy;
  /** Fields that count as missing (default `['', 'NA', 'N/A', 'NaN', 'null']`), compared after trimming. */
  missingValues?: readonly string[];
  /**
   * How many data rows type inference looks at (default 1000): a column is 'number' if every
   * present field there is a decimal number, else 'string'. A later field that is not a number in
   * a 'number' column is an error naming its row and column.
   */
  inferRows?: number;
}

/** Options of {@link csvBatches}: the table options plus which columns form x and y. */
export interface CsvBatchOptions extends Omit<CsvOptions, 'columns'> {
  /** The input columns, in order. */
  x: readonly string[];
  /** The target columns, in order (may be empty for prediction). */
  y: readonly string[];
  /** Samples per batch; the last batch holds the rest (default 1024). */
  batchSize?: number;
  /** Element type of the batches (default 'float32'; values are rounded to it). */
  dtype?: 'float32' | 'float64';
}

const TABLE_OPTIONS = optionNames<CsvOptions>({
  columns: true,
  types: true,
  missing: true,
  missingValues: true,
  inferRows: true,
});
const BATCH_OPTIONS = optionNames<CsvBatchOptions>({
  x: true,
  y: true,
  batchSize: true,
  dtype: true,
  types: true,
  missing: true,
  missingValues: true,
  inferRows: true,
});

const DEFAULT_MISSING = Object.freeze(['', 'NA', 'N/A', 'NaN', 'null']);

/** A bad value or a malformed file: the row (1-based data row, the header not counted), column and line. */
export class CsvError extends Error {
  readonly row: number | undefined;
  readonly column: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, where: { row?: number; column?: string; line?: number } = {}) {
    super(message);
    this.name = 'CsvError';
    this.row = where.row;
    this.column = where.column;
    this.line = where.line;
  }
}

/** A decimal number as CSV writes it: optional sign, digits with an optional point, an optional exponent. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Converted rows of the kept columns, after the header and the inference window are read. */
export interface CsvRows extends AsyncIterable<{ values: CsvValue[]; row: number; line: number }> {
  /** The kept columns' names, in order. */
  readonly columns: readonly string[];
  /** Each kept column's type. */
  readonly types: Readonly<Record<string, CsvColumnType>>;
}

/** A whole CSV read into memory. */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly types: Readonly<Record<string, CsvColumnType>>;
  /** One array per kept data row, values in `columns` order. */
  readonly rows: CsvValue[][];
}

interface Settings {
  columns?: readonly string[];
  types: Readonly<Record<string, CsvColumnType>>;
  missing: CsvMissingPolicy;
  missingValues: ReadonlySet<string>;
  inferRows: number;
}

function checkSettings(
  where: string,
  options: Omit<CsvOptions, 'columns'> & { columns?: readonly string[] },
): Settings {
  const {
    types = {},
    missing = 'error',
    missingValues = DEFAULT_MISSING,
    inferRows = 1000,
    columns,
  } = options;
  if (columns !== undefined) {
    checkArray(where, 'columns', columns);
    columns.forEach((c, i) => {
      checkNonEmptyString(where, `columns[${i}]`, c);
    });
    const dup = columns.find((c, i) => columns.indexOf(c) !== i);
    if (dup !== undefined) throw new TypeError(`${where}: columns names ${describe(dup)} twice`);
  }
  checkObject(where, 'types', types);
  for (const [name, type] of Object.entries(types))
    checkOneOf(where, `types.${name}`, type, ['number', 'string']);
  if (typeof missing === 'string') checkOneOf(where, 'missing', missing, ['error', 'drop']);
  else {
    checkObject(where, 'missing', missing);
    checkOptions(`${where}: missing`, missing, ['fill']);
    const fill = (missing as { fill?: unknown }).fill;
    const ok =
      typeof fill === 'number' || typeof fill === 'string' || (typeof fill === 'object' && fill !== null);
    if (!ok)
      throw new TypeError(
        `${where}: missing must be 'error', 'drop' or { fill: value }, got ${describe(missing)}`,
      );
  }
  checkArray(where, 'missingValues', missingValues);
  missingValues.forEach((m, i) => {
    if (typeof m !== 'string')
      throw new TypeError(`${where}: missingValues[${i}] must be a string, got ${describe(m)}`);
  });
  checkPositiveInteger(where, 'inferRows', inferRows);
  return { columns, types, missing, missingValues: new Set(missingValues), inferRows };
}

async function* asAsync<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/**
 * Reads the header and the inference window of `records` and returns the kept columns, their types
 * and the converted rows (the window first, then the rest as they arrive: nothing else is held).
 *
 * @param source How messages name the input: a file path, say.
 * @throws CsvError for an empty input, a duplicate or unknown column, a record of the wrong length,
 *   a missing field under the 'error' policy or a non-number in a 'number' column — naming the row,
 *   the column and the line.
 */
export async function openCsvRows(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  options: CsvOptions = {},
  source = 'CSV',
): Promise<CsvRows> {
  checkOptions('readCsv', options, TABLE_OPTIONS);
  return open(records, checkSettings('readCsv', options), source);
}

async function open(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  settings: Settings,
  source: string,
): Promise<CsvRows> {
  const input = asAsync(records);
  const first = await input.next();
  if (first.done) throw new CsvError(`${source}: the file is empty (no header row)`);
  const header = first.value.fields.map((h) => h.trim());
  header.forEach((h, i) => {
    if (header.indexOf(h) !== i) {
      throw new CsvError(
        `${source}: the header names column ${describe(h)} twice (columns ${header.indexOf(h) + 1} and ${i + 1})`,
        {
          line: first.value.line,
          column: h,
        },
      );
    }
  });
  const kept = settings.columns ?? header;
  const positions = kept.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) {
      throw new CsvError(
        `${source}: no column ${describe(name)}${didYouMean(name, header)}; the header has ${header.join(', ')}`,
        {
          column: name,
        },
      );
    }
    return at;
  });
  for (const name of Object.keys(settings.types)) {
    if (!kept.includes(name))
      throw new CsvError(`${source}: types names ${describe(name)}, which is not a kept column`, {
        column: name,
      });
  }

  let row = 0;
  const next = async (): Promise<{ fields: string[]; row: number; line: number } | null> => {
    const item = await input.next();
    if (item.done) return null;
    row++;
    const { fields, line } = item.value;
    if (fields.length !== header.length) {
      throw new CsvError(
        `${source}: row ${row} (line ${line}) has ${fields.length} fields, the header has ${header.length}`,
        {
          row,
          line,
        },
      );
    }
    return { fields: positions.map((p) => fields[p].trim()), row, line };
  };

  const window: { fields: string[]; row: number; line: number }[] = [];
  while (window.length < settings.inferRows) {
    const r = await next();
    if (r === null) break;
    window.push(r);
  }
  const types: Record<string, CsvColumnType> = {};
  kept.forEach((name, j) => {
    types[name] =
      settings.types[name] ??
      (window.every((r) => settings.missingValues.has(r.fields[j]) || NUMBER.test(r.fields[j]))
        ? 'number'
        : 'string');
  });
  const fills = kept.map((name) => fillFor(settings.missing, name, types[name], source));

  const convert = (r: { fields: string[]; row: number; line: number }): CsvValue[] | null => {
    const values: CsvValue[] = [];
    for (let j = 0; j < kept.length; j++) {
      const field = r.fields[j];
      const name = kept[j];
      if (settings.missingValues.has(field)) {
        if (settings.missing === 'drop') return null;
        const fill = fills[j];
        if (fill === undefined) {
          const hint =
            settings.missing === 'error'
              ? "; set missing: 'drop' or { fill: value } to accept missing values"
              : `; missing.fill gives no value for it`;
          throw new CsvError(
            `${source}: row ${r.row} (line ${r.line}), column ${describe(name)}: the value is missing${hint}`,
            {
              row: r.row,
              line: r.line,
              column: name,
            },
          );
        }
        values.push(fill);
      } else if (types[name] === 'number') {
        if (!NUMBER.test(field)) {
          const why = settings.types[name]
            ? 'set by types'
            : `inferred from the first ${settings.inferRows} rows`;
          throw new CsvError(
            `${source}: row ${r.row} (line ${r.line}), column ${describe(name)}: ${describe(field)} is not a number (the column is 'number', ${why}; set types: { ${JSON.stringify(name)}: 'string' } to read it as text)`,
            { row: r.row, line: r.line, column: name },
          );
        }
        const value = Number(field);
        if (!Number.isFinite(value)) {
          throw new CsvError(
            `${source}: row ${r.row} (line ${r.line}), column ${describe(name)}: ${describe(field)} is beyond the float64 range`,
            { row: r.row, line: r.line, column: name },
          );
        }
        values.push(value);
      } else values.push(field);
    }
    return values;
  };

  async function* rows(): AsyncGenerator<{ values: CsvValue[]; row: number; line: number }> {
    for (const r of window.splice(0)) {
      const values = convert(r);
      if (values !== null) yield { values, row: r.row, line: r.line };
    }
    for (let r = await next(); r !== null; r = await next()) {
      const values = convert(r);
      if (values !== null) yield { values, row: r.row, line: r.line };
    }
  }
  return { columns: [...kept], types, [Symbol.asyncIterator]: rows };
}

/** The fill value of one column under the policy, checked against the column's type. */
function fillFor(
  policy: CsvMissingPolicy,
  name: string,
  type: CsvColumnType,
  source: string,
): CsvValue | undefined {
  if (typeof policy === 'string') return undefined;
  const fill = policy.fill;
  const value = typeof fill === 'object' ? (fill as Record<string, CsvValue>)[name] : fill;
  if (value === undefined) return undefined;
  if (type === 'number' ? typeof value !== 'number' || !Number.isFinite(value) : typeof value !== 'string') {
    throw new CsvError(
      `${source}: missing.fill for column ${describe(name)} must be a ${type === 'number' ? 'finite number' : 'string'}, got ${describe(value)}`,
      {
        column: name,
      },
    );
  }
  return value;
}

/**
 * Reads every record into a table (for data that fits in memory; {@link csvBatches} streams).
 *
 * @example
 * ```ts
 * const table = await csvTable(records, { columns: ['age', 'income'], missing: 'drop' });
 * ```
 */
export async function csvTable(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  options: CsvOptions = {},
  source = 'CSV',
): Promise<CsvTable> {
  const reader = await openCsvRows(records, options, source);
  const rows: CsvValue[][] = [];
  for await (const { values } of reader) rows.push(values);
  return { columns: reader.columns, types: reader.types, rows };
}

function values32Hint(dtype: 'float32' | 'float64'): string {
  return dtype === 'float32' ? "beyond float32's range (±3.4e38): a float32 batch" : 'a float64 batch';
}

/** One batch of samples: x and y as flat row-major arrays with their shapes, ready for `fit`. */
export interface CsvBatch {
  readonly x: ShapedArray & { readonly data: Float32Array | Float64Array };
  readonly y: ShapedArray & { readonly data: Float32Array | Float64Array };
  /** The data row (1-based) of the batch's first sample. */
  readonly firstRow: number;
}

/**
 * Streams records as batches of `batchSize` samples, holding one batch at a time: memory stays
 * bounded whatever the input's size. x and y columns must be 'number' columns.
 *
 * @example
 * ```ts
 * for await (const { x, y } of csvBatches(records, { x: ['a', 'b'], y: ['target'], batchSize: 4096 })) {
 *   await model.fit(x, y, { epochs: 1, batchSize: 256, verbose: 0 });
 * }
 * ```
 */
export async function* csvBatches(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  options: CsvBatchOptions,
  source = 'CSV',
): AsyncGenerator<CsvBatch> {
  const where = 'readCsvBatches';
  checkOptions(where, options, BATCH_OPTIONS);
  checkObject(where, 'options', options);
  const { x, y, batchSize = 1024, dtype = 'float32', ...rest } = options;
  checkArray(where, 'x', x);
  checkArray(where, 'y', y);
  if (x.length === 0) throw new TypeError(`${where}: x must name at least one column`);
  const overlap = x.find((c) => y.includes(c));
  if (overlap !== undefined) throw new TypeError(`${where}: column ${describe(overlap)} is in both x and y`);
  checkPositiveInteger(where, 'batchSize', batchSize);
  checkOneOf(where, 'dtype', dtype, ['float32', 'float64']);
  const reader = await open(records, checkSettings(where, { ...rest, columns: [...x, ...y] }), source);
  for (const name of reader.columns) {
    if (reader.types[name] !== 'number') {
      throw new CsvError(
        `${source}: column ${describe(name)} holds text, but batches need numbers (encode it first, e.g. with LabelEncoder on readCsv's table)`,
        { column: name },
      );
    }
  }
  const Values = dtype === 'float32' ? Float32Array : Float64Array;
  const nx = x.length;
  const ny = y.length;
  let xs = new Values(batchSize * nx);
  let ys = new Values(batchSize * ny);
  let count = 0;
  let firstRow = 0;
  const batch = (n: number): CsvBatch => ({
    x: { data: n === batchSize ? xs : xs.slice(0, n * nx), shape: [n, nx] },
    y: { data: n === batchSize ? ys : ys.slice(0, n * ny), shape: [n, ny] },
    firstRow,
  });
  const tooLarge = (row: number, line: number, j: number): never => {
    const name = reader.columns[j];
    throw new CsvError(
      `${source}: row ${row} (line ${line}), column ${describe(name)}: ${values32Hint(dtype)} cannot hold the value`,
      { row, line, column: name },
    );
  };
  for await (const { values, row, line } of reader) {
    if (count === 0) firstRow = row;
    for (let j = 0; j < nx; j++) {
      const at = count * nx + j;
      xs[at] = values[j] as number;
      if (!Number.isFinite(xs[at])) tooLarge(row, line, j);
    }
    for (let j = 0; j < ny; j++) {
      const at = count * ny + j;
      ys[at] = values[nx + j] as number;
      if (!Number.isFinite(ys[at])) tooLarge(row, line, nx + j);
    }
    count++;
    if (count === batchSize) {
      yield batch(count);
      // A fresh buffer: the caller may keep the batch it was given.
      xs = new Values(batchSize * nx);
      ys = new Values(batchSize * ny);
      count = 0;
    }
  }
  if (count > 0) yield batch(count);
}
