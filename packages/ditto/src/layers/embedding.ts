import { callKernel } from '../engine/kernels.js';
import { getInitializer } from '../initializers/index.js';
import type { Initializer } from '../initializers/initializer.js';
import { defineKernel } from '../kernels/registry.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import * as ops from '../tensor/ops/index.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBoolean, checkOptions, checkPositiveInteger, optionNames } from '../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from './layer.js';
import type { MaskingLayer } from './masking.js';
import { getRegularizer, type Regularizer } from './regularizers.js';
import { initializerConfig, regularizerConfig } from './serialize.js';
import type { Variable } from './variable.js';

export interface EmbeddingOptions extends LayerOptions {
  /** Default 'uniform' (uniform in [−0.05, 0.05)), as Keras. */
  embeddingsInitializer?: string | Initializer;
  embeddingsRegularizer?: string | Regularizer;
  /**
   * Treat index 0 as padding: the layer outputs a mask (1 where the index is not 0) that the
   * recurrent layers after it use to skip those steps. Index 0 is still looked up, so `inputDim`
   * counts it (as Keras).
   */
  maskZero?: boolean;
  /** Length of the input sequences: shorthand for `inputShape: [inputLength]` (as Keras 2 / tfjs). */
  inputLength?: number;
}

const EMBEDDING_OPTIONS = optionNames<EmbeddingOptions>({
  ...LAYER_OPTIONS,
  embeddingsInitializer: true,
  embeddingsRegularizer: true,
  maskZero: true,
  inputLength: true,
});

/** Where flat index i falls in a tensor of this shape, as "sample s, position [p, …]". */
function describeIndexPosition(shape: readonly number[], flatIndex: number): string {
  const index: number[] = [];
  let rest = flatIndex;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return index.length <= 1
    ? `sample ${index[0] ?? 0}`
    : `sample ${index[0]}, position [${index.slice(1).join(', ')}]`;
}

/** Rejects indices that are not integers in [0, inputDim), naming the first bad one and where it is. */
const checkIndices = defineKernel(
  'embeddingCheckIndices',
  (data: FloatArray, layerName: string, inputDim: number, shape: readonly number[]) => {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!Number.isInteger(v)) {
        throw new TypeError(
          `${layerName}: index ${v} at ${describeIndexPosition(shape, i)} is not an integer (inputs of shape ${formatShape(shape)})`,
        );
      }
      if (v < 0 || v >= inputDim) {
        throw new RangeError(
          `${layerName}: index ${v} at ${describeIndexPosition(shape, i)} is outside [0, ${inputDim})`,
        );
      }
    }
  },
);

/** mask[i] = 1 where the index is not 0 (padding), else 0. */
const nonZeroMask = defineKernel('nonZeroMask', (indices: FloatArray, mask: FloatArray) => {
  for (let i = 0; i < mask.length; i++) mask[i] = indices[i] !== 0 ? 1 : 0;
});

/**
 * Turns integer indices into dense vectors: input [batch, …] of indices in [0, inputDim), output
 * [batch, …, outputDim] (rows of the `embeddings` weight [inputDim, outputDim], Keras's layout).
 * The gradient adds each position's gradient into its row in ascending position order
 * (`ops.scatterAdd`), so repeated indices accumulate the same way everywhere.
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Embedding(1000, 16, { inputLength: 20, maskZero: true }),
 *   new LSTM(32),
 *   new Dense(1, { activation: 'sigmoid' }),
 * ]);
 * ```
 */
export class Embedding extends Layer implements MaskingLayer {
  /** Its `call` is built from primitives alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  private readonly embeddingsInitializer: Initializer;
  private readonly embeddingsRegularizer: Regularizer | null;
  private embeddingsVar: Variable | undefined;

  constructor(inputDim: number, outputDim: number, options: EmbeddingOptions = {}) {
    checkPositiveInteger('Embedding', 'inputDim', inputDim);
    checkPositiveInteger('Embedding', 'outputDim', outputDim);
    checkOptions('Embedding', options, EMBEDDING_OPTIONS);
    const { inputLength, ...rest } = options;
    if (inputLength !== undefined && rest.inputShape !== undefined) {
      throw new Error('Embedding: give either inputLength or inputShape, not both');
    }
    super(inputLength !== undefined ? { ...rest, inputShape: [inputLength] } : rest);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.maskZero = options.maskZero ?? false;
    checkBoolean(this.name, 'maskZero', this.maskZero);
    this.embeddingsInitializer = getInitializer(options.embeddingsInitializer ?? 'uniform');
    this.embeddingsRegularizer = getRegularizer(options.embeddingsRegularizer);
  }

  /** The [inputDim, outputDim] table. */
  get embeddings(): Variable {
    if (!this.embeddingsVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.embeddingsVar;
  }

  protected override createWeights(): void {
    this.embeddingsVar = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      this.embeddingsInitializer,
    );
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape, this.outputDim];
  }

  call(inputs: Tensor): Tensor {
    if (inputs.rank < 1) {
      throw new ShapeError(`${this.name}: expected inputs [batch, …] of indices, got a scalar`);
    }
    // A primitive with an effect, so that a replayed step checks every batch's indices too.
    callKernel(checkIndices, [inputs.data], 1, [this.name, this.inputDim, [...inputs.shape]], {
      effect: true,
      signature: `embeddingCheckIndices:${this.inputDim}:${inputs.shape}`,
    });
    return ops.gather(this.embeddings.value, inputs.data, inputs.shape);
  }

  computeMask(inputs: Tensor): Tensor | null {
    if (!this.maskZero) return null;
    const mask = allocate(inputs.dtype, inputs.size);
    callKernel(nonZeroMask, [inputs.data, mask], 1, []);
    return new Tensor(mask, inputs.shape);
  }

  override regularizationLosses(): Tensor[] {
    return this.embeddingsRegularizer ? [this.embeddingsRegularizer(this.embeddings.value)] : [];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      maskZero: this.maskZero,
      embeddingsInitializer: initializerConfig(this.embeddingsInitializer),
      embeddingsRegularizer: regularizerConfig(this.embeddingsRegularizer),
    };
  }
}
