/**
 * The reference backend's kernels, rewritten for speed, against plain scalar loops of the numeric
 * contract (written here as simply as possible); the fused Dense kernels against the autograd ops
 * they replace; the fused loss kernels against the losses differentiated on the tape.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { Variable } from '../packages/ditto/src/layers/variable.js';
import * as losses from '../packages/ditto/src/losses/index.js';
import {
  denseBackwardComposite,
  denseForwardComposite,
} from '../packages/ditto/src/models/fast-path/dense-kernels.js';
import { fromLogits } from '../packages/ditto/src/models/fast-path/from-logits.js';
import {
  binaryCrossentropyKernel,
  categoricalCrossentropyKernel,
  categoricalCrossentropyLogitsKernel,
  type LossBatch,
  meanAbsoluteErrorKernel,
  meanSquaredErrorKernel,
  oneHotInto,
} from '../packages/ditto/src/models/fast-path/loss-kernels.js';
import {
  type BinaryOp,
  binaryForward,
  UNARY_OPS,
  type UnaryOp,
  unaryBackward,
  unaryForward,
} from '../packages/ditto/src/numeric/elementwise.js';
import { Adam, type AdamBase, AdamW, powerFor } from '../packages/ditto/src/optimizers/index.js';
import { backward } from '../packages/ditto/src/tensor/autograd.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { broadcastStrides } from '../packages/ditto/src/tensor/shape.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

/** Values with the awkward ones mixed in: signed zeros, subnormals, huge, infinities, NaN. */
function awkward(count: number, seed: number, lo = -3, hi = 3): number[] {
  const specials = [0, -0, 1e-40, -1e-40, 3e38, -3e38, 1, -1, 0.5];
  return testValues(count, seed, lo, hi).map((v, i) =>
    i % 11 === 5 ? specials[((i / 11) % specials.length) | 0] : v,
  );
}

function withNonFinite(values: number[]): number[] {
  return values.map((v, i) =>
    i % 37 === 3
      ? Number.NaN
      : i % 37 === 9
        ? Number.POSITIVE_INFINITY
        : i % 37 === 21
          ? Number.NEGATIVE_INFINITY
          : v,
  );
}

function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const f32 = (values: number[]) => Float32Array.from(values);
const f64 = (values: number[]) => Float64Array.from(values);

describe('matmul', () => {
  /** The contract: each output from +0, products then sums rounded to out's dtype, ascending p. */
  function reference(
    a: FloatArray,
    b: FloatArray,
    m: number,
    k: number,
    n: number,
    tA: boolean,
    tB: boolean,
    out: FloatArray,
  ) {
    const round = out instanceof Float32Array ? Math.fround : (x: number) => x;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = tA ? a[p * m + i] : a[i * k + p];
          const bv = tB ? b[j * k + p] : b[p * n + j];
          acc = round(acc + round(av * bv));
        }
        out[i * n + j] = acc;
      }
    }
  }
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 7, 17],
    [17, 3, 7],
    [7, 17, 3],
    [1000, 1, 1],
    [1, 1000, 1],
    [1, 1, 1000],
    [4, 4, 4],
    [9, 1, 10],
    [9, 10, 1],
    [5, 0, 3],
  ];
  for (const [m, k, n] of shapes) {
    it(`${m}×${k}×${n}, every transposition, float32 and float64`, () => {
      for (const [tA, tB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        for (const make of [f32, f64]) {
          const a = make(awkward(m * k, m + 3 * k));
          const b = make(awkward(k * n, n + 5 * k));
          const out = make(new Array(m * n).fill(7));
          const want = make(new Array(m * n).fill(0));
          jsBackend.matmul(a, b, out, m, k, n, tA, tB);
          reference(a, b, m, k, n, tA, tB, want);
          expectSameBits(out, want, `${m}×${k}×${n} ${tA}/${tB} ${make.name}`);
        }
      }
    });
  }

  it('propagates NaN and infinities as the scalar loop does', () => {
    const [m, k, n] = [6, 9, 5];
    const a = f32(withNonFinite(awkward(m * k, 1)));
    const b = f32(withNonFinite(awkward(k * n, 2)));
    const out = new Float32Array(m * n);
    const want = new Float32Array(m * n);
    jsBackend.matmul(a, b, out, m, k, n, false, false);
    reference(a, b, m, k, n, false, false, want);
    expectSameBits(out, want, 'non-finite');
  });
});

