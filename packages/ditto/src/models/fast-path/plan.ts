/**
 * Whether a model can take the fast path, and its layers as a list of fused steps. Only layers
 * whose every computation the fast path reproduces qualify: Dense (a built-in activation, no
 * regularizer), Activation (a built-in activation) and Dropout, all float32, on samples that are
 * vectors. Anything else — another layer type, a subclass, a custom activation, a regularizer,
 * float64 — leaves the model on the autograd path.
 */
import { Activation } from '../../layers/activation-layer.js';
import { Dense } from '../../layers/dense.js';
import { Dropout } from '../../layers/dropout.js';
import type { Layer } from '../../layers/layer.js';
import type { Variable } from '../../layers/variable.js';
import { type ActivationKind, activationKind } from './activation-kinds.js';

/** Dense: y = act(x·kernel + bias). */
export interface DenseStep {
  readonly kind: 'dense';
  readonly kernel: Variable;
  readonly bias: Variable | null;
  readonly activation: ActivationKind;
  readonly inWidth: number;
  readonly width: number;
}

/** Activation layer: y = act(x). */
export interface ActivationStep {
  readonly kind: 'activation';
  readonly activation: ActivationKind;
  readonly width: number;
}

/** Dropout with a rate above 0 (rate 0 is the identity and gets no step). */
export interface DropoutStep {
  readonly kind: 'dropout';
  readonly layer: Dropout;
  readonly width: number;
}

export type Step = DenseStep | ActivationStep | DropoutStep;

/** A model's layers as fused steps, for samples of `inWidth` features giving `outWidth` outputs. */
export interface Plan {
  readonly steps: readonly Step[];
  readonly inWidth: number;
  readonly outWidth: number;
}

function isFloat32Variable(v: Variable | undefined): boolean {
  return v === undefined || v.value.data instanceof Float32Array;
}

/**
 * The fused steps of a built model, or a sentence saying why it stays on the autograd path.
 *
 * @example
 * ```ts
 * const plan = planLayers(model.layers);
 * if (typeof plan === 'string') console.log(`autograd path: ${plan}`);
 * ```
 */
export function planLayers(layers: readonly Layer[]): Plan | string {
  if (layers.length === 0) return 'the model has no layers';
  if (!layers.every((l) => l.built)) return 'the model is not built';
  const first = layers[0].inputShape;
  if (first.length !== 1) return `samples of shape [${first.join(', ')}] are not vectors`;
  const inWidth = first[0];
  let width = inWidth;
  const steps: Step[] = [];
  for (const layer of layers) {
    if (layer.dtype !== 'float32') return `${layer.name} is ${layer.dtype}`;
    if (layer.inputShape.length !== 1 || layer.inputShape[0] !== width) {
      return `${layer.name} has inputs of shape [${layer.inputShape.join(', ')}]`;
    }
    if (layer.regularizationLosses().length > 0) return `${layer.name} has a regularizer`;
    // Exact classes: a subclass may compute something else in `call`.
    const kind: unknown = layer.constructor;
    if (kind === Dense) {
      const dense = layer as Dense;
      const activation = activationKind(dense.activation.fn);
      if (!activation) return `${layer.name} has a custom activation`;
      const kernel = dense.kernel;
      const bias = dense.bias ?? null;
      if (!isFloat32Variable(kernel) || !isFloat32Variable(bias ?? undefined)) {
        return `${layer.name} has weights that are not float32`;
      }
      if (kernel.shape.length !== 2 || kernel.shape[0] !== width || kernel.shape[1] !== dense.units) {
        return `${layer.name} has a kernel of unexpected shape`;
      }
      steps.push({ kind: 'dense', kernel, bias, activation, inWidth: width, width: dense.units });
      width = dense.units;
    } else if (kind === Activation) {
      const activation = activationKind((layer as Activation).activation.fn);
      if (!activation) return `${layer.name} has a custom activation`;
      steps.push({ kind: 'activation', activation, width });
    } else if (kind === Dropout) {
      const dropout = layer as Dropout;
      if (dropout.rate > 0) steps.push({ kind: 'dropout', layer: dropout, width });
    } else {
      return `${layer.name} is a ${layer.constructor.name}, which the fast path does not fuse`;
    }
    if (layer.variables.some((v) => !isFloat32Variable(v))) return `${layer.name} has non-float32 weights`;
  }
  return { steps, inWidth, outWidth: width };
}
