/**
 * ditto's model file (docs/file-format.md): a safetensors file whose metadata holds the model's
 * config, the compile settings, optionally the training state, the seed, the run fingerprint and a
 * SHA-256 per tensor and for the whole file. This module holds what the writer and the reader share.
 */
import type { Layer } from '../layers/layer.js';
import type { TrainingState } from '../models/training-state.js';
import type { OptimizerState } from '../optimizers/base-optimizer.js';
import type { Seed, SeedAssignment } from '../random/index.js';
import type { FloatArray } from '../tensor/dtype.js';
import { optionNames } from '../validate/index.js';
import type { CompileConfig } from './compile-config.js';
import { ModelFileError } from './errors.js';
import type { FunctionalConfig } from './functional-config.js';
import type { LayerConfig } from './layer-config.js';
import { readHeader, type SafeTensor } from './safetensors.js';

/**
 * The format version this ditto writes and the newest it reads. Version 2: `layerKeys` holds each
 * layer's key of the `dropout` source (per-source keys), `seed.value` may be a seed assignment.
 * Version 1 files are read too (their single layer keys are converted, see decode.ts).
 */
export const MODEL_FILE_VERSION = 2;

/** Metadata keys in the safetensors header. */
export const FORMAT_KEY = 'format';
export const FORMAT = 'ditto';
export const HEADER_KEY = 'ditto_model';
export const FILE_HASH_KEY = 'ditto_file_sha256';
export const HASH_PLACEHOLDER = '0'.repeat(64);

/** Options of {@link modelToBytes} (and `model.toBytes`, `model.save`). */
export interface ModelFileOptions {
  /**
   * Include the training state (optimizer slots and step, random consumers' keys and counters,
   * the fit's key and the next epoch) so that `fit` resumes bit for bit. Default: true when the
   * model is compiled.
   */
  trainingState?: boolean;
  /**
   * Fitted data steps to keep with the model (scalers, encoders, splits: anything with a
   * `toConfig()` that `preprocessorFromConfig` reads); `readPreprocessing(bytes)` rebuilds them.
   */
  preprocessing?: readonly { toConfig(): unknown }[];
}

export const MODEL_FILE_OPTIONS = optionNames<ModelFileOptions>({ trainingState: true, preprocessing: true });

/** The training state as the file keeps it: slots are tensors, named here. */
export interface StoredTrainingState extends Omit<TrainingState, 'optimizer'> {
  readonly optimizer: Omit<OptimizerState, 'slots'> & {
    readonly slots: ReadonlyArray<{
      readonly variable: string;
      readonly tensors: Record<string, string>;
    } | null>;
  };
}

/** The JSON in the `ditto_model` metadata entry. */
export interface ModelFileHeader {
  readonly formatVersion: number;
  readonly dittoVersion: string;
  /** A Sequential model's layers, or a functional model's graph (functional-config.ts). */
  readonly model:
    | {
        readonly className: 'Sequential';
        readonly name: string;
        readonly inputShape: readonly number[];
        readonly layers: readonly LayerConfig[];
      }
    | FunctionalConfig;
  readonly compile: CompileConfig | null;
  /** The weight tensors' names in the model's variable order (getWeights order). */
  readonly weights: readonly string[];
  /**
   * Every layer's key of the `dropout` source, or null for a layer that draws no masks (wrapped
   * layers after their wrapper), so later draws continue the saved run's. (Version 1: every
   * layer's single key.)
   */
  readonly layerKeys: ReadonlyArray<readonly [number, number] | null>;
  readonly training: StoredTrainingState | null;
  /**
   * The global seed in force when the file was written (the run's seed: a plain seed, or the
   * assignment `{ seed, init?, dropout?, … }` when sources were overridden), or null if none yet.
   */
  readonly seed: { readonly value: Seed | SeedAssignment | null; readonly drawn: boolean };
  /** What states the run's result: the weights' hash, the ditto version and the backend. */
  readonly fingerprint: { readonly weightsHash: string; readonly backend: string };
  /** SHA-256 (hex) of each tensor's bytes. */
  readonly tensorSha256: Readonly<Record<string, string>>;
  /** The `toConfig()` of each data step saved with the model (absent when none). */
  readonly preprocessing?: readonly unknown[];
}

/** Seeds may be bigints, which JSON lacks: written as { "$bigint": "…" }. */
export function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $bigint: value.toString() } : value;
}

export function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const text = (value as { $bigint?: unknown }).$bigint;
    if (keys.length === 1 && typeof text === 'string' && /^-?\d+$/.test(text)) return BigInt(text);
  }
  return value;
}

export function littleEndian(array: FloatArray): Uint8Array {
  const width = array instanceof Float32Array ? 4 : 8;
  const bytes = new Uint8Array(array.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < array.length; i++) {
    if (width === 4) view.setFloat32(i * 4, array[i], true);
    else view.setFloat64(i * 8, array[i], true);
  }
  return bytes;
}

export function fromLittleEndian(tensor: SafeTensor): FloatArray {
  const view = new DataView(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength);
  if (tensor.dtype === 'F32') {
    const out = new Float32Array(tensor.bytes.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = new Float64Array(tensor.bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

export function tensorOf(name: string, array: FloatArray, shape: readonly number[]): SafeTensor {
  return { name, dtype: array instanceof Float32Array ? 'F32' : 'F64', shape, bytes: littleEndian(array) };
}

/** The layer and every layer it wraps, depth first: the order of `layerKeys`. */
export function allLayers(layers: readonly Layer[]): Layer[] {
  return layers.flatMap((layer) => [layer, ...allLayers(layer.wrappedLayers())]);
}

/** Where the file hash's 64 hex digits sit in the header (the key appears once, outside any string). */
export function fileHashPosition(bytes: Uint8Array, hex: string): number {
  const { json } = readHeader(bytes);
  const needle = `"${FILE_HASH_KEY}":"${hex}"`;
  const index = json.indexOf(needle);
  if (index < 0 || json.indexOf(needle, index + 1) >= 0) {
    throw new ModelFileError(FILE_HASH_KEY, 'does not appear exactly once in the header');
  }
  // Names may be UTF-8: count bytes, not characters.
  return 8 + new TextEncoder().encode(json.slice(0, index + needle.length - hex.length - 1)).length;
}
