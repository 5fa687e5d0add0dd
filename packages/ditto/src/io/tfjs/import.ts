/**
 * TensorFlow.js Layers format → ditto model: the topology (saved by tf.js, or converted from Keras
 * by tfjs-converter: `model_config` nesting, an InputLayer first, `keras_version`/`backend`) is
 * rewritten into ditto's layer configs and rebuilt through the one registry (io/layer-config.ts);
 * the weights are matched by name, as tf.js matches them. Runtime-neutral.
 */
import { MergeLayer } from '../../layers/merge/merge.js';
import type { Variable } from '../../layers/variable.js';
import { Model } from '../../models/model.js';
import { Sequential } from '../../models/sequential.js';
import { Input, type SymbolicTensor } from '../../models/symbolic.js';
import { restoreSeedState, saveSeedState } from '../../random/index.js';
import { describe } from '../../validate/index.js';
import { ModelFileError } from '../errors.js';
import { type LayerConfig, layerFromConfig } from '../layer-config.js';
import { tfjsWeightNames } from './export.js';
import { IGNORED_TFJS_KEYS, NULL_TFJS_KEYS, TFJS_LAYER_CLASSES, TFJS_LAYERS } from './layers.js';
import { activationFromTfjs, initializerFromTfjs, regularizerFromTfjs, snakeCase } from './values.js';

/** One tensor of the weights, as a weights manifest lists it. */
export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}

/**
 * What {@link fromTfjsLayers} reads: tf.js's in-memory artifacts (`modelTopology`, `weightSpecs`,
 * `weightData`, as `tf.io.withSaveHandler` gives them), or a `model.json`'s `modelTopology` and
 * `weightsManifest` with the shards' bytes concatenated in manifest order as `weightData`.
 */
export interface TfjsModelSource {
  modelTopology?: unknown;
  weightSpecs?: readonly TfjsWeightEntry[];
  weightsManifest?: ReadonlyArray<{ paths: readonly string[]; weights: readonly TfjsWeightEntry[] }>;
  weightData?: ArrayBuffer | ArrayBuffer[] | Uint8Array;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function fail(where: string, message: string): never {
  throw new ModelFileError(where, message);
}

function valueFromTfjs(key: string, value: unknown, where: string): unknown {
  if (key === 'activation' || key === 'recurrentActivation')
    return activationFromTfjs(value, `${where}.${key}`);
  if (key.endsWith('Initializer')) return initializerFromTfjs(value, `${where}.${key}`);
  if (key.endsWith('Regularizer')) return regularizerFromTfjs(value, `${where}.${key}`);
  if (key === 'layer') return layerFromTfjs(value, `${where}.layer`);
  // Keras writes a single axis as a list; ditto's BatchNormalization takes the integer.
  if (key === 'axis' && Array.isArray(value) && value.length === 1) return value[0];
  return value === null ? undefined : value;
}

/** {@link valueFromTfjs}, its value errors as ModelFileErrors naming the JSON key. */
function convertedValue(key: string, value: unknown, named: string, snake: string): unknown {
  try {
    return valueFromTfjs(key, value, named);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const prefix = `${named}.${key}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return fail(`${named}.${snake}`, message);
  }
}

function checkDtype(dtype: unknown, where: string): void {
  const name = isObject(dtype) && isObject(dtype.config) ? dtype.config.name : dtype;
  if (name !== undefined && name !== null && name !== 'float32') {
    fail(`${where}.dtype`, `${describe(name)}: ditto imports float32 layers`);
  }
}

/** One tf.js/Keras `{ class_name, config }` as ditto's `{ className, config }`. */
function layerFromTfjs(value: unknown, where: string): LayerConfig {
  if (!isObject(value) || !isObject(value.config)) fail(where, 'is not a layer { class_name, config }');
  const tfjsClass = value.class_name ?? value.className;
  const config = value.config;
  const className = TFJS_LAYER_CLASSES.find((c) => TFJS_LAYERS[c].tfjs === tfjsClass);
  const named = `${where} '${String(config.name)}'`;
  if (className === undefined) {
    fail(
      named,
      `layer class ${describe(tfjsClass)} is not supported by ditto's TensorFlow.js import (supported: ${TFJS_LAYER_CLASSES.map((c) => TFJS_LAYERS[c].tfjs).join(', ')})`,
    );
  }
  const mapping = TFJS_LAYERS[className];
  checkDtype(config.dtype, named);
  const out: Json = { name: config.name, trainable: config.trainable ?? true };
  const handled = new Set<string>();
  for (const key of mapping.keys) {
    const snake = snakeCase(key);
    if (!(snake in config)) continue;
    handled.add(snake);
    const converted = convertedValue(key, config[snake], named, snake);
    if (converted !== undefined) out[key] = converted;
  }
  for (const [key, only] of Object.entries(mapping.dittoOnly ?? {})) {
    const snake = snakeCase(key);
    handled.add(snake);
    out[key] = snake in config && config[snake] !== null ? config[snake] : only;
  }
  for (const [key, only] of Object.entries(mapping.tfjsOnly ?? {})) {
    if (!(key in config)) continue;
    handled.add(key);
    const given = config[key];
    if (given !== null && !same(given, only)) {
      fail(
        `${named}.${key}`,
        `${JSON.stringify(given)} is not supported by ditto's ${className} (only ${JSON.stringify(only)})`,
      );
    }
  }
  for (const key of Object.keys(config)) {
    if (handled.has(key) || IGNORED_TFJS_KEYS.includes(key)) continue;
    if (NULL_TFJS_KEYS.test(key)) {
      if (config[key] !== null)
        fail(`${named}.${key}`, `is not supported by ditto (it has no constraints or activity regularizers)`);
      continue;
    }
    fail(`${named}.${key}`, `${className} option ${key} is not supported by ditto`);
  }
  if (className === 'Bidirectional') {
    // ditto's config names both directions; tf.js's backward layer is the forward one run backwards.
    const forward = out.layer as LayerConfig;
    out.backwardLayer = {
      className: forward.className,
      config: {
        ...forward.config,
        name: `backward_${String(forward.config.name)}`,
        goBackwards: !forward.config.goBackwards,
      },
    };
  }
  return { className, config: out };
}

