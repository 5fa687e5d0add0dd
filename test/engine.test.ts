/**
 * The one engine: traced and replayed steps give the bits of the same steps run op by op (tracing
 * off), for every loss, optimizer and layer kind a Sequential model can hold; Dense epilogues are
 * fused; a step that computes outside primitives runs eagerly and says so once; the training state
 * restores a run exactly; the kernel registry falls back to the reference.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { engineDiagnostics, onEngineDiagnostic } from '../packages/ditto/src/engine/diagnostics.js';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import {
  Activation,
  type CompileOptions,
  Dense,
  Dropout,
  type FitOptions,
  fromLogits,
  hashArrays,
  Layer,
  ops,
  optimizers,
  Sequential,
  setSeed,
  Tensor,
} from '../packages/ditto/src/index.js';
import {
  backendKernel,
  defineKernel,
  getKernel,
  listKernels,
} from '../packages/ditto/src/kernels/registry.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setTracing(true);
  setBackend('js');
});

function classification(n = 60, features = 6, classes = 3) {
  const x = new Tensor(Float32Array.from(testValues(n * features, 21, -2, 2)), [n, features]);
  const labels = Float32Array.from(testValues(n, 22, 0, classes), (v) => Math.floor(v));
  const oneHot = new Float32Array(n * classes);
  labels.forEach((l, i) => {
    oneHot[i * classes + l] = 1;
  });
  const binary = Float32Array.from(labels, (l) => (l === 0 ? 1 : 0));
  return {
    x,
    labels: new Tensor(labels, [n, 1]),
    oneHot: new Tensor(oneHot, [n, classes]),
    binary: new Tensor(binary, [n, 1]),
  };
}
const data = classification();

/** The program summary of the model's first fit key, or 'eager'. */
function engineState(model: Sequential): string {
  const traces = (model as unknown as { traces?: { entries: Map<string, { phase: string }> } }).traces;
  const phases = [...(traces?.entries.values() ?? [])].map((e) => e.phase);
  return phases.join(',');
}

interface Outcome {
  weights: string;
  history: string;
  predictions: string;
  phases: string;
}

async function train(
  traced: boolean,
  build: () => Sequential,
  compile: () => CompileOptions,
  y: Tensor,
  fit: FitOptions = {},
): Promise<Outcome> {
  setTracing(traced);
  setSeed(5);
  const model = build();
  model.compile(compile());
  const history = await model.fit(data.x, y, { epochs: 4, batchSize: 16, verbose: 0, ...fit });
  const names = Object.keys(history.history).sort();
  return {
    weights: model.weightsHash(),
    history: hashArrays(names.map((n) => Float64Array.from(history.history[n]))),
    predictions: hashArrays([model.predict(data.x).data]),
    phases: engineState(model),
  };
}

const mlp =
  (last: string, units = 3) =>
  () =>
    new Sequential([
      new Dense(8, { inputDim: 6, activation: 'tanh' }),
      new Dropout(0.2),
      new Dense(5, { activation: 'relu' }),
      new Dense(units, { activation: last }),
    ]);

