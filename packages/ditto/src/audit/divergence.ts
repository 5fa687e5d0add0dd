/**
 * Where two training traces first differ: the step, the tensor and — when the values are at hand —
 * the differing elements with their distance in ulps, plus what such a first difference usually
 * means.
 *
 * @module
 */

import { ulpDistance32 } from '../numeric/ulp.js';
import type { DType } from '../tensor/dtype.js';
import type { TraceStep, TraceTensorInfo, TrainingTraceData } from './trace.js';
import { hashHex } from './trace-hash.js';

/** One element that differs. */
export interface ValueDifference {
  /** Flat (row-major) index into the tensor. */
  readonly index: number;
  readonly a: number;
  readonly b: number;
  /** Distance in ulps of the tensor's dtype (float32 or float64). */
  readonly ulps: number;
}

/** How two values of one tensor differ. */
export interface TensorDifference {
  /** Elements that differ in their bits. */
  readonly differing: number;
  readonly total: number;
  /** The largest distance in ulps. */
  readonly maxUlps: number;
  /** The first few differing elements, by index. */
  readonly first: readonly ValueDifference[];
}

/** The two runs agree at every step. */
export interface TracesAgree {
  readonly same: true;
  /** Steps compared. */
  readonly steps: number;
  /** The final weights hash (SHA-256) of the last fit, equal in both runs, when recorded. */
  readonly weightsHash?: string;
}

/** Where the runs first differ. */
export interface TracesDiffer {
  readonly same: false;
  /**
   * 'tensor': a tensor's bits differ at a step. 'structure': the steps or models do not line up.
   * 'length': one run took more steps. 'final-weights': every step agrees but the final weights do not.
   */
  readonly kind: 'tensor' | 'structure' | 'length' | 'final-weights';
  readonly step?: number;
  readonly fit?: number;
  readonly epoch?: number;
  readonly batch?: number;
  /** Index into the fit's tensors. */
  readonly tensorIndex?: number;
  readonly tensor?: TraceTensorInfo;
  /** Run B's name for the tensor, when it differs from run A's (in-process twins number layers apart). */
  readonly tensorNameB?: string;
  readonly hashA?: string;
  readonly hashB?: string;
  /** The differing values, when both traces hold them. */
  readonly values?: TensorDifference;
  /** One line: what differs where. */
  readonly message: string;
  /** What this kind of first difference usually means. */
  readonly diagnosis: string;
}

export type TraceComparison = TracesAgree | TracesDiffer;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function ordered64(x: number): bigint {
  f64[0] = x;
  const bits = u64[0];
  const magnitude = bits & 0x7fffffffffffffffn;
  return bits >> 63n ? -magnitude : magnitude;
}

/** Distance between two doubles in float64 ulps (0 when equal, +0 and −0 equal; NaN as in ulpDistance32). */
export function ulpDistance64(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN && bNaN ? 0 : Number.POSITIVE_INFINITY;
  const d = ordered64(a) - ordered64(b);
  return Number(d < 0n ? -d : d);
}

/** Distance in ulps of the dtype. */
export function ulpDistance(dtype: DType, a: number, b: number): number {
  return dtype === 'float32' ? ulpDistance32(a, b) : ulpDistance64(a, b);
}

/**
 * Compares two tensors' values element by element, by their bits (so −0 and +0, or two NaNs with
 * different payloads, count as different only when their bits differ — here compared as numbers,
 * with −0 ≠ +0 by `Object.is`).
 */
export function diffValues(
  dtype: DType,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  keep = 8,
): TensorDifference {
  const n = Math.min(a.length, b.length);
  const first: ValueDifference[] = [];
  let differing = Math.abs(a.length - b.length);
  let maxUlps = 0;
  for (let i = 0; i < n; i++) {
    if (Object.is(a[i], b[i])) continue;
    differing++;
    const ulps = ulpDistance(dtype, a[i], b[i]);
    if (ulps > maxUlps) maxUlps = ulps;
    if (first.length < keep) first.push({ index: i, a: a[i], b: b[i], ulps });
  }
  return { differing, total: Math.max(a.length, b.length), maxUlps, first };
}

function sameLayout(a: readonly TraceTensorInfo[], b: readonly TraceTensorInfo[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (t, i) =>
        t.kind === b[i].kind &&
        t.dtype === b[i].dtype &&
        t.slot === b[i].slot &&
        t.shape.length === b[i].shape.length &&
        t.shape.every((d, j) => d === b[i].shape[j]),
    )
  );
}