/** The sample shape a layer's config declares (batch_input_shape, batch_shape, input_shape, input_length). */
function declaredInputShape(config: Json, where: string): number[] | undefined {
  const batched = config.batch_input_shape ?? config.batch_shape;
  const shape = Array.isArray(batched)
    ? batched.slice(1)
    : Array.isArray(config.input_shape)
      ? config.input_shape
      : typeof config.input_length === 'number'
        ? [config.input_length]
        : undefined;
  if (shape === undefined) return undefined;
  if (!shape.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    fail(
      `${where}.batch_input_shape`,
      `${JSON.stringify(batched ?? shape)}: ditto needs every sample dimension known`,
    );
  }
  return shape as number[];
}

/** The topology's model config, from the tfjs-saved or Keras-converted (`model_config`) form. */
function topologyRoot(topology: unknown): Json {
  let root = typeof topology === 'string' ? (JSON.parse(topology) as unknown) : topology;
  if (isObject(root) && isObject(root.model_config)) root = root.model_config;
  if (!isObject(root)) fail('modelTopology', 'is not an object');
  return root;
}

/** A Sequential topology's layers and input shape. */
function sequentialOf(root: Json): { name: string | undefined; layers: unknown[]; inputShape: number[] } {
  const config = root.config;
  // Keras before 2.2.3 wrote a Sequential's config as the list of its layers.
  const layers = Array.isArray(config)
    ? config
    : isObject(config) && Array.isArray(config.layers)
      ? config.layers
      : undefined;
  if (!layers || layers.length === 0) fail('modelTopology.config.layers', 'is missing or empty');
  let inputShape: number[] | undefined;
  let rest = layers as unknown[];
  const first = rest[0];
  if (isObject(first) && first.class_name === 'InputLayer' && isObject(first.config)) {
    inputShape = declaredInputShape(first.config, 'modelTopology.config.layers[0]');
    rest = rest.slice(1);
  }
  if (isObject(rest[0]) && isObject(rest[0].config))
    inputShape ??= declaredInputShape(rest[0].config, 'layer 0');
  if (!inputShape) fail('modelTopology.config.layers[0]', 'gives no input shape (batch_input_shape)');
  const name = isObject(config) && typeof config.name === 'string' ? config.name : undefined;
  return { name, layers: rest, inputShape };
}

