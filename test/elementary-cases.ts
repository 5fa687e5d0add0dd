/**
 * Shared input sets and float64 references for the accuracy tests of src/numeric/elementary.ts
 * (test/elementary.test.ts) and the accuracy table printed by scripts/measure-elementary.ts.
 *
 * References are the engine's float64 `Math` functions (accurate to about one double ulp), or
 * formulas built from them; rounding them once with `Math.fround` gives a float32 reference that is
 * the correctly rounded result except in cases closer to a float32 rounding boundary than ~1e-16.
 */
import { exp, expm1, log, log1p, sigmoid, softplus, tanh } from '../packages/ditto/src/numeric/elementary.js';
import { float32FromBits, nextAfter32, ulpDistance32 } from '../packages/ditto/src/numeric/ulp.js';

/** Deterministic xorshift32 stream of unsigned 32-bit integers (test inputs only). */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const F32_MAX = 3.4028234663852886e38;
const F32_MIN_SUB = 1.401298464324817e-45;
const F32_MAX_SUB = 1.1754942106924411e-38;
const F32_MIN_NORMAL = 1.1754943508222875e-38;

/** Edge inputs shared by every function: zeros, subnormal and normal limits, infinities, NaN. */
const COMMON_EDGES = [
  0,
  -0,
  F32_MIN_SUB,
  -F32_MIN_SUB,
  F32_MAX_SUB,
  -F32_MAX_SUB,
  F32_MIN_NORMAL,
  -F32_MIN_NORMAL,
  F32_MAX,
  -F32_MAX,
  1,
  -1,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  2 ** -24,
  -(2 ** -24),
  2 ** -12,
  -(2 ** -12),
];

/** Each value and its float32 neighbours up to `k` ulps away on both sides. */
function around(values: number[], k = 2): number[] {
  const out: number[] = [];
  for (const v of values) {
    let up = Math.fround(v);
    let down = up;
    out.push(up);
    for (let i = 0; i < k; i++) {
      up = nextAfter32(up, Number.POSITIVE_INFINITY);
      down = nextAfter32(down, Number.NEGATIVE_INFINITY);
      out.push(up, down);
    }
  }
  return out;
}

/**
 * `n` float32 inputs: half with |x| uniform in bit pattern between `minAbs` and `maxAbs` (random
 * sign if `bothSigns`), half on an evenly spaced sweep of [lo, hi], rounded to float32.
 */
function spread(
  seed: number,
  n: number,
  minAbs: number,
  maxAbs: number,
  bothSigns: boolean,
  lo: number,
  hi: number,
): Float64Array {
  const next = xorshift32(seed);
  const out = new Float64Array(n);
  const half = n >> 1;
  const b0 = bitsOf(minAbs);
  const span = bitsOf(maxAbs) - b0 + 1;
  for (let i = 0; i < half; i++) {
    const m = float32FromBits(b0 + (next() % span));
    out[i] = bothSigns && next() & 1 ? -m : m;
  }
  const m = n - half;
  for (let i = 0; i < m; i++) out[half + i] = Math.fround(lo + ((hi - lo) * i) / (m - 1));
  return out;
}

function bitsOf(x: number): number {
  const f = new Float32Array([x]);
  return new Uint32Array(f.buffer)[0];
}

/** One function under test with its reference and input sets. */
export interface ElementaryCase {
  name: string;
  f: (x: number) => number;
  /** float64 reference, independent of ditto's implementation. */
  ref: (x: number) => number;
  /** ≥ 10^6 float32 inputs over the useful range, plus edges. */
  inputs32: () => Float64Array;
  /** Range for the float64 relative-error sample. */
  range64: [number, number];
}

// determinism-ok: test references, never library code.
const M = Math;

function refSigmoid(x: number): number {
  // 1/(1 + e^-x) has no cancellation for either sign; e^-x overflows to Infinity only where the
  // true value is below 1e-308, far under float32's range.
  return 1 / (1 + M.exp(-x));
}

function refSoftplus(x: number): number {
  return Math.max(x, 0) + M.log1p(M.exp(-Math.abs(x)));
}

const N = 1_000_000;

