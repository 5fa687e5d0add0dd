/**
 * The fast path gives exactly the autograd path's bits: every scenario trains the same model twice
 * from the same seed — once with the fast path switched off (the autograd tape defines the numbers),
 * once with it on — and compares the weight hashes, the per-epoch (and per-batch) logs and the
 * predictions. A counting backend shows which path ran, so no comparison passes merely because both
 * runs took the autograd path.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { getBackend, registerBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import type { Callback } from '../packages/ditto/src/callbacks/callback.js';
import { EarlyStopping } from '../packages/ditto/src/callbacks/early-stopping.js';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import { Activation } from '../packages/ditto/src/layers/activation-layer.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Dropout } from '../packages/ditto/src/layers/dropout.js';
import { l1, l1l2, l2 } from '../packages/ditto/src/layers/regularizers.js';
import * as losses from '../packages/ditto/src/losses/index.js';
import {
  fromLogits,
  isFastPathEnabled,
  planLayers,
  setFastPath,
} from '../packages/ditto/src/models/fast-path/index.js';
import { type CompileOptions, type FitOptions, Sequential } from '../packages/ditto/src/models/sequential.js';
import * as optimizers from '../packages/ditto/src/optimizers/index.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { fitTutorial } from '../packages/ditto/src/tutorial/tutorial.js';
import { missing } from './helpers/requirements.js';
import { testValues } from './helpers/test-values.js';

type KernelName = 'matmul' | 'binary' | 'unary' | 'denseForward' | 'denseBackward' | 'softmax';

/** jsBackend with a call counter per kernel; `fused: false` leaves out the optional fused kernels. */
function countingBackend(name: string, fused: boolean) {
  const calls: Record<KernelName, number> = {
    matmul: 0,
    binary: 0,
    unary: 0,
    denseForward: 0,
    denseBackward: 0,
    softmax: 0,
  };
  const count =
    <A extends unknown[]>(kernel: KernelName, fn: (...args: A) => void) =>
    (...args: A) => {
      calls[kernel]++;
      fn(...args);
    };
  const backend: Backend = {
    name,
    matmul: count('matmul', jsBackend.matmul),
    binary: count('binary', jsBackend.binary),
    unary: count('unary', jsBackend.unary),
    unaryBackward: jsBackend.unaryBackward,
    reduce: jsBackend.reduce,
    softmax: count('softmax', jsBackend.softmax),
    softmaxBackward: jsBackend.softmaxBackward,
  };
  if (fused) {
    backend.denseForward = count(
      'denseForward',
      jsBackend.denseForward as NonNullable<Backend['denseForward']>,
    );
    backend.denseBackward = count(
      'denseBackward',
      jsBackend.denseBackward as NonNullable<Backend['denseBackward']>,
    );
  }
  const reset = () => {
    for (const k of Object.keys(calls) as KernelName[]) calls[k] = 0;
  };
  return { backend, calls, reset };
}

const counting = countingBackend('js-counting', true);
const composite = countingBackend('js-composite', false);
let previousBackend = 'js';

beforeAll(() => {
  previousBackend = getBackend().name;
  registerBackend(counting.backend);
  registerBackend(composite.backend);
  setBackend('js-counting');
});
afterAll(() => setBackend(previousBackend));
afterEach(() => setFastPath(true));

/** 50 samples of 12 features, 4 classes (labels and one-hot), from the test-only value source. */
function classification(n = 50, features = 12, classes = 4) {
  const x = new Tensor(Float32Array.from(testValues(n * features, 11, -2, 2)), [n, features]);
  const raw = testValues(n, 12, 0, classes);
  const labels = Float32Array.from(raw, (v) => Math.floor(v));
  const oneHot = new Float32Array(n * classes);
  labels.forEach((l, i) => {
    oneHot[i * classes + l] = 1;
  });
  return { x, labels: new Tensor(labels, [n]), oneHot: new Tensor(oneHot, [n, classes]) };
}

const data = classification();

interface Run {
  weights: string;
  initial: string;
  logs: string;
  batchLogs: string;
  predictions: string;
  firstLoss: number;
  lastLoss: number;
  calls: Record<KernelName, number>;
}

