/**
 * Optimizer updates against references written here from Keras 3's formulas
 * (keras/src/optimizers/{sgd,adam,rmsprop,adagrad,nadam}.py and base_optimizer.py).
 *
 * Each reference is scalar code, one element at a time, parameterised by a rounding function:
 * identity for float64 (compared with a tolerance, since the references take powers with `**`
 * while ditto uses its own exactly-defined product) and Math.fround for float32 (compared bit for
 * bit: docs/optimizers.md fixes the order of float32 operations, and these references follow it).
 * Independent anchors are the published values in Keras's own tests and docstrings (see the
 * "Keras's published values" block).
 */
import { describe, expect, it } from 'vitest';
import { Variable } from '../packages/ditto/src/layers/variable.js';
import {
  Adagrad,
  Adam,
  AdamW,
  type BaseOptimizer,
  Nadam,
  RMSprop,
  SGD,
  type Slots,
} from '../packages/ditto/src/optimizers/index.js';
import type { DType, FloatArray } from '../packages/ditto/src/tensor/dtype.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

type Round = (x: number) => number;
const exact: Round = (x) => x;
const f32: Round = Math.fround;
const roundFor = (dtype: DType): Round => (dtype === 'float32' ? f32 : exact);

/** One scalar reference: maps (initial w, gradient per step) to w after each step. */
type Reference = (w0: number, grads: readonly number[], r: Round) => number[];

// ---------- References from Keras's formulas ----------

/** Keras SGD: m = m·μ − g·lr; w += m (Nesterov: w += m·μ − g·lr); without momentum w −= g·lr. */
function sgdReference(o: { lr: number; momentum: number; nesterov: boolean }): Reference {
  return (w0, grads, r) => {
    const lr = r(o.lr);
    const mu = r(o.momentum);
    let w = w0;
    let m = 0;
    const out: number[] = [];
    for (const g of grads) {
      if (o.momentum === 0) {
        w = r(w - r(g * lr));
      } else {
        m = r(r(m * mu) - r(g * lr));
        w = o.nesterov ? r(w + r(r(m * mu) - r(g * lr))) : r(w + m);
      }
      out.push(w);
    }
    return out;
  };
}

/**
 * Keras Adam (and AdamW through base_optimizer's weight decay w = w − w·wd·lr first):
 * α = lr·√(1−β2^t)/(1−β1^t); m += (g−m)·(1−β1); v += (g²−v)·(1−β2); w −= m·α/(√v+ε).
 * `1 − β` is a Python-float difference in Keras, so it is rounded once from the double.
 */
function adamReference(o: {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad?: boolean;
  weightDecay?: number;
}): Reference {
  return (w0, grads, r) => {
    const lr = r(o.lr);
    const b1 = r(o.beta1);
    const b2 = r(o.beta2);
    let w = w0;
    let m = 0;
    let v = 0;
    let vMax = 0;
    const out: number[] = [];
    grads.forEach((g, index) => {
      const t = index + 1;
      if (o.weightDecay !== undefined) w = r(w - r(r(w * r(o.weightDecay)) * lr));
      const alpha = r(r(lr * r(Math.sqrt(r(1 - r(b2 ** t))))) / r(1 - r(b1 ** t)));
      m = r(m + r(r(g - m) * r(1 - o.beta1)));
      v = r(v + r(r(r(g * g) - v) * r(1 - o.beta2)));
      vMax = Math.max(vMax, v);
      const denominatorV = o.amsgrad ? vMax : v;
      w = r(w - r(r(m * alpha) / r(r(Math.sqrt(denominatorV)) + r(o.epsilon))));
      out.push(w);
    });
    return out;
  };
}