export const CASES: ElementaryCase[] = [
  {
    name: 'exp',
    f: exp,
    ref: M.exp,
    inputs32: () =>
      concat(
        spread(1, N, 2 ** -30, 104, true, -104, 89),
        // float32 overflow (88.72284), subnormal (−87.33655) and underflow (−103.27893, −103.97208) limits
        around([88.72283935546875, -87.33654022216797, -103.27892303466797, -103.97207641601562], 4),
      ),
    range64: [-745, 709.7],
  },
  {
    name: 'expm1',
    f: expm1,
    ref: M.expm1,
    inputs32: () =>
      concat(spread(2, N, 2 ** -30, 89, true, -18, 89), around([88.72283935546875, 0.34657359, -0.34657359])),
    range64: [-40, 709.7],
  },
  {
    name: 'log',
    f: log,
    ref: M.log,
    inputs32: () =>
      concat(
        spread(3, N, F32_MIN_SUB, F32_MAX, false, 0.5, 2),
        around([1, 0.70710677, 1.4142135, 2, 0.5], 8),
        [-1, -F32_MIN_SUB, -F32_MAX],
      ),
    range64: [1e-300, 1e300],
  },
  {
    name: 'log1p',
    f: log1p,
    ref: M.log1p,
    inputs32: () =>
      concat(
        spread(4, N / 2, 2 ** -40, 1, true, -1, 1),
        spread(5, N / 2, 2 ** -40, F32_MAX, false, 1, 1000),
        around([-1, 0, 1, -0.5], 4),
        [-2, -F32_MAX],
      ),
    range64: [-0.9999999, 1e300],
  },
  {
    name: 'tanh',
    f: tanh,
    ref: M.tanh,
    inputs32: () => concat(spread(6, N, 2 ** -30, 12, true, -10, 10), around([0.55, -0.55, 9.010913, 22])),
    range64: [-25, 25],
  },
  {
    name: 'sigmoid',
    f: sigmoid,
    ref: refSigmoid,
    inputs32: () =>
      concat(
        spread(7, N, 2 ** -30, 110, true, -110, 20),
        around([-87.33654, -103.27893, -103.97208, 16.635532]),
      ),
    range64: [-700, 40],
  },
  {
    name: 'softplus',
    f: softplus,
    ref: refSoftplus,
    inputs32: () =>
      concat(
        spread(8, N, 2 ** -30, 110, true, -110, 30),
        around([-87.33654, -103.27893, -103.97208, 16.635532]),
      ),
    range64: [-700, 700],
  },
];

function concat(...parts: (Float64Array | number[])[]): Float64Array {
  const all = [...parts, COMMON_EDGES];
  const out = new Float64Array(all.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of all) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Accuracy of one function over float32 inputs, against `Math.fround(ref(x))`. */
export interface Float32Report {
  count: number;
  maxUlp: number;
  /** Inputs whose rounded result differs from the rounded reference. */
  notCorrectlyRounded: number;
  worstInput: number;
}

export function measure32(
  f: (x: number) => number,
  ref: (x: number) => number,
  inputs: Float64Array,
): Float32Report {
  let maxUlp = 0;
  let worstInput = Number.NaN;
  let wrong = 0;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i];
    const d = ulpDistance32(Math.fround(f(x)), Math.fround(ref(x)));
    if (d !== 0) wrong++;
    if (d > maxUlp) {
      maxUlp = d;
      worstInput = x;
    }
  }
  return { count: inputs.length, maxUlp, notCorrectlyRounded: wrong, worstInput };
}

/**
 * Largest relative float64 error over `n` inputs in [lo, hi] (half uniform, half log-uniform in
 * magnitude), ignoring results below the normal double range where relative error is meaningless.
 */
export function measure64(
  f: (x: number) => number,
  ref: (x: number) => number,
  [lo, hi]: [number, number],
  n: number,
  seed: number,
): { maxRel: number; worstInput: number } {
  const next = xorshift32(seed);
  let maxRel = 0;
  let worstInput = Number.NaN;
  for (let i = 0; i < n; i++) {
    const u = (next() + next() / 4294967296) / 4294967296;
    let x: number;
    if (i & 1) x = lo + (hi - lo) * u;
    else {
      // log-uniform magnitude in [1e-12, max(|lo|, |hi|)], sign chosen to stay inside [lo, hi]
      const top = Math.max(Math.abs(lo), Math.abs(hi));
      const mag = M.exp(M.log(1e-12) + u * (M.log(top) - M.log(1e-12)));
      x = next() & 1 ? mag : -mag;
      if (x < lo || x > hi) x = -x;
      if (x < lo || x > hi) continue;
    }
    const r = ref(x);
    const y = f(x);
    if (!Number.isFinite(r) || Math.abs(r) < 2.2250738585072014e-308) continue;
    const rel = Math.abs(y - r) / Math.abs(r);
    if (rel > maxRel) {
      maxRel = rel;
      worstInput = x;
    }
  }
  return { maxRel, worstInput };
}
