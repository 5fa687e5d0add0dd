/**
 * The noise layers — SpatialDropout1D/2D, GaussianNoise, GaussianDropout, AlphaDropout — keyed as
 * Dropout (training call c draws from foldIn(dropoutKey, c)): their values against the distributions
 * drawn from those keys, identity at inference, AlphaDropout's preserved mean and variance, bad
 * input naming the layer, and a model with all of them traced = eager = wasm (pinned) that resumes
 * from its training state with the bits of an uninterrupted run.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { engineDiagnostics } from '../packages/ditto/src/engine/diagnostics.js';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import {
  AlphaDropout,
  Conv1D,
  Dense,
  Flatten,
  GaussianDropout,
  GaussianNoise,
  hashArrays,
  Sequential,
  SpatialDropout1D,
  SpatialDropout2D,
} from '../packages/ditto/src/index.js';
import { bernoulli, foldIn, key, normal, type Seed, setSeed } from '../packages/ditto/src/random/index.js';

/** A seeded layer's key of the 'dropout' source (id 1): foldIn(key(seed), 1). */
const dropoutKey = (seed: Seed) => foldIn(key(seed), 1);

import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setTracing(true);
  setBackend('js');
});

const input = (shape: number[], seed: number) =>
  new Tensor(
    Float32Array.from(
      testValues(
        shape.reduce((p, d) => p * d, 1),
        seed,
        0.5,
        2,
      ),
    ),
    shape,
  );

describe('values, keyed as Dropout', () => {
  it('SpatialDropout2D keeps or drops whole feature maps, call c from foldIn(dropoutKey(seed), c)', () => {
    const layer = new SpatialDropout2D(0.5, { seed: 11 });
    layer.build([3, 4, 5]);
    const x = input([2, 3, 4, 5], 1);
    for (let call = 0; call < 2; call++) {
      const y = layer.call(x, { training: true });
      const keep = bernoulli(foldIn(dropoutKey(11), call), 2 * 5, 0.5);
      for (let i = 0; i < x.size; i++) {
        const n = Math.floor(i / 60);
        const c = i % 5;
        expect(y.data[i]).toBe(keep[n * 5 + c] ? Math.fround(x.data[i] * 2) : 0);
      }
    }
    expect(layer.call(x, { training: false })).toBe(x);
    const one = new SpatialDropout1D(0.25, { seed: 2 });
    one.build([6, 3]);
    const z = input([2, 6, 3], 2);
    const y = one.call(z, { training: true });
    const keep = bernoulli(foldIn(dropoutKey(2), 0), 6, 0.75);
    for (let i = 0; i < z.size; i++) {
      const scale = keep[Math.floor(i / 18) * 3 + (i % 3)] ? Math.fround(1 / 0.75) : 0;
      expect(y.data[i]).toBe(Math.fround(z.data[i] * scale));
    }
  });

  it('GaussianNoise adds normal(foldIn(key, c))·stddev; GaussianDropout multiplies by 1 + z·√(rate/(1 − rate))', () => {
    const noise = new GaussianNoise(0.3, { seed: 4 });
    noise.build([7]);
    const x = input([3, 7], 3);
    noise.call(x, { training: true }); // call 0
    const y = noise.call(x, { training: true }); // call 1
    const z = normal(foldIn(dropoutKey(4), 1), 21);
    for (let i = 0; i < 21; i++) expect(y.data[i]).toBe(Math.fround(x.data[i] + Math.fround(z[i] * 0.3)));
    expect(noise.getConfig()).toMatchObject({ stddev: 0.3 });
    expect(noise.getConfig()).not.toHaveProperty('rate');
    const drop = new GaussianDropout(0.2, { seed: 5 });
    drop.build([7]);
    const d = drop.call(x, { training: true });
    const w = normal(foldIn(dropoutKey(5), 0), 21);
    for (let i = 0; i < 21; i++) {
      expect(d.data[i]).toBe(Math.fround(x.data[i] * Math.fround(1 + w[i] * Math.sqrt(0.25))));
    }
    expect(drop.call(x, { training: false })).toBe(x);
  });

  it('AlphaDropout keeps a standard normal input at mean 0 and variance 1; dropped values are a·α′ + b', () => {
    const n = 40000;
    const layer = new AlphaDropout(0.2, { seed: 6 });
    layer.build([n]);
    const x = new Tensor(normal(key(99), n), [1, n]);
    const y = layer.call(x, { training: true });
    let mean = 0;
    for (const v of y.data) mean += v / n;
    let variance = 0;
    for (const v of y.data) variance += (v - mean) ** 2 / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const a = ((1 - 0.2) * (1 + 0.2 * alphaP * alphaP)) ** -0.5;
    const dropped = a * alphaP - a * alphaP * 0.2;
    const keep = bernoulli(foldIn(dropoutKey(6), 0), n, 0.8);
    const i = keep.indexOf(0);
    expect(Math.abs(y.data[i] - dropped)).toBeLessThan(1e-6);
  });
});