/** Keras RMSprop: v = ρv + (1−ρ)g²; [ḡ = ρḡ + (1−ρ)g]; Δ = lr·g/√(v [− ḡ²] + ε); [p = μp + Δ]; w −= Δ or p. */
function rmspropReference(o: {
  lr: number;
  rho: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
}): Reference {
  return (w0, grads, r) => {
    const rho = r(o.rho);
    const oneMinusRho = r(1 - o.rho);
    let w = w0;
    let v = 0;
    let avg = 0;
    let p = 0;
    const out: number[] = [];
    for (const g of grads) {
      v = r(r(rho * v) + r(oneMinusRho * r(g * g)));
      let denominator: number;
      if (o.centered) {
        avg = r(r(rho * avg) + r(oneMinusRho * g));
        denominator = r(r(v - r(avg * avg)) + r(o.epsilon));
      } else {
        denominator = r(v + r(o.epsilon));
      }
      const increment = r(r(r(o.lr) * g) / r(Math.sqrt(denominator)));
      if (o.momentum > 0) {
        p = r(r(r(o.momentum) * p) + increment);
        w = r(w - p);
      } else {
        w = r(w - increment);
      }
      out.push(w);
    }
    return out;
  };
}

/** Keras Adagrad: a += g² (a starts at the initial value); w −= lr·g/√(a + ε). */
function adagradReference(o: { lr: number; initial: number; epsilon: number }): Reference {
  return (w0, grads, r) => {
    let w = w0;
    let a = r(o.initial);
    const out: number[] = [];
    for (const g of grads) {
      a = r(a + r(g * g));
      w = r(w - r(r(r(o.lr) * g) / r(Math.sqrt(r(a + r(o.epsilon))))));
      out.push(w);
    }
    return out;
  };
}

/**
 * Keras Nadam: u_t = β1(1 − ½·0.96^t); U_t = U_{t−1}·β1·(1 − ½·0.96^t) (updated before the step);
 * m += (g−m)(1−β1); v += (g²−v)(1−β2); m̂ = u_{t+1}m/(1 − U_t·u_{t+1}) + (1−u_t)g/(1 − U_t);
 * v̂ = v/(1 − β2^t); w −= m̂·lr/(√v̂ + ε). Here β1, β2 are cast before 1 − β.
 */
function nadamReference(o: { lr: number; beta1: number; beta2: number; epsilon: number }): Reference {
  return (w0, grads, r) => {
    const b1 = r(o.beta1);
    const b2 = r(o.beta2);
    const decay = r(0.96);
    const u = (t: number) => r(b1 * r(1 - r(0.5 * r(decay ** t))));
    let uProduct = 1;
    let w = w0;
    let m = 0;
    let v = 0;
    const out: number[] = [];
    grads.forEach((g, index) => {
      const t = index + 1;
      uProduct = r(r(uProduct * b1) * r(1 - r(0.5 * r(decay ** t))));
      const uProductNext = r(uProduct * u(t + 1));
      m = r(m + r(r(g - m) * r(1 - b1)));
      v = r(v + r(r(r(g * g) - v) * r(1 - b2)));
      const mHat = r(r(r(u(t + 1) * m) / r(1 - uProductNext)) + r(r(r(1 - u(t)) * g) / r(1 - uProduct)));
      const vHat = r(v / r(1 - r(b2 ** t)));
      w = r(w - r(r(mHat * r(o.lr)) / r(r(Math.sqrt(vHat)) + r(o.epsilon))));
      out.push(w);
    });
    return out;
  };
}

// ---------- Running ditto's optimizers ----------

const W0 = [0.5, -1.5, 2.25, 0, -0.125, 3];
const STEPS = 5;

/** Gradients for each step: mixed signs and magnitudes, one exact zero, shrinking in later steps. */
function gradientSteps(dtype: DType): number[][] {
  const r = roundFor(dtype);
  return Array.from({ length: STEPS }, (_, s) =>
    testValues(W0.length, 100 + s, -3, 3).map((g, i) => (i === 3 && s === 1 ? 0 : r(g / (1 + s)))),
  );
}

function makeVariable(values: readonly number[], dtype: DType): Variable {
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return new Variable('w', new Tensor(data, [values.length]));
}

