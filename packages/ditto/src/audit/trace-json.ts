/**
 * A training trace as JSON: each step's fingerprints as one hex string (16 digits per tensor, in
 * the fit's tensor order). Tensor values, if the trace kept any, are left out.
 *
 * @module
 */

import type { TraceFit, TraceStep, TrainingTraceData } from './trace.js';
import { hashWordsFromHex } from './trace-hash.js';

/** The JSON form of {@link TrainingTraceData}. */
export interface TraceJSON {
  readonly format: 'ditto-trace/1';
  readonly fits: readonly TraceFit[];
  readonly steps: ReadonlyArray<Omit<TraceStep, 'hashes' | 'values'> & { readonly hashes: string }>;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function wordsToHex(words: Uint32Array): string {
  let text = '';
  for (const w of words) text += HEX[w >>> 24] + HEX[(w >>> 16) & 255] + HEX[(w >>> 8) & 255] + HEX[w & 255];
  return text;
}

/**
 * The trace as plain JSON data.
 *
 * @example
 * ```ts
 * writeFileSync('trace.json', JSON.stringify(traceToJSON(trace.stop())));
 * ```
 */
export function traceToJSON(data: TrainingTraceData): TraceJSON {
  return {
    format: data.format,
    fits: data.fits,
    steps: data.steps.map(({ step, fit, epoch, batch, hashes }) => ({
      step,
      fit,
      epoch,
      batch,
      hashes: wordsToHex(hashes),
    })),
  };
}

/** Reads {@link traceToJSON}'s output back. @throws Error for anything else. */
export function traceFromJSON(json: unknown): TrainingTraceData {
  const value = json as Partial<TraceJSON> | null;
  if (value?.format !== 'ditto-trace/1' || !Array.isArray(value.fits) || !Array.isArray(value.steps)) {
    throw new Error("trace: not a 'ditto-trace/1' trace");
  }
  return {
    format: 'ditto-trace/1',
    fits: value.fits.map((f) => ({ ...f })),
    steps: value.steps.map(({ step, fit, epoch, batch, hashes }) => ({
      step,
      fit,
      epoch,
      batch,
      hashes: hashWordsFromHex(hashes),
    })),
  };
}
