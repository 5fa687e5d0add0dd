/**
 * Adamax, Adadelta, Lion, Ftrl and `globalClipnorm`, against independent references:
 * - the published values of Keras 3's own tests (keras/src/optimizers/{adamax,adadelta,lion,ftrl}_test.py);
 * - PyTorch float64 trajectories (torch.optim.Adadelta — Keras's form exactly — and torch.optim.Adamax
 *   with ε = 0, where its ε-inside-the-maximum form equals Keras's), made by
 *   test/fixtures/optimizers-keras/make-torch-reference.py;
 * - scalar references written here from Keras 3's source formulas: in float64 with a tolerance
 *   (they take powers with `**`), and in float32 bit for bit with one rounding per operation, the
 *   order docs/optimizers.md fixes.
 * Also: names in getOptimizer and compile, slots through getState/setState and getConfig round trips.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Variable } from '../packages/ditto/src/layers/variable.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import {
  Adadelta,
  Adam,
  Adamax,
  type BaseOptimizer,
  Ftrl,
  getOptimizer,
  globalNormScale,
  Lion,
  OPTIMIZER_NAMES,
  powerFor,
  SGD,
  type Slots,
} from '../packages/ditto/src/optimizers/index.js';
import type { DType, FloatArray } from '../packages/ditto/src/tensor/dtype.js';
import { Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

type Round = (x: number) => number;
const exact: Round = (x) => x;

function makeVariable(values: readonly number[], dtype: DType, name = 'w'): Variable {
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return new Variable(name, new Tensor(data, [values.length]));
}

function gradArray(values: readonly number[], dtype: DType): FloatArray {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

/** β^t: the documented powerFor in float32 (tested in optimizers-api.test.ts), `**` in float64. */
const power = (r: Round, beta: number, t: number) => (r === exact ? beta ** t : powerFor('float32', beta, t));

/** One scalar reference: maps (initial w, gradient per step) to w after each step. */
type Reference = (w0: number, grads: readonly number[], r: Round) => number[];

/** Keras Adamax: m += (g − m)(1 − β1); u = max(β2·u, |g|); w −= lr·m / ((1 − β1^t)(u + ε)). */
function adamaxReference(o: { lr: number; beta1: number; beta2: number; epsilon: number }): Reference {
  return (w0, grads, r) => {
    let [w, m, u] = [w0, 0, 0];
    return grads.map((g, step) => {
      m = r(m + r(r(g - m) * r(1 - o.beta1)));
      u = Math.max(r(r(o.beta2) * u), Math.abs(g));
      const correction = r(1 - power(r, o.beta1, step + 1));
      w = r(w - r(r(r(o.lr) * m) / r(correction * r(u + r(o.epsilon)))));
      return w;
    });
  };
}

/** Keras Adadelta: a = ρa + (1−ρ)g²; Δ = −√(d+ε)·g/√(a+ε); d = ρd + (1−ρ)Δ²; w += lr·Δ. */
function adadeltaReference(o: { lr: number; rho: number; epsilon: number }): Reference {
  return (w0, grads, r) => {
    let [w, a, d] = [w0, 0, 0];
    const [rho, c, eps] = [r(o.rho), r(1 - o.rho), r(o.epsilon)];
    return grads.map((g) => {
      a = r(r(rho * a) + r(c * r(g * g)));
      const delta = -r(r(r(Math.sqrt(r(d + eps))) * g) / r(Math.sqrt(r(a + eps))));
      d = r(r(rho * d) + r(c * r(delta * delta)));
      w = r(w + r(r(o.lr) * delta));
      return w;
    });
  };
}

/** Keras Lion: w −= lr·sign(m·β1 + g·(1 − β1)); m = m·β2 + g·(1 − β2), β cast first. */
function lionReference(o: { lr: number; beta1: number; beta2: number }): Reference {
  return (w0, grads, r) => {
    let [w, m] = [w0, 0];
    const [b1, b2] = [r(o.beta1), r(o.beta2)];
    return grads.map((g) => {
      w = r(w - r(r(o.lr) * Math.sign(r(r(m * b1) + r(g * r(1 - b1))))));
      m = r(r(m * b2) + r(g * r(1 - b2)));
      return w;
    });
  };
}

