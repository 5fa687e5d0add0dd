/**
 * The data and model of test/data-csv-fit.test.ts, shared with its child process: a CSV file
 * generated row by row (values that float32 holds exactly: multiples of 1/64), the same rows as
 * arrays, and a small regression model.
 */
import { createWriteStream } from 'node:fs';
import { Dense, Sequential, setSeed } from '../packages/ditto/src/index.js';

export const FEATURES = 8;
export const COLUMNS = Array.from({ length: FEATURES }, (_, j) => `x${j}`);
export const BATCH_SIZE = 512;
export const EPOCHS = 2;

/** Row r, feature j: exact in float32 and in its decimal text. */
export function feature(r: number, j: number): number {
  return ((r * (j + 3) + j * 17) % 1009) / 64 - 8;
}

export function target(r: number): number {
  return (r % 7) / 4 - 0.75;
}

/** Writes rows until the file holds at least `bytes` bytes; returns the row count. */
export function writeCsv(path: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('error', reject);
    out.write(`${COLUMNS.join(',')},y\n`);
    let rows = 0;
    let written = 0;
    const more = (): void => {
      while (written < bytes) {
        let chunk = '';
        for (let k = 0; k < 4000; k++, rows++) {
          for (let j = 0; j < FEATURES; j++) chunk += `${feature(rows, j)},`;
          chunk += `${target(rows)}\n`;
        }
        written += chunk.length;
        if (!out.write(chunk)) {
          out.once('drain', more);
          return;
        }
      }
      out.end(() => resolve(rows));
    };
    more();
  });
}

/** The same rows in memory (computed, not parsed): x [rows, FEATURES], y [rows, 1]. */
export function rowsInMemory(rows: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(rows * FEATURES);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < FEATURES; j++) x[r * FEATURES + j] = feature(r, j);
    y[r] = target(r);
  }
  return { x, y };
}

export function csvModel(): Sequential {
  setSeed(5);
  const model = new Sequential([new Dense(16, { activation: 'relu', inputShape: [FEATURES] }), new Dense(1)]);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  return model;
}
