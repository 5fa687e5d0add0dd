/**
 * SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU operators, and the wrappers Bidirectional
 * and TimeDistributed.
 *
 * Layouts: ONNX's recurrent operators read [timesteps, batch, features] (onnxruntime has no
 * batch-major `layout = 1`), so the input is transposed in and the output back. Weights: ONNX's
 * W is [directions, gates·units, features] — Keras's kernel [features, gates·units] transposed,
 * with the gate blocks reordered (LSTM: Keras i f c o, ONNX i o f c; GRU: z r h in both); B is the
 * input bias followed by the recurrent one (GRU with resetAfter: bias rows 0 and 1, with
 * linear_before_reset = 1, which is Keras's resetAfter; otherwise zeros).
 * goBackwards: ditto (as Keras) reads the sequence from its end and returns the outputs in the
 * order it processed them — exactly a forward pass over the reversed sequence, which is what is
 * emitted (ONNX's "reverse" direction would return them in input order instead).
 */
import {
  type Bidirectional,
  GRU,
  LSTM,
  type RecurrentLayer,
  type SimpleRNN,
  type TimeDistributed,
} from 'ditto';
import { recurrentActivation } from '../activations.js';
import type { OnnxGraph } from '../graph.js';
import { describeLayer, type EmitContext } from './context.js';
import { reshapeSamples, reverseAxis, squeeze, transpose } from './shape-ops.js';

/** For each ONNX gate block, the Keras block it takes. */
const LSTM_GATES = [0, 3, 1, 2];
const GRU_GATES = [0, 1, 2];
const RNN_GATES = [0];

/** Keras's [rows, gates·units] with blocks reordered, transposed to ONNX's [gates·units, rows]. */
function onnxGateMatrix(
  values: ArrayLike<number>,
  rows: number,
  units: number,
  order: readonly number[],
): Float64Array {
  const width = order.length * units;
  const out = new Float64Array(width * rows);
  order.forEach((kerasBlock, gate) => {
    for (let j = 0; j < units; j++) {
      for (let r = 0; r < rows; r++)
        out[(gate * units + j) * rows + r] = values[r * width + kerasBlock * units + j];
    }
  });
  return out;
}

/** A Keras bias row [gates·units] with blocks reordered. */
function onnxGateRow(
  values: ArrayLike<number>,
  offset: number,
  units: number,
  order: readonly number[],
): Float64Array {
  const out = new Float64Array(order.length * units);
  order.forEach((kerasBlock, gate) => {
    for (let j = 0; j < units; j++) out[gate * units + j] = values[offset + kerasBlock * units + j];
  });
  return out;
}

interface Cell {
  readonly opType: 'RNN' | 'LSTM' | 'GRU';
  readonly order: readonly number[];
  /** ONNX's activation list: (f) for RNN, (f, g) for GRU, (f, g, h) for LSTM. */
  readonly activations: readonly string[];
  readonly attributes: Record<string, { int: number }>;
}

function cellOf(layer: RecurrentLayer): Cell {
  const activation = String(layer.getConfig().activation);
  if (layer instanceof LSTM) {
    const gate = layer.recurrentActivation.name;
    return { opType: 'LSTM', order: LSTM_GATES, activations: [gate, activation, activation], attributes: {} };
  }
  if (layer instanceof GRU) {
    const gate = layer.recurrentActivation.name;
    return {
      opType: 'GRU',
      order: GRU_GATES,
      activations: [gate, activation],
      attributes: { linear_before_reset: { int: layer.resetAfter ? 1 : 0 } },
    };
  }
  return { opType: 'RNN', order: RNN_GATES, activations: [activation], attributes: {} };
}

