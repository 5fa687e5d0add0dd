/**
 * SHA-256 fingerprints of numbers: the canonical bytes are each value's IEEE-754 encoding in
 * little-endian order (float32 or float64 as stored), concatenated in the order given. This is the
 * fingerprint ditto uses everywhere to state that two runs produced the same bits.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FloatArray } from '../tensor/dtype.js';

/**
 * Little-endian bytes of a typed array, independent of the host's byte order. Every NaN is written
 * as the one canonical quiet NaN (0x7fc00000 / 0x7ff8000000000000): engines and CPUs may produce
 * different NaN payloads for the same operation, and a NaN is a NaN.
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

/**
 * SHA-256 (hex) over the canonical bytes of the arrays, in order.
 *
 * @example
 * ```ts
 * hashArrays([new Float32Array([1, 2, 3])]); // '…64 hex digits…'
 * ```
 */
export function hashArrays(arrays: readonly FloatArray[]): string {
  const hasher = sha256.create();
  for (const a of arrays) hasher.update(canonicalBytes(a));
  return bytesToHex(hasher.digest());
}