interface FtrlReferenceOptions {
  lr: number;
  power: number;
  initial: number;
  l1: number;
  l2: number;
  shrinkage: number;
  beta: number;
}

/** Keras Ftrl (ftrl.py update_step), `**` for the power (float32 cases use p = ½: a square root). */
function ftrlReference(o: FtrlReferenceOptions): Reference {
  return (w0, grads, r) => {
    let [w, n, z] = [w0, r(o.initial), 0];
    const lr = r(o.lr);
    const p = -o.power;
    const pow = (x: number) => (p === 0.5 ? r(Math.sqrt(x)) : r(x ** p));
    const l2 = r(r(o.l2) + r(r(o.beta) / r(2 * lr)));
    return grads.map((g) => {
      const shrunk = r(g + r(r(2 * o.shrinkage) * w));
      const nNew = r(n + r(g * g));
      z = r(z + r(shrunk - r(r(r(pow(nNew) - pow(n)) / lr) * w)));
      const quadratic = r(r(pow(nNew) / lr) + r(2 * l2));
      const clipped = Math.min(Math.max(z, -r(o.l1)), r(o.l1));
      w = r(r(clipped - z) / quadratic);
      n = nNew;
      return w;
    });
  };
}

interface Case {
  title: string;
  make: () => BaseOptimizer<Slots>;
  reference: Reference;
  /** False where the reference's `**` may differ from ditto's power in float32. */
  float32Bits: boolean;
}

const CASES: Case[] = [
  {
    title: 'Adamax defaults, lr 0.01',
    make: () => new Adamax({ learningRate: 0.01 }),
    reference: adamaxReference({ lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    float32Bits: true,
  },
  {
    title: 'Adamax β 0.8/0.95, ε 1e-3',
    make: () => new Adamax({ learningRate: 0.2, beta1: 0.8, beta2: 0.95, epsilon: 1e-3 }),
    reference: adamaxReference({ lr: 0.2, beta1: 0.8, beta2: 0.95, epsilon: 1e-3 }),
    float32Bits: true,
  },
  {
    title: 'Adadelta lr 1, ρ 0.9',
    make: () => new Adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-6 }),
    reference: adadeltaReference({ lr: 1, rho: 0.9, epsilon: 1e-6 }),
    float32Bits: true,
  },
  {
    title: 'Lion defaults, lr 0.01',
    make: () => new Lion({ learningRate: 0.01 }),
    reference: lionReference({ lr: 0.01, beta1: 0.9, beta2: 0.99 }),
    float32Bits: true,
  },
  {
    title: 'Ftrl defaults, lr 0.1',
    make: () => new Ftrl({ learningRate: 0.1 }),
    reference: ftrlReference({ lr: 0.1, power: -0.5, initial: 0.1, l1: 0, l2: 0, shrinkage: 0, beta: 0 }),
    float32Bits: true,
  },
  {
    title: 'Ftrl with L1, L2, shrinkage and β',
    make: () =>
      new Ftrl({
        learningRate: 0.3,
        l1RegularizationStrength: 0.05,
        l2RegularizationStrength: 0.15,
        l2ShrinkageRegularizationStrength: 0.01,
        beta: 0.3,
      }),
    reference: ftrlReference({
      lr: 0.3,
      power: -0.5,
      initial: 0.1,
      l1: 0.05,
      l2: 0.15,
      shrinkage: 0.01,
      beta: 0.3,
    }),
    float32Bits: true,
  },
  {
    title: 'Ftrl learningRatePower −0.2',
    make: () => new Ftrl({ learningRate: 0.05, learningRatePower: -0.2, initialAccumulatorValue: 0.4 }),
    reference: ftrlReference({ lr: 0.05, power: -0.2, initial: 0.4, l1: 0, l2: 0, shrinkage: 0, beta: 0 }),
    float32Bits: false,
  },
];

const W0 = [0.5, -1.25, 2, 0.1, -0.3, 3];
const STEPS = 25;
/** Gradients per step, mixed signs and sizes, one 0 per step somewhere. */
const GRADS = Array.from({ length: STEPS }, (_, t) =>
  W0.map((_, i) => ((t * 5 + i * 3) % 11 === 0 ? 0 : testValues(1, 100 * t + i, -2, 2)[0])),
);