function gradArray(values: readonly number[], dtype: DType): FloatArray {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

/** w after each step, as plain numbers. */
function runOptimizer(optimizer: BaseOptimizer<Slots>, dtype: DType, grads: number[][]): number[][] {
  const variable = makeVariable(W0, dtype);
  return grads.map((g) => {
    optimizer.applyGradients([{ variable, grad: gradArray(g, dtype) }]);
    return Array.from(variable.value.data);
  });
}

function runReference(reference: Reference, dtype: DType, grads: number[][]): number[][] {
  const r = roundFor(dtype);
  const perElement = W0.map((w0, i) =>
    reference(
      r(w0),
      grads.map((g) => g[i]),
      r,
    ),
  );
  return grads.map((_, s) => perElement.map((history) => history[s]));
}

interface Case {
  title: string;
  make: () => BaseOptimizer<Slots>;
  reference: Reference;
}

const CASES: Case[] = [
  {
    title: 'SGD',
    make: () => new SGD({ learningRate: 0.1 }),
    reference: sgdReference({ lr: 0.1, momentum: 0, nesterov: false }),
  },
  {
    title: 'SGD with momentum',
    make: () => new SGD({ learningRate: 0.1, momentum: 0.9 }),
    reference: sgdReference({ lr: 0.1, momentum: 0.9, nesterov: false }),
  },
  {
    title: 'SGD with Nesterov momentum',
    make: () => new SGD({ learningRate: 0.05, momentum: 0.7, nesterov: true }),
    reference: sgdReference({ lr: 0.05, momentum: 0.7, nesterov: true }),
  },
  {
    title: 'Adam (defaults)',
    make: () => new Adam(),
    reference: adamReference({ lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  },
  {
    title: 'Adam with AMSGrad',
    make: () => new Adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.5, amsgrad: true }),
    reference: adamReference({ lr: 0.01, beta1: 0.8, beta2: 0.5, epsilon: 1e-7, amsgrad: true }),
  },
  {
    title: 'AdamW (defaults)',
    make: () => new AdamW(),
    reference: adamReference({ lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 }),
  },
  {
    title: 'AdamW with strong decay',
    make: () => new AdamW({ learningRate: 0.1, weightDecay: 0.3, epsilon: 0.01 }),
    reference: adamReference({ lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 0.01, weightDecay: 0.3 }),
  },
  {
    title: 'AdamW with large decay, w·wd·lr not exact (lr 0.3, wd 0.7)',
    make: () => new AdamW({ learningRate: 0.3, weightDecay: 0.7, epsilon: 2 }),
    reference: adamReference({ lr: 0.3, beta1: 0.9, beta2: 0.999, epsilon: 2, weightDecay: 0.7 }),
  },
  {
    title: 'RMSprop (defaults)',
    make: () => new RMSprop(),
    reference: rmspropReference({ lr: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }),
  },
  {
    title: 'RMSprop centered with momentum',
    make: () => new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: 1e-4 }),
    reference: rmspropReference({ lr: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-4, centered: true }),
  },
  {
    title: 'Adagrad (defaults)',
    make: () => new Adagrad(),
    reference: adagradReference({ lr: 0.001, initial: 0.1, epsilon: 1e-7 }),
  },
  {
    title: 'Adagrad with other accumulator and ε',
    make: () => new Adagrad({ learningRate: 0.2, initialAccumulatorValue: 0.3, epsilon: 1e-6 }),
    reference: adagradReference({ lr: 0.2, initial: 0.3, epsilon: 1e-6 }),
  },
  {
    title: 'Nadam (defaults)',
    make: () => new Nadam(),
    reference: nadamReference({ lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  },
  {
    title: 'Nadam with small β',
    make: () => new Nadam({ learningRate: 0.5, beta1: 0.3, beta2: 0.67, epsilon: 1e-5 }),
    reference: nadamReference({ lr: 0.5, beta1: 0.3, beta2: 0.67, epsilon: 1e-5 }),
  },
];

describe('updates follow Keras 3 formulas', () => {
  for (const c of CASES) {
    it(`${c.title}: float64 matches the float64 reference over ${STEPS} steps`, () => {
      const grads = gradientSteps('float64');
      const actual = runOptimizer(c.make(), 'float64', grads);
      const expected = runReference(c.reference, 'float64', grads);
      actual.forEach((row, s) => {
        row.forEach((value, i) => {
          const want = expected[s][i];
          expect(Math.abs(value - want)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want)));
        });
      });
      // The update really moved every element that had a non-zero gradient.
      expect(actual[STEPS - 1].filter((w, i) => w !== W0[i]).length).toBeGreaterThanOrEqual(W0.length - 1);
    });

    it(`${c.title}: float32 matches the per-operation-rounded reference bit for bit`, () => {
      const grads = gradientSteps('float32');
      const actual = runOptimizer(c.make(), 'float32', grads);
      const expected = runReference(c.reference, 'float32', grads);
      expect(actual).toEqual(expected);
    });

    it(`${c.title}: float32 stays within float32 noise of float64`, () => {
      const grads = gradientSteps('float32'); // the same (float32-exact) gradients for both
      const a32 = runOptimizer(c.make(), 'float32', grads);
      const a64 = runOptimizer(c.make(), 'float64', grads);
      a32[STEPS - 1].forEach((value, i) => {
        expect(Math.abs(value - a64[STEPS - 1][i])).toBeLessThan(
          1e-5 * Math.max(1, Math.abs(a64[STEPS - 1][i])),
        );
      });
    });
  }

  it('the float32 reference rounding is not vacuous: unrounded float64 arithmetic gives other bits', () => {
    const grads = gradientSteps('float32');
    const reference = adamReference({ lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    const rounded = runReference(reference, 'float32', grads);
    const unroundedThenRounded = runReference(reference, 'float64', grads).map((row) => row.map(f32));
    expect(unroundedThenRounded).not.toEqual(rounded);
  });

  it('AMSGrad case actually exercises the running maximum', () => {
    const variable = makeVariable(W0, 'float64');
    const opt = new Adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.5, amsgrad: true });
    for (const g of gradientSteps('float64')) opt.applyGradients([{ variable, grad: Float64Array.from(g) }]);
    const slots = opt.getSlots(variable);
    expect(slots).toBeDefined();
    const differs = Array.from(slots?.velocity ?? []).some((v, i) => v !== slots?.velocity_hat[i]);
    expect(differs).toBe(true);
  });
});

