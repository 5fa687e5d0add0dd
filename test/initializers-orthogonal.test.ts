import { describe, expect, it } from 'vitest';
import { Orthogonal, orthogonal, orthonormalFactor } from '../packages/ditto/src/initializers/index.js';
import * as random from '../packages/ditto/src/random/index.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';

/** Largest |(MᵀM or MMᵀ) − gain²·I| entry for a row-major rows × cols matrix, in float64. */
function gramError(w: FloatArray, rows: number, cols: number, overColumns: boolean, gain = 1): number {
  const n = overColumns ? cols : rows;
  const len = overColumns ? rows : cols;
  const at = (v: number, t: number) => (overColumns ? w[t * cols + v] : w[v * cols + t]);
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let t = 0; t < len; t++) dot += at(a, t) * at(b, t);
      worst = Math.max(worst, Math.abs(dot - (a === b ? gain * gain : 0)));
    }
  }
  return worst;
}

/**
 * An independent reference for Q: the Cholesky factor R of AᵀA (upper triangular, positive
 * diagonal) is the R of A's QR decomposition with a positive diagonal, so Q = A·R⁻¹. `a` is
 * row-major m × n with m ≥ n; the result is row-major m × n.
 */
function choleskyQ(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += a[t * n + i] * a[t * n + j];
      g[i * n + j] = s;
    }
  // G = RᵀR, R upper triangular.
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = g[i * n + j];
      for (let t = 0; t < i; t++) s -= r[t * n + i] * r[t * n + j];
      r[i * n + j] = i === j ? Math.sqrt(s) : s / r[i * n + i];
    }
  }
  // Each row x of Q solves x·R = a_row (forward substitution over columns).
  const q = new Float64Array(m * n);
  for (let row = 0; row < m; row++) {
    for (let j = 0; j < n; j++) {
      let s = a[row * n + j];
      for (let t = 0; t < j; t++) s -= q[row * n + t] * r[t * n + j];
      q[row * n + j] = s / r[j * n + j];
    }
  }
  return q;
}

describe('orthonormalFactor (Householder QR)', () => {
  it('gives Q = A / 2 for a matrix with orthogonal columns of norm 2', () => {
    const a = Float64Array.from([1, 1, 1, -1, 1, 1, 1, -1]);
    const q = orthonormalFactor(a, 4, 2);
    for (let i = 0; i < a.length; i++) expect(Math.abs(q[i] - a[i] / 2)).toBeLessThan(1e-15);
  });

  it('makes R’s diagonal positive, also where no reflection is needed', () => {
    // A single column: Q = a / ‖a‖ with R = ‖a‖ > 0, whatever the sign of the first entry.
    const q1 = orthonormalFactor(Float64Array.from([-3, 0, 4]), 3, 1);
    expect(Array.from(q1).map((x) => Math.round(x * 1e12) / 1e12)).toEqual([-0.6, 0, 0.8]);
    // Already triangular with a negative diagonal: R = diag(2, 5), Q = A · R⁻¹.
    const q2 = orthonormalFactor(Float64Array.from([-2, 0, 0, -5, 0, 0]), 3, 2);
    expect(Array.from(q2, (x) => x + 0)).toEqual([-1, 0, 0, -1, 0, 0]); // x + 0 turns −0 into 0
  });

  it('agrees with the Cholesky reference on a random square matrix', () => {
    const n = 30;
    const a = Float64Array.from(random.normal(random.key(1), n * n));
    const q = orthonormalFactor(a, n, n);
    const ref = choleskyQ(a, n, n);
    let worst = 0;
    for (let i = 0; i < q.length; i++) worst = Math.max(worst, Math.abs(q[i] - ref[i]));
    expect(worst).toBeLessThan(1e-9);
  });
});

describe('orthogonal initializer', () => {
  it('tall weights have orthonormal columns (WᵀW ≈ I within 1e-5 in float32)', () => {
    const w = orthogonal().init([64, 16], 'float32', random.key(2));
    expect(w).toBeInstanceOf(Float32Array);
    expect(gramError(w, 64, 16, true)).toBeLessThan(1e-5);
  });

  it('square weights are orthogonal both ways', () => {
    const w = orthogonal().init([50, 50], 'float32', random.key(3));
    expect(gramError(w, 50, 50, true)).toBeLessThan(1e-5);
    expect(gramError(w, 50, 50, false)).toBeLessThan(1e-5);
  });

  it('wide weights have orthonormal rows (WWᵀ ≈ I)', () => {
    const w = orthogonal().init([10, 40], 'float32', random.key(4));
    expect(gramError(w, 10, 40, false)).toBeLessThan(1e-5);
  });

  it('kernels of rank > 2 are orthogonal as (product of leading dims) × last', () => {
    const w = orthogonal().init([3, 3, 8, 16], 'float32', random.key(5));
    expect(w.length).toBe(3 * 3 * 8 * 16);
    expect(gramError(w, 72, 16, true)).toBeLessThan(1e-5);
  });

  it('gain scales the matrix: WᵀW ≈ gain²·I', () => {
    const w = orthogonal({ gain: 2 }).init([40, 20], 'float32', random.key(6));
    expect(gramError(w, 40, 20, true, 2)).toBeLessThan(4e-5);
    const w64 = orthogonal({ gain: 0.5 }).init([40, 20], 'float64', random.key(6));
    expect(w64).toBeInstanceOf(Float64Array);
    expect(gramError(w64, 40, 20, true, 0.5)).toBeLessThan(1e-13);
  });

  it('is Q of the QR of the normal draws, as Keras defines it (tall and wide)', () => {
    const k = random.key(7);
    // Tall 40 × 12: A = the draws as a 40 × 12 matrix.
    const tall = orthogonal().init([40, 12], 'float32', k);
    const qTall = choleskyQ(random.normal(k, 480), 40, 12);
    for (let i = 0; i < tall.length; i++) expect(Math.abs(tall[i] - qTall[i])).toBeLessThan(1e-6);
    // Wide 6 × 30: A is 30 × 6, and the weight is Qᵀ.
    const wide = new Orthogonal().init([6, 30], 'float32', k);
    const qWide = choleskyQ(random.normal(k, 180), 30, 6);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 30; j++) expect(Math.abs(wide[i * 30 + j] - qWide[j * 6 + i])).toBeLessThan(1e-6);
  });

  it('handles empty shapes', () => {
    expect(orthogonal().init([0, 5], 'float32', random.key(0)).length).toBe(0);
  });
});
