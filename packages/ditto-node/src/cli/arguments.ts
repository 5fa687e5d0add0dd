/**
 * Parsers of command-line values, shared by the commands: each checks its value and throws an
 * error naming the option and what it got, which the command line prints as one line.
 *
 * @module
 */

/**
 * A whole number ≥ `min` given to option `name`, e.g. `integerArgument('--repeat', 0)('3')` → 3.
 *
 * @example
 * ```ts
 * program.option('--port <port>', 'port', integerArgument('--port', 0), 5199);
 * ```
 */
export function integerArgument(name: string, min: number): (text: string) => number {
  return (text) => {
    const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min)
      throw new Error(`${name} must be a whole number ≥ ${min}, got '${text}'`);
    return value;
  };
}

/**
 * A positive, finite number of seconds given to option `name`.
 *
 * @example
 * ```ts
 * secondsArgument('--timeout')('2.5'); // 2.5
 * ```
 */
export function secondsArgument(name: string): (text: string) => number {
  return (text) => {
    const value = /^\s*[\d.]+(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
    if (!(value > 0) || !Number.isFinite(value))
      throw new Error(`${name} must be a number of seconds > 0, got '${text}'`);
    return value;
  };
}