describe("Adam uses Keras's ε-hat form", () => {
  it('ε is added to the uncorrected √v (Keras), not to the bias-corrected √v̂ (Algorithm 1, tf.js)', () => {
    const lr = 0.001;
    const [b1, b2, eps] = [0.9, 0.999, 1e-7];
    const g = 1e-6; // small enough that ε matters: √v ≈ 3.2e-8 at t = 1
    const variable = makeVariable([0], 'float64');
    const adam = new Adam();
    adam.applyGradients([{ variable, grad: Float64Array.from([g]) }]);
    const w = variable.value.data[0];

    // Keras: w = −lr·√(1−β2)/(1−β1) · m/(√v + ε), with m = (1−β1)g, v = (1−β2)g².
    const m = (1 - b1) * g;
    const v = (1 - b2) * g * g;
    const kerasForm = -((lr * Math.sqrt(1 - b2)) / (1 - b1)) * (m / (Math.sqrt(v) + eps));
    // Kingma & Ba's Algorithm 1 (also tf.js's AdamOptimizer): w = −lr · m̂/(√v̂ + ε), m̂ = g, v̂ = g².
    const algorithm1Form = -lr * (g / (Math.abs(g) + eps));

    expect(w).toBeCloseTo(kerasForm, 15);
    expect(Math.abs(w - kerasForm)).toBeLessThan(1e-12 * Math.abs(kerasForm));
    expect(Math.abs(w - algorithm1Form)).toBeGreaterThan(0.5 * Math.abs(algorithm1Form));
  });
});