describe('binary', () => {
  /** Odometer over out's index space: the plainest statement of broadcasting. */
  function reference(
    op: BinaryOp,
    a: FloatArray,
    aShape: number[],
    b: FloatArray,
    bShape: number[],
    shape: number[],
    out: FloatArray,
  ) {
    const as = broadcastStrides(aShape, shape);
    const bs = broadcastStrides(bShape, shape);
    const index = new Array(shape.length).fill(0);
    for (let o = 0; o < out.length; o++) {
      let ai = 0;
      let bi = 0;
      for (let d = 0; d < shape.length; d++) {
        ai += index[d] * as[d];
        bi += index[d] * bs[d];
      }
      out[o] = binaryForward(op, a[ai], b[bi]);
      for (let d = shape.length - 1; d >= 0; d--) {
        if (++index[d] < shape[d]) break;
        index[d] = 0;
      }
    }
  }
  const layouts: Array<[number[], number[], number[]]> = [
    [
      [4, 5],
      [4, 5],
      [4, 5],
    ],
    [[4, 5], [5], [4, 5]],
    [[5], [4, 5], [4, 5]],
    [
      [4, 5],
      [4, 1],
      [4, 5],
    ],
    [[4, 5], [], [4, 5]],
    [[], [4, 5], [4, 5]],
    [
      [2, 3, 4],
      [3, 1],
      [2, 3, 4],
    ],
    [
      [2, 1, 4],
      [1, 3, 1],
      [2, 3, 4],
    ],
    [
      [2, 3, 4],
      [2, 1, 4],
      [2, 3, 4],
    ],
    [
      [1, 7],
      [3, 1],
      [3, 7],
    ],
    [[1000, 1], [1], [1000, 1]],
    [[], [], []],
  ];
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
    it(`${op} over same shapes, bias rows, columns, scalars and 3-D broadcasts`, () => {
      for (const [aShape, bShape, shape] of layouts) {
        for (const make of [f32, f64]) {
          const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
          const a = make(withNonFinite(awkward(size(aShape), 3 + aShape.length)));
          const b = make(withNonFinite(awkward(size(bShape), 9 + bShape.length)));
          const out = make(new Array(size(shape)).fill(0));
          const want = make(new Array(size(shape)).fill(0));
          jsBackend.binary(
            op,
            a,
            broadcastStrides(aShape, shape),
            b,
            broadcastStrides(bShape, shape),
            out,
            shape,
          );
          reference(op, a, aShape, b, bShape, shape, want);
          expectSameBits(out, want, `${op} [${aShape}] [${bShape}] ${make.name}`);
        }
      }
    });
  }
});

describe('unary and its gradient', () => {
  it('every op equals unaryForward / unaryBackward element by element', () => {
    const x = withNonFinite(awkward(400, 21, -8, 8));
    const dy = awkward(400, 22, -2, 2);
    for (const op of UNARY_OPS) {
      for (const alpha of [0.2, 1, 1.7]) {
        for (const make of [f32, f64]) {
          const xs = make(x);
          const dys = make(dy);
          const out = make(new Array(x.length).fill(0));
          jsBackend.unary(op, xs, out, alpha);
          expectSameBits(out, make(Array.from(xs, (v) => unaryForward(op, v, alpha))), `${op} forward`);
          const dx = make(new Array(x.length).fill(0));
          jsBackend.unaryBackward(op, xs, dys, dx, alpha);
          expectSameBits(
            dx,
            make(Array.from(xs, (v, i) => unaryBackward(op, v, dys[i], alpha))),
            `${op} backward`,
          );
        }
      }
    }
  });
});