function runOptimizer(optimizer: BaseOptimizer<Slots>, dtype: DType, grads: readonly number[][]): number[][] {
  const variable = makeVariable(W0, dtype);
  return grads.map((g) => {
    optimizer.applyGradients([{ variable, grad: gradArray(g, dtype) }]);
    return Array.from(variable.value.data);
  });
}

function referenceTrajectory(reference: Reference, r: Round): number[][] {
  const perElement = W0.map((w0, i) =>
    reference(
      r(w0),
      GRADS.map((g) => r(g[i])),
      r,
    ),
  );
  return GRADS.map((_, t) => perElement.map((trajectory) => trajectory[t]));
}

describe('updates follow Keras 3 formulas', () => {
  for (const c of CASES) {
    it(`${c.title}: float64 within 1e-12 of the float64 reference over ${STEPS} steps`, () => {
      const ours = runOptimizer(c.make(), 'float64', GRADS);
      const want = referenceTrajectory(c.reference, exact);
      ours.forEach((row, t) => {
        row.forEach((w, i) => {
          expect(Math.abs(w - want[t][i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[t][i])));
        });
      });
    });
    if (c.float32Bits) {
      it(`${c.title}: float32 equals the per-operation-rounded reference bit for bit`, () => {
        const ours = runOptimizer(c.make(), 'float32', GRADS);
        expect(ours).toEqual(referenceTrajectory(c.reference, Math.fround));
        // Not vacuous: the weights moved, and unrounded arithmetic gives other bits.
        expect(ours[STEPS - 1]).not.toEqual(W0.map(Math.fround));
      });
    }
    it(`${c.title}: float32 stays within float32 noise of float64`, () => {
      const f32 = runOptimizer(c.make(), 'float32', GRADS);
      const f64 = runOptimizer(c.make(), 'float64', GRADS);
      f32[STEPS - 1].forEach((w, i) => {
        expect(Math.abs(w - f64[STEPS - 1][i])).toBeLessThanOrEqual(
          1e-4 * Math.max(1, Math.abs(f64[STEPS - 1][i])),
        );
      });
    });
  }

  it('the float32 rounding is not vacuous: the float64 reference rounded at the end gives other bits', () => {
    const unrounded = referenceTrajectory(CASES[2].reference, exact).map((row) => row.map(Math.fround));
    expect(runOptimizer(CASES[2].make(), 'float32', GRADS)).not.toEqual(unrounded);
  });

  it('Lion moves every weight by exactly lr per step (or not at all where the direction is 0)', () => {
    const lr = 2 ** -7;
    const variable = makeVariable([1, 2, 3], 'float64');
    const lion = new Lion({ learningRate: lr });
    lion.applyGradients([{ variable, grad: gradArray([0.3, -5, 0], 'float64') }]);
    expect(Array.from(variable.value.data)).toEqual([1 - lr, 2 + lr, 3]);
  });

  it('Ftrl sets a weight to exactly 0 while |linear| ≤ l1 (sparsity)', () => {
    const variable = makeVariable([0.7, -0.2], 'float64');
    const ftrl = new Ftrl({ learningRate: 0.1, l1RegularizationStrength: 100 });
    ftrl.applyGradients([{ variable, grad: gradArray([0.5, -0.25], 'float64') }]);
    expect(Array.from(variable.value.data)).toEqual([0, 0]);
  });
});

interface TorchCase {
  optimizer: 'Adadelta' | 'Adamax';
  options: Record<string, number>;
  trajectory: number[][];
}
const torch = JSON.parse(
  readFileSync(new URL('./fixtures/optimizers-keras/torch-reference.json', import.meta.url), 'utf8'),
) as { w0: number[]; steps: number; cases: TorchCase[] };

