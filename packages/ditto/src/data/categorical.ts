/**
 * Class labels: one-hot rows as Keras's `to_categorical`, the index of each row's largest value as
 * NumPy's `argmax(axis=-1)`, and scikit-learn's `LabelEncoder` mapping any labels to 0 … k − 1.
 */

import { checkPositiveInteger, describe } from '../validate/index.js';
import { checkConfig } from './scalers.js';

/**
 * One-hot rows for integer class indices, as `keras.utils.to_categorical`: row i has a 1 at
 * `labels[i]` and 0 elsewhere. `numClasses` defaults to max(labels) + 1.
 *
 * @throws TypeError / RangeError naming the position of a label that is not an integer in
 *   [0, numClasses).
 * @example
 * ```ts
 * toCategorical([0, 2, 1]); // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * ```
 */
export function toCategorical(labels: ArrayLike<number>, numClasses?: number): number[][] {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new TypeError(`toCategorical: labels must be an array of class indices, got ${describe(labels)}`);
  }
  let largest = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new TypeError(`toCategorical: labels[${i}] must be an integer ≥ 0, got ${describe(v)}`);
    }
    if (v > largest) largest = v;
  }
  const k = numClasses ?? largest + 1;
  checkPositiveInteger('toCategorical', 'numClasses', k);
  if (largest >= k) {
    const at = Array.prototype.findIndex.call(labels, (v: number) => v >= k);
    throw new RangeError(`toCategorical: labels[${at}] is ${labels[at]}, not below numClasses ${k}`);
  }
  return Array.from({ length: labels.length }, (_, i) => {
    const row = new Array<number>(k).fill(0);
    row[labels[i]] = 1;
    return row;
  });
}

/**
 * The index of each row's largest value (the first on a tie, as NumPy), e.g. the predicted class
 * of each row of `model.predict(x).toArray()`.
 *
 * @throws TypeError naming the row and column of a NaN or non-number, RangeError for an empty row.
 * @example
 * ```ts
 * argMax([[0.1, 0.7, 0.2], [0.5, 0.5, 0]]); // [1, 0]
 * ```
 */
export function argMax(rows: readonly ArrayLike<number>[]): number[] {
  if (!Array.isArray(rows))
    throw new TypeError(`argMax: rows must be an array of rows, got ${describe(rows)}`);
  return rows.map((row, i) => {
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
      throw new TypeError(`argMax: row ${i} must be an array of numbers, got ${describe(row)}`);
    }
    if (row.length === 0) throw new RangeError(`argMax: row ${i} is empty`);
    let best = 0;
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (typeof v !== 'number' || Number.isNaN(v)) {
        throw new TypeError(`argMax: value at row ${i}, column ${j} must be a number, got ${describe(v)}`);
      }
      if (v > row[best]) best = j;
    }
    return best;
  });
}

/** A label {@link LabelEncoder} accepts. */
export type Label = string | number;

/** The JSON form of a {@link LabelEncoder}. */
export interface LabelEncoderConfig {
  readonly className: 'LabelEncoder';
  readonly config: { readonly classes: Label[] | null };
}

/** Sorted as scikit-learn's `np.unique`: numbers numerically, strings by UTF-16 code units. */
function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number') return a - (b as number);
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkLabels(where: string, labels: unknown): Label[] {
  if (!Array.isArray(labels))
    throw new TypeError(`${where}: labels must be an array, got ${describe(labels)}`);
  const kind = typeof labels[0];
  labels.forEach((v: unknown, i: number) => {
    const ok = (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
    if (!ok)
      throw new TypeError(`${where}: labels[${i}] must be a string or a finite number, got ${describe(v)}`);
    if (typeof v !== kind) {
      throw new TypeError(
        `${where}: labels[${i}] is a ${typeof v} but labels[0] is a ${kind}; use one kind of label`,
      );
    }
  });
  return labels as Label[];
}

/**
 * Maps labels (strings or numbers) to class indices 0 … k − 1, the classes in sorted order as
 * scikit-learn's `LabelEncoder`, fitted on the training labels.
 *
 * @example
 * ```ts
 * const encoder = new LabelEncoder().fit(['cat', 'dog', 'cat', 'bird']);
 * encoder.classes; // ['bird', 'cat', 'dog']
 * encoder.transform(['dog', 'bird']); // [2, 0]
 * toCategorical(encoder.transform(yTrain), encoder.classes.length); // one-hot targets
 * ```
 */
export class LabelEncoder {
  private classList: Label[] | null = null;
  private index = new Map<Label, number>();

  /** The fitted classes, sorted; class i is encoded as i. */
  get classes(): readonly Label[] {
    if (this.classList === null) throw new Error('LabelEncoder.classes: not fitted; call fit(labels) first');
    return this.classList;
  }

  /** Learns the distinct labels, replacing any earlier fit. */
  fit(labels: readonly Label[]): this {
    const checked = checkLabels('LabelEncoder.fit', labels);
    if (checked.length === 0) throw new RangeError('LabelEncoder.fit: labels is empty');
    this.setClasses([...new Set(checked)].sort(compareLabels));
    return this;
  }

  /** The class index of each label. */
  transform(labels: readonly Label[]): number[] {
    const classes = this.classes;
    return checkLabels('LabelEncoder.transform', labels).map((label, i) => {
      const code = this.index.get(label);
      if (code === undefined) {
        throw new RangeError(
          `LabelEncoder.transform: labels[${i}] is ${describe(label)}, a label not seen in fit (classes: ${classes.map((c) => describe(c)).join(', ')})`,
        );
      }
      return code;
    });
  }

  /** fit(labels), then transform(labels). */
  fitTransform(labels: readonly Label[]): number[] {
    return this.fit(labels).transform(labels);
  }

  /** The label of each class index. */
  inverseTransform(codes: ArrayLike<number>): Label[] {
    const classes = this.classes;
    return Array.from(codes, (code, i) => {
      if (!Number.isInteger(code) || code < 0 || code >= classes.length) {
        throw new RangeError(
          `LabelEncoder.inverseTransform: codes[${i}] must be an integer in [0, ${classes.length}), got ${describe(code)}`,
        );
      }
      return classes[code];
    });
  }

  /** The fitted classes as JSON. */
  toConfig(): LabelEncoderConfig {
    return { className: 'LabelEncoder', config: { classes: this.classList && [...this.classList] } };
  }

  /** Rebuilds an encoder from {@link LabelEncoder.toConfig}. */
  static fromConfig(config: LabelEncoderConfig): LabelEncoder {
    const inner = checkConfig('LabelEncoder', config);
    const encoder = new LabelEncoder();
    if (inner.classes !== null) {
      const classes = checkLabels('LabelEncoder.fromConfig', inner.classes);
      if (new Set(classes).size !== classes.length) {
        throw new RangeError('LabelEncoder.fromConfig: classes holds a label twice');
      }
      encoder.setClasses([...classes]);
    }
    return encoder;
  }

  private setClasses(classes: Label[]): void {
    this.classList = classes;
    this.index = new Map(classes.map((c, i) => [c, i]));
  }
}