/** A node reference `[layer name, node index, tensor index, call arguments]`. */
type NodeRef = [string, number, number, Json?];

/**
 * A functional topology (tf.js's 'Model', Keras's 'Functional') rebuilt with Input and
 * `layer.apply`, node by node in the order the config lists the layers.
 */
function functionalOf(root: Json): Model {
  const config = root.config;
  if (!isObject(config) || !Array.isArray(config.layers)) fail('modelTopology.config.layers', 'is missing');
  const tensors = new Map<string, SymbolicTensor>();
  const key = (name: unknown, node: unknown, index: unknown) =>
    `${String(name)}#${String(node)}#${String(index)}`;
  const lookup = (ref: unknown, where: string): SymbolicTensor => {
    if (!Array.isArray(ref))
      fail(where, `${JSON.stringify(ref)} is not a node reference [layer, node, tensor]`);
    const [name, node, index, kwargs] = ref as NodeRef;
    if (isObject(kwargs) && Object.keys(kwargs).length > 0) {
      fail(where, `call arguments ${JSON.stringify(kwargs)} are not supported by ditto`);
    }
    const found = tensors.get(key(name, node, index));
    if (!found) fail(where, `reads '${name}' (node ${node}, tensor ${index}), which no earlier layer makes`);
    return found;
  };
  config.layers.forEach((entry: unknown, i: number) => {
    const where = `layer ${i}`;
    if (!isObject(entry) || !isObject(entry.config)) fail(where, 'is not a layer { class_name, config }');
    const name = entry.name ?? entry.config.name;
    if (entry.class_name === 'InputLayer') {
      checkDtype(entry.config.dtype, `${where} '${String(name)}'`);
      const shape = declaredInputShape(entry.config, where);
      if (!shape) fail(`${where} '${String(name)}'`, 'gives no input shape (batch_input_shape)');
      tensors.set(key(name, 0, 0), Input({ shape, name: String(name) }));
      return;
    }
    const layer = layerFromConfig(layerFromTfjs(entry, where), where);
    const nodes = entry.inbound_nodes;
    if (!Array.isArray(nodes) || nodes.length === 0)
      fail(`${where} '${String(name)}'.inbound_nodes`, 'is missing or empty');
    nodes.forEach((node: unknown, k: number) => {
      const at = `${where} '${String(name)}'.inbound_nodes[${k}]`;
      // Keras 3 writes nodes as { args, kwargs } objects: not this format.
      if (!Array.isArray(node))
        fail(at, 'is not a list of node references (Keras 3 files are not supported)');
      const inputs = node.map((ref, j) => lookup(ref, `${at}[${j}]`));
      tensors.set(key(name, k, 0), layer.apply(layer instanceof MergeLayer ? inputs : inputs[0]));
    });
  });
  const ends = (what: 'input_layers' | 'output_layers') => {
    const refs = config[what];
    if (!Array.isArray(refs) || refs.length === 0)
      fail(`modelTopology.config.${what}`, 'is missing or empty');
    return refs.map((ref, j) => lookup(ref, `modelTopology.config.${what}[${j}]`));
  };
  const inputs = ends('input_layers');
  const outputs = ends('output_layers');
  const name = typeof config.name === 'string' ? config.name : undefined;
  return new Model({ inputs, outputs, ...(name ? { name } : {}) });
}

function weightEntries(source: TfjsModelSource): TfjsWeightEntry[] {
  if (source.weightSpecs) return [...source.weightSpecs];
  if (source.weightsManifest) return source.weightsManifest.flatMap((group) => [...group.weights]);
  return fail('weightSpecs', 'the source has neither weightSpecs nor a weightsManifest');
}

function bytesOf(data: TfjsModelSource['weightData']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) {
    const parts = data.map((b) => new Uint8Array(b));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  if (data === undefined) return new Uint8Array(0);
  return fail('weightData', `is not an ArrayBuffer, a list of them or a Uint8Array, got ${describe(data)}`);
}

