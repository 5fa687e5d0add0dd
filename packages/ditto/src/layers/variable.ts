/** A model parameter: a named tensor that optimizers update in place. */
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export class Variable {
  /** Layer-qualified name, e.g. 'dense_1/kernel'. */
  readonly name: string;
  /** The current value. Optimizers write into `value.data` in place; its shape never changes. */
  readonly value: Tensor;
  /** Whether `fit` updates this variable. */
  trainable: boolean;

  constructor(name: string, value: Tensor, trainable = true) {
    this.name = name;
    this.value = value;
    this.value.requiresGrad = trainable;
    this.trainable = trainable;
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }

  get dtype(): DType {
    return this.value.dtype;
  }

  /** Overwrites the value with new numbers of the same size (rounded to the variable's dtype). */
  assign(values: ArrayLike<number>): void {
    if (values.length !== this.value.size) {
      throw new RangeError(`${this.name}: expected ${this.value.size} values, got ${values.length}`);
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]))
        throw new RangeError(`${this.name}: value ${values[i]} at index ${i} is not finite`);
    }
    this.value.data.set(values);
  }
}
