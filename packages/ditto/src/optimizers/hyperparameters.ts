/** Checks for optimizer hyper-parameters: each failure names the optimizer, the option and the value. */

/** Throws unless `value` is a finite number ≥ 0. */
export function requireNonNegative(owner: string, option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${owner}: ${option} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number > 0. */
export function requirePositive(owner: string, option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${owner}: ${option} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` lies in [0, 1] (or [0, 1) when `includeOne` is false). */
export function requireUnitInterval(
  owner: string,
  option: string,
  value: number,
  includeOne: boolean,
): number {
  const ok = typeof value === 'number' && value >= 0 && (includeOne ? value <= 1 : value < 1);
  if (!ok) {
    const interval = includeOne ? '[0, 1]' : '[0, 1)';
    throw new RangeError(`${owner}: ${option} must be in ${interval}, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is a boolean. */
export function requireBoolean(owner: string, option: string, value: boolean): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${owner}: ${option} must be true or false, got ${String(value)}`);
  }
  return value;
}
