/**
 * The orthonormal factor of a QR decomposition, for the orthogonal initializer.
 *
 * Hand-written rather than taken from a linear-algebra library: that would be a dependency for one
 * small decomposition, and we must control its determinism — every sum here runs in one fixed
 * index order in float64 with + − × ÷ and √ only, so every engine computes the same bits.
 *
 * @module
 */

/**
 * Q of the thin QR decomposition A = QR of a tall m × n matrix (m ≥ n), with the columns of Q
 * sign-corrected so that R's diagonal is non-negative: column k of Q is multiplied by sign(R[k][k])
 * as Keras's `Orthogonal` does (a zero diagonal entry, which has probability 0 for random input,
 * leaves its column as it is rather than zeroing it). For a full-rank A this Q is unique: Q = A R⁻¹
 * with R upper triangular with a positive diagonal.
 *
 * Method: Householder reflections H_k = I − τ_k v_k v_kᵀ (LAPACK's dgeqr2 / dorg2r convention:
 * v_k[k] = 1, β = −sign(α)·‖x‖ so that α − β never cancels), then Q = H_0 H_1 ⋯ H_{n−1} [I_n; 0]
 * accumulated backwards. Work arrays are column-major so that every inner loop runs down one
 * column. The inputs here are standard normal draws, so sums of squares cannot overflow and no
 * rescaling is needed.
 *
 * @param a The matrix, row-major: element (i, j) at `a[i * n + j]`. Not modified.
 * @returns Q, row-major m × n, in float64.
 */
export function orthonormalFactor(a: Float64Array, m: number, n: number): Float64Array {
  if (!(m >= n && n >= 0 && a.length === m * n)) {
    throw new Error(
      `orthonormalFactor: need a tall m × n matrix (m ≥ n), got ${m} × ${n}, ${a.length} values`,
    );
  }
  // w holds A column-major; it is overwritten by R (on and above the diagonal) and the v_k (below).
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j];
  const tau = new Float64Array(n);
  const diagonal = new Float64Array(n);

  for (let k = 0; k < n; k++) {
    const col = k * m;
    const alpha = w[col + k];
    let tail = 0;
    for (let i = k + 1; i < m; i++) tail += w[col + i] * w[col + i];
    if (tail === 0) {
      // Already upper triangular in this column: H_k = I.
      tau[k] = 0;
      diagonal[k] = alpha;
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + tail);
    const beta = alpha >= 0 ? -norm : norm;
    tau[k] = (beta - alpha) / beta;
    const pivot = alpha - beta;
    for (let i = k + 1; i < m; i++) w[col + i] /= pivot;
    w[col + k] = beta;
    diagonal[k] = beta;
    // Apply H_k to the remaining columns: c ← c − τ v (vᵀ c), with v[k] = 1.
    for (let j = k + 1; j < n; j++) {
      const cj = j * m;
      let dot = w[cj + k];
      for (let i = k + 1; i < m; i++) dot += w[col + i] * w[cj + i];
      const t = tau[k] * dot;
      w[cj + k] -= t;
      for (let i = k + 1; i < m; i++) w[cj + i] -= t * w[col + i];
    }
  }

  // q (column-major) starts as the first n columns of the identity; H_k only touches rows ≥ k, and
  // at step k columns j < k are still unit vectors e_j with zeros there, so only j ≥ k change.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    if (tau[k] === 0) continue;
    const col = k * m;
    for (let j = k; j < n; j++) {
      const cj = j * m;
      let dot = q[cj + k];
      for (let i = k + 1; i < m; i++) dot += w[col + i] * q[cj + i];
      const t = tau[k] * dot;
      q[cj + k] -= t;
      for (let i = k + 1; i < m; i++) q[cj + i] -= t * w[col + i];
    }
  }

  const out = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const sign = diagonal[j] < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) out[i * n + j] = sign * q[j * m + i];
  }
  return out;
}