function activationAttributes(layer: RecurrentLayer, names: readonly string[]) {
  const found = names.map((name) => recurrentActivation(name, describeLayer(layer)));
  // ONNX consumes alpha and beta in the order of the activations that take them.
  const alphas = found.flatMap((a) => (a.alpha === undefined ? [] : [a.alpha]));
  const betas = found.flatMap((a) => (a.beta === undefined ? [] : [a.beta]));
  return {
    activations: { strings: found.map((a) => a.name) },
    ...(alphas.length > 0 ? { activation_alpha: { floats: alphas } } : {}),
    ...(betas.length > 0 ? { activation_beta: { floats: betas } } : {}),
  };
}

function recurrentWeights(graph: OnnxGraph, layer: RecurrentLayer, order: readonly number[]): string[] {
  const units = layer.units;
  const features = layer.kernel.value.shape[0];
  const gates = order.length;
  const w = onnxGateMatrix(layer.kernel.value.data, features, units, order);
  const r = onnxGateMatrix(layer.recurrentKernel.value.data, units, units, order);
  const b = new Float64Array(2 * gates * units);
  const bias = layer.bias?.value;
  if (bias) {
    b.set(onnxGateRow(bias.data, 0, units, order), 0);
    // GRU with resetAfter keeps the recurrent bias in its second row.
    if (bias.shape.length === 2) b.set(onnxGateRow(bias.data, gates * units, units, order), gates * units);
  }
  return [
    graph.floats('W', w, [1, gates * units, features]),
    graph.floats('R', r, [1, gates * units, units]),
    graph.floats('B', b, [1, 2 * gates * units]),
  ];
}

/** SimpleRNN, LSTM, GRU: [batch, timesteps, features] → [batch, units] or [batch, timesteps, units]. */
export function emitRecurrent(layer: SimpleRNN | LSTM | GRU, input: string, { graph }: EmitContext): string {
  const cell = cellOf(layer);
  const [timesteps] = layer.inputShape;
  const ordered = layer.goBackwards ? reverseAxis(graph, input, 1, timesteps) : input;
  const timeMajor = transpose(graph, ordered, [1, 0, 2]);
  const [sequence, last] = graph.opWithOutputs(
    cell.opType,
    [timeMajor, ...recurrentWeights(graph, layer, cell.order)],
    [layer.returnSequences, !layer.returnSequences],
    {
      hidden_size: { int: layer.units },
      ...cell.attributes,
      ...activationAttributes(layer, cell.activations),
    },
  );
  // Y is [timesteps, directions, batch, units]; Y_h is [directions, batch, units].
  if (!layer.returnSequences) return squeeze(graph, last, [0]);
  return transpose(graph, squeeze(graph, sequence, [1]), [1, 0, 2]);
}

/**
 * Both layers through the table, the backward one's sequence flipped back to input order (as
 * ditto does), then merged.
 */
export function emitBidirectional(layer: Bidirectional, input: string, context: EmitContext): string {
  const { graph } = context;
  const forward = context.emitLayer(layer.forwardLayer, input);
  let backward = context.emitLayer(layer.backwardLayer, input);
  if (layer.forwardLayer.returnSequences) backward = reverseAxis(graph, backward, 1, layer.inputShape[0]);
  switch (layer.mergeMode) {
    case 'concat':
      return graph.op('Concat', [forward, backward], { axis: { int: -1 } });
    case 'sum':
      return graph.op('Add', [forward, backward]);
    case 'mul':
      return graph.op('Mul', [forward, backward]);
    case 'ave':
      return graph.op('Mul', [graph.op('Add', [forward, backward]), graph.scalar(0.5)]);
  }
}

/** The wrapped layer on [batch·timesteps, …] (a reshape, as ditto), reshaped back to [batch, timesteps, …]. */
export function emitTimeDistributed(layer: TimeDistributed, input: string, context: EmitContext): string {
  const { graph } = context;
  const [, ...step] = layer.inputShape;
  const folded = reshapeSamples(graph, input, step);
  const y = context.emitLayer(layer.layer, folded);
  return reshapeSamples(graph, y, layer.computeOutputShape(layer.inputShape));
}