describe('reduce', () => {
  it('sums from +0 in ascending axis index and keeps the first maximum', () => {
    for (const [outer, axis, inner] of [
      [1, 1, 1],
      [3, 7, 1],
      [1, 17, 5],
      [4, 3, 6],
      [1, 1000, 1],
      [2, 0, 3],
    ]) {
      for (const make of [f32, f64]) {
        const x = make(withNonFinite(awkward(outer * axis * inner, outer + axis + inner)));
        const round = make === f32 ? Math.fround : (v: number) => v;
        const sum = make(new Array(outer * inner).fill(9));
        jsBackend.reduce('sum', x, sum, outer, axis, inner);
        const want = make(new Array(outer * inner).fill(0));
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let acc = 0;
            for (let p = 0; p < axis; p++) acc = round(acc + x[(o * axis + p) * inner + i]);
            want[o * inner + i] = acc;
          }
        }
        expectSameBits(sum, want, `sum ${outer}×${axis}×${inner}`);
      }
    }
  });
});

/** jsBackend without its fused kernels, for the composite definitions. */
const basic: Backend = { ...jsBackend, denseForward: undefined, denseBackward: undefined };

describe('fused Dense kernels', () => {
  const activations: UnaryOp[] = [
    'linear',
    'relu',
    'leakyRelu',
    'elu',
    'tanh',
    'sigmoid',
    'gelu',
    'softsign',
  ];
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 7, 17],
    [17, 3, 7],
    [1000, 1, 1],
    [1, 1000, 1],
    [1, 1, 1000],
    [9, 1, 10],
    [9, 10, 1],
  ];
  for (const [m, k, n] of shapes) {
    it(`${m}×${k}→${n}: the backend's fused kernels, the composite and the autograd ops agree`, () => {
      for (const activation of activations) {
        for (const withBias of [true, false]) {
          const alpha = activation === 'leakyRelu' ? 0.2 : 1;
          const x = f32(awkward(m * k, m + k));
          const w = f32(testValues(k * n, k + n, -1, 1));
          const bias = withBias ? f32(testValues(n, n + 1, -0.5, 0.5)) : null;
          const dy = f32(testValues(m * n, m + n + 2, -1, 1));
          // The autograd ops the fast path replaces.
          const xt = new Tensor(x, [m, k], true);
          const wt = new Tensor(w, [k, n], true);
          const bt = bias ? new Tensor(bias, [n], true) : null;
          let zt = ops.matmul(xt, wt);
          if (bt) zt = ops.add(zt, bt);
          const yt = ops.unary(activation, zt, alpha);
          backward(yt, new Tensor(dy, [m, n]));

          const linear = activation === 'linear';
          for (const backend of [jsBackend, basic]) {
            const z = new Float32Array(m * n);
            const y = linear ? z : new Float32Array(m * n);
            const scratch = new Float32Array(m * n);
            if (backend.denseForward) backend.denseForward(x, w, bias, z, y, m, k, n, activation, alpha);
            else denseForwardComposite(backend, x, w, bias, z, y, scratch, m, k, n, activation, alpha);
            const what = `${backend === jsBackend ? 'fused' : 'composite'} ${activation} bias=${withBias}`;
            expectSameBits(z, zt.data, `${what} z`);
            expectSameBits(y, yt.data, `${what} y`);
            const dz = linear ? dy.slice() : new Float32Array(m * n);
            const dyCopy = linear ? dz : dy;
            const dx = new Float32Array(m * k);
            const dw = new Float32Array(k * n);
            const db = bias ? new Float32Array(n) : null;
            if (backend.denseBackward) {
              backend.denseBackward(x, w, z, dyCopy, dz, dx, dw, db, m, k, n, activation, alpha);
            } else {
              denseBackwardComposite(backend, x, w, z, dyCopy, dz, dx, dw, db, m, k, n, activation, alpha);
            }
            expectSameBits(dx, xt.grad?.data ?? [], `${what} dx`);
            expectSameBits(dw, wt.grad?.data ?? [], `${what} dw`);
            if (db && bt) expectSameBits(db, bt.grad?.data ?? [], `${what} db`);
          }
        }
      }
    });
  }

  it('refuses to share arrays for a non-linear activation', () => {
    const a = new Float32Array(4);
    expect(() => jsBackend.denseForward?.(a, a, null, a, a, 2, 2, 2, 'relu', 1)).toThrow(/linear/);
    expect(() => jsBackend.denseBackward?.(a, a, a, a, a, null, a, null, 2, 2, 2, 'relu', 1)).toThrow(
      /linear/,
    );
  });
});

