/**
 * ditto model → TensorFlow.js Layers format (what `tf.loadLayersModel` reads): the topology as
 * Keras JSON, one weight spec per tensor named as tf.js names it, and the weights' bytes.
 * Runtime-neutral; ditto-node's `saveTfjsLayers` writes the two files.
 */
import type { Layer } from '../../layers/layer.js';
import { Bidirectional } from '../../layers/wrappers/bidirectional.js';
import { TimeDistributed } from '../../layers/wrappers/time-distributed.js';
import type { Graph } from '../../models/graph.js';
import type { Model } from '../../models/model.js';
import { Sequential } from '../../models/sequential.js';
import type { SymbolicTensor } from '../../models/symbolic.js';
import { VERSION } from '../../version.js';
import { type LayerConfig, layerToConfig } from '../layer-config.js';
import { BASE_KEYS, TFJS_LAYER_CLASSES, TFJS_LAYERS } from './layers.js';
import { activationToTfjs, initializerToTfjs, regularizerToTfjs, snakeCase } from './values.js';

/** One tensor in the weights' bytes, as tf.js's weights manifest lists it. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** A model in the TensorFlow.js Layers format, as `tf.io.fromMemory` and `tf.io.withSaveHandler` see it. */
export interface TfjsArtifacts {
  modelTopology: Record<string, unknown>;
  weightSpecs: TfjsWeightSpec[];
  weightData: ArrayBuffer;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
}

/** The weight file name `saveTfjsLayers` writes (one shard, as tf.js names it). */
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

/** Equality of JSON values (the `dittoOnly` checks). */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function valueToTfjs(key: string, value: unknown, where: string): unknown {
  if (key === 'activation' || key === 'recurrentActivation')
    return activationToTfjs(value, `${where}.${key}`);
  if (key.endsWith('Initializer')) return initializerToTfjs(value as never, `${where}.${key}`);
  if (key.endsWith('Regularizer')) return regularizerToTfjs(value as never, `${where}.${key}`);
  if (key === 'layer') return layerToTfjs(value as LayerConfig, `${where}.layer`);
  return value;
}

/** One layer's `{ className, config }` as tf.js's `{ class_name, config }`. */
function layerToTfjs(layer: LayerConfig, where: string): Record<string, unknown> {
  const { className, config } = layer;
  const mapping = Object.hasOwn(TFJS_LAYERS, className) ? TFJS_LAYERS[className] : undefined;
  const named = `${where} '${String(config.name)}' (${className})`;
  if (!mapping) {
    throw new TypeError(
      `${named}: TensorFlow.js Layers has no such layer; exchanged: ${TFJS_LAYER_CLASSES.join(', ')}`,
    );
  }
  if (config.dtype !== 'float32') {
    throw new TypeError(`${named}: tf.js holds float32 weights; the layer is ${String(config.dtype)}`);
  }
  const out: Record<string, unknown> = { name: config.name, trainable: config.trainable, dtype: 'float32' };
  for (const [key, only] of Object.entries(mapping.dittoOnly ?? {})) {
    if (key in config && !same(config[key], only)) {
      throw new TypeError(
        `${named}: ${key} ${JSON.stringify(config[key])} has no TensorFlow.js equivalent (tf.js has only ${JSON.stringify(only)})`,
      );
    }
  }
  for (const key of Object.keys(config)) {
    if (className === 'Bidirectional' && key === 'backwardLayer') continue; // checked below
    if (!mapping.keys.includes(key) && !BASE_KEYS.includes(key) && !(key in (mapping.dittoOnly ?? {}))) {
      // A ditto option the table does not know: refuse rather than drop it silently.
      throw new TypeError(`${named}: option ${key} has no TensorFlow.js mapping`);
    }
  }
  for (const key of mapping.keys) {
    if (key in config) out[snakeCase(key)] = valueToTfjs(key, config[key], named);
  }
  if (className === 'Bidirectional') checkDefaultBackward(config, named);
  return { class_name: mapping.tfjs, config: out };
}

/** tf.js's Bidirectional runs a copy of the forward layer backwards; a different one cannot go. */
function checkDefaultBackward(config: Record<string, unknown>, where: string): void {
  const forward = config.layer as LayerConfig;
  const backward = config.backwardLayer as LayerConfig;
  const strip = ({ className, config: c }: LayerConfig) => {
    const { name: _n, goBackwards: _g, seed: _s, ...rest } = c;
    return { className, rest, goBackwards: c.goBackwards };
  };
  const f = strip(forward);
  const b = strip(backward);
  if (f.className !== b.className || !same(f.rest, b.rest) || f.goBackwards === b.goBackwards) {
    throw new TypeError(
      `${where}: tf.js's Bidirectional runs a copy of the forward layer backwards; this one has a different backward layer`,
    );
  }
}

/**
 * A functional graph as tf.js's 'Model' config: an InputLayer per Input, each layer once with its
 * `inbound_nodes` (one per application: `[layer, node index, tensor index, {}]` per input).
 */
