/** Keras's PiecewiseConstantDecay. */
import { checkOptions, optionNames } from '../../validate/index.js';
import { required } from './options.js';
import { LearningRateSchedule } from './schedule.js';

/** Options of {@link PiecewiseConstantDecay} (Keras's arguments in camelCase). */
export interface PiecewiseConstantDecayOptions {
  /** Increasing step numbers. */
  boundaries: readonly number[];
  /** One more value than boundaries: the rate up to and including each boundary, then the last. */
  values: readonly number[];
}

const OPTIONS = optionNames<PiecewiseConstantDecayOptions>({ boundaries: true, values: true });

/**
 * values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i], and
 * the last value after the last boundary, as Keras (values rounded to float32).
 *
 * @example
 * ```ts
 * const lr = new PiecewiseConstantDecay({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] });
 * lr.at(100); // 0.1 (as float32)
 * lr.at(101); // 0.01
 * ```
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];

  constructor(options: PiecewiseConstantDecayOptions) {
    super();
    const name = 'PiecewiseConstantDecay';
    checkOptions(name, options, OPTIONS);
    const o = required(name, 'options', options);
    const boundaries = required(name, 'boundaries', o.boundaries);
    const values = required(name, 'values', o.values);
    if (!Array.isArray(boundaries) || !Array.isArray(values)) {
      throw new TypeError(`${name}: boundaries and values must be arrays of numbers`);
    }
    if (values.length !== boundaries.length + 1) {
      throw new RangeError(
        `${name}: values must have one more entry than boundaries, got ${values.length} values for ${boundaries.length} boundaries`,
      );
    }
    boundaries.forEach((b, i) => {
      if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && !(b > boundaries[i - 1]))) {
        throw new RangeError(
          `${name}: boundaries must be increasing finite numbers; boundaries[${i}] is ${String(b)}`,
        );
      }
    });
    values.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new RangeError(`${name}: values[${i}] must be a finite number >= 0, got ${String(v)}`);
      }
    });
    this.boundaries = Object.freeze([...boundaries]);
    this.values = Object.freeze([...values]);
  }

  protected valueAt(step: number): number {
    let i = 0;
    while (i < this.boundaries.length && step > this.boundaries[i]) i++;
    return Math.fround(this.values[i]);
  }

  getConfig(): { boundaries: readonly number[]; values: readonly number[] } {
    return { boundaries: [...this.boundaries], values: [...this.values] };
  }
}