function logsHash(record: Record<string, number[]>): string {
  const keys = Object.keys(record).sort();
  return `${keys.join(',')}:${hashArrays(keys.map((k) => Float64Array.from(record[k])))}`;
}

/** Trains one fresh model (seed 42) with the fast path on or off and records what it produced. */
async function train(
  fast: boolean,
  build: () => Sequential,
  compile: CompileOptions,
  x: Tensor,
  y: Tensor,
  fit: FitOptions = {},
  backend = counting,
): Promise<Run> {
  setBackend(backend.backend.name);
  setFastPath(fast);
  setSeed(42);
  const model = build();
  model.compile(compile);
  model.build(x.shape.slice(1));
  const initial = model.weightsHash();
  const perBatch: Record<string, number[]> = {};
  const recorder: Callback = {
    onBatchEnd(_batch, logs) {
      for (const [k, v] of Object.entries(logs)) (perBatch[k] ??= []).push(v);
    },
  };
  backend.reset();
  const history = await model.fit(x, y, {
    epochs: 3,
    batchSize: 16,
    verbose: 0,
    ...fit,
    callbacks: [...(fit.callbacks ?? []), recorder],
  });
  const calls = { ...backend.calls };
  const predictions = model.predict(x, { batchSize: 7 });
  setBackend('js-counting');
  const loss = history.history.loss;
  return {
    weights: model.weightsHash(),
    initial,
    logs: logsHash(history.history),
    batchLogs: logsHash(perBatch),
    predictions: hashArrays([predictions.data]),
    firstLoss: loss[0],
    lastLoss: loss[loss.length - 1],
    calls,
  };
}

/** Trains on both paths and checks they agree bit for bit; returns the fast run. */
async function expectSameBits(
  build: () => Sequential,
  compile: () => CompileOptions,
  x: Tensor,
  y: Tensor,
  fit: FitOptions = {},
  backend = counting,
): Promise<{ fast: Run; general: Run }> {
  const general = await train(false, build, compile(), x, y, fit, backend);
  const fast = await train(true, build, compile(), x, y, fit, backend);
  expect(general.calls.denseForward).toBe(0);
  expect(fast.weights).not.toBe(fast.initial); // it trained
  expect(fast.weights).toBe(general.weights);
  expect(fast.logs).toBe(general.logs);
  expect(fast.batchLogs).toBe(general.batchLogs);
  expect(fast.predictions).toBe(general.predictions);
  return { fast, general };
}

/** Whether a run took the fast path with a fused loss (no elementwise op outside the layers). */
function expectFused(run: Run): void {
  expect(run.calls.denseForward).toBeGreaterThan(0);
  expect(run.calls.binary).toBe(0);
  expect(run.calls.matmul).toBe(0);
}

const mlp =
  (last = 'softmax', classes = 4) =>
  () =>
    new Sequential([
      new Dense(16, { inputDim: 12, activation: 'relu' }),
      new Dense(8, { activation: 'tanh' }),
      new Dense(classes, { activation: last }),
    ]);

describe('the tutorial workload', () => {
  it('fitTutorial gives the same weights, losses and MSE on both paths', async () => {
    setBackend('js-counting');
    setFastPath(false);
    const general = await fitTutorial({ seed: 1 });
    setFastPath(true);
    counting.reset();
    const fast = await fitTutorial({ seed: 1 });
    expect(counting.calls.denseForward).toBe(2 * (100 + 1)); // 2 layers: 100 full-batch steps, then predict
    expect(counting.calls.binary).toBe(0);
    expect(fast.weightsHash).toBe(general.weightsHash);
    expect(hashArrays([Float64Array.from(fast.losses)])).toBe(
      hashArrays([Float64Array.from(general.losses)]),
    );
    expect(Object.is(fast.mse, general.mse)).toBe(true);
    expect(fast.losses[99]).toBeLessThan(fast.losses[0]);
  });

  it('agrees on other seeds, optimizers and hidden sizes', async () => {
    for (const options of [
      { seed: 7, optimizer: 'sgd', learningRate: 0.1 },
      { seed: 8, optimizer: 'rmsprop' },
      { seed: 9, hiddenUnits: 3, optimizer: 'nadam' },
    ]) {
      setFastPath(false);
      const general = await fitTutorial(options);
      setFastPath(true);
      const fast = await fitTutorial(options);
      expect(fast.weightsHash).toBe(general.weightsHash);
    }
  });
});

