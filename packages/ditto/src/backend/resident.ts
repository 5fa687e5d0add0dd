/**
 * Arrays of long-lived state (a variable's values, an optimizer's slots) where the current backend's
 * kernels use them in place (Backend.residentArray), else in ordinary memory: the same numbers
 * either way, without the copies into and out of the backend's memory at every call.
 */
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
import { getBackend } from './registry.js';

/** A zeroed array of `length` elements, in the current backend's memory when it offers that. */
export function stateArray(dtype: DType, length: number): FloatArray {
  return (getBackend().residentArray?.(dtype, length) as FloatArray | undefined) ?? allocate(dtype, length);
}

/** `values` itself, or a copy in the current backend's memory when it offers that. */
export function stateCopy(values: FloatArray): FloatArray {
  const resident = getBackend().residentArray?.(
    values instanceof Float32Array ? 'float32' : 'float64',
    values.length,
  );
  if (!resident) return values;
  resident.set(values);
  return resident as FloatArray;
}
