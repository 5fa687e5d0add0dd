/**
 * Carrying a training trace between runtimes as JSON: typed arrays (a step's hash words) become plain
 * number arrays on the way out and typed arrays again on the way in; value copies are dropped.
 * Written against the trace's shape, not its internals, so it works whichever way a step stores
 * its hashes.
 */
import type { TrainingTraceData } from '../../packages/ditto/src/audit/index.js';

type Hashes = TrainingTraceData['steps'][number]['hashes'];

/** The trace with every step's hashes as a JSON-safe array. */
export function traceToTransport(data: TrainingTraceData): TrainingTraceData {
  return {
    ...data,
    steps: data.steps.map(({ values: _values, ...step }) => ({
      ...step,
      hashes: (ArrayBuffer.isView(step.hashes)
        ? Array.from(step.hashes as ArrayLike<number>)
        : step.hashes) as unknown as Hashes,
    })),
  };
}

/** A transported trace made whole again: numeric hash arrays become Uint32Array. */
export function traceFromTransport(data: TrainingTraceData): TrainingTraceData {
  return {
    ...data,
    steps: data.steps.map((step) => {
      const hashes = step.hashes as unknown;
      const numeric = Array.isArray(hashes) && hashes.length > 0 && typeof hashes[0] === 'number';
      return { ...step, hashes: (numeric ? Uint32Array.from(hashes as number[]) : hashes) as Hashes };
    }),
  };
}