describe('classifiers', () => {
  it('relu → tanh → softmax with categorical crossentropy, mini-batches, shuffling and a partial last batch', async () => {
    const { fast } = await expectSameBits(
      mlp(),
      () => ({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy', 'mse'] }),
      data.x,
      data.oneHot,
      { epochs: 5 },
    );
    expectFused(fast);
    expect(fast.calls.denseForward).toBe(5 * 4 * 3); // 5 epochs of 4 steps through 3 layers
    expect(fast.lastLoss).toBeLessThan(fast.firstLoss);
  });

  it('sparse categorical crossentropy from probabilities', async () => {
    const { fast } = await expectSameBits(
      mlp(),
      () => ({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] }),
      data.x,
      data.labels,
    );
    expectFused(fast);
  });

  it('sparse categorical crossentropy from logits: fused through fromLogits, on the tape as a closure', async () => {
    const viaName = await expectSameBits(
      mlp('linear'),
      () => ({ loss: fromLogits('sparse_categorical_crossentropy'), optimizer: 'adam' }),
      data.x,
      data.labels,
    );
    expectFused(viaName.fast);
    const viaClosure = await expectSameBits(
      mlp('linear'),
      () => ({
        loss: (t: Tensor, p: Tensor) => losses.sparseCategoricalCrossentropy(t, p, { fromLogits: true }),
        optimizer: 'adam',
      }),
      data.x,
      data.labels,
    );
    expect(viaClosure.fast.calls.denseForward).toBeGreaterThan(0);
    expect(viaClosure.fast.calls.binary).toBeGreaterThan(0); // the loss ran on the tape
    expect(viaClosure.fast.weights).toBe(viaName.fast.weights);
  });

  it('categorical crossentropy from logits, fused and on the tape', async () => {
    const viaName = await expectSameBits(
      mlp('linear'),
      () => ({ loss: fromLogits('categorical_crossentropy'), optimizer: 'rmsprop' }),
      data.x,
      data.oneHot,
    );
    expectFused(viaName.fast);
    const viaClosure = await expectSameBits(
      mlp('linear'),
      () => ({
        loss: (t: Tensor, p: Tensor) => losses.categoricalCrossentropy(t, p, { fromLogits: true }),
        optimizer: 'rmsprop',
      }),
      data.x,
      data.oneHot,
    );
    expect(viaClosure.fast.weights).toBe(viaName.fast.weights);
  });

  it('binary crossentropy on sigmoid outputs (fused) and on logits (tape)', async () => {
    const two = new Tensor(data.oneHot.data.slice(0, 100), [50, 2]);
    expectFused(
      (await expectSameBits(mlp('sigmoid', 2), () => ({ loss: 'bce', optimizer: 'adam' }), data.x, two)).fast,
    );
    await expectSameBits(
      mlp('linear', 2),
      () => ({ loss: fromLogits('binary_crossentropy'), optimizer: 'adam' }),
      data.x,
      two,
    );
  });

  it('invalid sparse labels raise the same error on both paths', async () => {
    const bad = new Tensor(
      Float32Array.from(data.labels.data, (v, i) => (i === 17 ? 4 : v)),
      [50],
    );
    const fail = async (fast: boolean) => {
      setFastPath(fast);
      setSeed(1);
      const model = mlp()();
      model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam' });
      return model.fit(data.x, bad, { epochs: 1, verbose: 0 }).then(
        () => 'no error',
        (e: Error) => e.message,
      );
    };
    const general = await fail(false);
    expect(general).toMatch(/label 4/);
    expect(await fail(true)).toBe(general);
  });
});

describe('every optimizer', () => {
  const configs: Record<string, () => optimizers.Optimizer> = {
    sgd: () => new optimizers.SGD({ learningRate: 0.1 }),
    momentum: () => new optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }),
    nesterov: () => new optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
    rmsprop: () => new optimizers.RMSprop(),
    rmspropCentered: () => new optimizers.RMSprop({ momentum: 0.5, centered: true }),
    adagrad: () => new optimizers.Adagrad({ learningRate: 0.1 }),
    adam: () => new optimizers.Adam(),
    amsgrad: () => new optimizers.Adam({ amsgrad: true, learningRate: 0.01 }),
    adamw: () => new optimizers.AdamW(),
    nadam: () => new optimizers.Nadam(),
    clipNorm: () => new optimizers.Adam({ clipNorm: 0.01 }),
    clipValue: () => new optimizers.SGD({ learningRate: 0.2, clipValue: 0.001 }),
  };
  for (const [name, make] of Object.entries(configs)) {
    it(name, async () => {
      const { fast } = await expectSameBits(
        mlp(),
        () => ({ loss: 'categorical_crossentropy', optimizer: make() }),
        data.x,
        data.oneHot,
      );
      expectFused(fast);
    });
  }
});

