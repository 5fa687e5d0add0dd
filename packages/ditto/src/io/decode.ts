/** Reads and verifies ditto's model file (docs/file-format.md) and rebuilds the model. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { legacyDropoutKey } from '../layers/recurrent/dropout-masks.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import type { TrainingState } from '../models/training-state.js';
import { type Key, restoreSeedState, saveSeedState } from '../random/index.js';
import type { FloatArray } from '../tensor/dtype.js';
import { VERSION } from '../version.js';
import { compileFromConfig } from './compile-config.js';
import { ModelFileError } from './errors.js';
import {
  allLayers,
  FILE_HASH_KEY,
  FORMAT,
  FORMAT_KEY,
  fileHashPosition,
  fromLittleEndian,
  HASH_PLACEHOLDER,
  HEADER_KEY,
  MODEL_FILE_VERSION,
  type ModelFileHeader,
  reviver,
} from './format.js';
import { functionalFromConfig } from './functional-config.js';
import { layerFromConfig } from './layer-config.js';
import { preprocessingFromConfig } from './preprocessing.js';
import { decodeSafeTensors } from './safetensors.js';

/**
 * Reads and verifies a model file: its layout, format version, every tensor's SHA-256 and the
 * file's. Returns the header and the tensors by name; nothing is built.
 *
 * @throws ModelFileError naming what is wrong (the tensor, the header field, the version).
 */
export function readModelFile(bytes: Uint8Array): {
  header: ModelFileHeader;
  tensors: Map<string, FloatArray>;
} {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`loadModel: expected the file's bytes as a Uint8Array, got ${typeof bytes}`);
  }
  const file = decodeSafeTensors(bytes);
  if (file.metadata[FORMAT_KEY] !== FORMAT || typeof file.metadata[HEADER_KEY] !== 'string') {
    throw new ModelFileError(
      '__metadata__',
      `not a ditto model file (a safetensors file without '${HEADER_KEY}' metadata)`,
    );
  }
  let header: ModelFileHeader;
  try {
    header = JSON.parse(file.metadata[HEADER_KEY], reviver) as ModelFileHeader;
  } catch (error) {
    throw new ModelFileError(HEADER_KEY, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null) throw new ModelFileError(HEADER_KEY, 'is not an object');
  const version = header.formatVersion;
  if (!Number.isInteger(version) || version < 1) {
    throw new ModelFileError('formatVersion', `${JSON.stringify(version)} is not a format version`);
  }
  if (version > MODEL_FILE_VERSION) {
    throw new ModelFileError(
      'formatVersion',
      `the file has format version ${version} (ditto ${header.dittoVersion}); this ditto ${VERSION} reads up to version ${MODEL_FILE_VERSION}: upgrade ditto`,
    );
  }
  const sums = header.tensorSha256;
  if (typeof sums !== 'object' || sums === null) throw new ModelFileError('tensorSha256', 'is missing');
  for (const t of file.tensors) {
    const expected = Object.hasOwn(sums, t.name) ? sums[t.name] : undefined;
    if (expected === undefined)
      throw new ModelFileError(`tensor '${t.name}'`, 'has no checksum in the header (added to the file?)');
    if (bytesToHex(sha256(t.bytes)) !== expected) {
      throw new ModelFileError(
        `tensor '${t.name}'`,
        'its SHA-256 does not match the header: the data is corrupted',
      );
    }
  }
  for (const name of Object.keys(sums)) {
    if (!file.tensors.some((t) => t.name === name))
      throw new ModelFileError(`tensor '${name}'`, 'is missing from the file');
  }
  const stated = file.metadata[FILE_HASH_KEY];
  if (typeof stated !== 'string' || !/^[0-9a-f]{64}$/.test(stated)) {
    throw new ModelFileError(FILE_HASH_KEY, 'is missing or not 64 hex digits');
  }
  const blanked = bytes.slice();
  blanked.set(new TextEncoder().encode(HASH_PLACEHOLDER), fileHashPosition(bytes, stated));
  if (bytesToHex(sha256(blanked)) !== stated) {
    throw new ModelFileError(
      'header',
      "the file's SHA-256 does not match: the header was modified or corrupted",
    );
  }
  return { header, tensors: new Map(file.tensors.map((t) => [t.name, fromLittleEndian(t)])) };
}

function field<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(name, (error as Error).message);
  }
}

/**
 * A model from a ditto model file's bytes, verified first: the same layers (a Sequential model, or
 * a functional `Model` with its graph), weights (bit for bit), compile settings and, when the file
 * has it, training state, so `fit` continues the saved run. Loading takes no keys from the global
 * seed. The type parameter is the class the caller expects (Sequential by default; `Model` for a
 * functional file): the file decides which it builds.
 *
 * @throws ModelFileError naming what is wrong (which tensor, which field).
 * @example
 * ```ts
 * const model = modelFromBytes(await (await fetch('model.safetensors')).bytes());
 * model.predict(x);
 * const graph = modelFromBytes<Model>(functionalBytes); // a functional model's file
 * ```
 */
