/**
 * CSV reading (packages/ditto-node/src/data/csv.ts on csv-parse, and the core's record rules):
 * quoted fields with commas, quotes and newlines, a byte-order mark, missing values under each
 * policy, a header-only file, type inference and overrides, a wrong type in row 10,000 named by
 * row, column and line, batches for fit, and a 100 MB file streamed with the heap bounded.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, readCsv, readCsvBatches, Sequential, setSeed } from '../packages/ditto-node/src/index.js';
import { repoRoot } from './helpers/run-tsx.js';

const run = promisify(execFile);
/** The streaming child's heap cap: well under the 100 MB file. */
const HEAP_LIMIT_MB = 48;

const dir = mkdtempSync(join(tmpdir(), 'ditto-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(text: string): string {
  const path = join(dir, `t${fileCount++}.csv`);
  writeFileSync(path, text);
  return path;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('readCsv', () => {
  it('quoted fields keep commas, doubled quotes and newlines; records may span lines', async () => {
    const path = file('id,text,value\n1,"a, b",2.5\n2,"say ""hi""",3\n3,"line one\nline two",-4e-1\n');
    const table = await readCsv(path);
    expect(table.columns).toEqual(['id', 'text', 'value']);
    expect(table.types).toEqual({ id: 'number', text: 'string', value: 'number' });
    expect(table.rows).toEqual([
      [1, 'a, b', 2.5],
      [2, 'say "hi"', 3],
      [3, 'line one\nline two', -0.4],
    ]);
  });

  it('a UTF-8 byte-order mark is not part of the first column’s name; CRLF line ends', async () => {
    const path = file('\ufeffa,b\r\n1,2\r\n');
    const table = await readCsv(path);
    expect(table.columns).toEqual(['a', 'b']);
    expect(table.rows).toEqual([[1, 2]]);
  });

  it('a header-only file gives the columns and no rows (and no batches)', async () => {
    const path = file('x,y\n');
    const table = await readCsv(path);
    expect(table.columns).toEqual(['x', 'y']);
    expect(table.rows).toEqual([]);
    expect(await collect(readCsvBatches(path, { x: ['x'], y: ['y'] }))).toEqual([]);
    await expect(readCsv(file(''))).rejects.toThrow('the file is empty (no header row)');
  });

  it('missing values: an error naming row and column by default, or dropped, or filled', async () => {
    const path = file('a,b,c\n1,2,x\n3,,y\n5,NA,\n7,8,z\n');
    await expect(readCsv(path)).rejects.toThrow(
      `${path}: row 2 (line 3), column "b": the value is missing; set missing: 'drop' or { fill: value }`,
    );
    expect((await readCsv(path, { missing: 'drop' })).rows).toEqual([
      [1, 2, 'x'],
      [7, 8, 'z'],
    ]);
    expect((await readCsv(path, { missing: { fill: { b: 0, c: '?' } } })).rows).toEqual([
      [1, 2, 'x'],
      [3, 0, 'y'],
      [5, 0, '?'],
      [7, 8, 'z'],
    ]);
    // Only the kept columns count.
    expect((await readCsv(path, { columns: ['a'] })).rows).toEqual([[1], [3], [5], [7]]);
    await expect(readCsv(path, { missing: { fill: 0 } })).rejects.toThrow(
      'missing.fill for column "c" must be a string, got 0',
    );
    await expect(readCsv(path, { missing: { fill: { b: 0 } } })).rejects.toThrow(
      'row 3 (line 4), column "c": the value is missing; missing.fill gives no value for it',
    );
  });

  it('column selection and order, inference and overrides', async () => {
    const path = file('zip,city,pop\n01234,Anytown,1200\n98765,Other,35000\n');
    const table = await readCsv(path, { columns: ['pop', 'zip'], types: { zip: 'string' } });
    expect(table.columns).toEqual(['pop', 'zip']);
    expect(table.rows).toEqual([
      [1200, '01234'],
      [35000, '98765'],
    ]);
    await expect(readCsv(path, { columns: ['popp'] })).rejects.toThrow(
      `no column "popp" (did you mean 'pop'?)`,
    );
    await expect(readCsv(path, { colums: ['pop'] } as never)).rejects.toThrow("did you mean 'columns'");
    await expect(readCsv(path, { types: { city: 'number' } })).rejects.toThrow(
      `row 1 (line 2), column "city": "Anytown" is not a number (the column is 'number', set by types`,
    );
  });

  it('a wrong type in row 10,000 names the row, the column and the line', async () => {
    const lines = ['n,value'];
    for (let i = 1; i <= 12000; i++) lines.push(`${i},${i === 10000 ? 'twelve' : i * 0.5}`);
    const path = file(`${lines.join('\n')}\n`);
    const error = await readCsv(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('CsvError');
    expect((error as Error).message).toBe(
      `${path}: row 10000 (line 10001), column "value": "twelve" is not a number (the column is 'number', inferred from the first 1000 rows; set types: { "value": 'string' } to read it as text)`,
    );
    expect(error).toMatchObject({ row: 10000, column: 'value', line: 10001 });
  });

  it('a record of the wrong length and an unclosed quote are errors naming the line', async () => {
    await expect(readCsv(file('a,b\n1,2\n3\n'))).rejects.toThrow(
      'row 2 (line 3) has 1 fields, the header has 2',
    );
    await expect(readCsv(file('a,b\n1,"2\n'))).rejects.toThrow(/Quote Not Closed/);
    await expect(readCsv(join(dir, 'absent.csv'))).rejects.toThrow('absent.csv: no such file');
  });

  it('reads a stream and another delimiter', async () => {
    const table = await readCsv(Readable.from(['a;b\n', '1;2\n']), { delimiter: ';' });
    expect(table.rows).toEqual([[1, 2]]);
  });
});

describe('readCsvBatches', () => {
  it('float32 batches of x and y, the last one shorter, that fit takes', async () => {
    const lines = ['a,b,t'];
    for (let i = 0; i < 10; i++) lines.push(`${i},${i / 10},${2 * i}`);
    const batches = await collect(
      readCsvBatches(file(lines.join('\n')), { x: ['b', 'a'], y: ['t'], batchSize: 4 }),
    );
    expect(batches.map((b) => b.x.shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(batches.map((b) => b.firstRow)).toEqual([1, 5, 9]);
    expect(Array.from(batches[2].x.data)).toEqual([Math.fround(0.8), 8, Math.fround(0.9), 9]);
    expect(batches[2].x.data).toBeInstanceOf(Float32Array);
    expect(Array.from(batches[0].y.data)).toEqual([0, 2, 4, 6]);
    setSeed(1);
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const history = await model.fit(batches[0].x, batches[0].y, { epochs: 1, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
  });

  it('a value beyond float32 (or float64) is an error naming its row and column', async () => {
    const path = file('a,b\n1,2\n3,1e39\n4,1e999\n');
    await expect(collect(readCsvBatches(path, { x: ['a'], y: ['b'] }))).rejects.toThrow(
      `row 2 (line 3), column "b": beyond float32's range (±3.4e38): a float32 batch cannot hold the value`,
    );
    await expect(readCsv(path)).rejects.toThrow(
      'row 3 (line 4), column "b": "1e999" is beyond the float64 range',
    );
  });

  it('rejects text columns and overlapping x/y', async () => {
    const path = file('a,label\n1,cat\n');
    await expect(collect(readCsvBatches(path, { x: ['a'], y: ['label'] }))).rejects.toThrow(
      'column "label" holds text, but batches need numbers',
    );
    await expect(collect(readCsvBatches(path, { x: ['a'], y: ['a'] }))).rejects.toThrow(
      'column "a" is in both x and y',
    );
  });

  it('streams a 100 MB file in batches with the heap bounded', async () => {
    const path = join(dir, 'big.csv');
    // Wide rows: csv-parse's cost is mostly per record, so 16 columns keep the test near 15 s.
    const width = 15;
    const names = Array.from({ length: width }, (_, j) => `x${j}`);
    let rows = 0;
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(path);
      out.on('error', reject);
      out.write(`${names.join(',')},y\n`);
      const writeMore = (): void => {
        while (bytes < 100 * 1024 * 1024) {
          let chunk = '';
          for (let k = 0; k < 5000; k++, rows++) {
            let line = '';
            for (let j = 0; j < width; j++) line += `${((rows * (j + 1)) % 100003) / 8},`;
            chunk += `${line}${rows % 7}\n`;
          }
          bytes += chunk.length;
          if (!out.write(chunk)) {
            out.once('drain', writeMore);
            return;
          }
        }
        out.end(resolve);
      };
      writeMore();
    });
    // The reading runs in a child process whose heap is capped below the file's size: holding the
    // file (or its rows) would end it with an out-of-memory error.
    const script = join(dir, 'stream.mts');
    writeFileSync(
      script,
      `import { readCsvBatches } from ${JSON.stringify(join(repoRoot, 'packages/ditto-node/src/data/index.ts'))};
let seen = 0, ySum = 0, peak = 0, batches = 0;
for await (const { x, y } of readCsvBatches(process.argv[2], { x: ${JSON.stringify(names)}, y: ['y'], batchSize: 8192 })) {
  seen += x.shape[0];
  for (let i = 0; i < y.data.length; i++) ySum += y.data[i];
  if (++batches % 10 === 0) { globalThis.gc(); peak = Math.max(peak, process.memoryUsage().heapUsed); }
}
console.log(JSON.stringify({ seen, ySum, peak }));
`,
    );
    const { stdout } = await run(
      process.execPath,
      [
        '--conditions=ditto-source',
        '--import',
        'tsx',
        `--max-old-space-size=${HEAP_LIMIT_MB}`,
        '--expose-gc',
        script,
        path,
      ],
      { cwd: repoRoot },
    );
    const { seen, ySum, peak } = JSON.parse(stdout) as { seen: number; ySum: number; peak: number };
    expect(seen).toBe(rows);
    // y = row mod 7 over rows 0 … rows − 1.
    const full = Math.floor(rows / 7);
    let expected = full * 21;
    for (let r = full * 7; r < rows; r++) expected += r % 7;
    expect(ySum).toBe(expected);
    // What stays live after a collection: the core's modules and a batch or two (about 11 MB
    // measured; readCsv of the whole file under the same cap dies out of memory).
    expect(peak).toBeLessThan(24 * 1024 * 1024);
    expect(bytes).toBeGreaterThan(2 * HEAP_LIMIT_MB * 1024 * 1024);
  }, 60_000);
});
