/**
 * The ops the recurrent and embedding layers add: stack/unstack, split, reverse, where and
 * scatterAdd — values against hand-written expectations, gradients against central finite
 * differences in float64, and bad input.
 */
import { describe, expect, it } from 'vitest';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';

describe('values', () => {
  const x = tensor([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]);
  it('stack and unstack along every axis', () => {
    expect(ops.stack([tensor([1, 2]), tensor([3, 4])], 0).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(ops.stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(ops.unstack(x, 1).map((t) => t.toArray())).toEqual([
      [1, 5],
      [2, 6],
      [3, 7],
      [4, 8],
    ]);
    expect(ops.unstack(x, 0).map((t) => t.toArray())).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });
  it('split into equal pieces and into given sizes', () => {
    expect(ops.split(x, 2, 1).map((t) => t.toArray())).toEqual([
      [
        [1, 2],
        [5, 6],
      ],
      [
        [3, 4],
        [7, 8],
      ],
    ]);
    expect(ops.split(x, [1, 3], -1).map((t) => t.shape)).toEqual([
      [2, 1],
      [2, 3],
    ]);
  });
  it('reverse', () => {
    expect(ops.reverse(x, 1).toArray()).toEqual([
      [4, 3, 2, 1],
      [8, 7, 6, 5],
    ]);
    expect(ops.reverse(x, 0).toArray()).toEqual([
      [5, 6, 7, 8],
      [1, 2, 3, 4],
    ]);
  });
  it('where copies values (−0 and infinities survive) and broadcasts the condition', () => {
    const picked = ops.where(tensor([[1], [0]]), tensor([[-0, Infinity]]), tensor([[5, 6]]));
    expect(Object.is(picked.data[0], -0)).toBe(true);
    expect(Array.from(picked.data)).toEqual([-0, Infinity, 5, 6]);
  });
  it('scatterAdd sums repeated rows in ascending position order', () => {
    expect(ops.scatterAdd([2, 0, 2], tensor([[1], [2], [3]]), 3).toArray()).toEqual([[2], [0], [4]]);
    // In float32, (1 + 2⁻²⁴) + 2⁻²⁴ loses both halves; the fixed order makes that the answer everywhere.
    const tiny = 2 ** -24;
    const sum = ops.scatterAdd([0, 0, 0], tensor([[1], [tiny], [tiny]]), 1);
    expect(sum.data[0]).toBe(1);
    const reordered = ops.scatterAdd([0, 0, 0], tensor([[tiny], [tiny], [1]]), 1);
    expect(reordered.data[0]).toBe(Math.fround(1 + 2 * tiny));
  });
});

describe('gradients agree with central finite differences in float64', () => {
  it('stack', () => {
    const a = param([2, 3], 1);
    const b = param([2, 3], 2);
    checkGradients(() => ops.stack([a, b], 1), [a, b]);
  });
  it('unstack (each part on its own and all together)', () => {
    const x = param([2, 3, 2], 3);
    checkGradients(() => ops.unstack(x, 1)[1], [x]);
    checkGradients(() => ops.stack(ops.unstack(x, 1).reverse(), 0), [x]);
  });
  it('split', () => {
    const x = param([3, 6], 4);
    checkGradients(() => {
      const [p, q, r] = ops.split(x, [1, 2, 3], 1);
      return ops.concat([ops.mul(p, p), q, ops.exp(r)], 1);
    }, [x]);
  });
  it('reverse', () => {
    const x = param([2, 4, 3], 5);
    checkGradients(() => ops.mul(ops.reverse(x, 1), x), [x]);
  });
  it('where, with a broadcast condition and broadcast operands', () => {
    const a = param([3, 4], 6);
    const b = param([4], 7);
    const condition = tensor([[1], [0], [1]], undefined, 'float64');
    checkGradients(() => ops.where(condition, ops.mul(a, a), b), [a, b]);
  });
  it('scatterAdd, with repeated indices', () => {
    const u = param([5, 3], 8);
    checkGradients(() => ops.scatterAdd([1, 3, 1, 0, 1], ops.mul(u, u), 4), [u]);
  });
  it('gather (the embedding lookup), with repeated indices', () => {
    const table = param([4, 3], 9);
    checkGradients(() => ops.gather(table, [2, 0, 2, 2, 3], [5]), [table]);
  });
});

describe('bad input names the op and the shapes', () => {
  it('stack of different shapes', () => {
    expect(() => ops.stack([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(
      /stack: tensor 1 has shape \[3\], tensor 0 has \[2\]/,
    );
  });
  it('split that does not divide the axis', () => {
    expect(() => ops.split(tensor([[1, 2, 3]]), 2, 1)).toThrow(
      /split: cannot cut axis 1 of \[1, 3\] \(length 3\) into 2/,
    );
    expect(() => ops.split(tensor([[1, 2, 3]]), [1, 1], 1)).toThrow(/sizes \[1, 1\] do not add up/);
  });
  it('scatterAdd with an index out of range', () => {
    expect(() => ops.scatterAdd([0, 4], tensor([[1], [2]]), 3)).toThrow(
      /index 4 at position 1 is outside \[0, 3\)/,
    );
  });
  it('where with shapes that do not broadcast', () => {
    expect(() => ops.where(tensor([1, 0, 1]), tensor([1, 2]), tensor([1, 2]))).toThrow(/where: shapes/);
  });
});