describe('fused losses', () => {
  /** mean(loss(yTrue, yPred)) and its gradient on the tape. */
  function onTape(
    loss: (t: Tensor, p: Tensor) => Tensor,
    yTrue: Tensor,
    yPred: Float32Array,
    m: number,
    c: number,
  ) {
    const leaf = new Tensor(yPred.slice(), [m, c], true);
    const value = ops.mean(loss(yTrue, leaf));
    backward(value);
    return { value: value.item(), grad: leaf.grad?.data ?? new Float32Array(m * c) };
  }
  function batch(yPred: Float32Array, yTrue: Float32Array, m: number, c: number): LossBatch {
    return {
      yPred,
      yTrue,
      grad: new Float32Array(m * c),
      work1: new Float32Array(m * c),
      work2: new Float32Array(m * c),
      m,
      c,
    };
  }
  const shapes: Array<[number, number]> = [
    [1, 1],
    [7, 1],
    [3, 10],
    [33, 4],
    [1, 1000],
  ];

  it('mean squared and mean absolute error', () => {
    for (const [m, c] of shapes) {
      const p = f32(awkward(m * c, m * c + 1, -4, 4));
      const t = f32(testValues(m * c, m + c, -4, 4).map((v, i) => (i % 5 === 0 ? p[i] : v)));
      for (const [kernel, loss] of [
        [meanSquaredErrorKernel, losses.meanSquaredError],
        [meanAbsoluteErrorKernel, losses.meanAbsoluteError],
      ] as const) {
        const b = batch(p, t, m, c);
        const value = kernel(b);
        const tape = onTape(loss, new Tensor(t, [m, c]), p, m, c);
        expect(Object.is(value, tape.value), `${loss.name} ${m}×${c}`).toBe(true);
        expectSameBits(b.grad, tape.grad, `${loss.name} ${m}×${c} gradient`);
      }
    }
  });

  it('binary crossentropy on probabilities, including 0, 1 and values outside [0, 1]', () => {
    for (const [m, c] of shapes) {
      const p = f32(
        testValues(m * c, m * c + 2, -0.1, 1.1).map((v, i) => (i % 7 === 0 ? 0 : i % 7 === 1 ? 1 : v)),
      );
      const z = f32(testValues(m * c, m + c + 3, 0, 1).map((v) => (v < 0.5 ? 0 : 1)));
      const b = batch(p, z, m, c);
      const value = binaryCrossentropyKernel(b);
      const tape = onTape(losses.binaryCrossentropy, new Tensor(z, [m, c]), p, m, c);
      expect(Object.is(value, tape.value)).toBe(true);
      expectSameBits(b.grad, tape.grad, `bce ${m}×${c}`);
    }
  });

  it('categorical crossentropy on probabilities and logits, one-hot and soft targets', () => {
    for (const [m, c] of shapes) {
      const probabilities = f32(testValues(m * c, m * c + 4, 0, 1).map((v, i) => (i % 9 === 0 ? 0 : v)));
      const logits = f32(
        awkward(m * c, m * c + 5, -30, 30)
          .filter(Number.isFinite)
          .concat(new Array(m * c).fill(0))
          .slice(0, m * c),
      );
      const labels = f32(testValues(m, m + 6, 0, c).map(Math.floor));
      const oneHot = new Float32Array(m * c);
      oneHotInto(labels, oneHot, m, c);
      const soft = f32(testValues(m * c, m + 7, 0, 1));
      for (const targets of [oneHot, soft]) {
        const b = batch(probabilities, targets, m, c);
        const value = categoricalCrossentropyKernel(b);
        const tape = onTape(losses.categoricalCrossentropy, new Tensor(targets, [m, c]), probabilities, m, c);
        expect(Object.is(value, tape.value)).toBe(true);
        expectSameBits(b.grad, tape.grad, `cce ${m}×${c}`);
        const bl = batch(logits, targets, m, c);
        const valueLogits = categoricalCrossentropyLogitsKernel(jsBackend, bl);
        const tapeLogits = onTape(
          fromLogits('categorical_crossentropy'),
          new Tensor(targets, [m, c]),
          logits,
          m,
          c,
        );
        expect(Object.is(valueLogits, tapeLogits.value)).toBe(true);
        expectSameBits(bl.grad, tapeLogits.grad, `cce logits ${m}×${c}`);
      }
      // The sparse loss is the categorical one on one-hot rows.
      const sparse = onTape(
        losses.sparseCategoricalCrossentropy,
        new Tensor(labels, [m]),
        probabilities,
        m,
        c,
      );
      const b = batch(probabilities, oneHot, m, c);
      expect(Object.is(categoricalCrossentropyKernel(b), sparse.value)).toBe(true);
      expectSameBits(b.grad, sparse.grad, `scce ${m}×${c}`);
    }
  });
});

