/**
 * ditto's activations as ONNX operators (opset 17), one entry per name `getActivation` accepts,
 * with ditto's constants (Keras 3's): leakyRelu's slope 0.2, hardSigmoid clip(x/6 + 0.5, 0, 1),
 * gelu exact (0.5·x·(1 + erf(x/√2)); ONNX has Gelu only from opset 20), softmax over the last axis.
 */
import type { OnnxGraph } from './graph.js';

type ActivationEmitter = (graph: OnnxGraph, x: string) => string;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const ACTIVATION_EMITTERS: Record<string, ActivationEmitter> = {
  linear: (_graph, x) => x,
  relu: (graph, x) => graph.op('Relu', [x]),
  leakyRelu: (graph, x) => graph.op('LeakyRelu', [x], { alpha: { float: 0.2 } }),
  elu: (graph, x) => graph.op('Elu', [x], { alpha: { float: 1 } }),
  selu: (graph, x) => graph.op('Selu', [x], { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } }),
  sigmoid: (graph, x) => graph.op('Sigmoid', [x]),
  hardSigmoid: (graph, x) => graph.op('HardSigmoid', [x], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
  tanh: (graph, x) => graph.op('Tanh', [x]),
  softplus: (graph, x) => graph.op('Softplus', [x]),
  softsign: (graph, x) => graph.op('Softsign', [x]),
  swish: (graph, x) => graph.op('Mul', [x, graph.op('Sigmoid', [x])]),
  silu: (graph, x) => ACTIVATION_EMITTERS.swish(graph, x),
  gelu: (graph, x) => {
    const erf = graph.op('Erf', [graph.op('Mul', [x, graph.scalar(Math.SQRT1_2)])]);
    const half = graph.op('Mul', [x, graph.scalar(0.5)]);
    return graph.op('Mul', [half, graph.op('Add', [erf, graph.scalar(1)])]);
  },
  softmax: (graph, x) => graph.op('Softmax', [x], { axis: { int: -1 } }),
  logSoftmax: (graph, x) => graph.op('LogSoftmax', [x], { axis: { int: -1 } }),
  exponential: (graph, x) => graph.op('Exp', [x]),
};

/** Appends the activation `name` (as a layer's `getConfig` reports it) applied to x; `where` names the layer. */
export function emitActivation(graph: OnnxGraph, name: string, x: string, where: string): string {
  const emit = Object.hasOwn(ACTIVATION_EMITTERS, name) ? ACTIVATION_EMITTERS[name] : undefined;
  if (!emit) {
    throw new Error(
      `exportOnnx: ${where} uses the activation '${name}', which has no ONNX form ` +
        `(a custom function cannot be exported; named activations: ${Object.keys(ACTIVATION_EMITTERS).join(', ')})`,
    );
  }
  return emit(graph, x);
}

/** An activation inside ONNX's RNN, GRU and LSTM operators: its name there and its parameters. */
export interface RecurrentActivation {
  readonly name: string;
  readonly alpha?: number;
  readonly beta?: number;
}

const RECURRENT_ACTIVATIONS: Record<string, RecurrentActivation> = {
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  relu: { name: 'Relu' },
  leakyRelu: { name: 'LeakyRelu', alpha: 0.2 },
  elu: { name: 'Elu', alpha: 1 },
  sigmoid: { name: 'Sigmoid' },
  hardSigmoid: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
  tanh: { name: 'Tanh' },
  softplus: { name: 'Softplus' },
  softsign: { name: 'Softsign' },
};

/** The ONNX recurrent-operator form of an activation, or an error naming the layer and the choices. */
export function recurrentActivation(name: string, where: string): RecurrentActivation {
  const found = Object.hasOwn(RECURRENT_ACTIVATIONS, name) ? RECURRENT_ACTIVATIONS[name] : undefined;
  if (!found) {
    throw new Error(
      `exportOnnx: ${where} uses the activation '${name}' inside its recurrence; ONNX's recurrent operators ` +
        `accept only ${Object.keys(RECURRENT_ACTIVATIONS).join(', ')}`,
    );
  }
  return found;
}