const CASES: ReadonlyArray<{
  name: string;
  build: () => Sequential;
  compile: () => CompileOptions;
  y: Tensor;
}> = [
  {
    name: 'softmax + categorical crossentropy, adam',
    build: mlp('softmax'),
    compile: () => ({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] }),
    y: data.oneHot,
  },
  {
    name: 'sparse categorical crossentropy from logits, nadam',
    build: mlp('linear'),
    compile: () => ({ loss: fromLogits('sparse_categorical_crossentropy'), optimizer: 'nadam' }),
    y: data.labels,
  },
  {
    name: 'sigmoid + binary crossentropy, rmsprop',
    build: mlp('sigmoid', 1),
    compile: () => ({ loss: 'binaryCrossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] }),
    y: data.binary,
  },
  {
    name: 'mean absolute error, sgd with momentum',
    build: mlp('linear', 1),
    compile: () => ({ loss: 'mae', optimizer: new optimizers.SGD({ momentum: 0.9 }) }),
    y: data.binary,
  },
  {
    name: 'huber, adagrad',
    build: mlp('linear', 1),
    compile: () => ({ loss: 'huber', optimizer: 'adagrad' }),
    y: data.binary,
  },
  {
    name: 'mse, adamw, an Activation layer',
    build: () => new Sequential([new Dense(4, { inputDim: 6 }), new Activation('elu'), new Dense(1)]),
    compile: () => ({ loss: 'mse', optimizer: 'adamw' }),
    y: data.binary,
  },
];

describe('replayed steps give the bits of op-by-op steps', () => {
  for (const backend of ['js', 'wasm']) {
    for (const c of CASES) {
      it(`${backend}: ${c.name}`, async () => {
        setBackend(backend);
        const eager = await train(false, c.build, c.compile, c.y);
        const traced = await train(true, c.build, c.compile, c.y);
        expect(eager.phases).toBe('');
        expect(traced.phases.split(',')).toContain('replay');
        expect({ ...traced, phases: '' }).toEqual({ ...eager, phases: '' });
      });
    }
  }
});

describe('fusion and planning', () => {
  it('fuses each Dense layer of the tutorial into one forward and one backward call', async () => {
    setSeed(1);
    const model = new Sequential([new Dense(10, { inputDim: 1 }), new Dense(1)]);
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const x = new Tensor(
      Float32Array.from({ length: 9 }, (_, i) => i / 10),
      [9, 1],
    );
    await model.fit(x, x, { epochs: 5, batchSize: 9, verbose: 0 });
    const traces = (
      model as unknown as { traces: { entries: Map<string, { program?: { kernels: readonly string[] } }> } }
    ).traces;
    const [key, entry] = [...traces.entries.entries()][0];
    expect(key).toMatch(/^js\|fit:9,1:9,1:float32:/);
    const kernels = entry.program?.kernels ?? [];
    expect(kernels.filter((k) => k === 'denseForward')).toHaveLength(2);
    expect(kernels.filter((k) => k === 'denseBackward')).toHaveLength(2);
    expect(kernels).not.toContain('matmul');
    expect(kernels.at(-1)).toBe('optimizerUpdate');
  });
});

class HandMadeScale extends Layer {
  computeOutputShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  call(inputs: Tensor): Tensor {
    // Computes on the data outside any primitive: the engine cannot replay this.
    const out = Float32Array.from(inputs.data, (v) => v * 0.5);
    return new Tensor(out, inputs.shape);
  }
}

/** Like HandMadeScale, but declared traceable: its call is built from ops. */
class OpsScale extends Layer {
  static readonly traceable = true;
  computeOutputShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  call(inputs: Tensor): Tensor {
    return ops.mul(inputs, new Tensor(Float32Array.of(0.5), []));
  }
}

/** A leaky activation whose mask is computed on the data in JavaScript, outside primitives. */
const handMadeLeaky = (x: Tensor): Tensor =>
  ops.mul(
    x,
    new Tensor(
      Float32Array.from(x.data, (v) => (v > 0 ? 1 : 0.1)),
      x.shape,
    ),
  );

describe('steps the engine cannot replay', () => {
  async function expectEager(build: () => Sequential, reason: RegExp): Promise<void> {
    const seen: string[] = [];
    const previous = onEngineDiagnostic((d) => seen.push(`${d.owner}:${d.step}:${d.reason}`));
    try {
      const compile = () => ({ loss: 'mse', optimizer: 'adam' });
      const eager = await train(false, build, compile, data.binary);
      const traced = await train(true, build, compile, data.binary);
      expect(traced.phases).not.toContain('replay');
      expect({ ...traced, phases: '' }).toEqual({ ...eager, phases: '' });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(reason);
      expect(engineDiagnostics().at(-1)?.reason).toBe(seen[0].split(':').slice(2).join(':'));
    } finally {
      onEngineDiagnostic(previous);
    }
  }

  it('a layer that does not declare itself traceable runs eagerly, reported once', async () => {
    await expectEager(
      () =>
        new Sequential([new Dense(4, { inputDim: 6 }), new HandMadeScale(), new Dense(1)], {
          name: 'handmade',
        }),
      /^handmade:fit:layer 'hand_made_scale\w*' \(HandMadeScale\) does not declare itself traceable/,
    );
  });

  it('values computed outside primitives are found by comparing two traces', async () => {
    await expectEager(
      () =>
        new Sequential([new Dense(4, { inputDim: 6, activation: handMadeLeaky }), new Dense(1)], {
          name: 'leaky',
        }),
      /^leaky:fit:call #\d+ \('binary'\) reads values computed outside primitive calls/,
    );
  });

  it('a custom layer declared traceable is traced and replayed with the same bits', async () => {
    const build = () => new Sequential([new Dense(4, { inputDim: 6 }), new OpsScale(), new Dense(1)]);
    const compile = () => ({ loss: 'mse', optimizer: 'adam' });
    const eager = await train(false, build, compile, data.binary);
    const traced = await train(true, build, compile, data.binary);
    expect(traced.phases.split(',')).toContain('replay');
    expect({ ...traced, phases: '' }).toEqual({ ...eager, phases: '' });
  });
});

describe('training state', () => {
  const build = () =>
    new Sequential([
      new Dense(8, { inputDim: 6, activation: 'relu' }),
      new Dropout(0.3),
      new Dense(3, { activation: 'softmax' }),
    ]);
  const fitOptions = { batchSize: 16, verbose: 0 as const, shuffle: true };

  it('10 epochs equal 4, a save, a restore into a fresh model and 6 more', async () => {
    setSeed(9);
    const straight = build();
    straight.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    const whole = await straight.fit(data.x, data.oneHot, { ...fitOptions, epochs: 10 });

    setSeed(9);
    const first = build();
    first.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    await first.fit(data.x, data.oneHot, { ...fitOptions, epochs: 4 });
    const saved = JSON.parse(
      JSON.stringify({
        weights: first.getWeights().map((w) => Array.from(w)),
        state: first.getTrainingState(),
      }),
    );
    expect(saved.state.epoch).toBe(4);
    expect(saved.state.step).toBe(16);
    expect(saved.state.optimizer.iterations).toBe(16);
    expect(saved.state.random).toEqual([
      { layer: expect.stringMatching(/^dropout/), key: expect.any(Array), calls: 16 },
    ]);

    setSeed(12345); // a different global seed: the state, not the seed, carries the run
    const resumed = build();
    resumed.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
    resumed.build([6]);
    resumed.setWeights(saved.weights);
    resumed.setTrainingState(saved.state);
    const rest = await resumed.fit(data.x, data.oneHot, { ...fitOptions, epochs: 10 });

    expect(resumed.weightsHash()).toBe(straight.weightsHash());
    expect(rest.history.loss).toEqual(whole.history.loss.slice(4));
    expect(resumed.getTrainingState().epoch).toBe(10);
  });

  it('rejects a state that does not fit the model', () => {
    setSeed(1);
    const model = build();
    model.compile({ loss: 'mse', optimizer: 'adam' });
    model.build([6]);
    const state = model.getTrainingState();
    expect(() =>
      model.setTrainingState({ ...state, optimizer: { ...state.optimizer, name: 'sgd' } }),
    ).toThrow(/cannot restore the state of a 'sgd' optimizer/);
    expect(() => model.setTrainingState({ ...state, epoch: -1 })).toThrow(
      /epoch must be a non-negative integer/,
    );
    expect(() => model.setTrainingState({ ...state, random: [] })).toThrow(
      /the state has 0 random consumers, this model 1/,
    );
  });
});

describe('the kernel registry', () => {
  it('resolves a backend’s own implementation, else the reference', () => {
    const reference = (out: Float32Array) => out.fill(1);
    const kernel = defineKernel('testOnes', reference);
    expect(kernel.resolve('wasm')).toBe(reference);
    const fast = (out: Float32Array) => out.fill(1);
    kernel.register('wasm', fast);
    expect(kernel.resolve('wasm')).toBe(fast);
    expect(kernel.resolve('js')).toBe(reference);
    expect(getKernel('testOnes')).toBe(kernel);
    expect(listKernels()).toContain('gatherRows');
    expect(() => defineKernel('testOnes', reference)).toThrow(/already defined/);
    expect(() => getKernel('nothing')).toThrow(/no kernel named 'nothing'/);
  });

  it('gives a backend without the optional kernels the reference ones', () => {
    const bare: Backend = { ...jsBackend, name: 'bare', denseForward: undefined, adamUpdate: undefined };
    const x = Float32Array.of(1, 2);
    const w = Float32Array.of(3, 4);
    const z = new Float32Array(1);
    backendKernel('denseForward', bare)(x, w, null, z, z, 1, 2, 1, 'linear', 1);
    expect(z[0]).toBe(11);
    expect(getBackend().name).toBe('js');
  });
});