describe('fused Adam update', () => {
  it('equals Adam, AdamW and AMSGrad step by step, bit for bit', () => {
    const fr = Math.fround;
    const optimizers: Array<() => AdamBase> = [
      () => new Adam({ learningRate: 0.01 }),
      () => new AdamW(),
      () => new Adam({ amsgrad: true, learningRate: 0.05 }),
      () => new Adam({ weightDecay: 0.1, beta1: 0.8, epsilon: 1e-4 }),
    ];
    const n = 37;
    for (const make of optimizers) {
      const optimizer = make();
      const start = f32(
        awkward(n, 31, -2, 2).map((x) => (Number.isFinite(x) && Math.abs(x) < 1e30 ? x : 0.5)),
      );
      const variable = new Variable('w', new Tensor(start.slice(), [n]));
      const w = start.slice();
      const m = new Float32Array(n);
      const v = new Float32Array(n);
      const vHat = new Float32Array(n);
      for (let step = 1; step <= 6; step++) {
        const grad = f32(
          awkward(n, 40 + step, -1, 1).map((x) => (Number.isFinite(x) && Math.abs(x) < 1e30 ? x : 0)),
        );
        optimizer.applyGradients([{ variable, grad }]);
        const lr = fr(optimizer.learningRate);
        const beta1Power = powerFor('float32', optimizer.beta1, step);
        const beta2Power = powerFor('float32', optimizer.beta2, step);
        const alpha = fr(fr(lr * fr(Math.sqrt(fr(1 - beta2Power)))) / fr(1 - beta1Power));
        jsBackend.adamUpdate?.(
          w,
          grad,
          m,
          v,
          optimizer.amsgrad ? vHat : null,
          lr,
          optimizer.weightDecay === undefined ? null : fr(optimizer.weightDecay),
          alpha,
          fr(1 - optimizer.beta1),
          fr(1 - optimizer.beta2),
          fr(optimizer.epsilon),
        );
        const slots = optimizer.getSlots(variable);
        expectSameBits(w, variable.value.data, `${optimizer.name} step ${step} weights`);
        expectSameBits(m, slots?.momentum ?? [], `${optimizer.name} step ${step} momentum`);
        expectSameBits(v, slots?.velocity ?? [], `${optimizer.name} step ${step} velocity`);
      }
    }
  });
});
