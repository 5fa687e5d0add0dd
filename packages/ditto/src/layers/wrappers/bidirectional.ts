import type { Seed } from '../../random/index.js';
import * as ops from '../../tensor/ops/index.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { LAYER_OPTIONS, Layer, type LayerOptions } from '../layer.js';
import type { CallOptions, MaskingLayer } from '../masking.js';
import { RecurrentLayer } from '../recurrent/recurrent.js';
import type { Variable } from '../variable.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

export interface BidirectionalOptions extends LayerOptions {
  /** How to join the two directions' outputs (default 'concat', as Keras). */
  mergeMode?: MergeMode;
  /** The layer for the backward direction (default: a copy of the forward one with goBackwards flipped). */
  backwardLayer?: RecurrentLayer;
}

const BIDIRECTIONAL_OPTIONS = optionNames<BidirectionalOptions>({
  ...LAYER_OPTIONS,
  mergeMode: true,
  backwardLayer: true,
});

/**
 * Runs a recurrent layer over the sequence in both directions and merges the outputs, as Keras's
 * `Bidirectional`. The backward layer's sequence outputs are flipped back into time order before
 * merging. Weights: the forward layer's, then the backward layer's.
 *
 * The default backward layer is a fresh copy of the forward layer's options, so it takes its own
 * key at build time (the next global key, or the forward layer's seed with ':backward' appended).
 *
 * @example
 * ```ts
 * const model = new Sequential([
 *   new Bidirectional(new LSTM(16, { returnSequences: true }), { inputShape: [20, 3] }),
 *   new LSTM(8),
 *   new Dense(1),
 * ]);
 * ```
 */
export class Bidirectional extends Layer implements MaskingLayer {
  /** Traceable when the layers it wraps are (see {@link wrappedLayers}). */
  static readonly traceable = true;
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;

  constructor(layer: RecurrentLayer, options: BidirectionalOptions = {}) {
    checkOptions('Bidirectional', options, BIDIRECTIONAL_OPTIONS);
    if (!(layer instanceof RecurrentLayer))
      throw new TypeError('Bidirectional: expected a recurrent layer (SimpleRNN, LSTM, GRU)');
    const inner = layer.requestedInputShape;
    super(
      options.inputShape || options.inputDim !== undefined || !inner
        ? options
        : { ...options, inputShape: inner },
    );
    const mergeMode = options.mergeMode ?? 'concat';
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new RangeError(
        `${this.name}: mergeMode must be one of ${MERGE_MODES.join(', ')}, got '${mergeMode}'`,
      );
    }
    if (layer.returnState)
      throw new Error(`${this.name}: layers with returnState are not supported inside Bidirectional`);
    this.mergeMode = mergeMode;
    this.forwardLayer = layer;
    const seed = (layer as unknown as { seed: Seed | undefined }).seed;
    this.backwardLayer =
      options.backwardLayer ??
      layer.withOptions({
        goBackwards: !layer.goBackwards,
        name: `backward_${layer.name}`,
        seed: seed === undefined ? undefined : `${String(seed)}:backward`,
      });
    const b = this.backwardLayer;
    if (b.goBackwards === layer.goBackwards) {
      throw new Error(`${this.name}: the backward layer must have goBackwards ${!layer.goBackwards}`);
    }
    if (b.returnSequences !== layer.returnSequences || b.returnState) {
      throw new Error(`${this.name}: the backward layer must match the forward layer's returnSequences`);
    }
  }

  override wrappedLayers(): readonly Layer[] {
    return [this.forwardLayer, this.backwardLayer];
  }

  override get variables(): readonly Variable[] {
    return [...this.forwardLayer.variables, ...this.backwardLayer.variables];
  }

  override get trainableVariables(): readonly Variable[] {
    if (!this.trainable) return [];
    return [...this.forwardLayer.trainableVariables, ...this.backwardLayer.trainableVariables];
  }

  protected override createWeights(inputShape: readonly number[]): void {
    this.forwardLayer.build(inputShape);
    this.backwardLayer.build(inputShape);
  }

  override countParams(): number {
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const forward = this.forwardLayer.computeOutputShape(inputShape);
    const backward = this.backwardLayer.computeOutputShape(inputShape);
    if (this.mergeMode !== 'concat') return forward;
    return [...forward.slice(0, -1), forward[forward.length - 1] + backward[backward.length - 1]];
  }

  computeMask(_inputs: Tensor, mask: Tensor | null): Tensor | null {
    return this.forwardLayer.returnSequences ? mask : null;
  }

  call(inputs: Tensor, options: CallOptions): Tensor {
    const forward = this.forwardLayer.call(inputs, options);
    let backward = this.backwardLayer.call(inputs, options);
    if (this.forwardLayer.returnSequences) backward = ops.reverse(backward, 1);
    switch (this.mergeMode) {
      case 'concat':
        return ops.concat([forward, backward], -1);
      case 'sum':
        return ops.add(forward, backward);
      case 'mul':
        return ops.mul(forward, backward);
      case 'ave':
        return ops.mul(ops.add(forward, backward), scalar(0.5, forward.dtype));
    }
  }

  override regularizationLosses(): Tensor[] {
    return [...this.forwardLayer.regularizationLosses(), ...this.backwardLayer.regularizationLosses()];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mergeMode: this.mergeMode,
      layer: this.forwardLayer.getConfig(),
      backwardLayer: this.backwardLayer.getConfig(),
    };
  }
}
