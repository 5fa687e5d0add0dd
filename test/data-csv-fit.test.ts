/**
 * A CSV file streamed into `fit` (csvFitBatches, packages/ditto-node/src/data/csv.ts): a ~20 MB
 * generated file trained on for two epochs in a child process, whose resident set grows by less
 * than a stated bound (holding the file's rows, as readCsv does, grows it by about 114 MB), to the
 * weights of training on the same rows in memory, batch for batch, by hash.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { csvFitBatches } from '../packages/ditto-node/src/index.js';
import {
  BATCH_SIZE,
  COLUMNS,
  csvModel,
  EPOCHS,
  FEATURES,
  rowsInMemory,
  writeCsv,
} from './data-csv-fit-workload.js';
import { repoRoot } from './helpers/run-tsx.js';

const run = promisify(execFile);
/** The bound on the child's resident-set growth during fit (measured: 15–23 MB for 5, 20 and 40 MB files). */
const RSS_GROWTH_LIMIT = 48 * 1024 * 1024;
const FILE_BYTES = 20_000_000;

const dir = mkdtempSync(join(tmpdir(), 'ditto-csv-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('csvFitBatches: a CSV file as fit’s batch source', () => {
  it('trains a ~20 MB file in bounded memory to the weights of the same rows in memory', async () => {
    const path = join(dir, 'rows.csv');
    const rows = await writeCsv(path, FILE_BYTES);
    expect(statSync(path).size).toBeGreaterThanOrEqual(FILE_BYTES);
    // The last batch is a partial one: the source's batches are the arrays' batches.
    expect(rows % BATCH_SIZE).not.toBe(0);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', 'test/data-csv-fit.child.ts', path],
      { cwd: repoRoot },
    );
    const streamed = JSON.parse(stdout) as { hash: string; growth: number; batches: number };
    expect(streamed.batches).toBe(EPOCHS * Math.ceil(rows / BATCH_SIZE));
    expect(streamed.growth).toBeLessThan(RSS_GROWTH_LIMIT);

    const { x, y } = rowsInMemory(rows);
    const model = csvModel();
    const initial = model.weightsHash();
    await model.fit(
      { data: x, shape: [rows, FEATURES] },
      { data: y, shape: [rows, 1] },
      {
        batchSize: BATCH_SIZE,
        epochs: EPOCHS,
        shuffle: false,
        verbose: 0,
      },
    );
    expect(model.weightsHash()).not.toBe(initial);
    expect(streamed.hash).toBe(model.weightsHash());
  }, 60_000);

  it('takes a path or a file: URL, not a stream that cannot start over', () => {
    expect(() => csvFitBatches(Readable.from(['a,y\n1,2\n']) as never, { x: ['a'], y: ['y'] })).toThrow(
      /csvFitBatches: source must be a file path or a file: URL/,
    );
    expect(() => csvFitBatches('rows.csv', null as never)).toThrow(
      /csvFitBatches: options must be an object/,
    );
  });

  it('names a bad value when fit reaches it', async () => {
    const path = join(dir, 'bad.csv');
    const row = (v: string) => `${Array.from({ length: FEATURES }, () => v).join(',')},1\n`;
    writeFileSync(path, `${COLUMNS.join(',')},y\n${row('1')}${row('2')}${row('five')}`);
    const batches = csvFitBatches(path, {
      x: COLUMNS,
      y: ['y'],
      batchSize: 2,
      types: Object.fromEntries(COLUMNS.map((c) => [c, 'number' as const])),
    });
    await expect(csvModel().fit(batches, { verbose: 0 })).rejects.toThrow(/row 3 \(line 4\), column "x0"/);
  });
});