const DIAGNOSIS = {
  initialWeights:
    'The initial weights differ: initialisation drew different numbers — an unseeded initializer or ' +
    'layer (Math.random, no setSeed before building the model) or a different seed. Run `ditto check` on the script.', // determinism-ok: names the source, calls nothing
  weights:
    'The weights differ although the previous step agreed in weights, gradients and optimizer state: ' +
    "that step's update was computed differently (the optimizer's arithmetic on another backend or " +
    'runtime), or code changed the weights between the steps (a callback, a custom training loop).',
  gradient:
    'Same weights, different gradients: the step saw a different batch (data order, shuffling, ' +
    'augmentation, a data pipeline whose order depends on which worker finishes first) or computed the ' +
    'forward or backward pass differently (dropout masks, a kernel that differs between backends).',
  slot:
    "Same weights and gradients, different optimizer state: the optimizer's update was computed " +
    'differently (backend, runtime), or its state was changed.',
  structure:
    'The runs do not line up: they trained differently shaped models, or reached this step at a ' +
    'different epoch or batch (epochs, batch size, validation split, data size).',
  length:
    'Every common step agrees, but one run took more steps: early stopping, or a different number of ' +
    'epochs or batches.',
  finalWeights:
    'Every step agrees, but the final weights differ: something changed the weights after the last step ' +
    '(a callback at the end of training, a variable fit does not train).',
} as const;

/** The first tensor whose fingerprint (a pair of words) differs, or −1. */
function firstDifferingTensor(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  for (let w = 0; w < n; w++) if (a[w] !== b[w]) return w >>> 1;
  return a.length === b.length ? -1 : n >>> 1;
}

function where(step: TraceStep): string {
  return `step ${step.step} (epoch ${step.epoch}, batch ${step.batch}${step.fit > 0 ? `, fit ${step.fit}` : ''})`;
}

/**
 * The first difference between two traces, in causal order: steps in order; within a step the
 * weights it computed with, then its gradients, then the optimizer's state after its update. With
 * the `values` trace option on both sides, the differing elements are listed with their ulp
 * distances.
 *
 * Tensors are matched by position, kind, shape and dtype — not by name, so twins built in one process
 * (whose layers are numbered apart, 'dense' and 'dense_2') compare too.
 *
 * @example
 * ```ts
 * const result = compareTraces(traceA.stop(), traceB.stop());
 * if (!result.same) console.log(result.message); // 'step 37 (epoch 37, batch 0): dense/kernel differs'
 * ```
 */
export function compareTraces(a: TrainingTraceData, b: TrainingTraceData): TraceComparison {
  const common = Math.min(a.steps.length, b.steps.length);
  for (let i = 0; i < common; i++) {
    const sa = a.steps[i];
    const sb = b.steps[i];
    const layoutA = a.fits[sa.fit]?.tensors ?? [];
    const layoutB = b.fits[sb.fit]?.tensors ?? [];
    if (
      sa.fit !== sb.fit ||
      sa.epoch !== sb.epoch ||
      sa.batch !== sb.batch ||
      !sameLayout(layoutA, layoutB)
    ) {
      return {
        same: false,
        kind: 'structure',
        step: i,
        fit: sa.fit,
        epoch: sa.epoch,
        batch: sa.batch,
        message:
          `step ${i}: the runs do not line up (A at ${where(sa)} with ${layoutA.length} tensors, ` +
          `B at ${where(sb)} with ${layoutB.length})`,
        diagnosis: DIAGNOSIS.structure,
      };
    }
    const j = firstDifferingTensor(sa.hashes, sb.hashes);
    if (j < 0) continue;
    const tensor = layoutA[j];
    const values = sa.values && sb.values ? diffValues(tensor.dtype, sa.values[j], sb.values[j]) : undefined;
    const kind = tensor.kind;
    const diagnosis =
      kind === 'weights'
        ? i === 0 || a.steps[i - 1].fit !== sa.fit
          ? DIAGNOSIS.initialWeights
          : DIAGNOSIS.weights
        : kind === 'gradient'
          ? DIAGNOSIS.gradient
          : DIAGNOSIS.slot;
    return {
      same: false,
      kind: 'tensor',
      step: i,
      fit: sa.fit,
      epoch: sa.epoch,
      batch: sa.batch,
      tensorIndex: j,
      tensor,
      ...(layoutB[j].name !== tensor.name ? { tensorNameB: layoutB[j].name } : {}),
      hashA: hashHex(sa.hashes, j),
      hashB: hashHex(sb.hashes, j),
      ...(values ? { values } : {}),
      message: `${where(sa)}: ${tensor.name} differs`,
      diagnosis,
    };
  }
  if (a.steps.length !== b.steps.length) {
    const longer = a.steps.length > b.steps.length ? a.steps[common] : b.steps[common];
    return {
      same: false,
      kind: 'length',
      step: common,
      fit: longer.fit,
      epoch: longer.epoch,
      batch: longer.batch,
      message: `run A took ${a.steps.length} steps, run B ${b.steps.length}; the first ${common} agree`,
      diagnosis: DIAGNOSIS.length,
    };
  }
  const fits = Math.min(a.fits.length, b.fits.length);
  for (let f = 0; f < fits; f++) {
    const ha = a.fits[f].weightsHash;
    const hb = b.fits[f].weightsHash;
    if (ha !== undefined && hb !== undefined && ha !== hb) {
      return {
        same: false,
        kind: 'final-weights',
        fit: f,
        hashA: ha,
        hashB: hb,
        message: `fit ${f}: every step agrees, but the final weights differ`,
        diagnosis: DIAGNOSIS.finalWeights,
      };
    }
  }
  if (a.fits.length !== b.fits.length) {
    return {
      same: false,
      kind: 'structure',
      message: `run A traced ${a.fits.length} fits, run B ${b.fits.length}`,
      diagnosis: DIAGNOSIS.structure,
    };
  }
  const last = a.fits[a.fits.length - 1]?.weightsHash;
  return { same: true, steps: common, ...(last !== undefined ? { weightsHash: last } : {}) };
}

