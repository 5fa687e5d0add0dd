/** Writes ditto's model file (docs/file-format.md) from a model: bytes, runtime-neutral. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { getBackend } from '../backend/registry.js';
import type { Variable } from '../layers/variable.js';
import type { Model } from '../models/model.js';
import type { Sequential } from '../models/sequential.js';
import { saveSeedState } from '../random/index.js';
import { checkBoolean, checkObject, checkOptions } from '../validate/index.js';
import { VERSION } from '../version.js';
import { type CompileConfig, compileToConfig, outputsCompileToConfig } from './compile-config.js';
import {
  allLayers,
  FILE_HASH_KEY,
  FORMAT,
  FORMAT_KEY,
  fileHashPosition,
  HASH_PLACEHOLDER,
  HEADER_KEY,
  MODEL_FILE_OPTIONS,
  MODEL_FILE_VERSION,
  type ModelFileHeader,
  type ModelFileOptions,
  replacer,
  type StoredTrainingState,
  tensorOf,
} from './format.js';
import { functionalToConfig } from './functional-config.js';
import { layerToConfig } from './layer-config.js';
import { preprocessingToConfig } from './preprocessing.js';
import { encodeSafeTensors, type SafeTensor } from './safetensors.js';

/**
 * The model as a ditto model file's bytes (docs/file-format.md). Works everywhere (browsers too).
 *
 * @throws TypeError naming the layer, loss, metric or regularizer that a file cannot hold.
 * @example
 * ```ts
 * const bytes = modelToBytes(model); // same as model.toBytes()
 * const copy = modelFromBytes(bytes);
 * copy.weightsHash() === model.weightsHash(); // true
 * ```
 */
export function modelToBytes(model: Model, options: ModelFileOptions = {}): Uint8Array {
  checkObject('toBytes', 'options', options);
  checkOptions('toBytes', options, MODEL_FILE_OPTIONS);
  if (options.trainingState !== undefined) checkBoolean('toBytes', 'trainingState', options.trainingState);
  if (!model.built)
    throw new Error(`${model.name}.toBytes: the model is not built (give inputShape or fit first)`);
  const compile = compileOf(model);
  const withState = options.trainingState ?? compile !== null;
  if (withState && compile === null)
    throw new Error(`${model.name}.toBytes: trainingState needs a compiled model`);

  const variables: readonly Variable[] = model.variables;
  const tensors: SafeTensor[] = variables.map((v) => tensorOf(v.name, v.value.data, v.shape));
  let training: StoredTrainingState | null = null;
  if (withState) {
    const state = model.getTrainingState();
    const slots = state.optimizer.slots.map((entry, i) => {
      if (entry === null) return null;
      const names: Record<string, string> = {};
      for (const [slot, values] of Object.entries(entry.values)) {
        const name = `training/optimizer/${i}/${slot}`;
        const array =
          variables[i].value.data instanceof Float32Array
            ? Float32Array.from(values)
            : Float64Array.from(values);
        tensors.push(tensorOf(name, array, [values.length]));
        names[slot] = name;
      }
      return { variable: entry.variable, tensors: names };
    });
    training = { ...state, optimizer: { ...state.optimizer, slots } };
  }
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name))
      throw new Error(
        `${model.name}.toBytes: two weights are named '${t.name}': give the layers unique names`,
      );
    names.add(t.name);
  }
  const seed = saveSeedState();
  const header: ModelFileHeader = {
    formatVersion: MODEL_FILE_VERSION,
    dittoVersion: VERSION,
    model: model.functionalGraph ? functionalToConfig(model) : sequentialToConfig(model as Sequential),
    compile,
    weights: variables.map((v) => v.name),
    layerKeys: allLayers(model.layers).map((l) => (l.dropoutKey ? [l.dropoutKey[0], l.dropoutKey[1]] : null)),
    training,
    seed: { value: seed.seed ?? null, drawn: seed.drawn },
    fingerprint: { weightsHash: model.weightsHash(), backend: getBackend().name },
    tensorSha256: Object.fromEntries(tensors.map((t) => [t.name, bytesToHex(sha256(t.bytes))])),
    ...(options.preprocessing === undefined
      ? {}
      : { preprocessing: preprocessingToConfig(options.preprocessing) }),
  };
  const bytes = encodeSafeTensors({
    metadata: {
      [FORMAT_KEY]: FORMAT,
      [HEADER_KEY]: JSON.stringify(header, replacer),
      [FILE_HASH_KEY]: HASH_PLACEHOLDER,
    },
    tensors,
  });
  const at = fileHashPosition(bytes, HASH_PLACEHOLDER);
  bytes.set(new TextEncoder().encode(bytesToHex(sha256(bytes))), at);
  return bytes;
}

function sequentialToConfig(model: Sequential): ModelFileHeader['model'] {
  return {
    className: 'Sequential',
    name: model.name,
    inputShape: [...model.layers[0].inputShape],
    layers: model.layers.map(layerToConfig),
  };
}

/** The compile settings as the file keeps them (by output name unless one output without a weight), or null. */
function compileOf(model: Model): CompileConfig | null {
  const settings = model.compileSettings;
  if (settings) return compileToConfig(settings);
  const outputs = model.compiledOutputs;
  return outputs.length === 0 ? null : outputsCompileToConfig(model.optimizer, model.outputNames, outputs);
}
