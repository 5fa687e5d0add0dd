/**
 * SHA-256 fingerprints of arrays: the one canonical byte layout ditto hashes everywhere to state
 * that two runs produced the same bits (docs/determinism.md, "Fingerprints"). For each array, in
 * the order given:
 *
 *     uint32 LE  dtype code: 32 for float32, 64 for float64
 *     uint32 LE  rank r
 *     r × uint32 LE  the dimensions (a plain typed array is rank 1: [length])
 *     the values' IEEE-754 encodings, little-endian, every NaN as the canonical quiet NaN
 *
 * So `[a, b]` and the single array `a‖b` hash differently, as do the same values as [2, 3] and
 * [3, 2], or as float32 and float64.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FloatArray } from '../tensor/dtype.js';

/** An array with its shape (a `Tensor` is one). */
export interface ShapedArray {
  readonly data: FloatArray;
  readonly shape: readonly number[];
}

/** What {@link hashArrays} fingerprints: a typed array (rank 1) or an array with its shape (a tensor). */
export type Fingerprintable = FloatArray | ShapedArray;

const TWO_32 = 4294967296;

/**
 * Little-endian bytes of a typed array's values, independent of the host's byte order. Every NaN is
 * written as the one canonical quiet NaN (0x7fc00000 / 0x7ff8000000000000): engines and CPUs may
 * produce different NaN payloads for the same operation, and a NaN is a NaN.
 */
export function canonicalBytes(array: FloatArray): Uint8Array {
  const width = array instanceof Float32Array ? 4 : 8;
  const bytes = new Uint8Array(array.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < array.length; i++) {
    const v = array[i];
    if (Number.isNaN(v)) {
      if (width === 4) view.setUint32(i * 4, 0x7fc00000, true);
      else view.setUint32(i * 8 + 4, 0x7ff80000, true);
    } else if (width === 4) view.setFloat32(i * 4, v, true);
    else view.setFloat64(i * 8, v, true);
  }
  return bytes;
}

/** The data and shape of a fingerprintable, its shape checked against its length. */
function shaped(item: Fingerprintable, index: number): ShapedArray {
  if (item instanceof Float32Array || item instanceof Float64Array)
    return { data: item, shape: [item.length] };
  const data = (item as ShapedArray | undefined)?.data;
  const shape = (item as ShapedArray | undefined)?.shape;
  if (!(data instanceof Float32Array || data instanceof Float64Array) || !Array.isArray(shape)) {
    throw new TypeError(
      `hashArrays: item ${index} is neither a Float32Array/Float64Array nor { data, shape } (a tensor)`,
    );
  }
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d >= TWO_32) {
      throw new RangeError(
        `hashArrays: item ${index} has shape [${shape}]: dimensions must be integers in [0, 2^32)`,
      );
    }
    size *= d;
  }
  if (size !== data.length) {
    throw new RangeError(
      `hashArrays: item ${index} has shape [${shape}] (${size} values) but ${data.length} values`,
    );
  }
  return { data, shape };
}

/** The header that precedes an array's values in the canonical layout: dtype code, rank, dimensions. */
export function canonicalHeader(array: ShapedArray): Uint8Array {
  const words = new Uint8Array(4 * (2 + array.shape.length));
  const view = new DataView(words.buffer);
  view.setUint32(0, array.data instanceof Float32Array ? 32 : 64, true);
  view.setUint32(4, array.shape.length, true);
  for (let i = 0; i < array.shape.length; i++) view.setUint32(8 + 4 * i, array.shape[i], true);
  return words;
}

/**
 * SHA-256 (hex) over the canonical layout of the arrays, in order: each one's dtype, shape and
 * values (see the module's documentation). Pass tensors (or `{ data, shape }`) to fingerprint
 * shapes; a plain typed array counts as rank 1.
 *
 * @throws TypeError / RangeError naming the item that is not an array or whose shape does not fit.
 * @example
 * ```ts
 * hashArrays([new Float32Array([1, 2, 3])]); // '…64 hex digits…'
 * hashArrays(model.variables.map((v) => v.value)); // what model.weightsHash() returns
 * ```
 */
export function hashArrays(arrays: readonly Fingerprintable[]): string {
  const hasher = sha256.create();
  arrays.forEach((item, i) => {
    const array = shaped(item, i);
    hasher.update(canonicalHeader(array));
    hasher.update(canonicalBytes(array.data));
  });
  return bytesToHex(hasher.digest());
}