describe("Keras's published values", () => {
  // keras/src/optimizers/*_test.py, test_single_step: lr 0.5, grads [1, 6, 7, 2], vars [1, 2, 3, 4], rtol = atol = 1e-4.
  const singleStep: [string, () => BaseOptimizer<Slots>, number[]][] = [
    ['SGD', () => new SGD({ learningRate: 0.5 }), [0.5, -1.0, -0.5, 3.0]],
    ['Adam', () => new Adam({ learningRate: 0.5 }), [0.5, 1.5, 2.5, 3.5]],
    ['AdamW', () => new AdamW({ learningRate: 0.5 }), [0.498, 1.496, 2.494, 3.492]],
    ['RMSprop', () => new RMSprop({ learningRate: 0.5 }), [-0.5811, 0.4189, 1.4189, 2.4189]],
    ['Adagrad', () => new Adagrad({ learningRate: 0.5 }), [0.5233, 1.5007, 2.5005, 3.5061]],
    ['Nadam', () => new Nadam({ learningRate: 0.5 }), [0.4686, 1.4686, 2.4686, 3.4686]],
  ];
  for (const [title, make, expected] of singleStep) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${title} single step (${dtype})`, () => {
        const variable = makeVariable([1, 2, 3, 4], dtype);
        make().applyGradients([{ variable, grad: gradArray([1, 6, 7, 2], dtype) }]);
        Array.from(variable.value.data).forEach((w, i) => {
          expect(Math.abs(w - expected[i])).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(expected[i]));
        });
      });
    }
  }

  // keras/src/optimizers/*_test.py, test_correctness_with_golden: x = ones(10); one step with
  // gradient 0.01, then golden[i] is checked before each of five steps with gradient
  // arange(0.1, 1.1, 0.1); rtol = atol = 5e-4.
  const tile = (column: number[]) => column.map((value) => Array<number>(10).fill(value));
  const golden: [string, () => BaseOptimizer<Slots>, number[][]][] = [
    ['Adam (amsgrad)', () => new Adam({ amsgrad: true }), tile([0.999, 0.9982, 0.9974, 0.9965, 0.9955])],
    [
      'SGD (nesterov, no momentum)',
      () => new SGD({ nesterov: true }),
      [0, 1, 2, 3, 4].map((k) => Array.from({ length: 10 }, (_, j) => 1 - 0.0001 - 0.001 * k * (j + 1))),
    ],
    [
      'RMSprop (centered)',
      () => new RMSprop({ centered: true }),
      tile([0.9967, 0.9933, 0.9908, 0.9885, 0.9864]),
    ],
    [
      'Adagrad',
      () => new Adagrad({ learningRate: 0.2, initialAccumulatorValue: 0.3, epsilon: 1e-6 }),
      [
        [0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963],
        [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
        [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
        [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
        [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825],
      ],
    ],
    [
      'Nadam',
      () => new Nadam({ learningRate: 0.5, beta1: 0.5, beta2: 0.67, epsilon: 1e-5 }),
      [
        [0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281],
        [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
        [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
        [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
        [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454],
      ],
    ],
    [
      'AdamW',
      () => new AdamW({ learningRate: 1.0, weightDecay: 0.5, epsilon: 2 }),
      [
        [0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998],
        [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
        [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
        [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
        [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159],
      ],
    ],
  ];
  for (const [title, make, table] of golden) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${title} golden trajectory (${dtype})`, () => {
        const optimizer = make();
        const variable = makeVariable(Array(10).fill(1), dtype);
        const ramp = Array.from({ length: 10 }, (_, j) => 0.1 * (j + 1));
        optimizer.applyGradients([{ variable, grad: gradArray(Array(10).fill(0.01), dtype) }]);
        for (const row of table) {
          Array.from(variable.value.data).forEach((w, j) => {
            expect(Math.abs(w - row[j])).toBeLessThanOrEqual(5e-4 + 5e-4 * Math.abs(row[j]));
          });
          optimizer.applyGradients([{ variable, grad: gradArray(ramp, dtype) }]);
        }
      });
    }
  }

  it('AdamW weight decay: three optimizers with wd 0.004, lr 1 and zero gradients give 1.9760959 (Keras test_weight_decay)', () => {
    const variable = makeVariable([2], 'float32');
    for (let k = 0; k < 3; k++) {
      new AdamW({ learningRate: 1, weightDecay: 0.004 }).applyGradients([
        { variable, grad: new Float32Array(1) },
      ]);
    }
    expect(variable.value.data[0]).toBeCloseTo(1.9760959, 6);
  });

  it('RMSprop docstring example: lr 0.1, var 10, loss var²/2 → 9.683772 after one step', () => {
    const variable = makeVariable([10], 'float32');
    new RMSprop({ learningRate: 0.1 }).applyGradients([{ variable, grad: Float32Array.from([10]) }]);
    expect(variable.value.data[0]).toBeCloseTo(9.683772, 5);
  });
});

