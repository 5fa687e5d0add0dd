import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, it } from 'vitest';
import {
  Constant,
  computeFans,
  constant,
  GlorotNormal,
  GlorotUniform,
  getInitializer,
  glorotNormal,
  glorotUniform,
  HeNormal,
  heNormal,
  heUniform,
  Identity,
  type Initializer,
  identity,
  lecunNormal,
  lecunUniform,
  Ones,
  Orthogonal,
  ones,
  RandomNormal,
  RandomUniform,
  randomNormal,
  randomUniform,
  TRUNCATED_NORMAL_STDDEV,
  TruncatedNormal,
  truncatedNormal,
  VarianceScaling,
  varianceScaling,
  Zeros,
  zeros,
} from '../packages/ditto/src/initializers/index.js';
import * as random from '../packages/ditto/src/random/index.js';
import type { DType, FloatArray } from '../packages/ditto/src/tensor/dtype.js';

const f32 = Math.fround;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Mean and (population) variance in float64, summed in index order. */
function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, variance: squares / values.length };
}

function extremes(values: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  return { min, max };
}

function bytes(values: FloatArray): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Variance of a standard normal truncated to [−2, 2], from the normal density and CDF:
 * 1 − 2·2·φ(2) / (Φ(2) − Φ(−2)). (scipy.stats.truncnorm(-2, 2).var() = 0.7737413035499232.)
 */
const TRUNCATED_VARIANCE =
  1 - (4 * Math.exp(-2)) / Math.sqrt(2 * Math.PI) / (normalCdf(2, 0, 1) - normalCdf(-2, 0, 1));

/** Kurtosis (fourth standardized moment) of the uniform distribution; normals use 3 as a bound. */
const UNIFORM_KURTOSIS = 1.8;
const NORMAL_KURTOSIS_BOUND = 3;

/**
 * Checks the sample mean and variance against the distribution's within 5 standard errors:
 * SE(mean) = σ/√N, SE(variance) ≈ σ²·√((κ − 1)/N).
 */
