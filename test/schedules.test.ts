/**
 * Learning-rate schedules: values against float64 formulas written from
 * keras/src/optimizers/schedules/learning_rate_schedule.py, the float32 cosine and power against
 * float64 references, config round trips, bad options, and optimizers reading the schedule at
 * every update (bit-equal to setting the learning rate by hand before each step).
 */
import { describe, expect, it } from 'vitest';
import { compileFromConfig, compileToConfig } from '../packages/ditto/src/io/compile-config.js';
import { Variable } from '../packages/ditto/src/layers/variable.js';
import { getLoss } from '../packages/ditto/src/losses/index.js';
import { Adam, type BaseOptimizer, SGD } from '../packages/ditto/src/optimizers/index.js';
import {
  CosineDecay,
  ExponentialDecay,
  float32Cos,
  float32Power,
  InverseTimeDecay,
  type LearningRateSchedule,
  PiecewiseConstantDecay,
  PolynomialDecay,
  scheduleFromConfig,
} from '../packages/ditto/src/optimizers/schedules/index.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

/** |a − b| in float32 ulps of b. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const ulp = Math.abs(Math.fround(b) - Math.fround(Math.fround(b) * (1 + 2 ** -23))) || 2 ** -149;
  return Math.abs(a - b) / ulp;
}

describe('float32 cosine and power', () => {
  it('float32Cos is within one float32 ulp of Math.cos on [0, 4] (and exact at the ends of the cosine)', () => {
    const xs = [...testValues(2000, 7, 0, 4), 0, Math.fround(Math.PI), Math.fround(Math.PI / 2), 4];
    let exact = 0;
    for (const x of xs) {
      const got = float32Cos(x);
      expect(ulps(got, Math.cos(x)), `cos ${x}`).toBeLessThanOrEqual(1);
      if (got === Math.fround(Math.cos(x))) exact++;
    }
    expect(exact / xs.length).toBeGreaterThan(0.99);
    expect(float32Cos(0)).toBe(1);
    expect(float32Cos(Math.fround(Math.PI))).toBe(-1);
  });

  it('float32Power is within one float32 ulp of Math.pow', () => {
    const bases = testValues(500, 3, 0.01, 2);
    const exponents = testValues(500, 4, 0, 20);
    bases.forEach((b, i) => {
      const x = Math.fround(b);
      const e = Math.fround(exponents[i]);
      expect(ulps(float32Power(x, e), x ** e), `${x}^${e}`).toBeLessThanOrEqual(1);
    });
    expect(float32Power(0, 0)).toBe(1);
    expect(float32Power(0, 2)).toBe(0);
    expect(() => float32Power(-1, 0.5)).toThrow(/base must be ≥ 0/);
  });

  it('outside [0, 4] the cosine refuses', () => {
    expect(() => float32Cos(5)).toThrow(/\[0, 4\]/);
  });
});

/** Keras's formulas in float64. */
const references: Array<[string, LearningRateSchedule, (step: number) => number]> = [
  [
    'ExponentialDecay',
    new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9 }),
    (s) => 0.1 * 0.9 ** (s / 7),
  ],
  [
    'ExponentialDecay staircase',
    new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9, staircase: true }),
    (s) => 0.1 * 0.9 ** Math.floor(s / 7),
  ],
  [
    'InverseTimeDecay',
    new InverseTimeDecay({ initialLearningRate: 0.5, decaySteps: 3, decayRate: 0.25 }),
    (s) => 0.5 / (1 + (0.25 * s) / 3),
  ],
  [
    'InverseTimeDecay staircase',
    new InverseTimeDecay({ initialLearningRate: 0.5, decaySteps: 3, decayRate: 0.25, staircase: true }),
    (s) => 0.5 / (1 + 0.25 * Math.floor(s / 3)),
  ],
  [
    'PolynomialDecay',
    new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 40, endLearningRate: 0.001, power: 2 }),
    (s) => (0.1 - 0.001) * (1 - Math.min(s, 40) / 40) ** 2 + 0.001,
  ],
  [
    'PolynomialDecay cycle',
    new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 40, power: 0.5, cycle: true }),
    (s) => {
      const period = 40 * (s === 0 ? 1 : Math.ceil(s / 40));
      return (0.1 - 0.0001) * (1 - s / period) ** 0.5 + 0.0001;
    },
  ],
  [
    'CosineDecay',
    new CosineDecay({ initialLearningRate: 0.2, decaySteps: 50, alpha: 0.1 }),
    (s) => 0.2 * (0.9 * 0.5 * (1 + Math.cos((Math.PI * Math.min(s, 50)) / 50)) + 0.1),
  ],
  [
    'CosineDecay with warm-up',
    new CosineDecay({ initialLearningRate: 0, decaySteps: 50, warmupTarget: 0.3, warmupSteps: 10 }),
    (s) => {
      const held = Math.min(s, 60);
      if (held < 10) return (0.3 * held) / 10;
      return 0.3 * 0.5 * (1 + Math.cos((Math.PI * (held - 10)) / 50));
    },
  ],
  [
    'PiecewiseConstantDecay',
    new PiecewiseConstantDecay({ boundaries: [10, 25], values: [0.1, 0.05, 0.01] }),
    (s) => (s <= 10 ? 0.1 : s <= 25 ? 0.05 : 0.01),
  ],
];