describe('layers', () => {
  it('Dropout and Activation layers, with a validation split and metrics', async () => {
    const build = () =>
      new Sequential([
        new Dense(16, { inputDim: 12 }),
        new Activation('relu'),
        new Dropout(0.3),
        new Dense(8, { activation: 'elu' }),
        new Dropout(0.5, { seed: 3 }),
        new Dense(4),
        new Activation('softmax'),
      ]);
    const { fast } = await expectSameBits(
      build,
      () => ({ loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] }),
      data.x,
      data.oneHot,
      { validationSplit: 0.2, epochs: 4 },
    );
    expect(fast.calls.denseForward).toBeGreaterThan(0);
  });

  it('a dropout mask sequence continues across fits and predict leaves it alone', async () => {
    const run = async (fast: boolean) => {
      setFastPath(fast);
      setSeed(5);
      const model = new Sequential([
        new Dense(8, { inputDim: 12, activation: 'relu' }),
        new Dropout(0.4),
        new Dense(4, { activation: 'softmax' }),
      ]);
      model.compile({ loss: 'categorical_crossentropy', optimizer: 'sgd' });
      await model.fit(data.x, data.oneHot, { epochs: 1, verbose: 0 });
      model.predict(data.x);
      await model.fit(data.x, data.oneHot, { epochs: 2, batchSize: 50, verbose: 0 });
      return model.weightsHash();
    };
    expect(await run(true)).toBe(await run(false));
  });

  for (const activation of [
    'linear',
    'relu',
    'leakyRelu',
    'elu',
    'selu',
    'sigmoid',
    'hardSigmoid',
    'tanh',
    'softplus',
    'softsign',
    'swish',
    'silu',
    'gelu',
    'logSoftmax',
  ]) {
    it(`Dense with ${activation}`, async () => {
      const build = () =>
        new Sequential([
          new Dense(10, { inputDim: 12, activation }),
          new Dense(6, { activation }),
          new Dense(2),
        ]);
      const y = new Tensor(Float32Array.from(testValues(100, 13, -1, 1)), [50, 2]);
      const { fast } = await expectSameBits(build, () => ({ loss: 'mse', optimizer: 'adam' }), data.x, y);
      expectFused(fast);
    });
  }

  it('a layer without a bias and a frozen first layer (its backward pass is skipped)', async () => {
    const build = () =>
      new Sequential([
        new Dense(8, { inputDim: 12, activation: 'relu', trainable: false }),
        new Dense(6, { activation: 'tanh', useBias: false }),
        new Dense(4, { activation: 'softmax' }),
      ]);
    const { fast } = await expectSameBits(
      build,
      () => ({ loss: 'categorical_crossentropy', optimizer: 'adam' }),
      data.x,
      data.oneHot,
    );
    // Per step: the frozen layer runs forward only.
    expect(fast.calls.denseBackward).toBe(3 * 4 * 2);
  });

  it('a model that grows between fits is re-planned', async () => {
    const run = async (fast: boolean) => {
      setFastPath(fast);
      setSeed(6);
      const model = new Sequential([new Dense(8, { inputDim: 12, activation: 'relu' })]);
      model.compile({ loss: 'mse', optimizer: 'adam' });
      await model.fit(data.x, new Tensor(new Float32Array(400).fill(0.5), [50, 8]), {
        epochs: 1,
        verbose: 0,
      });
      model.add(new Dense(4, { activation: 'softmax' }));
      model.compile({ loss: 'categorical_crossentropy', optimizer: 'adam' });
      await model.fit(data.x, data.oneHot, { epochs: 2, verbose: 0 });
      return `${model.weightsHash()} ${hashArrays([model.predict(data.x).data])}`;
    };
    expect(await run(true)).toBe(await run(false));
  });
});

