/**
 * What passes between `ditto diverge` and its twin processes: the twin's configuration (one JSON
 * argument) and its result (a JSON file). Tensor values travel as their IEEE-754 bit patterns, so
 * −0, NaN payloads and every last bit arrive intact.
 *
 * @module
 */

import type { CapturedTensor, DType, FloatArray, TraceJSON } from 'ditto/internal';

/** The configuration of one twin process. */
export interface TwinConfig {
  /** Absolute path of the script. */
  readonly script: string;
  readonly twin: 'a' | 'b';
  readonly workers: number;
  readonly backend: string;
  /** The seed as text (parsed as on the command line), if any. */
  readonly seed?: string;
  /** Where to write the {@link TwinOutput} as JSON. */
  readonly out: string;
  /** For an experiment module: the repeat to run. */
  readonly repeat?: number;
  /** For a module that exports several experiments: the export to run. */
  readonly exportName?: string;
  /** Second pass: capture the values of this tensor at this step, then stop. */
  readonly capture?: { readonly step: number; readonly tensor: number };
}

/** What a twin that failed writes instead of its output, so the parent can report it in one line. */
export interface TwinFailure {
  readonly error: { readonly name: string; readonly message: string; readonly stack: string };
}

/** The fingerprint of the environment a twin ran in. */
export interface TwinFingerprint {
  readonly ditto: string;
  readonly backend: string;
  readonly runtime: string;
  readonly platform: string;
  readonly workers: number;
}

/** Bit patterns of a float array: 32-bit words (two per float64 value, low word first). */
export interface EncodedValues {
  readonly dtype: DType;
  readonly bits: number[];
}

/** What a twin process writes. */
export interface TwinOutput {
  readonly fingerprint: TwinFingerprint;
  readonly trace: TraceJSON;
  /** The weights hash of the model the script returned, else of the last fit's model. */
  readonly weightsHash?: string;
  /** Second pass: the captured tensor. */
  readonly captured?: Omit<CapturedTensor, 'values'> & { readonly values: EncodedValues };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Encodes a float array as bit patterns. */
export function encodeValues(values: FloatArray): EncodedValues {
  const isF64 = values instanceof Float64Array;
  const copy = values.slice();
  const words = Array.from(new Uint32Array(copy.buffer));
  if (isF64 && !LITTLE_ENDIAN)
    for (let i = 0; i < words.length; i += 2) words.splice(i, 2, words[i + 1], words[i]);
  return { dtype: isF64 ? 'float64' : 'float32', bits: words };
}

/** Decodes {@link encodeValues}. */
export function decodeValues(encoded: EncodedValues): FloatArray {
  const words = Uint32Array.from(encoded.bits);
  if (encoded.dtype === 'float64') {
    if (!LITTLE_ENDIAN)
      for (let i = 0; i < words.length; i += 2) [words[i], words[i + 1]] = [words[i + 1], words[i]];
    return new Float64Array(words.buffer);
  }
  return new Float32Array(words.buffer);
}