export function modelFromBytes<M extends Model = Sequential>(bytes: Uint8Array): M {
  const { header, tensors } = readModelFile(bytes);
  const spec = header.model;
  if (
    typeof spec !== 'object' ||
    spec === null ||
    !(spec.className === 'Sequential' || spec.className === 'Model') ||
    !Array.isArray(spec.layers)
  ) {
    throw new ModelFileError('model', 'is not a Sequential or functional (Model) config');
  }
  const seed = saveSeedState();
  let model: Model;
  try {
    if (spec.className === 'Model') model = field('model', () => functionalFromConfig(spec));
    else {
      const layers = spec.layers.map((c, i) => layerFromConfig(c, `model.layers[${i}]`));
      const sequential = field('model', () => new Sequential(layers, { name: spec.name }));
      field('model.inputShape', () => sequential.build(spec.inputShape));
      model = sequential;
    }
  } finally {
    // Building drew initial weights from the global keys: put the sequence back untouched.
    restoreSeedState(seed);
  }
  const layers = allLayers(model.layers);
  if (!Array.isArray(header.layerKeys) || header.layerKeys.length !== layers.length) {
    throw new ModelFileError('layerKeys', `has ${header.layerKeys?.length} keys for ${layers.length} layers`);
  }
  header.layerKeys.forEach((k, i) => {
    if (k === null) return;
    const layer = layers[i];
    const stored = [k[0], k[1]] as Key;
    if (header.formatVersion === 1) {
      // Version 1 kept every layer's single key: only mask-drawing layers need theirs, and a
      // recurrent layer's masks had their own stream under it.
      if (layer.dropoutKey === undefined) return;
      const legacy = layer instanceof RecurrentLayer ? legacyDropoutKey(stored) : stored;
      field(`layerKeys[${i}]`, () => layer.restoreDropoutKey(legacy));
    } else field(`layerKeys[${i}]`, () => layer.restoreDropoutKey(stored));
  });
  const variables = model.variables;
  if (!Array.isArray(header.weights) || header.weights.length !== variables.length) {
    throw new ModelFileError(
      'weights',
      `lists ${header.weights?.length} tensors, the model has ${variables.length} weights`,
    );
  }
  const weights = header.weights.map((name, i) => {
    const data = tensors.get(name);
    if (!data) throw new ModelFileError(`tensor '${name}'`, 'is listed in weights but missing');
    const v = variables[i];
    if (
      data.length !== v.value.size ||
      data instanceof Float32Array !== v.value.data instanceof Float32Array
    ) {
      throw new ModelFileError(
        `tensor '${name}'`,
        `does not fit weight '${v.name}' (${v.value.size} values of ${v.dtype})`,
      );
    }
    return data;
  });
  model.setWeights(weights);
  if (header.compile !== null && header.compile !== undefined) {
    const options = compileFromConfig(header.compile, 'compile');
    field('compile', () => model.compile(options));
  }
  if (header.training) {
    const stored = header.training;
    if (!header.compile) throw new ModelFileError('training', 'a training state needs the compile settings');
    const slots = field('training.optimizer.slots', () =>
      stored.optimizer.slots.map((entry) => {
        if (entry === null) return null;
        const values: Record<string, number[]> = {};
        for (const [slot, name] of Object.entries(entry.tensors)) {
          const data = tensors.get(name);
          if (!data)
            throw new ModelFileError(`tensor '${name}'`, 'is listed in the training state but missing');
          values[slot] = Array.from(data);
        }
        return { variable: entry.variable, values };
      }),
    );
    const state = { ...stored, optimizer: { ...stored.optimizer, slots } } as TrainingState;
    field('training', () => model.setTrainingState(state));
  }
  // The caller says which class it expects (Sequential unless told): the file decides which it is.
  return model as M;
}

/** Reads a model file's header (verified) without building the model: seed, fingerprint, config. */
export function readModelFileHeader(bytes: Uint8Array): ModelFileHeader {
  return readModelFile(bytes).header;
}

/**
 * The preprocessing steps saved in a model file (verified first), rebuilt: fitted scalers,
 * encoders and splits in the order given to `toBytes({ preprocessing })`; none when the file has none.
 *
 * @throws ModelFileError naming the file's fault or the entry that does not rebuild.
 * @example
 * ```ts
 * const bytes = model.toBytes({ preprocessing: [scaler, encoder] });
 * const [scaler2, encoder2] = readPreprocessing(bytes);
 * (await loadModel(bytes)).predict(scaler2.transform(xNew));
 * ```
 */
export function readPreprocessing(bytes: Uint8Array): ReturnType<typeof preprocessingFromConfig> {
  return preprocessingFromConfig(readModelFileHeader(bytes).preprocessing);
}