describe('losses', () => {
  const y2 = new Tensor(Float32Array.from(testValues(100, 14, -1, 3)), [50, 2]);
  const regression = () => new Sequential([new Dense(8, { inputDim: 12, activation: 'relu' }), new Dense(2)]);

  for (const loss of ['mse', 'mae']) {
    it(`${loss} is fused`, async () => {
      const { fast } = await expectSameBits(
        regression,
        () => ({ loss, optimizer: 'adam', metrics: ['mse', 'mae'] }),
        data.x,
        y2,
      );
      expectFused(fast);
    });
  }

  for (const loss of ['huber', 'mape']) {
    it(`${loss} runs on the tape with fused layers`, async () => {
      const { fast } = await expectSameBits(regression, () => ({ loss, optimizer: 'adam' }), data.x, y2);
      expect(fast.calls.denseForward).toBeGreaterThan(0);
      expect(fast.calls.binary).toBeGreaterThan(0);
    });
  }

  it('a custom loss function runs on the tape', async () => {
    const cube = (t: Tensor, p: Tensor) =>
      ops.mean(ops.abs(ops.mul(ops.square(ops.sub(t, p)), ops.sub(t, p))), -1);
    await expectSameBits(regression, () => ({ loss: cube, optimizer: 'sgd' }), data.x, y2);
  });

  it('targets given as a vector of one output per sample', async () => {
    const build = () => new Sequential([new Dense(5, { inputDim: 12, activation: 'tanh' }), new Dense(1)]);
    const y = new Tensor(Float32Array.from(testValues(50, 15)), [50]);
    expectFused((await expectSameBits(build, () => ({ loss: 'mse', optimizer: 'adam' }), data.x, y)).fast);
  });
});

describe('batching and callbacks', () => {
  const compile = () => ({ loss: 'categorical_crossentropy', optimizer: 'adam' });
  for (const [name, fit] of [
    ['no shuffling', { shuffle: false }],
    ['batch size 1', { batchSize: 1, epochs: 1 }],
    ['a batch larger than the data', { batchSize: 64 }],
    ['an explicit fit seed and validation data', { seed: 99, validationData: [data.x, data.oneHot] }],
  ] as const) {
    it(name, async () => {
      const { fast } = await expectSameBits(mlp(), compile, data.x, data.oneHot, fit as FitOptions);
      // Validation runs evaluate, which is not fused.
      if ('validationData' in fit) expect(fast.calls.denseForward).toBeGreaterThan(0);
      else expectFused(fast);
    });
  }

  it('wide inputs (copied row by row as blocks)', async () => {
    const wide = classification(40, 70, 3);
    const build = () =>
      new Sequential([
        new Dense(5, { inputDim: 70, activation: 'relu' }),
        new Dense(3, { activation: 'softmax' }),
      ]);
    const { fast } = await expectSameBits(build, compile, wide.x, wide.oneHot);
    expectFused(fast);
  });

  it('early stopping that restores the best weights', async () => {
    await expectSameBits(mlp(), compile, data.x, data.oneHot, {
      epochs: 8,
      validationSplit: 0.3,
      callbacks: [new EarlyStopping({ monitor: 'val_loss', patience: 1, restoreBestWeights: true })],
    });
  });
});

