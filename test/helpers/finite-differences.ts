/**
 * Central finite differences in float64 for gradient checks: the analytic gradient of
 * sum(f(inputs) · w), with w fixed test weights so that every output element matters.
 */
import { expect } from 'vitest';
import { backward } from '../../packages/ditto/src/tensor/autograd.js';
import * as ops from '../../packages/ditto/src/tensor/ops/index.js';
import type { Shape } from '../../packages/ditto/src/tensor/shape.js';
import { type Tensor, tensor } from '../../packages/ditto/src/tensor/tensor.js';
import { testValues } from './test-values.js';

/** A float64 tensor of test values that requires a gradient. */
export function param(shape: Shape, seed: number, lo = -2, hi = 2): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const t = tensor(Float64Array.from(testValues(size, seed, lo, hi)), shape, 'float64');
  t.requiresGrad = true;
  return t;
}

/** Checks d/dx of sum(f() · w) for every x in `inputs` (which f reads) against central differences. */
export function checkGradients(f: () => Tensor, inputs: readonly Tensor[], tolerance = 1e-6): void {
  const probe = f();
  const weights = tensor(Float64Array.from(testValues(probe.size, 99, 0.5, 1.5)), probe.shape, 'float64');
  const objective = () => ops.sum(ops.mul(f(), weights));
  for (const x of inputs) x.grad = null;
  backward(objective());
  const h = 1e-6;
  for (const x of inputs) {
    expect(x.grad, 'gradient computed').not.toBeNull();
    for (let i = 0; i < x.size; i++) {
      const saved = x.data[i];
      x.data[i] = saved + h;
      const up = objective().item();
      x.data[i] = saved - h;
      const down = objective().item();
      x.data[i] = saved;
      const numeric = (up - down) / (2 * h);
      const analytic = x.grad?.data[i] ?? Number.NaN;
      expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(numeric)));
    }
  }
}
