/**
 * A functional model's graph as JSON and back: its Inputs, each layer once (as layerToConfig
 * writes it), the nodes in run order (which layer, applied to which tensors) and the outputs.
 * The model file's `model` field for a functional model (encode.ts writes it, decode.ts reads it).
 */
import type { Layer } from '../layers/layer.js';
import { Model } from '../models/model.js';
import { Input, type SymbolicTensor } from '../models/symbolic.js';
import type { DType } from '../tensor/dtype.js';
import { ModelFileError } from './errors.js';
import { type LayerConfig, layerFromConfig, layerToConfig } from './layer-config.js';

/** A tensor of the graph: the i-th Input, or the output of the i-th node. */
export type TensorRef = { readonly input: number } | { readonly node: number };

export interface FunctionalConfig {
  readonly className: 'Model';
  readonly name: string;
  readonly inputs: ReadonlyArray<{
    readonly name: string;
    readonly shape: readonly number[];
    readonly dtype: DType;
  }>;
  /** Each layer once, in `model.layers` order (the order of the weights). */
  readonly layers: readonly LayerConfig[];
  /** The nodes in run order: the layer's index and what it is applied to (a list for merge layers). */
  readonly nodes: ReadonlyArray<{
    readonly layer: number;
    readonly inputs: readonly TensorRef[];
    readonly list: boolean;
  }>;
  readonly outputs: readonly TensorRef[];
}

/**
 * The graph of a functional model as a JSON-safe object.
 *
 * @example
 * ```ts
 * const config = functionalToConfig(model);
 * const copy = functionalFromConfig(JSON.parse(JSON.stringify(config)));
 * copy.setWeights(model.getWeights()); // the same predictions, bit for bit
 * ```
 */
export function functionalToConfig(model: Model): FunctionalConfig {
  const graph = model.functionalGraph;
  if (!graph)
    throw new TypeError(
      `${model.name}: functionalToConfig takes a functional model (Sequential has its own config)`,
    );
  const refs = new Map<SymbolicTensor, TensorRef>();
  graph.inputs.forEach((t, i) => {
    refs.set(t, { input: i });
  });
  const nodes = graph.order.map((t, j) => {
    refs.set(t, { node: j });
    return {
      layer: graph.layers.indexOf(t.node.layer as Layer),
      inputs: t.node.inputs.map((s) => refs.get(s) as TensorRef),
      list: t.node.listInput,
    };
  });
  return {
    className: 'Model',
    name: model.name,
    inputs: graph.inputs.map((t) => ({ name: t.name, shape: [...t.shape], dtype: t.dtype })),
    layers: graph.layers.map(layerToConfig),
    nodes,
    outputs: graph.outputs.map((t) => refs.get(t) as TensorRef),
  };
}

/**
 * Rebuilds a functional model from {@link functionalToConfig}'s object: new layers (built by
 * applying them, so they take keys as any new model does), the same graph. Give it the weights
 * with `setWeights`.
 *
 * @example
 * ```ts
 * const copy = functionalFromConfig(config);
 * ```
 */
export function functionalFromConfig(value: unknown): Model {
  const where = 'model';
  if (typeof value !== 'object' || value === null)
    throw new ModelFileError(where, 'is not a functional model config');
  const config = value as Partial<FunctionalConfig>;
  if (config.className !== 'Model')
    throw new ModelFileError(
      `${where}.className`,
      `expected 'Model', got ${JSON.stringify(config.className)}`,
    );
  for (const key of ['inputs', 'layers', 'nodes', 'outputs'] as const) {
    if (!Array.isArray(config[key])) throw new ModelFileError(`${where}.${key}`, 'must be an array');
  }
  const inputs = (config.inputs as FunctionalConfig['inputs']).map((spec, i) => {
    try {
      return Input({ shape: spec.shape, name: spec.name, dtype: spec.dtype });
    } catch (error) {
      throw new ModelFileError(`${where}.inputs[${i}]`, (error as Error).message);
    }
  });
  const layers = (config.layers as readonly LayerConfig[]).map((c, i) =>
    layerFromConfig(c, `${where}.layers[${i}]`),
  );
  const made: SymbolicTensor[] = [];
  const resolve = (ref: TensorRef, at: string): SymbolicTensor => {
    const found = 'input' in ref ? inputs[ref.input] : made[ref.node];
    if (!found)
      throw new ModelFileError(
        at,
        `refers to ${JSON.stringify(ref)}, which does not exist before this point`,
      );
    return found;
  };
  (config.nodes as FunctionalConfig['nodes']).forEach((node, j) => {
    const at = `${where}.nodes[${j}]`;
    const layer = layers[node.layer];
    if (!layer) throw new ModelFileError(`${at}.layer`, `no layer ${JSON.stringify(node.layer)}`);
    if (!Array.isArray(node.inputs)) throw new ModelFileError(`${at}.inputs`, 'must be an array');
    const from = node.inputs.map((ref, k) => resolve(ref, `${at}.inputs[${k}]`));
    made.push(node.list ? layer.apply(from) : layer.apply(from[0]));
  });
  const outputs = (config.outputs as readonly TensorRef[]).map((ref, k) =>
    resolve(ref, `${where}.outputs[${k}]`),
  );
  return new Model({ inputs, outputs, name: config.name });
}
