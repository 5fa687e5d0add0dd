import { describe, expect, it } from 'vitest';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { ShapeError } from '../packages/ditto/src/tensor/shape.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

describe('forward values', () => {
  it('float32 matmul rounds every product and every partial sum, accumulating k in ascending order', () => {
    const [m, k, n] = [5, 37, 7];
    const a = Float32Array.from(testValues(m * k, 1));
    const b = Float32Array.from(testValues(k * n, 2));
    const c = ops.matmul(tensor(a, [m, k]), tensor(b, [k, n]));
    // Independent scalar reference of the contract, written as plainly as possible.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc = Math.fround(acc + Math.fround(a[i * k + p] * b[p * n + j]));
        expect(c.data[i * n + j]).toBe(acc);
      }
    }
  });

  it('transposed operands give the same bits as explicitly transposed ones', () => {
    const a = tensor(Float32Array.from(testValues(12, 3)), [4, 3]);
    const b = tensor(Float32Array.from(testValues(15, 4)), [5, 3]);
    const viaFlag = ops.matmul(a, b, { transposeB: true });
    const viaCopy = ops.matmul(a, ops.transpose(b));
    expect(Array.from(viaFlag.data)).toEqual(Array.from(viaCopy.data));
    const viaFlagA = ops.matmul(a, a, { transposeA: true });
    const viaCopyA = ops.matmul(ops.transpose(a), a);
    expect(Array.from(viaFlagA.data)).toEqual(Array.from(viaCopyA.data));
  });

  it('float32 matmul is close to a float64 matmul', () => {
    const a = testValues(64 * 64, 5);
    const b = testValues(64 * 64, 6);
    const c = ops.matmul(tensor(Float32Array.from(a), [64, 64]), tensor(Float32Array.from(b), [64, 64]));
    const a32 = Float32Array.from(a);
    const b32 = Float32Array.from(b);
    for (let i = 0; i < 64; i += 7) {
      for (let j = 0; j < 64; j += 5) {
        let ref = 0;
        for (let p = 0; p < 64; p++) ref += a32[i * 64 + p] * b32[p * 64 + j];
        expect(Math.abs(c.data[i * 64 + j] - ref)).toBeLessThan(1e-4);
      }
    }
  });

  it('broadcasts like NumPy', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([10, 20, 30]);
    expect(ops.add(a, b).toArray()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(ops.sub(tensor([[1], [2]]), b).toArray()).toEqual([
      [-9, -19, -29],
      [-8, -18, -28],
    ]);
    expect(ops.mul(a, tensor(2, [])).toArray()).toEqual([
      [2, 4, 6],
      [8, 10, 12],
    ]);
  });

  it('float32 elementwise arithmetic is correctly rounded', () => {
    const x = Float32Array.from(testValues(1000, 7));
    const y = Float32Array.from(testValues(1000, 8, 0.1, 3));
    const q = ops.div(tensor(x), tensor(y)).data;
    for (let i = 0; i < 1000; i++) expect(q[i]).toBe(Math.fround(x[i] / y[i]));
  });

  it('reduces in row-major order from +0', () => {
    const values = Float32Array.from(testValues(24, 9));
    const x = tensor(values, [2, 3, 4]);
    const s = ops.sum(x, [0, 2]).data;
    for (let j = 0; j < 3; j++) {
      let acc = 0;
      for (let i = 0; i < 2; i++)
        for (let k = 0; k < 4; k++) acc = Math.fround(acc + values[i * 12 + j * 4 + k]);
      expect(s[j]).toBe(acc);
    }
    expect(ops.sum(tensor([-0])).item()).toBe(0);
    expect(Object.is(ops.sum(tensor([-0])).item(), 0)).toBe(true);
    expect(
      ops
        .mean(
          tensor([
            [1, 2],
            [3, 5],
          ]),
          1,
        )
        .toArray(),
    ).toEqual([1.5, 4]);
    expect(
      ops
        .max(
          tensor([
            [1, 7],
            [9, 5],
          ]),
          0,
        )
        .toArray(),
    ).toEqual([9, 7]);
  });

  it('softmax rows sum to one and match a float64 reference', () => {
    const x = tensor(Float64Array.from(testValues(20, 10, -5, 5)), [4, 5], 'float64');
    const y = ops.softmax(x);
    const ly = ops.logSoftmax(x);
    for (let r = 0; r < 4; r++) {
      const row = Array.from(x.data.subarray(r * 5, r * 5 + 5));
      const m = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - m), 0); // determinism-ok: test reference
      for (let j = 0; j < 5; j++) {
        expect(y.data[r * 5 + j]).toBeCloseTo(Math.exp(row[j] - m) / z, 14); // determinism-ok: test reference
        expect(ly.data[r * 5 + j]).toBeCloseTo(row[j] - m - Math.log(z), 13); // determinism-ok: test reference
      }
    }
  });

  it('moves data: reshape, transpose, slice, concat, gather', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(ops.reshape(x, [3, -1]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(ops.transpose(x).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(ops.slice(x, [0, 1], [2, 2]).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(ops.concat([x, tensor([[7, 8, 9]])], 0).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(ops.gather(x, [1, 1, 0]).toArray()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
      [1, 2, 3],
    ]);
  });
});

describe('errors name the op and the shapes', () => {
  it('matmul with mismatched inner dimensions', () => {
    expect(() => ops.matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => ops.matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(/matmul.*\[1, 3\].*\[1, 2\]/);
  });
  it('broadcasting failures', () => {
    expect(() => ops.add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(
      /add: shapes \[3\] and \[2\] cannot be broadcast/,
    );
  });
  it('bad reshape, axis, slice and gather', () => {
    expect(() => ops.reshape(tensor([1, 2, 3]), [2, 2])).toThrow(/reshape: cannot reshape \[3\]/);
    expect(() => ops.sum(tensor([1, 2]), 3)).toThrow(/axis 3 is out of range/);
    expect(() => ops.slice(tensor([1, 2]), [1], [2])).toThrow(/slice/);
    expect(() => ops.gather(tensor([[1], [2]]), [2])).toThrow(/index 2 at position 0/);
  });
  it('ragged nested arrays and mixed dtypes', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => ops.add(tensor([1]), tensor([1], [1], 'float64'))).toThrow(/dtypes differ/);
  });
});
