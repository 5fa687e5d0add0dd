/**
 * CSV files and streams in Node: csv-parse (a well-kept streaming parser: RFC 4180 quoting,
 * quoted newlines, a byte-order mark) turns bytes into records, and the core's CSV rules
 * (`openCsvRows`, `csvTable`, `csvBatches`: column selection, types, missing values, errors naming
 * row and column) turn records into tables and batches. Parsing pulls from the file only as fast
 * as batches are consumed, so a file larger than memory streams in bounded memory.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import {
  type CsvBatch,
  type CsvBatchOptions,
  CsvError,
  type CsvOptions,
  type CsvRecord,
  type CsvRows,
  type CsvTable,
  csvBatches,
  csvTable,
  openCsvRows,
} from 'ditto';

/** A file path, a `file:` URL, or a readable stream of CSV text. */
export type CsvSource = string | URL | Readable;

/** What csv-parse is told: the field delimiter (default ','). */
export interface CsvParseOptions {
  /** The field separator, one or more characters (default ','). */
  delimiter?: string;
}

function describeSource(source: CsvSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return fileURLToPath(source);
  return 'CSV stream';
}

/**
 * The records of a CSV file or stream, parsed by csv-parse: a leading BOM dropped, quoted fields
 * (with commas, quotes and newlines) kept whole, empty lines skipped. Each record carries the line
 * on which it ends. A malformed file (an unclosed quote, say) is a CsvError naming the line.
 *
 * @example
 * ```ts
 * for await (const { fields, line } of csvRecords('data.csv')) console.log(line, fields);
 * ```
 */
export async function* csvRecords(
  source: CsvSource,
  options: CsvParseOptions = {},
): AsyncGenerator<CsvRecord> {
  const name = describeSource(source);
  const { delimiter = ',' } = options;
  if (typeof delimiter !== 'string' || delimiter === '') {
    throw new TypeError(`readCsv: delimiter must be a non-empty string, got ${JSON.stringify(delimiter)}`);
  }
  const input = typeof source === 'string' || source instanceof URL ? createReadStream(source) : source;
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    delimiter,
  });
  input.on('error', (error: Error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      yield { fields: record, line: info.lines };
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { lines?: number };
    if (e.code === 'ENOENT') throw new CsvError(`${name}: no such file`);
    throw new CsvError(`${name}: ${e.message}`, e.lines === undefined ? {} : { line: e.lines });
  } finally {
    input.destroy();
  }
}

/** Splits the parser's option from the core's. */
function split<T extends CsvParseOptions>(options: T): [CsvParseOptions, Omit<T, 'delimiter'>] {
  const { delimiter, ...rest } = options;
  return [delimiter === undefined ? {} : { delimiter }, rest];
}

/**
 * Reads a whole CSV file (or stream) into a table: the header names the columns; `columns`
 * selects and orders them; types are inferred from the first `inferRows` rows unless `types`
 * says otherwise; missing values are an error unless `missing` is 'drop' or `{ fill }`.
 *
 * @throws CsvError naming the file, row, column and line of the first bad value.
 * @example
 * ```ts
 * const { columns, rows } = await readCsv('iris.csv', { types: { species: 'string' } });
 * ```
 */
export async function readCsv(
  source: CsvSource,
  options: CsvOptions & CsvParseOptions = {},
): Promise<CsvTable> {
  const [parseOptions, rest] = split(options);
  return csvTable(csvRecords(source, parseOptions), rest, describeSource(source));
}

/**
 * Like {@link readCsv}, but hands the converted rows over one at a time after reading the header
 * and the inference window.
 *
 * @example
 * ```ts
 * const reader = await openCsv('big.csv', { columns: ['a', 'b'] });
 * for await (const { values, row } of reader) …
 * ```
 */
export async function openCsv(
  source: CsvSource,
  options: CsvOptions & CsvParseOptions = {},
): Promise<CsvRows> {
  const [parseOptions, rest] = split(options);
  return openCsvRows(csvRecords(source, parseOptions), rest, describeSource(source));
}

/**
 * Streams a CSV file of any size as `{ x, y }` batches of `batchSize` samples (float32 by
 * default), reading the file only as fast as the batches are consumed. To train on them, give
 * {@link csvFitBatches} to `fit`.
 *
 * @example
 * ```ts
 * for await (const { x, y, firstRow } of readCsvBatches('big.csv', { x: ['a', 'b'], y: ['t'] })) …
 * ```
 */
export function readCsvBatches(
  source: CsvSource,
  options: CsvBatchOptions & CsvParseOptions,
): AsyncGenerator<CsvBatch> {
  const [parseOptions, rest] = split(options);
  return csvBatches(csvRecords(source, parseOptions), rest, describeSource(source));
}

/**
 * A CSV file as a batch source for `fit(source, options)`: `[x, y]` batches of `batchSize` rows
 * in file order, the file read again from its start for every epoch (each epoch's
 * `[Symbol.asyncIterator]()` opens it), so a file larger than memory trains in bounded memory.
 * The same rows in the same batches give the weights of `fit(x, y, { batchSize, shuffle: false })`
 * on the rows in memory, bit for bit. A file path or `file:` URL (a stream cannot start over).
 *
 * @throws TypeError for a stream or a bad option; a CsvError (naming row, column and line) from
 *   the first bad value, when `fit` reaches it.
 * @example
 * ```ts
 * const batches = csvFitBatches('big.csv', { x: ['a', 'b'], y: ['t'], batchSize: 256 });
 * await model.fit(batches, { epochs: 5, verbose: 0 });
 * ```
 */
export function csvFitBatches(
  source: string | URL,
  options: CsvBatchOptions & CsvParseOptions,
): AsyncIterable<readonly [CsvBatch['x'], CsvBatch['y']]> {
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError(
      `csvFitBatches: source must be a file path or a file: URL (every epoch reads the file again), got ${typeof source}`,
    );
  }
  if (typeof options !== 'object' || options === null)
    throw new TypeError(
      `csvFitBatches: options must be an object { x, y, batchSize? }, got ${String(options)}`,
    );
  return {
    async *[Symbol.asyncIterator]() {
      for await (const { x, y } of readCsvBatches(source, options)) yield [x, y] as const;
    },
  };
}