describe('PyTorch float64 trajectories', () => {
  // Exact rationals, computed the same way by the fixture's script.
  const torchGrad = (step: number, i: number) => (((step * 7 + i * 13) % 17) - 8) / 4 + 0.125;
  it.each(torch.cases.map((c) => [`${c.optimizer} ${JSON.stringify(c.options)}`, c] as const))(
    '%s',
    (_, c) => {
      const optimizer = c.optimizer === 'Adadelta' ? new Adadelta(c.options) : new Adamax(c.options);
      const variable = makeVariable(torch.w0, 'float64');
      c.trajectory.forEach((want, step) => {
        const grad = Float64Array.from(torch.w0, (_, i) => torchGrad(step, i));
        optimizer.applyGradients([{ variable, grad }]);
        Array.from(variable.value.data).forEach((w, i) => {
          expect(Math.abs(w - want[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[i])));
        });
      });
    },
  );

  it("Adamax's ε is Keras's (added after the maximum), not PyTorch's (inside it)", () => {
    // lr 1, β1 0.9, β2 0.5, ε 1; gradients 1 then 0.1. Keras: u = max(β2·u, |g|), step lr·m/((1 − β1^t)(u + ε));
    // PyTorch: u = max(β2·u, |g| + ε), step lr·m/((1 − β1^t)·u). Both are written out here.
    const variable = makeVariable([0], 'float64');
    const adamax = new Adamax({ learningRate: 1, beta2: 0.5, epsilon: 1 });
    adamax.applyGradients([{ variable, grad: gradArray([1], 'float64') }]);
    adamax.applyGradients([{ variable, grad: gradArray([0.1], 'float64') }]);
    const [m1, m2] = [0.1, 0.9 * 0.1 + 0.1 * 0.1];
    const keras = -m1 / (0.1 * (1 + 1)) - m2 / ((1 - 0.81) * (Math.max(0.5 * 1, 0.1) + 1));
    const pytorch = -m1 / (0.1 * 2) - m2 / ((1 - 0.81) * Math.max(0.5 * 2, 0.1 + 1));
    expect(variable.value.data[0]).toBeCloseTo(keras, 12);
    expect(Math.abs(keras - pytorch)).toBeGreaterThan(1e-2);
  });
});

describe('tf.js float32 trajectories', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  let names = 0;
  /** tf.js's weights after each step of `peer` from W0 with GRADS. */
  function tfjsTrajectory(peer: tf.Optimizer): number[][] {
    const name = `optimizers_keras_${names++}`;
    const w = tf.variable(tf.tensor1d(W0), true, name);
    const out = GRADS.map((g) => {
      peer.applyGradients({ [name]: tf.tensor1d(g) });
      return Array.from(w.dataSync());
    });
    w.dispose();
    return out;
  }

  function expectClose(ours: number[][], theirs: number[][], tolerance: number): void {
    ours.forEach((row, t) => {
      row.forEach((value, i) => {
        expect(Math.abs(value - theirs[t][i])).toBeLessThanOrEqual(
          tolerance * Math.max(1, Math.abs(theirs[t][i])),
        );
      });
    });
  }

  it('tf.train.adamax has the Keras form: within 1e-5 relative over 25 steps', () => {
    const ours = runOptimizer(new Adamax({ learningRate: 0.05 }), 'float32', GRADS);
    expectClose(ours, tfjsTrajectory(tf.train.adamax(0.05, 0.9, 0.999, 1e-7, 0)), 1e-5);
    expect(ours[STEPS - 1]).not.toEqual(W0.map(Math.fround)); // the weights moved
  });

  it("tf.train.adadelta divides by the previous step's √(a + ε), not the updated one as Keras and Zeiler", () => {
    // Measured: tf.js computes its update from the accumulated gradient before this step's g².
    // That form, written here in float64, is what tf.js runs; ditto's Keras form is not.
    const tfjsForm: Reference = (w0, grads) => {
      let [w, a, d] = [w0, 0, 0];
      return grads.map((g) => {
        const delta = (Math.sqrt(d + 1e-6) / Math.sqrt(a + 1e-6)) * g;
        a = 0.9 * a + 0.1 * g * g;
        d = 0.9 * d + 0.1 * delta * delta;
        w -= delta;
        return w;
      });
    };
    const theirs = tfjsTrajectory(tf.train.adadelta(1, 0.9, 1e-6));
    expectClose(referenceTrajectory(tfjsForm, exact), theirs, 1e-5);
    const ours = runOptimizer(new Adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-6 }), 'float32', GRADS);
    const worst = Math.max(...ours.flatMap((row, t) => row.map((v, i) => Math.abs(v - theirs[t][i]))));
    expect(worst).toBeGreaterThan(0.01);
  });
});

