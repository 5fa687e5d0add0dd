/**
 * The allocation limit: an array larger than every supported runtime can hold is refused before
 * any memory is touched, with the layer, the weight and the bytes, instead of failing deep inside
 * (or, worse, succeeding on one machine and not on the next).
 *
 * @module
 */

import type { DType } from '../tensor/dtype.js';

/**
 * The largest array ditto allocates for one weight or tensor: 2 GiB (2^31 bytes), the size every
 * supported runtime (Node, Bun, Deno, Chromium, Firefox, on 64-bit) can give a typed array, so a
 * model that builds in one runtime builds in all. docs/models.md documents it.
 */
export const MAX_ARRAY_BYTES = 2 ** 31;

const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, float64: 8 };

/** Bytes in decimal units with three significant digits: 4e11 → '400 GB'. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toPrecision(3))} ${units[unit]}`;
}

/**
 * Throws unless an array of `shape` and `dtype` fits in {@link MAX_ARRAY_BYTES}.
 *
 * @param where The owner, as the user knows it: a layer's name (`'dense'`), a function (`'zeros'`).
 * @param what The array: `'kernel'`, `'bias'`, `'tensor'`.
 * @throws RangeError `dense: kernel [100000×1000000] float32 needs 400 GB, over the limit of 2 GiB per array`
 * @example
 * ```ts
 * checkAllocation(this.name, 'kernel', [inputWidth, units], this.dtype);
 * ```
 */
export function checkAllocation(where: string, what: string, shape: readonly number[], dtype: DType): void {
  const bytes = shape.reduce((n, d) => n * d, BYTES_PER_ELEMENT[dtype] ?? 8);
  if (bytes > MAX_ARRAY_BYTES) {
    throw new RangeError(
      `${where}: ${what} [${shape.join('×')}] ${dtype} needs ${formatBytes(bytes)}, over the limit of ` +
        `2 GiB (${MAX_ARRAY_BYTES} bytes) per array`,
    );
  }
}
