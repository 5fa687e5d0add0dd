/** Element types a tensor can hold. float32 is the default; float64 is for references and checks. */
export type DType = 'float32' | 'float64';

/** The typed arrays behind float tensors. */
export type FloatArray = Float32Array | Float64Array;

/** Allocates a zero-filled array of the given dtype. */
export function allocate(dtype: DType, size: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** The dtype of a typed array. */
export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float32Array ? 'float32' : 'float64';
}

/** Rounds a double to the dtype's precision: float32 rounding, or none for float64. */
export function roundTo(dtype: DType, x: number): number {
  return dtype === 'float32' ? Math.fround(x) : x;
}