describe('what stays on the autograd path', () => {
  it('regularizers', async () => {
    for (const r of [l1(0.01), l2(0.01), l1l2({ l1: 0.01, l2: 0.02 })]) {
      const build = () =>
        new Sequential([
          new Dense(8, { inputDim: 12, activation: 'relu', kernelRegularizer: r, biasRegularizer: r }),
          new Dense(4, { activation: 'softmax', kernelRegularizer: r }),
        ]);
      const { fast } = await expectSameBits(
        build,
        () => ({ loss: 'categorical_crossentropy', optimizer: 'adam' }),
        data.x,
        data.oneHot,
      );
      expect(fast.calls.denseForward).toBe(0);
    }
  });

  it('float64 models, custom activations and layer subclasses', async () => {
    class Scaled extends Dense {
      override call(inputs: Tensor): Tensor {
        return ops.mul(super.call(inputs), new Tensor(Float32Array.of(2), []));
      }
    }
    const builds = [
      () =>
        new Sequential([
          new Dense(8, { inputDim: 12, activation: 'relu', dtype: 'float64' }),
          new Dense(4, { activation: 'softmax', dtype: 'float64' }),
        ]),
      () =>
        new Sequential([
          new Dense(8, { inputDim: 12, activation: (x: Tensor) => ops.relu(x) }),
          new Dense(4, { activation: 'softmax' }),
        ]),
      () => new Sequential([new Scaled(8, { inputDim: 12 }), new Dense(4, { activation: 'softmax' })]),
    ];
    for (const build of builds) {
      const { fast } = await expectSameBits(
        build,
        () => ({ loss: 'categorical_crossentropy', optimizer: 'adam' }),
        data.x,
        data.oneHot,
      );
      expect(fast.calls.denseForward).toBe(0);
    }
    expect(planLayers(builds[2]().layers)).toMatch(/Scaled/);
  });
});

describe('a backend without the fused kernels', () => {
  it('gets the same bits from its basic kernels', async () => {
    const viaComposite = await expectSameBits(
      mlp(),
      () => ({ loss: 'categorical_crossentropy', optimizer: 'adam' }),
      data.x,
      data.oneHot,
      {},
      composite,
    );
    expect(viaComposite.fast.calls.denseForward).toBe(0);
    expect(viaComposite.fast.calls.matmul).toBeGreaterThan(viaComposite.general.calls.matmul / 2);
    const viaFused = await train(
      true,
      mlp(),
      { loss: 'categorical_crossentropy', optimizer: 'adam' },
      data.x,
      data.oneHot,
    );
    expect(viaFused.weights).toBe(viaComposite.fast.weights);
  });
});

describe('the WebAssembly backend', () => {
  const wasmBackendIsUnavailable = missing('WebAssembly SIMD', registerWasmBackend(), 'a runtime with it');
  it.skipIf(wasmBackendIsUnavailable)(
    'trains on the fast path to the bits of the autograd path on js',
    async () => {
      const cases: Array<[() => Sequential, CompileOptions, Tensor]> = [
        [mlp(), { loss: 'categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] }, data.oneHot],
        [
          mlp('linear'),
          { loss: fromLogits('sparse_categorical_crossentropy'), optimizer: 'nadam' },
          data.labels,
        ],
      ];
      for (const [build, compile, y] of cases) {
        const general = await train(false, build, compile, data.x, y);
        setBackend('wasm');
        setFastPath(true);
        setSeed(42);
        const model = build();
        model.compile(compile);
        const history = await model.fit(data.x, y, { epochs: 3, batchSize: 16, verbose: 0 });
        const predictions = hashArrays([model.predict(data.x, { batchSize: 7 }).data]);
        setBackend('js-counting');
        expect(model.weightsHash()).toBe(general.weights);
        expect(logsHash(history.history)).toBe(general.logs);
        expect(predictions).toBe(general.predictions);
      }
    },
  );
});

describe('predict', () => {
  it('gives the autograd path bits for every batch size', () => {
    setSeed(3);
    const model = mlp()();
    const results = new Set<string>();
    for (const fast of [false, true]) {
      setFastPath(fast);
      for (const batchSize of [1, 7, 32, 50, 64]) {
        results.add(hashArrays([model.predict(data.x, { batchSize }).data]));
      }
    }
    expect(results.size).toBe(1);
  });
});

describe('setFastPath', () => {
  it('switches the fast path and rejects non-booleans', () => {
    setFastPath(false);
    expect(isFastPathEnabled()).toBe(false);
    setFastPath(true);
    expect(isFastPathEnabled()).toBe(true);
    expect(() => setFastPath('no' as unknown as boolean)).toThrow(TypeError);
  });

  it('fromLogits rejects unknown names', () => {
    expect(() => fromLogits('mse' as 'binary_crossentropy')).toThrow(/unknown loss/);
    expect(fromLogits('binary_crossentropy')).toBe(fromLogits('binary_crossentropy'));
  });
});
