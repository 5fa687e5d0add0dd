import { getInitializer } from '../../initializers/index.js';
import type { Initializer } from '../../initializers/initializer.js';
import * as ops from '../../tensor/ops/index.js';
import type { Padding, WindowGeometry } from '../../tensor/ops/window.js';
import { formatShape, ShapeError } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkBoolean, checkOptions, checkPositiveInteger, optionNames } from '../../validate/index.js';
import { type ActivationFn, getActivation } from '../activations.js';
import { Layer } from '../layer.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { initializerConfig, regularizerConfig } from '../serialize.js';
import type { Variable } from '../variable.js';
import { CONV_OPTIONS, type ConvOptions } from './base-conv.js';
import { checkSampleRank, paddingOption, type SpatialValue, spatialTuple } from './window-options.js';

const CONV2D_TRANSPOSE_OPTIONS = optionNames<ConvOptions>(CONV_OPTIONS);

/** The output length of a transposed convolution along one axis (TensorFlow's rule). */
function transposedLength(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: Padding,
): number {
  return padding === 'same' ? input * stride : (input - 1) * stride + (kernel - 1) * dilation + 1;
}

/**
 * Transposed 2-D convolution (Keras `Conv2DTranspose`): the gradient of Conv2D with respect to
 * its input, as a layer. Kernel [kh, kw, filters, inChannels] (Keras's layout). Computed as one
 * matmul of the inputs with the kernel's transpose, then fold2d (the adjoint of unfold2d) into the
 * output — the reduction order of a Conv2D's input gradient (docs/determinism.md).
 *
 * @example
 * ```ts
 * model.add(new Conv2DTranspose(8, 3, { strides: 2, padding: 'same' })); // [b, 7, 7, c] → [b, 14, 14, 8]
 * ```
 */
export class Conv2DTranspose extends Layer {
  /** Its `call` is built from ops alone: the engine may trace and replay it. */
  static readonly traceable = true;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilationRate: readonly number[];
  readonly padding: Padding;
  readonly activation: { name: string; fn: ActivationFn };
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;
  private kernelVar: Variable | undefined;
  private biasVar: Variable | undefined;

  constructor(filters: number, kernelSize: SpatialValue, options: ConvOptions = {}) {
    checkPositiveInteger('Conv2DTranspose', 'filters', filters);
    checkOptions('Conv2DTranspose', options, CONV2D_TRANSPOSE_OPTIONS);
    super(options);
    this.filters = filters;
    this.kernelSize = spatialTuple('Conv2DTranspose', 'kernelSize', kernelSize, 2);
    this.strides = spatialTuple('Conv2DTranspose', 'strides', options.strides ?? 1, 2);
    this.dilationRate = spatialTuple('Conv2DTranspose', 'dilationRate', options.dilationRate ?? 1, 2);
    this.padding = paddingOption('Conv2DTranspose', options.padding);
    this.activation = getActivation(options.activation);
    this.useBias = options.useBias ?? true;
    checkBoolean('Conv2DTranspose', 'useBias', this.useBias);
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(options.kernelRegularizer);
    this.biasRegularizer = getRegularizer(options.biasRegularizer);
  }

  get kernel(): Variable {
    if (!this.kernelVar) throw new Error(`${this.name}: the layer is not built yet`);
    return this.kernelVar;
  }

  get bias(): Variable | undefined {
    return this.biasVar;
  }

  /** The window of the Conv2D this layer transposes: over the output, back to the input. */
  private geometry(batch: number, sampleShape: readonly number[]): WindowGeometry {
    checkSampleRank(this.name, 'Conv2DTranspose', sampleShape, 3);
    const [h, w] = sampleShape;
    const out = [0, 1].map((i) =>
      transposedLength(
        sampleShape[i],
        this.kernelSize[i],
        this.strides[i],
        this.dilationRate[i],
        this.padding,
      ),
    );
    const g = ops.windowGeometry(this.name, [batch, out[0], out[1], this.filters], {
      kernel: [this.kernelSize[0], this.kernelSize[1]],
      strides: [this.strides[0], this.strides[1]],
      dilation: [this.dilationRate[0], this.dilationRate[1]],
      padding: this.padding,
    });
    if (g.outHeight !== h || g.outWidth !== w) {
      throw new ShapeError(
        `${this.name}: no output shape maps back to samples of shape ${formatShape(sampleShape)}`,
      );
    }
    return g;
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.geometry(1, inputShape);
    const channels = inputShape[2];
    this.kernelVar = this.addWeight(
      'kernel',
      [...this.kernelSize, this.filters, channels],
      this.kernelInitializer,
    );
    if (this.useBias) this.biasVar = this.addWeight('bias', [this.filters], this.biasInitializer);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const g = this.geometry(1, inputShape);
    return [g.height, g.width, this.filters];
  }

  call(inputs: Tensor): Tensor {
    const channels = this.kernel.shape[3];
    if (inputs.rank !== 4 || inputs.shape[3] !== channels) {
      throw new ShapeError(
        `${this.name}: expected inputs [batch, height, width, ${channels}], got ${formatShape(inputs.shape)}`,
      );
    }
    const g = this.geometry(inputs.shape[0], inputs.shape.slice(1));
    const rows = ops.reshape(inputs, [-1, channels]);
    const kernel = ops.reshape(this.kernel.value, [g.kernelHeight * g.kernelWidth * this.filters, channels]);
    let y = ops.fold2d(ops.matmul(rows, kernel, { transposeB: true }), g);
    if (this.biasVar) y = ops.add(y, this.biasVar.value);
    return this.activation.fn(y);
  }

  override regularizationLosses(): Tensor[] {
    const losses: Tensor[] = [];
    if (this.kernelRegularizer) losses.push(this.kernelRegularizer(this.kernel.value));
    if (this.biasRegularizer && this.biasVar) losses.push(this.biasRegularizer(this.biasVar.value));
    return losses;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: regularizerConfig(this.kernelRegularizer),
      biasRegularizer: regularizerConfig(this.biasRegularizer),
    };
  }
}
