import { describe, expect, it } from 'vitest';
import { backward } from '../packages/ditto/src/tensor/autograd.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import type { Shape } from '../packages/ditto/src/tensor/shape.js';
import { type Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients as checkGradientsOf } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

/** A float64 tensor of test values that requires a gradient. */
function param(shape: Shape, seed: number, lo = -2, hi = 2): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const t = tensor(Float64Array.from(testValues(size, seed, lo, hi)), shape, 'float64');
  t.requiresGrad = true;
  return t;
}

/** The shared float64 central-difference check, with f taking its inputs as arguments. */
function checkGradients(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tolerance = 1e-6): void {
  checkGradientsOf(() => f(...inputs), inputs, tolerance);
}

describe('gradients agree with central finite differences in float64', () => {
  const unaryCases: Array<[string, (x: Tensor) => Tensor, number, number]> = [
    ['neg', ops.neg, -2, 2],
    ['abs', ops.abs, 0.1, 2],
    ['square', ops.square, -2, 2],
    ['sqrt', ops.sqrt, 0.2, 3],
    ['exp', ops.exp, -2, 2],
    ['log', ops.log, 0.2, 3],
    ['linear', ops.linear, -2, 2],
    ['relu', ops.relu, -2, 2],
    ['leakyRelu', (x) => ops.leakyRelu(x, 0.3), -2, 2],
    ['elu', (x) => ops.elu(x, 1.5), -2, 2],
    ['selu', ops.selu, -2, 2],
    ['sigmoid', ops.sigmoid, -4, 4],
    ['hardSigmoid', ops.hardSigmoid, -5, 5],
    ['tanh', ops.tanh, -3, 3],
    ['softplus', ops.softplus, -4, 4],
    ['softsign', ops.softsign, -3, 3],
    ['swish', ops.swish, -3, 3],
    ['gelu', ops.gelu, -3, 3],
    ['softmax', ops.softmax, -3, 3],
    ['logSoftmax', ops.logSoftmax, -3, 3],
  ];
  for (const [name, f, lo, hi] of unaryCases) {
    it(name, () => {
      // Keep inputs away from kinks (relu at 0, hardSigmoid at ±3) where differences are undefined.
      const x = param([3, 4], name.length, lo, hi);
      for (let i = 0; i < x.size; i++)
        if (Math.abs(x.data[i]) < 1e-3 || Math.abs(Math.abs(x.data[i]) - 3) < 1e-3) x.data[i] += 0.01;
      checkGradients(f, [x]);
    });
  }

  const binaryCases: Array<[string, (a: Tensor, b: Tensor) => Tensor]> = [
    ['add', ops.add],
    ['sub', ops.sub],
    ['mul', ops.mul],
    ['div', ops.div],
    ['maximum', ops.maximum],
    ['minimum', ops.minimum],
  ];
  for (const [name, f] of binaryCases) {
    it(`${name} with broadcasting`, () => {
      checkGradients(f, [param([2, 3, 4], 1), param([3, 1], 2, 0.5, 2)]);
      checkGradients(f, [param([4], 3, 0.5, 2), param([2, 4], 4)]);
    });
  }

  it('matmul in every transpose combination', () => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const a = param(transposeA ? [4, 3] : [3, 4], 5);
        const b = param(transposeB ? [5, 4] : [4, 5], 6);
        checkGradients((x, y) => ops.matmul(x, y, { transposeA, transposeB }), [a, b]);
      }
    }
  });

  it('sum, mean and max over axes', () => {
    checkGradients((x) => ops.sum(x, 1), [param([2, 3, 4], 7)]);
    checkGradients((x) => ops.sum(x, [0, 2], { keepDims: true }), [param([2, 3, 4], 8)]);
    checkGradients((x) => ops.mean(x, [0, 2]), [param([2, 3, 4], 9)]);
    checkGradients((x) => ops.mean(x), [param([2, 3], 10)]);
    checkGradients((x) => ops.max(x, 1), [param([3, 5], 11)]);
  });

  it('reshape, transpose, slice, concat and gather', () => {
    checkGradients((x) => ops.reshape(x, [4, -1]), [param([2, 3, 2], 12)]);
    checkGradients((x) => ops.transpose(x, [2, 0, 1]), [param([2, 3, 4], 13)]);
    checkGradients((x) => ops.slice(x, [1, 0, 2], [1, 2, -1]), [param([2, 3, 4], 14)]);
    checkGradients((x, y) => ops.concat([x, y], 1), [param([2, 3], 15), param([2, 2], 16)]);
    checkGradients((x) => ops.gather(x, [2, 0, 2, 1], [2, 2]), [param([3, 4], 17)]);
  });

  it('a composed expression: a small dense layer with a loss', () => {
    const x = param([5, 3], 18);
    const w = param([3, 4], 19);
    const b = param([4], 20);
    checkGradients((xx, ww, bb) => ops.tanh(ops.add(ops.matmul(xx, ww), bb)), [x, w, b]);
  });
});

describe('gradient bookkeeping', () => {
  it('accumulates gradients of a tensor used twice', () => {
    const x = param([3], 21);
    backward(ops.sum(ops.mul(x, x)));
    for (let i = 0; i < 3; i++) expect(x.grad!.data[i]).toBeCloseTo(2 * x.data[i], 12);
  });

  it('refuses backward from a tensor with no gradient history', () => {
    expect(() => backward(tensor([1, 2]))).toThrow(/does not depend/);
  });
});