/** Options of {@link formatComparison}. */
export interface FormatComparisonOptions {
  /** How to call the two runs (default 'A' and 'B'). */
  labels?: readonly [string, string];
}

/** Shortest text that reads back as the same float32 (or float64) value. */
function valueText(dtype: DType, x: number): string {
  if (dtype === 'float64' || !Number.isFinite(x)) return String(x);
  for (let digits = 6; digits <= 9; digits++) {
    const text = x.toPrecision(digits);
    if (Math.fround(Number(text)) === x) return String(Number(text));
  }
  return String(x);
}

/**
 * The comparison as lines of text:
 *
 * ```text
 * first difference: step 37 (epoch 37, batch 0): dense/kernel differs
 *   weights dense/kernel [1×10 float32]: 1 of 10 values differ, at most 1 ulp
 *     [3] A 0.49261206  B 0.49261209  (1 ulp)
 *   The weights differ although the previous step agreed …
 * ```
 */
export function formatComparison(result: TraceComparison, options: FormatComparisonOptions = {}): string {
  const [la, lb] = options.labels ?? ['A', 'B'];
  if (result.same) {
    return (
      `the runs never differ: ${result.steps} steps, every weight, gradient and optimizer slot identical` +
      (result.weightsHash ? `\nfinal weights hash ${result.weightsHash}` : '')
    );
  }
  const lines = [`first difference: ${result.message}`];
  if (result.kind === 'tensor' && result.tensor) {
    const t = result.tensor;
    const shape = t.shape.length ? t.shape.join('×') : 'scalar';
    const nameB = result.tensorNameB ? ` (${lb}: ${result.tensorNameB})` : '';
    lines.push(`  ${t.kind} ${t.name}${nameB} [${shape} ${t.dtype}]`);
    if (result.values) {
      const v = result.values;
      lines.push(
        `  ${v.differing} of ${v.total} values differ, at most ${v.maxUlps} ulp${v.maxUlps === 1 ? '' : 's'}:`,
      );
      for (const d of result.values.first) {
        lines.push(
          `    [${d.index}] ${la} ${valueText(t.dtype, d.a)}  ${lb} ${valueText(t.dtype, d.b)}  (${d.ulps} ulp${d.ulps === 1 ? '' : 's'})`,
        );
      }
      if (v.differing > v.first.length) lines.push(`    … and ${v.differing - v.first.length} more`);
    }
    lines.push(`  trace hashes: ${la} ${result.hashA}  ${lb} ${result.hashB}`);
  } else if (result.hashA && result.hashB) {
    lines.push(`  weights hashes: ${la} ${result.hashA}  ${lb} ${result.hashB}`);
  }
  lines.push(`  ${result.diagnosis}`);
  return lines.join('\n');
}
