/**
 * A weighted running mean kept as Keras's Mean metric keeps it: float32 total and count,
 * total += value·weight and count += weight per update, result = total / count — every operation
 * rounded to float32, so reported losses are as reproducible as the weights.
 */
export class RunningMean {
  private total = 0;
  private count = 0;

  /** Adds one value with a weight (e.g. a batch's mean loss weighted by its size). */
  add(value: number, weight = 1): void {
    this.total = Math.fround(this.total + Math.fround(value * weight));
    this.count = Math.fround(this.count + weight);
  }

  /** Adds each value with weight 1, in order. */
  addAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i]);
  }

  get result(): number {
    return this.count === 0 ? Number.NaN : Math.fround(this.total / this.count);
  }
}