describe('gradient clipping (Keras clipnorm / clipvalue)', () => {
  it('clipNorm 1 turns [100, 100] into [√2/2, √2/2] (Keras test_clip_norm); SGD lr 1 applies it', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const variable = makeVariable([0, 0], dtype);
      new SGD({ learningRate: 1, clipNorm: 1 }).applyGradients([
        { variable, grad: gradArray([100, 100], dtype) },
      ]);
      for (const w of variable.value.data) expect(w).toBeCloseTo(-Math.SQRT1_2, dtype === 'float32' ? 6 : 14);
    }
  });

  it('clipValue 1 turns [100, 100] into [1, 1] (Keras test_clip_value); small values pass unchanged', () => {
    const variable = makeVariable([0, 0, 0], 'float32');
    new SGD({ learningRate: 1, clipValue: 1 }).applyGradients([
      { variable, grad: Float32Array.from([100, -100, 0.25]) },
    ]);
    expect(Array.from(variable.value.data)).toEqual([-1, 1, -0.25]);
  });

  it('clipNorm in float32 follows the documented order: squares summed in index order, g·c / max(‖g‖, c)', () => {
    const g = Float32Array.from(testValues(7, 9, -5, 5));
    const c = 0.75;
    const variable = makeVariable(Array(7).fill(0), 'float32');
    const grads = [Array.from(g), Array.from(g).map((x) => f32(x / 2))];
    const adam = new Adam({ learningRate: 0.1, clipNorm: c });
    const actual = grads.map((step) => {
      adam.applyGradients([{ variable, grad: Float32Array.from(step) }]);
      return Array.from(variable.value.data);
    });
    // Reference: clip each step's gradient, then the float32 Adam reference on the clipped values.
    const clip = (step: number[]) => {
      let sum = 0;
      for (const x of step) sum = f32(sum + f32(x * x));
      const norm = sum > 0 ? f32(Math.sqrt(sum)) : sum;
      return step.map((x) => f32(f32(x * f32(c)) / Math.max(norm, f32(c))));
    };
    const clipped = grads.map(clip);
    const reference = adamReference({ lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    const perElement = Array.from({ length: 7 }, (_, i) =>
      reference(
        0,
        clipped.map((step) => step[i]),
        f32,
      ),
    );
    expect(actual).toEqual([0, 1].map((s) => perElement.map((history) => history[s])));
    // The clipped gradient really differs from the raw one (its norm is well above c).
    expect(clipped[0]).not.toEqual(grads[0]);
  });
});

describe('longer float32 runs stay bit-identical to the references', () => {
  // Scalar coefficients (β^t, Nadam's momentum cache) change every step; 60 steps exercise many
  // of their roundings.
  const longCases: [string, () => BaseOptimizer<Slots>, Reference][] = [
    [
      'Adam',
      () => new Adam({ learningRate: 0.01 }),
      adamReference({ lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    ],
    [
      'Nadam',
      () => new Nadam({ learningRate: 0.01, beta1: 0.7 }),
      nadamReference({ lr: 0.01, beta1: 0.7, beta2: 0.999, epsilon: 1e-7 }),
    ],
    [
      'RMSprop',
      () => new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.9 }),
      rmspropReference({ lr: 0.01, rho: 0.9, momentum: 0.9, epsilon: 1e-7, centered: true }),
    ],
  ];
  for (const [title, make, reference] of longCases) {
    it(title, () => {
      const steps = 60;
      const grads = Array.from({ length: steps }, (_, s) => testValues(W0.length, 500 + s, -1, 1).map(f32));
      const variable = makeVariable(W0, 'float32');
      const optimizer = make();
      const actual = grads.map((g) => {
        optimizer.applyGradients([{ variable, grad: Float32Array.from(g) }]);
        return Array.from(variable.value.data);
      });
      const perElement = W0.map((w0, i) =>
        reference(
          f32(w0),
          grads.map((g) => g[i]),
          f32,
        ),
      );
      expect(actual).toEqual(grads.map((_, s) => perElement.map((history) => history[s])));
    });
  }
});
