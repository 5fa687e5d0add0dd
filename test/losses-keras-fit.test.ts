/**
 * The Keras losses and learning-rate schedules inside fit: every step traced and replayed gives the
 * bits of the same steps run op by op and on the WebAssembly backend (so the losses are built from
 * primitives, and a schedule is read at replay time), pinned by weight hashes.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { LambdaCallback } from '../packages/ditto/src/callbacks/lambda-callback.js';
import { engineDiagnostics } from '../packages/ditto/src/engine/diagnostics.js';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import { Dense, optimizers, Sequential, setSeed, Tensor } from '../packages/ditto/src/index.js';
import type { Optimizer } from '../packages/ditto/src/optimizers/optimizer.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => registerWasmBackend());
afterEach(() => {
  setTracing(true);
  setBackend('js');
});

const N = 48;
const x = new Tensor(Float32Array.from(testValues(N * 4, 21)), [N, 4]);
const classes = testValues(N, 22, 0, 3).map(Math.floor);
const targets: Record<string, Tensor> = {
  signs: new Tensor(
    Float32Array.from(classes, (c) => (c === 0 ? -1 : 1)),
    [N, 1],
  ),
  oneHot: new Tensor(Float32Array.from(classes.flatMap((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)))), [
    N,
    3,
  ]),
  counts: new Tensor(Float32Array.from(classes), [N, 1]),
  real: new Tensor(Float32Array.from(testValues(N * 3, 23)), [N, 3]),
};

interface Case {
  loss: string;
  y: keyof typeof targets;
  units: number;
  activation: string;
}

const CASES: Case[] = [
  { loss: 'hinge', y: 'signs', units: 1, activation: 'tanh' },
  { loss: 'squared_hinge', y: 'signs', units: 1, activation: 'tanh' },
  { loss: 'categorical_hinge', y: 'oneHot', units: 3, activation: 'softmax' },
  { loss: 'kld', y: 'oneHot', units: 3, activation: 'softmax' },
  { loss: 'poisson', y: 'counts', units: 1, activation: 'softplus' },
  { loss: 'cosine_similarity', y: 'real', units: 3, activation: 'linear' },
  { loss: 'log_cosh', y: 'real', units: 3, activation: 'linear' },
];

async function train(c: Case, optimizer: () => Optimizer, callbacks: LambdaCallback[] = []) {
  setSeed(3);
  const model = new Sequential([
    new Dense(6, { inputDim: 4, activation: 'tanh' }),
    new Dense(c.units, { activation: c.activation }),
  ]);
  model.compile({ loss: c.loss, optimizer: optimizer() });
  const history = await model.fit(x, targets[c.y], {
    epochs: 3,
    batchSize: 16,
    verbose: 0,
    seed: 4,
    callbacks,
  });
  const traces = (model as unknown as { traces?: { entries: Map<string, { phase: string }> } }).traces;
  replayed = [...(traces?.entries.values() ?? [])].some((e) => e.phase === 'replay');
  return { weights: model.weightsHash(), loss: history.history.loss };
}

/** Whether the last {@link train}'s fit reached the replay phase (engine internals, as engine.test.ts reads them). */
let replayed = false;

/** Pinned: the weights after 3 epochs of Adam (traced, js). */
const PINNED: Record<string, string> = {
  hinge: '119b8cabebdbdad54e7f50bcaaef7df4a60bb4b49293404e7090ec7037cd50fe',
  squared_hinge: '93a6afbc29da5f920239c72f859d26e33cfb1f31e2b8a58330247105cfe5cdce',
  categorical_hinge: 'db77caec3b60872c6afecbbeb44a07b60af6814ab6ed7a35c9c1303fd0bcc041',
  kld: '2837a46d26934eb16639a5c9ebc5b4fc6486ffd505101d5600e17dbc1327721b',
  poisson: '73ede644ce4658f1fb81ed1de1f0fb840fb438bc0266e1ef64fc519b5497ff28',
  cosine_similarity: '618c34234080886699b4c72b84b6f82ea0d0e52dfce57d4ddf90ed87eb4fe83b',
  log_cosh: '28ead5676abbbc0b2276d32603cea3db973d27cdbcdad79e448e28ab22b61076',
  schedule: '552b28338f8b433310d483c57a647c2f6343cbd0675c5237cd920b7997e261c1',
};

describe('Keras losses in fit: traced = eager = wasm', () => {
  for (const c of CASES) {
    it(c.loss, async () => {
      const before = engineDiagnostics().length;
      const traced = await train(c, () => new optimizers.Adam({ learningRate: 0.01 }));
      expect(engineDiagnostics().length, 'no step fell back to eager').toBe(before);
      expect(replayed, 'steps were replayed').toBe(true);
      setTracing(false);
      const eager = await train(c, () => new optimizers.Adam({ learningRate: 0.01 }));
      setTracing(true);
      setBackend('wasm');
      const wasm = await train(c, () => new optimizers.Adam({ learningRate: 0.01 }));
      expect(eager).toEqual(traced);
      expect(wasm).toEqual(traced);
      expect(traced.loss[2]).toBeLessThan(traced.loss[0]);
      expect(traced.weights).toBe(PINNED[c.loss]);
    });
  }
});

describe('a schedule in fit', () => {
  const schedule = () =>
    new optimizers.schedules.CosineDecay({
      initialLearningRate: 0.001,
      decaySteps: 6,
      warmupTarget: 0.05,
      warmupSteps: 3,
    });
  const c = CASES[6];

  it('is read at every replayed step: equal to setting the rate by hand before each batch, traced and eager', async () => {
    const scheduled = await train(c, () => new optimizers.Adam({ learningRate: schedule() }));
    expect(replayed).toBe(true);
    const s = schedule();
    let adam: optimizers.Adam | undefined;
    const byHand = await train(c, () => {
      adam = new optimizers.Adam({ learningRate: 0.001 });
      return adam;
    }, [
      new LambdaCallback({
        onBatchBegin: () => {
          if (adam) adam.learningRate = s.at(adam.iterations);
        },
      }),
    ]);
    expect(scheduled).toEqual(byHand);
    setTracing(false);
    expect(await train(c, () => new optimizers.Adam({ learningRate: schedule() }))).toEqual(scheduled);
    const constant = await train(c, () => new optimizers.Adam({ learningRate: 0.001 }));
    expect(constant.weights).not.toBe(scheduled.weights);
    expect(scheduled.weights).toBe(PINNED.schedule);
  });
});
