/**
 * `Sequential`: a stack of layers — the linear case of `Model` (models/model.ts), which owns
 * compile / fit / evaluate / predict. Sequential says only how it is built (from the first
 * layer's inputShape or the first data it sees) and run (each layer on the one before).
 */
import { Layer } from '../layers/layer.js';
import { type CallOptions, outputMask } from '../layers/masking.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkArray, checkOptions, checkPositiveInteger, describe } from '../validate/index.js';
import { LINEAR_STACK, Model } from './model.js';
import type { Describer } from './replay-description.js';
import { formatSummary } from './summary.js';

export type { BatchOptions, CompileOptions, EvaluateOptions, FitOptions } from './model.js';

/**
 * A linear stack of layers.
 *
 * @example
 * ```ts
 * import { Sequential, Dense, setSeed, meanSquaredError } from 'ditto';
 * setSeed(1);
 * const model = new Sequential();
 * model.add(new Dense(10, { inputDim: 1 }));
 * model.add(new Dense(1));
 * model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
 * await model.fit(X, y, { epochs: 100, batchSize: X.length, verbose: 0 });
 * console.log(meanSquaredError(y, model.predict(X)));
 * ```
 */
export class Sequential extends Model {
  private modelInputShape: readonly number[] | undefined;

  constructor(layers: readonly Layer[] = [], options: { name?: string } = {}) {
    checkArray('Sequential', 'layers', layers);
    checkOptions('Sequential', options, ['name']);
    super(LINEAR_STACK, options.name ?? 'sequential');
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer; builds it at once when the model's input shape is known. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) {
      throw new TypeError(
        `${this.name}.add: expected a layer (new Dense(…), new Dropout(…), …), got ${describe(layer)}`,
      );
    }
    if (this.layers.includes(layer)) throw new Error(`${this.name}: layer '${layer.name}' was already added`);
    if (this.layers.length > 0 && layer.requestedInputShape) {
      throw new Error(
        `${this.name}: only the first layer may declare inputShape/inputDim ('${layer.name}' does)`,
      );
    }
    this.layers.push(layer);
    this.traces = undefined;
    if (this.layers.length === 1 && layer.requestedInputShape)
      this.modelInputShape = layer.requestedInputShape;
    if (this.modelInputShape) this.buildLayers(this.modelInputShape);
  }

  /** Builds every layer for inputs of this sample shape (without the batch axis). */
  build(inputShape: readonly number[]): void {
    checkArray(`${this.name}.build`, 'inputShape', inputShape);
    inputShape.forEach((d, i) => {
      checkPositiveInteger(`${this.name}.build`, `inputShape[${i}]`, d);
    });
    if (this.layers.length === 0) throw new Error(`${this.name}: add at least one layer before building`);
    if (this.modelInputShape && !sameDims(this.modelInputShape, inputShape)) {
      throw new ShapeError(
        `${this.name}: expects samples of shape ${formatShape(this.modelInputShape)}, got ${formatShape(inputShape)} ` +
          `(first layer '${this.layers[0].name}')`,
      );
    }
    this.modelInputShape = [...inputShape];
    this.buildLayers(inputShape);
  }

  private buildLayers(inputShape: readonly number[]): void {
    let shape = inputShape;
    for (const layer of this.layers) {
      if (!layer.built) layer.build(shape);
      else if (!sameDims(layer.inputShape, shape)) {
        throw new ShapeError(
          `${layer.name}: built for inputs of shape ${formatShape(layer.inputShape)}, but receives ${formatShape(shape)}`,
        );
      }
      shape = layer.computeOutputShape(shape);
    }
  }

  override get inputNames(): readonly string[] {
    return ['input'];
  }

  override get outputNames(): readonly string[] {
    return [this.layers[this.layers.length - 1]?.name ?? 'output'];
  }

  protected override get inputDTypes(): readonly DType[] {
    return [this.dtype];
  }

  protected override outputShapes(): number[][] {
    let shape: readonly number[] = this.modelInputShape ?? [];
    for (const layer of this.layers) shape = layer.computeOutputShape(shape);
    return [[...shape]];
  }

  /** Builds the model for the first data it sees, or checks the data against the built shape. */
  protected override prepare(sampleShapes: readonly (readonly number[])[], what: string): void {
    const [sampleShape] = sampleShapes;
    if (this.layers.length === 0) throw new Error(`${this.name}: the model has no layers (${what})`);
    if (!this.modelInputShape) {
      this.build(sampleShape);
      return;
    }
    if (!sameDims(this.modelInputShape, sampleShape)) {
      throw new ShapeError(
        `${this.name}.${what}: the model expects samples of shape ${formatShape(this.modelInputShape)}, ` +
          `got ${formatShape(sampleShape)} (first layer '${this.layers[0].name}')`,
      );
    }
    if (!this.built) this.buildLayers(this.modelInputShape);
  }

  /** A Sequential model is its input shape and its layers (a subclass may change `call`: none). */
  protected override describeArchitecture(d: Describer): void {
    if (this.constructor !== Sequential) d.undescribed();
    d.token('Sequential');
    d.value(this.modelInputShape);
    d.value(this.layers);
  }

  protected override forward(inputs: readonly Tensor[], training: boolean): Tensor[] {
    return [this.call(inputs[0], training)];
  }

  /** The forward pass on a batch. */
  call(x: Tensor, training = false): Tensor {
    let h = x;
    // Masks (Embedding's maskZero) travel along to the layers that use them (layers/masking.ts).
    let mask: Tensor | null = null;
    for (const layer of this.layers) {
      const options: CallOptions = { training, mask };
      const next = layer.call(h, options);
      mask = outputMask(layer, h, mask);
      h = next;
    }
    return h;
  }

  protected override checkPredictable(): void {
    if (this.layers.length === 0 || (!this.built && !this.modelInputShape)) {
      throw new Error(
        `${this.name}: predict() needs a built model: give the first layer inputDim/inputShape, or fit first`,
      );
    }
  }

  /**
   * Predictions for the samples of x, computed in batches (rows are independent, so the batch size
   * never changes the bits).
   */
  override predict(x: Parameters<Model['predict']>[0], options: { batchSize?: number } = {}): Tensor {
    return super.predict(x, options) as Tensor;
  }

  /** Predictions for one batch (predict's traced step). */
  override predictOnBatch(x: Parameters<Model['predictOnBatch']>[0]): Tensor {
    return super.predictOnBatch(x) as Tensor;
  }

  protected override summaryText(): string {
    if (!this.built)
      throw new Error(
        `${this.name}: summary() needs a built model: give the first layer inputDim/inputShape`,
      );
    return formatSummary(this);
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