describe('bad input', () => {
  it('names the layer', () => {
    expect(() => new SpatialDropout2D(1)).toThrow(
      /SpatialDropout2D: rate must be a number in \[0, 1\), got 1/,
    );
    expect(() => new GaussianNoise(-1)).toThrow(/GaussianNoise: stddev must be ≥ 0/);
    expect(() => new AlphaDropout(0.1, { sed: 1 } as object)).toThrow(
      /AlphaDropout: unknown option "sed".*did you mean 'seed'/,
    );
    expect(() => new Sequential([new SpatialDropout2D(0.1, { inputShape: [5, 3], name: 's' })])).toThrow(
      /s: SpatialDropout2D expects samples of rank 3 \(channels last\), got \[5, 3\]/,
    );
  });
});

function noisyModel() {
  return new Sequential([
    new GaussianNoise(0.1, { inputShape: [8, 2] }),
    new Conv1D(4, 3, { activation: 'selu', seed: 1 }),
    new SpatialDropout1D(0.25),
    new GaussianDropout(0.2),
    new Flatten(),
    new AlphaDropout(0.1),
    new Dense(1, { seed: 2 }),
  ]);
}

async function train(backend: 'js' | 'wasm', tracing: boolean, epochs = 4) {
  setBackend(backend);
  setTracing(tracing);
  const x = new Tensor(Float32Array.from(testValues(20 * 16, 91, -1, 1)), [20, 8, 2]);
  const y = new Tensor(Float32Array.from(testValues(20, 92, -1, 1)), [20, 1]);
  setSeed(21);
  const model = noisyModel();
  model.compile({ loss: 'mse', optimizer: 'adam' });
  const history = await model.fit(x, y, { epochs, batchSize: 5, verbose: 0 });
  return { model, x, y, hash: hashArrays(model.getWeights()), loss: history.history.loss };
}

describe('in the engine', () => {
  it('traced = eager = wasm, pinned; resumes from the training state with the same bits', async () => {
    const before = engineDiagnostics().length;
    const traced = await train('js', true);
    expect(engineDiagnostics().length).toBe(before);
    const eager = await train('js', false);
    const wasm = await train('wasm', true);
    expect(eager.hash).toBe(traced.hash);
    expect(wasm.hash).toBe(traced.hash);
    expect(traced.hash).toBe('7c4cc18c46388455e46ebca917e3db02a7dfdb7be9e6f0bf2827bbf273b8e395');

    setBackend('js');
    const half = await train('js', true, 2);
    const saved = JSON.parse(
      JSON.stringify({
        weights: half.model.getWeights().map((w) => Array.from(w)),
        state: half.model.getTrainingState(),
      }),
    );
    expect(saved.state.random).toHaveLength(4);
    setSeed(777);
    const resumed = noisyModel();
    resumed.compile({ loss: 'mse', optimizer: 'adam' });
    resumed.setWeights(saved.weights);
    resumed.setTrainingState(saved.state);
    await resumed.fit(half.x, half.y, { epochs: 4, batchSize: 5, verbose: 0 });
    expect(hashArrays(resumed.getWeights())).toBe(traced.hash);
  });
});