function functionalToTfjs(graph: Graph): Record<string, unknown> {
  const nodeIndex = new Map<SymbolicTensor, number>();
  const applications = new Map<Layer, SymbolicTensor[]>();
  for (const t of graph.order) {
    const layer = t.node.layer as Layer;
    const list = applications.get(layer) ?? [];
    nodeIndex.set(t, list.length);
    list.push(t);
    applications.set(layer, list);
  }
  const ref = (t: SymbolicTensor) =>
    t.node.layer === undefined ? [t.name, 0, 0] : [t.node.layer.name, nodeIndex.get(t) as number, 0];
  const inputs = graph.inputs.map((t) => ({
    class_name: 'InputLayer',
    name: t.name,
    config: { batch_input_shape: [null, ...t.shape], dtype: 'float32', sparse: false, name: t.name },
    inbound_nodes: [],
  }));
  const layers = graph.layers.map((layer, i) => {
    const converted = layerToTfjs(layerToConfig(layer), `layer ${i}`);
    const nodes = (applications.get(layer) ?? []).map((t) =>
      t.node.inputs.map((input) => [...ref(input), {}]),
    );
    return { ...converted, name: layer.name, inbound_nodes: nodes };
  });
  return {
    layers: [...inputs, ...layers],
    input_layers: graph.inputs.map(ref),
    output_layers: graph.outputs.map(ref),
  };
}

/** The tf.js names of a layer's weights, in the order of `layer.variables`. */
export function tfjsWeightNames(layer: Layer): string[] {
  const suffix = (owner: Layer) => (name: string) =>
    name.startsWith(`${owner.name}/`)
      ? name.slice(owner.name.length + 1)
      : name.slice(name.lastIndexOf('/') + 1);
  if (layer instanceof Bidirectional) {
    const inner = layer.forwardLayer.name;
    return [
      ...layer.forwardLayer.variables.map(
        (v) => `${layer.name}/forward_${inner}/${suffix(layer.forwardLayer)(v.name)}`,
      ),
      ...layer.backwardLayer.variables.map(
        (v) => `${layer.name}/backward_${inner}/${suffix(layer.backwardLayer)(v.name)}`,
      ),
    ];
  }
  if (layer instanceof TimeDistributed) {
    return layer.layer.variables.map((v) => `${layer.name}/${suffix(layer.layer)(v.name)}`);
  }
  return layer.variables.map((v) => `${layer.name}/${suffix(layer)(v.name)}`);
}

/**
 * The model in the TensorFlow.js Layers format: `tf.loadLayersModel(tf.io.fromMemory(artifacts))`
 * loads it (ditto-node's `saveTfjsLayers` writes `model.json` and the weights file). A `Sequential`
 * becomes tf.js's 'Sequential', a functional `Model` its 'Model' (Inputs, nodes, outputs).
 *
 * @throws TypeError naming the layer, and the option or class, that tf.js cannot hold.
 * @example
 * ```ts
 * const artifacts = toTfjsLayers(model);
 * const peer = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 * ```
 */
export function toTfjsLayers(model: Model): TfjsArtifacts {
  if (!model.built)
    throw new Error(`${model.name}: toTfjsLayers needs a built model (give inputShape or fit first)`);
  const graph = model.functionalGraph;
  let config: Record<string, unknown>;
  if (model instanceof Sequential || graph === undefined) {
    const layers = model.layers.map((layer, i) => {
      const converted = layerToTfjs(layerToConfig(layer), `layer ${i}`);
      if (i === 0) {
        (converted.config as Record<string, unknown>).batch_input_shape = [null, ...layer.inputShape];
      }
      return converted;
    });
    config = { class_name: 'Sequential', config: { name: model.name, layers } };
  } else {
    config = { class_name: 'Model', config: { name: model.name, ...functionalToTfjs(graph) } };
  }
  const weightSpecs: TfjsWeightSpec[] = [];
  const values: ArrayLike<number>[] = [];
  for (const layer of model.layers) {
    const names = tfjsWeightNames(layer);
    layer.variables.forEach((v, i) => {
      weightSpecs.push({ name: names[i], shape: [...v.shape], dtype: 'float32' });
      values.push(v.value.data);
    });
  }
  const weightData = new ArrayBuffer(4 * values.reduce((n, v) => n + v.length, 0));
  const view = new DataView(weightData);
  let at = 0;
  for (const v of values) {
    for (let i = 0; i < v.length; i++, at += 4) view.setFloat32(at, v[i], true); // tf.js reads little-endian
  }
  return {
    modelTopology: {
      ...config,
      keras_version: `ditto ${VERSION}`,
      backend: 'tensor_flow.js',
    },
    weightSpecs,
    weightData,
    format: 'layers-model',
    generatedBy: `ditto ${VERSION}`,
    convertedBy: null,
  };
}

/** `model.json` for artifacts whose weights are in one file (`weightsFile`, default tf.js's name). */
export function tfjsModelJson(
  artifacts: TfjsArtifacts,
  weightsFile = TFJS_WEIGHTS_FILE,
): Record<string, unknown> {
  return {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
  };
}
