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
 * default), reading the file only as fast as the batches are consumed. `Sequential.fit` takes
 * arrays, not an async iterable, so a file larger than memory is trained on batch by batch:
 *
 * @example
 * ```ts
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   for await (const { x, y } of readCsvBatches('big.csv', { x: ['a', 'b'], y: ['t'], batchSize: 8192 })) {
 *     await model.fit(x, y, { epochs: 1, batchSize: 256, shuffle: false, verbose: 0 });
 *   }
 * }
 * ```
 */
export function readCsvBatches(
  source: CsvSource,
  options: CsvBatchOptions & CsvParseOptions,
): AsyncGenerator<CsvBatch> {
  const [parseOptions, rest] = split(options);
  return csvBatches(csvRecords(source, parseOptions), rest, describeSource(source));
}
