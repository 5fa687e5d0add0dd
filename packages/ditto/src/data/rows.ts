/**
 * The checked table every preprocessing step works on: rows of finite numbers, all of one width.
 * One place turns user input into it, so every step reports a bad value the same way.
 */

import { describe } from '../validate/index.js';

/** Samples as rows of features: `[[x00, x01], [x10, x11], …]`. */
export type Rows = readonly (readonly number[])[];

/**
 * Checks `rows` and returns its width. `allowEmpty` accepts zero rows (a transform of nothing).
 *
 * @throws TypeError / RangeError naming `where`, the row and the column of the first bad value.
 */
export function checkRows(where: string, rows: unknown, width?: number, allowEmpty = false): number {
  if (!Array.isArray(rows))
    throw new TypeError(`${where}: rows must be an array of rows, got ${describe(rows)}`);
  if (rows.length === 0) {
    if (allowEmpty && width !== undefined) return width;
    throw new RangeError(`${where}: rows is empty`);
  }
  const expected = width ?? (Array.isArray(rows[0]) ? rows[0].length : 0);
  if (expected === 0) throw new RangeError(`${where}: row 0 has no features`);
  rows.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row)) throw new TypeError(`${where}: row ${i} must be an array, got ${describe(row)}`);
    if (row.length !== expected) {
      throw new RangeError(`${where}: row ${i} has ${row.length} features, expected ${expected}`);
    }
    row.forEach((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TypeError(
          `${where}: value at row ${i}, column ${j} must be a finite number, got ${describe(v)}`,
        );
      }
    });
  });
  return expected;
}

/** Throws unless `values` is an array of `length` finite numbers (a fitted statistic in a config). */
export function checkVector(where: string, name: string, values: unknown, length?: number): number[] {
  if (!Array.isArray(values))
    throw new TypeError(`${where}: ${name} must be an array of numbers, got ${describe(values)}`);
  if (length !== undefined && values.length !== length) {
    throw new RangeError(`${where}: ${name} has ${values.length} values, expected ${length}`);
  }
  values.forEach((v: unknown, j: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`${where}: ${name}[${j}] must be a finite number, got ${describe(v)}`);
    }
  });
  return [...values] as number[];
}
