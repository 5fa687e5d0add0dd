/**
 * A functional model's graph: the nodes between its Inputs and its outputs, checked and put in
 * one order at construction (before any training), and run batch by batch.
 */
import type { Layer } from '../layers/layer.js';
import { outputMask } from '../layers/masking.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../validate/index.js';
import { SymbolicTensor } from './symbolic.js';

export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Every layer node, inputs before the nodes that read them (depth first from the outputs, in order). */
  readonly order: readonly SymbolicTensor[];
  /** Each layer once, in the order of its first node: the order of the model's weights. */
  readonly layers: readonly Layer[];
}

function asList(where: string, what: string, value: unknown): readonly SymbolicTensor[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) throw new TypeError(`${where}: ${what} is empty`);
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      const at = Array.isArray(value) ? `${what}[${i}]` : what;
      throw new TypeError(
        `${where}: ${at} must be a symbolic tensor (from Input(…) or a layer's apply), got ${describe(t)}`,
      );
    }
  });
  return list as SymbolicTensor[];
}

/** Checks the graph from these inputs to these outputs and orders its nodes. */
export function buildGraph(where: string, inputsGiven: unknown, outputsGiven: unknown): Graph {
  const inputs = asList(where, 'inputs', inputsGiven);
  const outputs = asList(where, 'outputs', outputsGiven);
  inputs.forEach((input, i) => {
    if (input.node.layer !== undefined) {
      throw new TypeError(
        `${where}: inputs[${i}] is the output of layer '${input.name}', not an Input: pass the Input(…) tensors`,
      );
    }
    const first = inputs.indexOf(input);
    if (first !== i)
      throw new Error(`${where}: input '${input.name}' is given twice (inputs[${first}] and inputs[${i}])`);
  });
  const names = new Map<string, number>();
  inputs.forEach((input, i) => {
    const before = names.get(input.name);
    if (before !== undefined)
      throw new Error(`${where}: inputs[${before}] and inputs[${i}] are both named '${input.name}'`);
    names.set(input.name, i);
  });

  const order: SymbolicTensor[] = [];
  const visited = new Set<SymbolicTensor>();
  const reached = new Set<SymbolicTensor>();
  outputs.forEach((output, o) => {
    const visit = (t: SymbolicTensor): void => {
      if (visited.has(t)) return;
      visited.add(t);
      if (t.node.layer === undefined) {
        if (!inputs.includes(t)) {
          throw new Error(
            `${where}: outputs[${o}] ('${output.name}') depends on Input '${t.name}', which is not among the model's inputs ` +
              `(${inputs.map((i) => `'${i.name}'`).join(', ')}): the graph is disconnected`,
          );
        }
        reached.add(t);
        return;
      }
      for (const input of t.node.inputs) visit(input);
      order.push(t);
    };
    visit(output);
  });
  inputs.forEach((input, i) => {
    if (!reached.has(input)) {
      throw new Error(`${where}: inputs[${i}] ('${input.name}') is not connected to any output`);
    }
  });
  const layers: Layer[] = [];
  for (const t of order) {
    const layer = t.node.layer as Layer;
    if (!layers.includes(layer)) layers.push(layer);
  }
  return { inputs, outputs, order, layers };
}

/** The outputs of the graph for these input batches; masks travel as in Sequential. */
export function runGraph(graph: Graph, inputs: readonly Tensor[], training: boolean): Tensor[] {
  const values = new Map<SymbolicTensor, { value: Tensor; mask: Tensor | null }>();
  graph.inputs.forEach((input, i) => {
    values.set(input, { value: inputs[i], mask: null });
  });
  for (const t of graph.order) {
    const { layer, inputs: from, listInput } = t.node;
    const args = from.map((s) => values.get(s) as { value: Tensor; mask: Tensor | null });
    const node = layer as Layer;
    if (listInput) {
      // Merge layers combine values; their output carries no mask.
      const call = node.call as unknown as (x: readonly Tensor[], o: { training: boolean }) => Tensor;
      values.set(t, {
        value: call.call(
          node,
          args.map((a) => a.value),
          { training },
        ),
        mask: null,
      });
    } else {
      const [{ value, mask }] = args;
      const out = node.call(value, { training, mask } as { training: boolean });
      values.set(t, { value: out, mask: outputMask(node, value, mask) });
    }
  }
  return graph.outputs.map((o) => (values.get(o) as { value: Tensor }).value);
}