describe('schedules match the Keras formulas in float64', () => {
  for (const [name, schedule, reference] of references) {
    it(name, () => {
      for (let step = 0; step <= 130; step++) {
        const got = schedule.at(step);
        expect(Math.fround(got), `step ${step} is a float32`).toBe(got);
        const want = reference(step);
        // A handful of float32 roundings on the way: within 1e-5 relative (or 1e-9 absolute near 0).
        expect(Math.abs(got - want), `${name} at step ${step}: ${got} vs ${want}`).toBeLessThanOrEqual(
          Math.max(1e-5 * Math.abs(want), 1e-9),
        );
      }
    });
  }

  it("Keras's documented values", () => {
    // keras.optimizers.schedules.PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1]).
    const piecewise = new PiecewiseConstantDecay({ boundaries: [100000, 110000], values: [1, 0.5, 0.1] });
    expect([piecewise.at(100000), piecewise.at(100001), piecewise.at(110001)]).toEqual([
      1,
      0.5,
      Math.fround(0.1),
    ]);
    const warm = new CosineDecay({
      initialLearningRate: 0,
      decaySteps: 100,
      warmupTarget: 0.1,
      warmupSteps: 10,
    });
    expect(warm.at(0)).toBe(0);
    expect(warm.at(10)).toBe(Math.fround(0.1));
    expect(warm.at(110)).toBe(0);
    expect(warm.at(1000)).toBe(0);
  });
});

describe('config round trips', () => {
  for (const [name, schedule] of references) {
    it(name, () => {
      const config = JSON.parse(JSON.stringify(schedule.toConfig()));
      expect(config.className).toBe(schedule.className);
      const back = scheduleFromConfig(config);
      for (let step = 0; step < 80; step++) expect(back.at(step)).toBe(schedule.at(step));
    });
  }

  it('an optimizer with a schedule saves it in its compile config and gets it back', () => {
    const schedule = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5 });
    const optimizer = new Adam({ learningRate: schedule });
    const loss = getLoss('mse');
    const saved = JSON.parse(JSON.stringify(compileToConfig({ optimizer, loss, metrics: [] })));
    expect(saved.optimizer.config.learningRate).toEqual(schedule.toConfig());
    const restored = compileFromConfig(saved).optimizer as BaseOptimizer;
    expect(restored.schedule?.toConfig()).toEqual(schedule.toConfig());
  });
});

describe('bad options', () => {
  it('names the schedule, the option and the value', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 })).toThrow(
      /ExponentialDecay: decaySteps must be a positive integer, got 0/,
    );
    expect(
      () => new ExponentialDecay({ initialLearningRate: 0.1, decay_steps: 10, decayRate: 0.9 } as never),
    ).toThrow(/unknown option "decay_steps".*decaySteps/);
    expect(() => new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 10 } as never)).toThrow(
      /InverseTimeDecay: the option 'decayRate' is required/,
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [5, 3], values: [1, 2, 3] })).toThrow(
      /boundaries\[1\] is 3/,
    );
    expect(() => new PiecewiseConstantDecay({ boundaries: [5], values: [1] })).toThrow(/one more entry/);
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 5, warmupSteps: 1.5 })).toThrow(
      /warmupSteps must be a non-negative integer/,
    );
    expect(() => scheduleFromConfig({ className: 'ExponentialDeacy', config: {} })).toThrow(
      /ExponentialDecay/,
    );
    expect(() =>
      new ExponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 1 }).at(-1),
    ).toThrow(/step must be a non-negative integer/);
  });

  it('a scheduled learning rate cannot be set', () => {
    const sgd = new SGD({
      learningRate: new InverseTimeDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 1 }),
    });
    expect(() => {
      sgd.learningRate = 0.1;
    }).toThrow(/InverseTimeDecay schedule and cannot be set/);
  });
});

describe('optimizers read the schedule at every update', () => {
  for (const make of [
    (lr: LearningRateSchedule | number) => new SGD({ learningRate: lr, momentum: 0.9 }),
    (lr: LearningRateSchedule | number) => new Adam({ learningRate: lr }),
  ]) {
    it(`${make(0.1).name}: bit-equal to setting the rate by hand before each step`, () => {
      const schedule = new CosineDecay({
        initialLearningRate: 0.01,
        decaySteps: 20,
        warmupTarget: 0.1,
        warmupSteps: 5,
      });
      const scheduled = make(schedule);
      const manual = make(0.01);
      const start = testValues(16, 5);
      const a = new Variable('a', new Tensor(Float32Array.from(start), [16]));
      const b = new Variable('b', new Tensor(Float32Array.from(start), [16]));
      for (let step = 0; step < 30; step++) {
        const grad = Float32Array.from(testValues(16, 100 + step));
        expect(scheduled.learningRate).toBe(schedule.at(step));
        manual.learningRate = schedule.at(step);
        scheduled.applyGradients([{ variable: a, grad }]);
        manual.applyGradients([{ variable: b, grad: Float32Array.from(grad) }]);
      }
      expect(Array.from(a.value.data)).toEqual(Array.from(b.value.data));
      // And the schedule mattered: a constant rate ends elsewhere.
      const constant = make(0.01);
      const c = new Variable('c', new Tensor(Float32Array.from(start), [16]));
      for (let step = 0; step < 30; step++) {
        constant.applyGradients([{ variable: c, grad: Float32Array.from(testValues(16, 100 + step)) }]);
      }
      expect(Array.from(c.value.data)).not.toEqual(Array.from(a.value.data));
    });
  }
});