/** The weights by name, read as little-endian float32 in manifest order. */
function readWeights(source: TfjsModelSource): Map<string, { shape: number[]; values: Float32Array }> {
  const bytes = bytesOf(source.weightData);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights = new Map<string, { shape: number[]; values: Float32Array }>();
  let at = 0;
  for (const entry of weightEntries(source)) {
    const where = `weight '${entry.name}'`;
    if (entry.quantization) fail(where, 'is quantized: ditto imports float32 weights only');
    if ((entry.dtype ?? 'float32') !== 'float32')
      fail(where, `is ${entry.dtype}: ditto imports float32 weights only`);
    const size = entry.shape.reduce((p, d) => p * d, 1);
    if (at + 4 * size > bytes.length)
      fail(where, `needs ${4 * size} bytes at offset ${at}; the weight data has ${bytes.length}`);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * size;
    weights.set(entry.name, { shape: [...entry.shape], values });
  }
  if (at !== bytes.length) fail('weightData', `has ${bytes.length} bytes; the manifest accounts for ${at}`);
  return weights;
}

/** tf.js's rule for Keras-converted names: 'lstm/lstm_cell/kernel' stands for 'lstm/kernel'. */
function shortName(name: string): string {
  const tokens = name.split('/');
  return tokens.length < 3 ? name : [...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/');
}

/**
 * A ditto model from a TensorFlow.js Layers model (saved by tf.js, or converted from Keras), with
 * its weights: a `Sequential` for a Sequential topology, a functional `Model` for tf.js's 'Model'
 * and Keras's 'Functional'. Loading takes no keys from the global seed.
 *
 * @throws ModelFileError naming the layer and class (or option, or weight) ditto cannot take.
 * @example
 * ```ts
 * let artifacts;
 * await tfModel.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
 * const model = fromTfjsLayers(artifacts);
 * ```
 */
export function fromTfjsLayers(source: TfjsModelSource): Model {
  if (!isObject(source)) fail('source', 'is not a tf.js model (modelTopology, weightSpecs, weightData)');
  const root = topologyRoot(source.modelTopology);
  const seed = saveSeedState();
  let model: Model;
  try {
    if (root.class_name === 'Sequential') {
      const spec = sequentialOf(root);
      const configs = spec.layers.map((l, i) => layerFromTfjs(l, `layer ${i}`));
      const layers = configs.map((c, i) => layerFromConfig(c, `layer ${i}`));
      const sequential = new Sequential(layers, spec.name ? { name: spec.name } : {});
      sequential.build(spec.inputShape);
      model = sequential;
    } else if (root.class_name === 'Model' || root.class_name === 'Functional') {
      model = functionalOf(root);
    } else {
      fail(
        'modelTopology.class_name',
        `${describe(root.class_name)}: ditto imports Sequential and functional models ('Model', 'Functional')`,
      );
    }
  } finally {
    // Building drew initial weights from the global keys: put the sequence back untouched.
    restoreSeedState(seed);
  }
  setTfjsWeights(model, readWeights(source));
  return model;
}

/** Puts each named weight into the model's variable of that tf.js name. */
function setTfjsWeights(model: Model, weights: Map<string, { shape: number[]; values: Float32Array }>): void {
  const byShortName = new Map([...weights.keys()].map((name) => [shortName(name), name]));
  const used = new Set<string>();
  const values = new Map<Variable, Float32Array>();
  for (const layer of model.layers) {
    const names = tfjsWeightNames(layer);
    layer.variables.forEach((v, i) => {
      const found = weights.has(names[i]) ? names[i] : byShortName.get(names[i]);
      if (found === undefined) {
        fail(
          `layer '${layer.name}'`,
          `weight '${names[i]}' is missing from the weights (they are: ${[...weights.keys()].join(', ')})`,
        );
      }
      const w = weights.get(found) as { shape: number[]; values: Float32Array };
      if (!same(w.shape, v.shape)) {
        fail(`weight '${found}'`, `has shape [${w.shape}]; layer '${layer.name}' needs [${v.shape}]`);
      }
      used.add(found);
      values.set(v, w.values);
    });
  }
  const unused = [...weights.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) fail('weights', `${unused.join(', ')} belong to no layer of the model`);
  model.setWeights(model.variables.map((v) => values.get(v) as Float32Array));
}
