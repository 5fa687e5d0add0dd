/**
 * Fixed inputs through the fused Dense kernels, the Adam kernel, every initializer and the dropout
 * masks, hashed: the pins test/golden-kernels.test.ts holds for them were computed from main before
 * the one-engine redesign (issue 10), so the engine must reproduce them bit for bit.
 */
import type { Backend } from '../../packages/ditto/src/backend/backend.js';
import { hashArrays } from '../../packages/ditto/src/hash/fingerprint.js';
import * as initializers from '../../packages/ditto/src/initializers/index.js';
import { Dropout } from '../../packages/ditto/src/layers/dropout.js';
import type { UnaryOp } from '../../packages/ditto/src/numeric/elementwise.js';
import { key } from '../../packages/ditto/src/random/index.js';
import { Tensor } from '../../packages/ditto/src/tensor/tensor.js';
import { testValues } from './test-values.js';

const f32 = (n: number, seed: number, lo = -3, hi = 3) => Float32Array.from(testValues(n, seed, lo, hi));

/** Shapes × activations the fused Dense kernels are pinned on. */
const DENSE_CASES: ReadonlyArray<readonly [number, number, number, UnaryOp, boolean]> = [
  [7, 19, 5, 'linear', true],
  [7, 19, 5, 'relu', true],
  [9, 1, 10, 'linear', true],
  [16, 33, 12, 'tanh', false],
  [4, 8, 3, 'sigmoid', true],
  [5, 6, 7, 'elu', true],
  [3, 4, 6, 'leakyRelu', true],
];

/** One hash per Dense case: z, y, dz, dx, dw, db of the backend's fused kernels. */
export function denseKernelHashes(backend: Backend): Record<string, string> {
  const { denseForward, denseBackward } = backend;
  if (!denseForward || !denseBackward) throw new Error(`${backend.name} has no fused Dense kernels`);
  const out: Record<string, string> = {};
  DENSE_CASES.forEach(([m, k, n, activation, withBias], c) => {
    const alpha = activation === 'leakyRelu' ? 0.2 : 1;
    const x = f32(m * k, 100 + c);
    const w = f32(k * n, 200 + c, -1, 1);
    const bias = withBias ? f32(n, 300 + c, -0.5, 0.5) : null;
    const z = new Float32Array(m * n);
    const y = activation === 'linear' ? z : new Float32Array(m * n);
    denseForward.call(backend, x, w, bias, z, y, m, k, n, activation, alpha);
    const dy = f32(m * n, 400 + c);
    const dz = activation === 'linear' ? dy : new Float32Array(m * n);
    const dx = new Float32Array(m * k);
    const dw = new Float32Array(k * n);
    const db = withBias ? new Float32Array(n) : null;
    denseBackward.call(backend, x, w, z, dy, dz, dx, dw, db, m, k, n, activation, alpha);
    const arrays = [z, y, dz, dx, dw];
    if (db) arrays.push(db);
    out[`dense:${m}x${k}x${n}:${activation}${withBias ? '' : ':noBias'}`] = hashArrays(arrays);
  });
  return out;
}

/** Three Adam steps on fixed data, plain, with weight decay and with AMSGrad. */
export function adamKernelHashes(backend: Backend): Record<string, string> {
  const adamUpdate = backend.adamUpdate;
  if (!adamUpdate) throw new Error(`${backend.name} has no Adam kernel`);
  const fr = Math.fround;
  const out: Record<string, string> = {};
  for (const [name, decay, amsgrad] of [
    ['adam', false, false],
    ['adam:weightDecay', true, false],
    ['adam:amsgrad', false, true],
    ['adam:weightDecay:amsgrad', true, true],
  ] as const) {
    const n = 37;
    const w = f32(n, 500);
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    const vHat = amsgrad ? new Float32Array(n) : null;
    for (let t = 1; t <= 3; t++) {
      const grad = f32(n, 600 + t, -2, 2);
      const alpha = fr(fr(fr(0.01) * fr(Math.sqrt(fr(1 - fr(0.999 ** t))))) / fr(1 - fr(0.9 ** t)));
      adamUpdate.call(
        backend,
        w,
        grad,
        m,
        v,
        vHat,
        fr(0.01),
        decay ? fr(0.004) : null,
        alpha,
        fr(0.1),
        fr(0.001),
        fr(1e-7),
      );
    }
    const arrays = [w, m, v];
    if (vHat) arrays.push(vHat);
    out[name] = hashArrays(arrays);
  }
  return out;
}

/** Every initializer by name, on key(42) and shape [6, 4], in float32 and float64. */
export function initializerHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  const names = [
    'constant',
    'glorotNormal',
    'glorotUniform',
    'heNormal',
    'heUniform',
    'identity',
    'lecunNormal',
    'lecunUniform',
    'ones',
    'orthogonal',
    'randomNormal',
    'randomUniform',
    'truncatedNormal',
    'varianceScaling',
    'zeros',
  ];
  for (const name of names) {
    const init = initializers.getInitializer(name);
    out[`init:${name}`] = hashArrays([
      init.init([6, 4], 'float32', key(42)),
      init.init([6, 4], 'float64', key(42)),
    ]);
  }
  return out;
}

/** Three training calls of a seeded Dropout(0.3) on ones [5, 7]: the masks it applies. */
export function dropoutMaskHash(): string {
  const layer = new Dropout(0.3, { seed: 11 });
  layer.build([7]);
  const ones = new Tensor(new Float32Array(35).fill(1), [5, 7]);
  const masks = [0, 1, 2].map(() => layer.call(ones, { training: true }).data);
  return hashArrays(masks);
}
