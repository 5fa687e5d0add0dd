// Argument checks shared by the statistics. Every message names the function and the argument, so
// a bad value coming from deep inside an experiment report is easy to trace.

/** Values accepted as a sample: a plain array or a typed array of numbers. */
export type Sample = ArrayLike<number>;

/** Throws unless `values` holds at least `minLength` finite numbers. */
export function checkSample(fn: string, name: string, values: Sample, minLength = 1): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new TypeError(`${fn}: \`${name}\` must be an array of numbers`);
  }
  if (values.length < minLength) {
    const what = minLength === 1 ? 'must not be empty' : `needs at least ${minLength} values`;
    throw new RangeError(`${fn}: \`${name}\` ${what} (got ${values.length})`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: \`${name}\`[${i}] is ${String(v)}; every value must be a finite number`);
    }
  }
}

/** Throws unless `confidence` lies strictly between 0 and 1. */
export function checkConfidence(fn: string, confidence: number, name = 'confidence'): void {
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${fn}: \`${name}\` must be a number in (0, 1) (got ${String(confidence)})`);
  }
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(fn: string, name: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${fn}: \`${name}\` must be an integer ≥ ${min} (got ${String(value)})`);
  }
}
