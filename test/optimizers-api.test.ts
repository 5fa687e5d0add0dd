/**
 * Optimizer API, input checks, determinism, convergence on a convex quadratic, and the power and
 * clipping helpers. (The update formulas themselves are checked in optimizers.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { Variable } from '../packages/ditto/src/layers/variable.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  type BaseOptimizer,
  clipByNorm,
  clipByValue,
  Ftrl,
  getOptimizer,
  integerPower,
  Lion,
  Nadam,
  OPTIMIZER_NAMES,
  type Optimizer,
  powerFor,
  RMSprop,
  SGD,
  type Slots,
} from '../packages/ditto/src/optimizers/index.js';
import type { DType } from '../packages/ditto/src/tensor/dtype.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

function makeVariable(values: readonly number[], dtype: DType = 'float32', name = 'w'): Variable {
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return new Variable(name, new Tensor(data, [values.length]));
}

const ALL: [string, (lr?: number) => BaseOptimizer<Slots>][] = [
  ['sgd', (lr) => new SGD({ learningRate: lr })],
  ['adam', (lr) => new Adam({ learningRate: lr })],
  ['adamw', (lr) => new AdamW({ learningRate: lr })],
  ['rmsprop', (lr) => new RMSprop({ learningRate: lr })],
  ['adagrad', (lr) => new Adagrad({ learningRate: lr })],
  ['nadam', (lr) => new Nadam({ learningRate: lr })],
];

describe('getOptimizer', () => {
  const classes = {
    sgd: SGD,
    adam: Adam,
    adamw: AdamW,
    rmsprop: RMSprop,
    adagrad: Adagrad,
    nadam: Nadam,
    adamax: Adamax,
    adadelta: Adadelta,
    lion: Lion,
    ftrl: Ftrl,
  };

  it('maps every name to a fresh instance of its class with Keras defaults', () => {
    expect([...OPTIMIZER_NAMES]).toEqual([
      'sgd',
      'adam',
      'adamw',
      'rmsprop',
      'adagrad',
      'nadam',
      'adamax',
      'adadelta',
      'lion',
      'ftrl',
    ]);
    for (const [name, cls] of Object.entries(classes)) {
      const a = getOptimizer(name);
      const b = getOptimizer(name);
      expect(a).toBeInstanceOf(cls);
      expect(a).not.toBe(b);
      expect(a.name).toBe(name);
      expect(a.iterations).toBe(0);
    }
    expect(getOptimizer('sgd').getConfig()).toMatchObject({
      learningRate: 0.01,
      momentum: 0,
      nesterov: false,
    });
    expect(getOptimizer('adam').getConfig()).toMatchObject({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    });
    expect(getOptimizer('adamw').getConfig()).toMatchObject({ learningRate: 0.001, weightDecay: 0.004 });
    expect(getOptimizer('rmsprop').getConfig()).toMatchObject({
      learningRate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
    expect(getOptimizer('adagrad').getConfig()).toMatchObject({
      learningRate: 0.001,
      initialAccumulatorValue: 0.1,
      epsilon: 1e-7,
    });
    expect(getOptimizer('nadam').getConfig()).toMatchObject({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
  });

  it("accepts any case, including Keras's class names", () => {
    expect(getOptimizer('SGD')).toBeInstanceOf(SGD);
    expect(getOptimizer('Adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('AdamW')).toBeInstanceOf(AdamW);
    expect(getOptimizer('RMSprop')).toBeInstanceOf(RMSprop);
    expect(getOptimizer('Adagrad')).toBeInstanceOf(Adagrad);
    expect(getOptimizer('NADAM')).toBeInstanceOf(Nadam);
  });

  it('returns an optimizer instance unchanged', () => {
    const adam = new Adam({ learningRate: 0.5 });
    expect(getOptimizer(adam)).toBe(adam);
  });

  it('rejects unknown names, naming the value and listing the valid ones', () => {
    expect(() => getOptimizer('adamm')).toThrow(
      /Unknown optimizer 'adamm'.*sgd, adam, adamw, rmsprop, adagrad, nadam/,
    );
    expect(() => getOptimizer('')).toThrow(/Unknown optimizer ''/);
    expect(() => getOptimizer('toString')).toThrow(/Unknown optimizer 'toString'/);
    expect(() => getOptimizer(42 as unknown as string)).toThrow(TypeError);
    expect(() => getOptimizer({} as Optimizer)).toThrow(TypeError);
  });
});

describe('bad input', () => {
  it('rejects negative or non-finite learning rates, in the constructor and the setter', () => {
    for (const [, make] of ALL) {
      expect(() => make(-0.1)).toThrow(/learningRate must be a finite number >= 0, got -0\.1/);
      expect(() => make(Number.NaN)).toThrow(/learningRate/);
      expect(() => make(Number.POSITIVE_INFINITY)).toThrow(/learningRate/);
    }
    const adam = new Adam();
    expect(() => {
      adam.learningRate = -1;
    }).toThrow(/adam: learningRate/);
    expect(adam.learningRate).toBe(0.001);
    adam.learningRate = 0.01;
    expect(adam.getConfig().learningRate).toBe(0.01);
  });

  it('rejects out-of-range hyper-parameters with the option name', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow(/adam: beta1 must be in \[0, 1\), got 1/);
    expect(() => new Adam({ beta2: -0.1 })).toThrow(/beta2/);
    expect(() => new Adam({ epsilon: -1e-7 })).toThrow(/epsilon/);
    expect(() => new AdamW({ weightDecay: -0.1 })).toThrow(/adamw: weightDecay/);
    expect(() => new SGD({ momentum: 2 })).toThrow(/sgd: momentum must be in \[0, 1\]/);
    expect(() => new SGD({ momentum: -1 })).toThrow(/momentum/);
    expect(() => new RMSprop({ rho: 1.5 })).toThrow(/rmsprop: rho/);
    expect(() => new Adagrad({ initialAccumulatorValue: -1 })).toThrow(/initialAccumulatorValue/);
    expect(() => new Nadam({ beta1: Number.NaN })).toThrow(/nadam: beta1/);
    expect(() => new SGD({ nesterov: 'yes' as unknown as boolean })).toThrow(
      /nesterov must be true or false/,
    );
    expect(() => new SGD({ clipNorm: 1, clipValue: 1 })).toThrow(
      'sgd: set only one of clipNorm, clipValue and globalClipnorm, got clipNorm and clipValue',
    );
    expect(() => new SGD({ clipNorm: 0 })).toThrow(/clipNorm must be a finite number > 0/);
    expect(() => new SGD({ clipValue: -1 })).toThrow(/clipValue/);
  });

  it('rejects a gradient of the wrong length before changing anything', () => {
    for (const [, make] of ALL) {
      const optimizer = make(0.1);
      const good = makeVariable([1, 2, 3]);
      const bad = makeVariable([1, 2, 3, 4], 'float32', 'dense/kernel');
      expect(() =>
        optimizer.applyGradients([
          { variable: good, grad: Float32Array.from([1, 1, 1]) },
          { variable: bad, grad: Float32Array.from([1, 1, 1]) },
        ]),
      ).toThrow(/gradient of 'dense\/kernel' has 3 values, the variable has 4/);
      expect(Array.from(good.value.data)).toEqual([1, 2, 3]);
      expect(optimizer.iterations).toBe(0);
      expect(optimizer.getSlots(good)).toBeUndefined();
    }
  });

  it('rejects a gradient that is not a float typed array', () => {
    const variable = makeVariable([1, 2]);
    expect(() => new SGD().applyGradients([{ variable, grad: [1, 2] as unknown as Float32Array }])).toThrow(
      /must be a Float32Array or Float64Array/,
    );
  });
});

describe('state and bookkeeping', () => {
  it('counts iterations per applyGradients call; an empty list does nothing (as in Keras)', () => {
    const adam = new Adam();
    const variable = makeVariable([1, 2]);
    adam.applyGradients([]);
    expect(adam.iterations).toBe(0);
    adam.applyGradients([{ variable, grad: Float32Array.from([1, 1]) }]);
    adam.applyGradients([{ variable, grad: Float32Array.from([1, 1]) }]);
    expect(adam.iterations).toBe(2);
  });

  it('creates slots lazily, of the variable dtype, and reuses the same arrays every step', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const adam = new Adam({ amsgrad: true });
      const variable = makeVariable([1, 2, 3], dtype);
      expect(adam.getSlots(variable)).toBeUndefined();
      const grad = dtype === 'float32' ? Float32Array.from([1, -1, 2]) : Float64Array.from([1, -1, 2]);
      adam.applyGradients([{ variable, grad }]);
      const slots = adam.getSlots(variable);
      expect(slots?.momentum).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
      expect(slots?.velocity_hat.length).toBe(3);
      adam.applyGradients([{ variable, grad }]);
      const again = adam.getSlots(variable);
      expect(again?.momentum).toBe(slots?.momentum);
      expect(again?.velocity).toBe(slots?.velocity);
    }
    const variable = makeVariable([1]);
    const adagrad = new Adagrad({ initialAccumulatorValue: 0.3 });
    adagrad.applyGradients([{ variable, grad: new Float32Array(1) }]);
    expect(adagrad.getSlots(variable)?.accumulator[0]).toBe(Math.fround(0.3));
  });

  it('casts a float64 gradient of a float32 variable to float32 first (as Keras casts to the variable dtype)', () => {
    const g64 = Float64Array.from([0.1, -0.7, 1 / 3]);
    const a = makeVariable([1, 2, 3]);
    const b = makeVariable([1, 2, 3]);
    new Adam({ learningRate: 0.1 }).applyGradients([{ variable: a, grad: g64 }]);
    new Adam({ learningRate: 0.1 }).applyGradients([{ variable: b, grad: Float32Array.from(g64) }]);
    expect(Array.from(a.value.data)).toEqual(Array.from(b.value.data));
  });

  it('getConfig lists the clipping options when set', () => {
    expect(new SGD({ clipNorm: 2 }).getConfig()).toMatchObject({ name: 'sgd', clipNorm: 2 });
    expect(new Nadam({ clipValue: 0.5 }).getConfig()).toMatchObject({ name: 'nadam', clipValue: 0.5 });
    expect(new Adam().getConfig()).not.toHaveProperty('clipNorm');
  });
});

describe('determinism', () => {
  function bytes(array: Float32Array | Float64Array): number[] {
    return Array.from(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }

  function train(make: () => BaseOptimizer<Slots>, dtype: DType): number[][] {
    const optimizer = make();
    const kernel = makeVariable(testValues(24, 1), dtype, 'kernel');
    const bias = makeVariable(testValues(4, 2), dtype, 'bias');
    const Arr = dtype === 'float32' ? Float32Array : Float64Array;
    for (let s = 0; s < 20; s++) {
      optimizer.applyGradients([
        { variable: kernel, grad: Arr.from(testValues(24, 10 + s)) },
        { variable: bias, grad: Arr.from(testValues(4, 50 + s)) },
      ]);
    }
    return [bytes(kernel.value.data), bytes(bias.value.data)];
  }

  const configured: [string, () => BaseOptimizer<Slots>][] = [
    ...ALL.map(([name, make]) => [name, () => make(0.05)] as [string, () => BaseOptimizer<Slots>]),
    ['sgd nesterov', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
    ['adam amsgrad + clipNorm', () => new Adam({ learningRate: 0.05, amsgrad: true, clipNorm: 0.5 })],
    ['rmsprop centered momentum', () => new RMSprop({ learningRate: 0.05, centered: true, momentum: 0.5 })],
  ];

  for (const [title, make] of configured) {
    it(`${title}: the same gradients give bit-identical weights twice (float32 and float64)`, () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const first = train(make, dtype);
        expect(train(make, dtype)).toEqual(first);
        // …and the weights did change.
        expect(first[1]).not.toEqual(bytes(makeVariable(testValues(4, 2), dtype).value.data));
      }
    });
  }

  it('each variable evolves independently of the others and of the order of the pairs', () => {
    for (const [, make] of ALL) {
      const together = make(0.05);
      const x = makeVariable([1, -2, 3]);
      const y = makeVariable([0.5, 0.25]);
      const alone = make(0.05);
      const x2 = makeVariable([1, -2, 3]);
      for (let s = 0; s < 5; s++) {
        const gx = Float32Array.from(testValues(3, 70 + s));
        const gy = Float32Array.from(testValues(2, 90 + s));
        together.applyGradients([
          { variable: y, grad: gy },
          { variable: x, grad: gx },
        ]);
        alone.applyGradients([{ variable: x2, grad: gx }]);
      }
      expect(Array.from(x.value.data)).toEqual(Array.from(x2.value.data));
    }
  });
});

describe('convergence on a convex quadratic', () => {
  // L(w) = ½ Σ a_i (w_i − c_i)², ∇L = a ⊙ (w − c): ill-conditioned (a spans 0.25…4).
  const a = [1, 4, 0.25, 2, 0.5];
  const c = [1, -2, 0.5, 3, -1];
  const loss = (w: ArrayLike<number>) => a.reduce((sum, ai, i) => sum + 0.5 * ai * (w[i] - c[i]) ** 2, 0);

  function minimise(optimizer: Optimizer, dtype: DType, steps: number): { before: number; after: number } {
    const variable = makeVariable([0, 0, 0, 0, 0], dtype);
    const grad = dtype === 'float32' ? new Float32Array(5) : new Float64Array(5);
    const before = loss(variable.value.data);
    for (let s = 0; s < steps; s++) {
      const w = variable.value.data;
      for (let i = 0; i < 5; i++) grad[i] = a[i] * (w[i] - c[i]);
      optimizer.applyGradients([{ variable, grad }]);
    }
    return { before, after: loss(variable.value.data) };
  }

  const tuned: [string, () => Optimizer][] = [
    ['sgd', () => new SGD({ learningRate: 0.2 })],
    ['sgd momentum', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
    ['adam', () => new Adam({ learningRate: 0.05 })],
    ['adamw', () => new AdamW({ learningRate: 0.05 })],
    ['rmsprop', () => new RMSprop({ learningRate: 0.01 })],
    ['adagrad', () => new Adagrad({ learningRate: 0.5 })],
    ['nadam', () => new Nadam({ learningRate: 0.05 })],
  ];
  for (const [title, make] of tuned) {
    it(`${title} brings the loss below 1% of its start in 400 steps`, () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const { before, after } = minimise(make(), dtype, 400);
        expect(after).toBeLessThan(0.01 * before);
      }
    });
  }

  it('every optimizer with its Keras defaults reduces the loss', () => {
    for (const name of OPTIMIZER_NAMES) {
      const { before, after } = minimise(getOptimizer(name), 'float32', 100);
      expect(after).toBeLessThan(before);
    }
  });
});

describe('integerPower / powerFor', () => {
  it('is exact where the true power is representable', () => {
    expect(integerPower(2, 10)).toBe(1024);
    expect(integerPower(0.5, 1074)).toBe(5e-324);
    expect(integerPower(3, 20)).toBe(3486784401);
    expect(integerPower(-2, 3)).toBe(-8);
    expect(integerPower(0, 0)).toBe(1);
    expect(integerPower(0.9, 0)).toBe(1);
    expect(integerPower(0.9, 1)).toBe(0.9);
  });

  it('uses the documented right-to-left binary sequence of multiplications', () => {
    const x = 0.999;
    const x2 = x * x;
    const x4 = x2 * x2;
    expect(integerPower(x, 3)).toBe(x * x2);
    expect(integerPower(x, 5)).toBe(x * x4);
    expect(integerPower(x, 6)).toBe(x2 * x4);
    expect(integerPower(x, 7)).toBe(x * x2 * x4);
    const x8 = x4 * x4;
    expect(integerPower(x, 13)).toBe(x * x4 * x8);
  });

  it('is close to the true power for large exponents (relative error within t·2⁻⁵²)', () => {
    for (const [base, t] of [
      [0.999, 1000],
      [0.9, 123],
      [0.96, 77],
      [0.999, 100_003],
      [1.0001, 54_321],
    ]) {
      const expected = base ** t;
      expect(expected).toBeGreaterThan(0);
      expect(Math.abs(integerPower(base, t) - expected)).toBeLessThanOrEqual(t * 2 ** -52 * expected);
    }
  });

  it('powerFor rounds the base and the result to float32 for float32, and is integerPower for float64', () => {
    for (let t = 1; t <= 50; t++) {
      expect(powerFor('float32', 0.9, t)).toBe(Math.fround(integerPower(Math.fround(0.9), t)));
      expect(powerFor('float32', 0.999, t)).toBe(Math.fround(Math.fround(0.999) ** t));
      expect(powerFor('float64', 0.999, t)).toBe(integerPower(0.999, t));
    }
  });

  it('rejects negative and fractional exponents', () => {
    expect(() => integerPower(2, -1)).toThrow(RangeError);
    expect(() => integerPower(2, 1.5)).toThrow(RangeError);
  });
});

describe('clipByNorm / clipByValue', () => {
  it('clipByNorm scales to norm c when above it, in float64', () => {
    const out = new Float64Array(2);
    clipByNorm(Float64Array.from([3, 4]), 1, out);
    expect(out[0]).toBeCloseTo(0.6, 15);
    expect(out[1]).toBeCloseTo(0.8, 15);
    clipByNorm(Float64Array.from([0.3, 0.4]), 1, out); // norm 0.5 ≤ 1: g·1/1
    expect(Array.from(out)).toEqual([0.3, 0.4]);
    clipByNorm(new Float64Array(2), 1, out); // zero gradient stays zero
    expect(Array.from(out)).toEqual([0, 0]);
  });

  it('clipByValue clamps elementwise and keeps NaN', () => {
    const out = new Float32Array(4);
    clipByValue(Float32Array.from([-5, 0.5, 5, Number.NaN]), 1, out);
    expect(Array.from(out)).toEqual([-1, 0.5, 1, Number.NaN]);
  });
});