describe("Keras's published values", () => {
  // keras/src/optimizers/*_test.py, test_single_step: lr 0.5, grads [1, 6, 7, 2], vars [1, 2, 3, 4], rtol = atol = 1e-4.
  const singleStep: [string, () => BaseOptimizer<Slots>, number[]][] = [
    ['Adamax', () => new Adamax({ learningRate: 0.5 }), [0.5, 1.5, 2.5, 3.5]],
    ['Adadelta', () => new Adadelta({ learningRate: 0.5 }), [0.9993, 1.9993, 2.9993, 3.9993]],
    ['Lion', () => new Lion({ learningRate: 0.5 }), [0.5, 1.5, 2.5, 3.5]],
    ['Ftrl', () => new Ftrl({ learningRate: 0.5 }), [0.2218, 1.3954, 2.3651, 2.8814]],
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

  // test_correctness_with_golden: x = ones(10); one step with gradient 0.01, then golden[i] is
  // checked before each of five steps with gradient arange(0.1, 1.1, 0.1); rtol = atol = 5e-4.
  const tile = (column: number[]) => column.map((value) => Array<number>(10).fill(value));
  const golden: [string, () => BaseOptimizer<Slots>, number[][]][] = [
    [
      'Adamax',
      () => new Adamax({ learningRate: 0.2, beta1: 0.85, beta2: 0.95, epsilon: 1e-6 }),
      [
        [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
        [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
        [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
        [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
        [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126],
      ],
    ],
    [
      'Adadelta',
      () => new Adadelta({ learningRate: 1, rho: 0.8, epsilon: 1e-6 }),
      tile([0.9978, 0.9947, 0.9915, 0.9882, 0.9849]),
    ],
    ['Lion', () => new Lion(), tile([0.999, 0.998, 0.997, 0.996, 0.995])],
    [
      'Ftrl',
      () =>
        new Ftrl({
          learningRate: 0.05,
          learningRatePower: -0.2,
          initialAccumulatorValue: 0.4,
          l1RegularizationStrength: 0.05,
          l2RegularizationStrength: 0.15,
          l2ShrinkageRegularizationStrength: 0.01,
          beta: 0.3,
        }),
      [
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [-0.0034, -0.0077, -0.0118, -0.0157, -0.0194, -0.023, -0.0263, -0.0294, -0.0325, -0.0354],
        [-0.0078, -0.0162, -0.0242, -0.0317, -0.0387, -0.0454, -0.0516, -0.0575, -0.0631, -0.0685],
        [-0.0121, -0.0246, -0.0363, -0.0472, -0.0573, -0.0668, -0.0757, -0.0842, -0.0922, -0.0999],
        [-0.0164, -0.0328, -0.0481, -0.0623, -0.0753, -0.0875, -0.099, -0.1098, -0.1201, -0.1299],
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
});

describe('globalClipnorm (Keras global_clipnorm)', () => {
  it('scales all gradients by one factor: [3, 4] and [12] with c = 1 become /13 (SGD lr 1 applies them)', () => {
    const a = makeVariable([0, 0], 'float64', 'a');
    const b = makeVariable([0], 'float64', 'b');
    new SGD({ learningRate: 1, globalClipnorm: 1 }).applyGradients([
      { variable: a, grad: gradArray([3, 4], 'float64') },
      { variable: b, grad: gradArray([12], 'float64') },
    ]);
    [...a.value.data, ...b.value.data].forEach((w, i) => {
      expect(w).toBeCloseTo(-[3, 4, 12][i] / 13, 15);
    });
    // Per-variable clipNorm gives another result: the option is not clipNorm under another name.
    const c = makeVariable([0, 0], 'float64');
    new SGD({ learningRate: 1, clipNorm: 1 }).applyGradients([
      { variable: c, grad: gradArray([3, 4], 'float64') },
    ]);
    expect(c.value.data[0]).toBeCloseTo(-0.6, 15);
  });

  it('float32 follows the documented order: per-variable sums in index order, summed in variable order', () => {
    const grads = [Float32Array.from(testValues(7, 1, -3, 3)), Float32Array.from(testValues(5, 2, -3, 3))];
    const f = Math.fround;
    let total = 0;
    for (const g of grads) {
      let s = 0;
      for (const x of g) s = f(s + f(x * x));
      total = f(total + s);
    }
    const norm = f(Math.sqrt(total));
    const want = f(f(2) * Math.min(f(1 / norm), f(1 / 2)));
    expect(norm).toBeGreaterThan(2); // the clipping acts
    expect(globalNormScale(grads, 2, true)).toBe(want);
    const variables = grads.map((g, i) => makeVariable(Array(g.length).fill(0), 'float32', `v${i}`));
    new SGD({ learningRate: 1, globalClipnorm: 2 }).applyGradients(
      variables.map((variable, i) => ({ variable, grad: grads[i] })),
    );
    variables.forEach((v, i) => {
      expect(Array.from(v.value.data)).toEqual(Array.from(grads[i], (g) => f(0 - f(f(g * want) * 1))));
    });
  });

  it('under the threshold the factor is c·(1/c), and an infinite or NaN norm makes every gradient NaN', () => {
    expect(globalNormScale([Float64Array.from([0.1])], 3, false)).toBe(3 * (1 / 3));
    expect(globalNormScale([Float32Array.from([0.1])], 3, true)).toBe(
      Math.fround(Math.fround(3) * Math.fround(1 / 3)),
    );
    expect(globalNormScale([Float64Array.from([0])], 1, false)).toBe(1);
    expect(globalNormScale([Float64Array.from([1, Number.POSITIVE_INFINITY])], 1, false)).toBeNaN();
    expect(globalNormScale([Float64Array.from([1]), Float64Array.from([Number.NaN])], 1, false)).toBeNaN();
  });

  it('is one of three exclusive options, kept in getConfig, and checked', () => {
    expect(() => new Adam({ clipNorm: 1, globalClipnorm: 1 })).toThrow(
      'adam: set only one of clipNorm, clipValue and globalClipnorm, got clipNorm and globalClipnorm',
    );
    expect(() => new Lion({ globalClipnorm: 0 })).toThrow(
      'lion: globalClipnorm must be a finite number > 0, got 0',
    );
    expect(() => new SGD({ global_clipnorm: 1 } as never)).toThrow(/did you mean 'globalClipnorm'/);
    expect(() => new SGD({ globalClipNorm: 1 } as never)).toThrow(/did you mean 'globalClipnorm'/);
    expect(new Ftrl({ globalClipnorm: 2.5 }).getConfig()).toMatchObject({ globalClipnorm: 2.5 });
    expect(new Ftrl().getConfig()).not.toHaveProperty('globalClipnorm');
  });
});

describe('names, configs and training state', () => {
  const FRESH: [string, () => BaseOptimizer<Slots>][] = [
    ['adamax', () => new Adamax({ learningRate: 0.02, beta2: 0.9, globalClipnorm: 1 })],
    ['adadelta', () => new Adadelta({ rho: 0.8, clipValue: 0.5 })],
    ['lion', () => new Lion({ beta1: 0.5 })],
    ['ftrl', () => new Ftrl({ learningRatePower: -0.3, l1RegularizationStrength: 0.01, beta: 0.2 })],
  ];

  it('getOptimizer knows the four names (any case) with Keras defaults, and suggests the nearest', () => {
    for (const name of ['adamax', 'adadelta', 'lion', 'ftrl']) expect(OPTIMIZER_NAMES).toContain(name);
    expect(getOptimizer('Adamax').getConfig()).toEqual({
      name: 'adamax',
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    expect(getOptimizer('Adadelta').getConfig()).toEqual({
      name: 'adadelta',
      learningRate: 0.001,
      rho: 0.95,
      epsilon: 1e-7,
    });
    expect(getOptimizer('LION').getConfig()).toEqual({
      name: 'lion',
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.99,
    });
    expect(getOptimizer('ftrl').getConfig()).toEqual({
      name: 'ftrl',
      learningRate: 0.001,
      learningRatePower: -0.5,
      initialAccumulatorValue: 0.1,
      l1RegularizationStrength: 0,
      l2RegularizationStrength: 0,
      l2ShrinkageRegularizationStrength: 0,
      beta: 0,
    });
    expect(() => getOptimizer('lino')).toThrow(/did you mean 'lion'/);
    expect(() => getOptimizer('adadleta')).toThrow(/did you mean 'adadelta'/);
    expect(() => new Adamax({ beta_1: 0.9 } as never)).toThrow(/did you mean 'beta1'/);
  });

  it('refuses out-of-range hyper-parameters, naming the optimizer and option', () => {
    expect(() => new Lion({ beta1: 0 })).toThrow(
      'lion: beta1 must be in (0, 1] (0 degenerates to signSGD), got 0',
    );
    expect(() => new Ftrl({ learningRatePower: 0.5 })).toThrow(
      'ftrl: learningRatePower must be a finite number <= 0, got 0.5',
    );
    expect(() => new Ftrl({ initialAccumulatorValue: -1 })).toThrow(/ftrl: initialAccumulatorValue/);
    expect(() => new Adadelta({ rho: 1.5 })).toThrow('adadelta: rho must be in [0, 1], got 1.5');
    expect(() => new Adamax({ beta1: 1 })).toThrow('adamax: beta1 must be in [0, 1), got 1');
  });

  it.each(FRESH)('%s: getConfig feeds the constructor back (as model files do)', (_, make) => {
    const optimizer = make();
    const { name, ...options } = optimizer.getConfig();
    const type = optimizer.constructor as new (o: Record<string, unknown>) => BaseOptimizer<Slots>;
    expect(new type(options).getConfig()).toEqual({ name, ...options });
  });

  it.each(FRESH)(
    '%s: getState/setState round-trips the slots — a restored run continues with the same bits',
    (_, make) => {
      const grads = GRADS.slice(0, 6);
      const a = make();
      const va = makeVariable(W0, 'float32');
      const vb = makeVariable([1, 2], 'float32', 'other');
      for (const g of grads.slice(0, 3)) {
        a.applyGradients([
          { variable: va, grad: gradArray(g, 'float32') },
          { variable: vb, grad: gradArray(g.slice(0, 2), 'float32') },
        ]);
      }
      const state = JSON.parse(JSON.stringify(a.getState([va, vb])));
      const b = make();
      const middle = Array.from(va.value.data);
      const wa = makeVariable(middle, 'float32');
      const wb = makeVariable(Array.from(vb.value.data), 'float32', 'other');
      b.setState([wa, wb], state);
      for (const g of grads.slice(3)) {
        for (const [opt, x, y] of [
          [a, va, vb],
          [b, wa, wb],
        ] as const) {
          opt.applyGradients([
            { variable: x, grad: gradArray(g, 'float32') },
            { variable: y, grad: gradArray(g.slice(0, 2), 'float32') },
          ]);
        }
      }
      expect(hashArrays([wa.value.data, wb.value.data])).toBe(hashArrays([va.value.data, vb.value.data]));
      expect(b.iterations).toBe(6);
      expect(b.getState([wa, wb])).toEqual(a.getState([va, vb]));
      // Not vacuous: a fresh optimizer from the same weights ends with other slots.
      const c = make();
      const xa = makeVariable(middle, 'float32');
      for (const g of grads.slice(3)) c.applyGradients([{ variable: xa, grad: gradArray(g, 'float32') }]);
      expect(c.getState([xa]).slots[0]).not.toEqual(a.getState([va]).slots[0]);
    },
  );

  it.each(['adamax', 'adadelta', 'lion', 'ftrl'])(
    "compile({ optimizer: '%s' }) trains through the update primitive: traced = eager, bit for bit",
    async (name) => {
      const train = async (tracing: boolean) => {
        setTracing(tracing);
        try {
          const model = new Sequential([
            new Dense(4, { inputShape: [3], activation: 'tanh', seed: 1 }),
            new Dense(1, { seed: 2 }),
          ]);
          model.compile({ loss: 'mse', optimizer: name });
          const x = tensor(Float32Array.from(testValues(12 * 3, 3, -1, 1)), [12, 3]);
          const y = tensor(Float32Array.from(testValues(12, 4, -1, 1)), [12, 1]);
          const history = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
          return { hash: hashArrays(model.getWeights()), loss: history.history.loss };
        } finally {
          setTracing(true);
        }
      };
      const traced = await train(true);
      const eager = await train(false);
      expect(eager.hash).toBe(traced.hash);
      expect(traced.loss[2]).not.toBe(traced.loss[0]);
    },
  );
});