function expectMoments(values: FloatArray, mean: number, variance: number, kurtosis: number): void {
  const n = values.length;
  expect(n).toBeGreaterThanOrEqual(100_000);
  const sample = moments(values);
  expect(Math.abs(sample.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
  expect(Math.abs(sample.variance - variance)).toBeLessThan(5 * variance * Math.sqrt((kurtosis - 1) / n));
}

describe('computeFans', () => {
  it('follows Keras for scalars, vectors, matrices and convolution kernels', () => {
    expect(computeFans([])).toEqual([1, 1]);
    expect(computeFans([7])).toEqual([7, 7]);
    expect(computeFans([784, 128])).toEqual([784, 128]);
    // receptive field 3·3 = 9: fanIn = 9·16, fanOut = 9·32
    expect(computeFans([3, 3, 16, 32])).toEqual([144, 288]);
    expect(computeFans([5, 2, 3])).toEqual([10, 15]);
    expect(computeFans([2, 3, 4, 5, 6])).toEqual([120, 144]);
    expect(computeFans([3, 0, 4])).toEqual([0, 12]); // receptive field 3: [0·3, 4·3]
  });

  it('rejects shapes that are not arrays of non-negative integers', () => {
    expect(() => computeFans([2, 1.5])).toThrow(/1\.5/);
    expect(() => computeFans([-1, 2])).toThrow(/non-negative integers/);
    expect(() => computeFans('3x3' as unknown as number[])).toThrow(/shape must be an array/);
  });
});

describe('the truncated-normal correction constant', () => {
  it('is the standard deviation of a standard normal truncated to ±2', () => {
    expect(Math.abs(Math.sqrt(TRUNCATED_VARIANCE) - TRUNCATED_NORMAL_STDDEV)).toBeLessThan(1e-14);
  });
});

describe('glorotUniform', () => {
  const shape = [300, 400];
  const limit = Math.sqrt(6 / (300 + 400));
  const values = glorotUniform().init(shape, 'float32', random.key(11));

  it('stays within ±limit and comes close to both ends', () => {
    expect(values).toBeInstanceOf(Float32Array);
    expect(values.length).toBe(120_000);
    const { min, max } = extremes(values);
    // Uniform in [−limit, limit) with the bounds rounded to float32.
    expect(min).toBeGreaterThanOrEqual(-f32(limit));
    expect(max).toBeLessThan(f32(limit));
    // With 120 000 draws, a gap of 0.1% of the range at either end has probability ≈ e^-60.
    expect(min).toBeLessThan(-limit * (1 - 1e-3));
    expect(max).toBeGreaterThan(limit * (1 - 1e-3));
  });

  it('has mean 0 and variance limit²/3', () => {
    expectMoments(values, 0, (limit * limit) / 3, UNIFORM_KURTOSIS);
  });

  it('uses the receptive field for convolution kernels', () => {
    const kernel = glorotUniform().init([3, 3, 16, 32], 'float32', random.key(12));
    const convLimit = Math.sqrt(6 / (144 + 288));
    const { min, max } = extremes(kernel);
    expect(min).toBeGreaterThanOrEqual(-f32(convLimit));
    expect(max).toBeLessThan(f32(convLimit));
    expect(max).toBeGreaterThan(0.99 * convLimit);
  });
});

describe('moments of every random initializer (≥ 10^5 draws)', () => {
  const T2 = TRUNCATED_VARIANCE;
  const cases: {
    label: string;
    init: Initializer;
    shape: number[];
    mean: number;
    variance: number;
    kurtosis: number;
  }[] = [
    {
      label: 'randomUniform default',
      init: randomUniform(),
      shape: [400, 250],
      mean: 0,
      variance: 0.01 / 12,
      kurtosis: UNIFORM_KURTOSIS,
    },
    {
      label: 'randomUniform [2, 5)',
      init: randomUniform({ minval: 2, maxval: 5 }),
      shape: [100_000],
      mean: 3.5,
      variance: 9 / 12,
      kurtosis: UNIFORM_KURTOSIS,
    },
    {
      label: 'randomNormal default',
      init: randomNormal(),
      shape: [400, 250],
      mean: 0,
      variance: 0.05 ** 2,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'randomNormal(1, 2)',
      init: randomNormal({ mean: 1, stddev: 2 }),
      shape: [100_000],
      mean: 1,
      variance: 4,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'truncatedNormal default',
      init: truncatedNormal(),
      shape: [400, 250],
      mean: 0,
      variance: 0.05 ** 2 * T2,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'truncatedNormal(−0.5, 0.3)',
      init: truncatedNormal({ mean: -0.5, stddev: 0.3 }),
      shape: [100_000],
      mean: -0.5,
      variance: 0.09 * T2,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'glorotUniform',
      init: glorotUniform(),
      shape: [300, 400],
      mean: 0,
      variance: 2 / 700,
      kurtosis: UNIFORM_KURTOSIS,
    },
    {
      label: 'glorotNormal',
      init: glorotNormal(),
      shape: [300, 400],
      mean: 0,
      variance: 2 / 700,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'glorotNormal 1-D',
      init: glorotNormal(),
      shape: [100_000],
      mean: 0,
      variance: 2 / 200_000,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'heUniform',
      init: heUniform(),
      shape: [500, 200],
      mean: 0,
      variance: 2 / 500,
      kurtosis: UNIFORM_KURTOSIS,
    },
    {
      label: 'heNormal',
      init: heNormal(),
      shape: [500, 200],
      mean: 0,
      variance: 2 / 500,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'lecunUniform',
      init: lecunUniform(),
      shape: [500, 200],
      mean: 0,
      variance: 1 / 500,
      kurtosis: UNIFORM_KURTOSIS,
    },
    {
      label: 'lecunNormal',
      init: lecunNormal(),
      shape: [500, 200],
      mean: 0,
      variance: 1 / 500,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'heNormal on a conv kernel',
      init: heNormal(),
      shape: [5, 5, 64, 80],
      mean: 0,
      variance: 2 / 1600,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'varianceScaling(3, fanOut, untruncatedNormal)',
      init: varianceScaling({ scale: 3, mode: 'fanOut', distribution: 'untruncatedNormal' }),
      shape: [5, 5, 64, 80],
      mean: 0,
      variance: 3 / 2000,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'varianceScaling(0.5, fanAvg, truncatedNormal)',
      init: varianceScaling({ scale: 0.5, mode: 'fanAvg', distribution: 'truncatedNormal' }),
      shape: [400, 300],
      mean: 0,
      variance: 0.5 / 350,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
    {
      label: 'varianceScaling(2, fan_in, uniform) with Keras spellings',
      init: varianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform' }),
      shape: [1000, 100],
      mean: 0,
      variance: 2 / 1000,
      kurtosis: UNIFORM_KURTOSIS,
    },
    {
      label: 'orthogonal (entries of a random orthogonal 400×250)',
      init: new Orthogonal(),
      shape: [400, 250],
      mean: 0,
      variance: 1 / 400,
      kurtosis: NORMAL_KURTOSIS_BOUND,
    },
  ];

  for (const c of cases) {
    it(c.label, () => {
      const values = c.init.init(c.shape, 'float32', random.key(2024));
      expect(values.length).toBe(size(c.shape));
      expectMoments(values, c.mean, c.variance, c.kurtosis);
    });
  }
});

describe('truncated normals stay within two standard deviations', () => {
  it('truncatedNormal with a mean and a stddev', () => {
    const values = truncatedNormal({ mean: 0.5, stddev: 0.1 }).init([100_000], 'float32', random.key(3));
    const s = f32(0.1);
    const m = f32(0.5);
    // z lies in (−2, 2); z·s + m is rounded monotonically, so the rounded ends bound every value.
    const low = f32(f32(-2 * s) + m);
    const high = f32(f32(2 * s) + m);
    const { min, max } = extremes(values);
    expect(min).toBeGreaterThanOrEqual(low);
    expect(max).toBeLessThanOrEqual(high);
    expect(low).toBeGreaterThanOrEqual(0.3 - 1e-7);
    expect(high).toBeLessThanOrEqual(0.7 + 1e-7);
    // …and the tails are used: some draws beyond 1.99 standard deviations on each side.
    expect(min).toBeLessThan(0.5 - 1.99 * 0.1);
    expect(max).toBeGreaterThan(0.5 + 1.99 * 0.1);
  });

  for (const [name, init, fan] of [
    ['glorotNormal', glorotNormal(), 2 / 700],
    ['heNormal', heNormal(), 2 / 300],
    ['lecunNormal', lecunNormal(), 1 / 300],
  ] as const) {
    it(`${name}: |w| ≤ 2 · √(scale/n) / 0.8796…`, () => {
      const values = init.init([300, 400], 'float32', random.key(4));
      const stddev = f32(Math.sqrt(fan) / 0.87962566103423978);
      const { min, max } = extremes(values);
      expect(max).toBeLessThanOrEqual(f32(2 * stddev));
      expect(min).toBeGreaterThanOrEqual(-f32(2 * stddev));
      expect(max).toBeGreaterThan(1.99 * stddev);
    });
  }
});

describe('float32 values are the random module’s formulas with the Keras parameters', () => {
  const k = random.foldIn(random.key(5), 7);
  const expectSameBits = (a: FloatArray, b: FloatArray) => expect(bytes(a)).toEqual(bytes(b));

  it('uniform initializers', () => {
    const limit = Math.sqrt(6 / (30 + 20));
    expectSameBits(
      glorotUniform().init([30, 20], 'float32', k),
      random.uniform(k, 600, { minval: -limit, maxval: limit }),
    );
    expectSameBits(
      randomUniform({ minval: -3, maxval: 0.25 }).init([600], 'float32', k),
      random.uniform(k, 600, { minval: -3, maxval: 0.25 }),
    );
  });

  it('normal and truncated normal initializers', () => {
    expectSameBits(
      randomNormal({ mean: 0.25, stddev: 1.5 }).init([600], 'float32', k),
      random.normal(k, 600, { mean: 0.25, stddev: 1.5 }),
    );
    expectSameBits(
      truncatedNormal({ mean: -1, stddev: 0.01 }).init([20, 30], 'float32', k),
      random.truncatedNormal(k, 600, { mean: -1, stddev: 0.01 }),
    );
    expectSameBits(
      heNormal().init([30, 20], 'float32', k),
      random.truncatedNormal(k, 600, { stddev: Math.sqrt(2 / 30) / 0.87962566103423978 }),
    );
    expectSameBits(
      varianceScaling({ scale: 0.7, mode: 'fanOut', distribution: 'untruncatedNormal' }).init(
        [30, 20],
        'float32',
        k,
      ),
      random.normal(k, 600, { stddev: Math.sqrt(0.7 / 20) }),
    );
  });
});

describe('float64 weights', () => {
  const k = random.key(6);

  it('scale the same standard draws in double precision', () => {
    const z = random.normal(k, 500);
    const w = randomNormal({ mean: 0.1, stddev: 0.3 }).init([500], 'float64', k);
    expect(w).toBeInstanceOf(Float64Array);
    for (let i = 0; i < 500; i++) expect(w[i]).toBe(z[i] * 0.3 + 0.1);

    const u = random.uniform(k, 500);
    const limit = Math.sqrt(6 / (25 + 20));
    const g = glorotUniform().init([25, 20], 'float64', k);
    for (let i = 0; i < 500; i++) expect(g[i]).toBe(u[i] * (limit - -limit) + -limit);
  });
});

describe('constant initializers', () => {
  it('zeros and ones are exact, in both dtypes and for scalars', () => {
    const z = zeros().init([2, 3], 'float32', random.key(0));
    expect(z).toEqual(new Float32Array(6));
    const o = ones().init([4], 'float64', random.key(0));
    expect(o).toBeInstanceOf(Float64Array);
    expect(Array.from(o)).toEqual([1, 1, 1, 1]);
    expect(Array.from(ones().init([], 'float32', random.key(0)))).toEqual([1]);
    expect(zeros().init([0, 5], 'float32', random.key(0)).length).toBe(0);
  });

  it('constant(value) is the value rounded to the dtype', () => {
    const c32 = constant(0.1).init([3, 2], 'float32', random.key(0));
    expect(Array.from(c32)).toEqual(new Array(6).fill(f32(0.1)));
    const c64 = constant(0.1).init([3], 'float64', random.key(0));
    expect(Array.from(c64)).toEqual([0.1, 0.1, 0.1]);
    expect(Array.from(constant().init([2], 'float32', random.key(0)))).toEqual([0, 0]);
  });

  it('identity puts gain on the diagonal of a 2-D weight', () => {
    expect(Array.from(identity().init([2, 3], 'float32', random.key(0)))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(identity({ gain: 0.1 }).init([3, 2], 'float64', random.key(0)))).toEqual([
      0.1, 0, 0, 0.1, 0, 0,
    ]);
  });
});

describe('determinism', () => {
  const shapes: Record<string, number[]> = { orthogonal: [12, 8] };
  const names = [
    'glorotUniform',
    'glorotNormal',
    'heUniform',
    'heNormal',
    'lecunUniform',
    'lecunNormal',
    'randomUniform',
    'randomNormal',
    'truncatedNormal',
    'varianceScaling',
    'orthogonal',
  ];

  for (const name of names) {
    it(`${name}: the same key gives the same bits, other keys other values`, () => {
      const shape = shapes[name] ?? [16, 8];
      const layerKey = random.key(99);
      const a = getInitializer(name).init(shape, 'float32', random.foldIn(layerKey, 0));
      const b = getInitializer(name).init(shape, 'float32', random.foldIn(layerKey, 0));
      const c = getInitializer(name).init(shape, 'float32', random.foldIn(layerKey, 1));
      expect(bytes(a)).toEqual(bytes(b));
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) differing++;
      expect(differing).toBe(a.length);
    });
  }

  it('keys from the global seed repeat after setSeed and differ between layers', () => {
    const build = () =>
      random.withSeed(42, () => {
        const first = random.nextKey();
        const second = random.nextKey();
        return [first, second].map((layerKey) =>
          glorotUniform().init([10, 10], 'float32', random.foldIn(layerKey, 0)),
        );
      });
    const [a1, a2] = build();
    const [b1, b2] = build();
    expect(bytes(a1)).toEqual(bytes(b1));
    expect(bytes(a2)).toEqual(bytes(b2));
    expect(bytes(a1)).not.toEqual(bytes(a2));
  });
});

describe('an explicit seed overrides the key', () => {
  const inits: [string, (seed: random.Seed) => Initializer][] = [
    ['glorotUniform', (seed) => glorotUniform({ seed })],
    ['heNormal', (seed) => heNormal({ seed })],
    ['randomNormal', (seed) => randomNormal({ seed })],
    ['truncatedNormal', (seed) => truncatedNormal({ seed })],
    ['randomUniform', (seed) => randomUniform({ seed })],
    ['varianceScaling', (seed) => varianceScaling({ seed })],
    ['orthogonal', (seed) => new Orthogonal({ seed })],
  ];

  for (const [name, make] of inits) {
    it(name, () => {
      const seeded = make(7);
      expect(seeded.seed).toBe(7);
      const a = seeded.init([6, 5], 'float32', random.key(1));
      const b = seeded.init([6, 5], 'float32', random.key(2));
      const viaKey = getInitializer(name).init([6, 5], 'float32', random.key(7));
      expect(bytes(a)).toEqual(bytes(b));
      expect(bytes(a)).toEqual(bytes(viaKey));
      // …whatever the global seed.
      const underSeed = random.withSeed(123, () => make(7).init([6, 5], 'float32', random.nextKey()));
      expect(bytes(underSeed)).toEqual(bytes(a));
      expect(bytes(make(8).init([6, 5], 'float32', random.key(1)))).not.toEqual(bytes(a));
    });
  }

  it('string and bigint seeds are keys too', () => {
    const s = glorotUniform({ seed: 'run-1' }).init([4, 4], 'float32', random.key(0));
    expect(bytes(s)).toEqual(bytes(glorotUniform().init([4, 4], 'float32', random.key('run-1'))));
    const big = glorotUniform({ seed: 2n ** 40n }).init([4, 4], 'float32', random.key(0));
    expect(bytes(big)).toEqual(bytes(glorotUniform().init([4, 4], 'float32', random.key(2 ** 40))));
  });
});

describe('getInitializer', () => {
  it('accepts camelCase, snake_case and class-style names', () => {
    const expected: [string[], abstract new (...args: never[]) => Initializer][] = [
      [['glorotUniform', 'glorot_uniform', 'GlorotUniform'], GlorotUniform],
      [['glorotNormal', 'glorot_normal', 'GlorotNormal'], GlorotNormal],
      [['heNormal', 'he_normal', 'HeNormal'], HeNormal],
      [['varianceScaling', 'variance_scaling', 'VarianceScaling'], VarianceScaling],
      [['randomUniform', 'random_uniform', 'RandomUniform', 'uniform'], RandomUniform],
      [['randomNormal', 'random_normal', 'RandomNormal', 'normal'], RandomNormal],
      [['truncatedNormal', 'truncated_normal', 'TruncatedNormal'], TruncatedNormal],
      [['zeros', 'Zeros', 'zero'], Zeros],
      [['ones', 'Ones', 'one'], Ones],
      [['constant', 'Constant'], Constant],
      [['identity', 'Identity', 'IdentityInitializer'], Identity],
      [['orthogonal', 'Orthogonal', 'OrthogonalInitializer'], Orthogonal],
    ];
    for (const [names, cls] of expected) {
      for (const name of names) expect(getInitializer(name), name).toBeInstanceOf(cls);
    }
    expect(getInitializer('glorot_uniform').name).toBe('glorotUniform');
    expect(getInitializer('he_uniform').getConfig()).toEqual({});
  });

  it('returns an initializer it is given', () => {
    const init = new Orthogonal({ gain: 2 });
    expect(getInitializer(init)).toBe(init);
  });

  it('names the unknown value and lists the valid names', () => {
    expect(() => getInitializer('xavier')).toThrow(/unknown initializer "xavier".*glorotUniform.*orthogonal/);
    expect(() => getInitializer('GLOROT_UNIFORM')).toThrow(/did you mean 'glorotUniform'/);
    expect(() => getInitializer(42 as unknown as string)).toThrow(/got 42/);
  });
});

describe('configs', () => {
  it('report the options, and a factory rebuilds the same initializer from them', () => {
    const v = varianceScaling({ scale: 2, mode: 'fan_out', distribution: 'normal', seed: 3 });
    expect(v.getConfig()).toEqual({ scale: 2, mode: 'fanOut', distribution: 'truncatedNormal', seed: 3 });
    const rebuilt = varianceScaling(v.getConfig() as Parameters<typeof varianceScaling>[0]);
    expect(bytes(rebuilt.init([5, 5], 'float32', random.key(0)))).toEqual(
      bytes(v.init([5, 5], 'float32', random.key(0))),
    );
    expect(glorotUniform({ seed: 5 }).getConfig()).toEqual({ seed: 5 });
    expect(randomUniform().getConfig()).toEqual({ minval: -0.05, maxval: 0.05 });
    expect(randomNormal().getConfig()).toEqual({ mean: 0, stddev: 0.05 });
    expect(constant(2).getConfig()).toEqual({ value: 2 });
    expect(new Orthogonal().getConfig()).toEqual({ gain: 1 });
  });
});

describe('bad input fails with a clear message', () => {
  const dtype: DType = 'float32';

  it('distribution parameters', () => {
    expect(() => randomNormal({ stddev: -1 })).toThrow(/randomNormal: stddev must be ≥ 0, got -1/);
    expect(() => truncatedNormal({ stddev: -0.5 })).toThrow(/truncatedNormal: stddev must be ≥ 0, got -0.5/);
    expect(() => randomNormal({ mean: Number.NaN })).toThrow(/mean must be a finite number, got NaN/);
    expect(() => randomUniform({ minval: 1, maxval: 1 })).toThrow(
      /minval must be less than maxval, got minval 1, maxval 1/,
    );
    expect(() => randomUniform({ minval: 2, maxval: 1 })).toThrow(/minval must be less than maxval/);
    expect(() => randomUniform({ minval: 1, maxval: 1 + 1e-12 }).init([2], dtype, random.key(0))).toThrow(
      /minval < maxval .* in float32/,
    );
    expect(() => varianceScaling({ scale: 0 })).toThrow(/scale must be positive, got 0/);
    expect(() => varianceScaling({ mode: 'fan' as never })).toThrow(/mode must be one of 'fanIn'.*got "fan"/);
    expect(() => varianceScaling({ distribution: 'gamma' as never })).toThrow(
      /distribution must be one of.*"gamma"/,
    );
    expect(() => constant(Number.POSITIVE_INFINITY)).toThrow(/value must be a finite number/);
    expect(() => new Orthogonal({ gain: Number.NaN })).toThrow(/gain must be a finite number/);
  });

  it('misspelt options and seeds', () => {
    expect(() => randomNormal({ stdev: 1 } as never)).toThrow(
      /unknown option "stdev" \(did you mean 'stddev'\?\); valid options: mean, stddev, seed/,
    );
    expect(() => glorotUniform({ scale: 2 } as never)).toThrow(/glorotUniform: unknown option "scale"/);
    expect(() => glorotUniform({ seed: 1.5 })).toThrow(/glorotUniform: invalid seed.*1\.5/);
  });

  it('shapes, dtypes and keys', () => {
    expect(() => glorotUniform().init([2, 1.5], dtype, random.key(0))).toThrow(
      /glorotUniform: shape must be an array of non-negative integers, got \[2, 1\.5\]/,
    );
    expect(() => heNormal().init([-3], dtype, random.key(0))).toThrow(/heNormal: shape .*-3/);
    expect(() => zeros().init([Number.NaN], dtype, random.key(0))).toThrow(/zeros: shape .*NaN/);
    expect(() => ones().init([2], 'int32' as DType, random.key(0))).toThrow(
      /dtype must be 'float32' or 'float64', got "int32"/,
    );
    expect(() => glorotUniform().init([2, 2], dtype, [1, 2, 3] as unknown as random.Key)).toThrow(
      /glorotUniform: expected a key/,
    );
    expect(() => new Orthogonal().init([5], dtype, random.key(0))).toThrow(
      /orthogonal: the shape must have rank ≥ 2/,
    );
    expect(() => identity().init([2, 2, 2], dtype, random.key(0))).toThrow(/identity: only 2-D shapes/);
  });
});
