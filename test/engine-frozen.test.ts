/**
 * Frozen weights through the engine: a model with a frozen layer or a frozen variable (transfer
 * learning, or a fixed head over a trained base) is traced and replayed like any other, with the
 * bits of the same steps run op by op; its frozen variables keep their initial bits; a model with
 * nothing to train fits; `trainable` changed between two fits is honoured
 * (the second fit neither updates a now-frozen variable nor skips a now-trainable one), also by a
 * new model of the same architecture that could share the first one's program; and a frozen
 * Embedding under an LSTM, a frozen layer of a functional model and a frozen Bidirectional replay too.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { onEngineDiagnostic } from '../packages/ditto/src/engine/diagnostics.js';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import {
  Activation,
  Bidirectional,
  Dense,
  Embedding,
  hashArrays,
  Input,
  LSTM,
  Model,
  Sequential,
  setSeed,
  Tensor,
} from '../packages/ditto/src/index.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setTracing(true);
  setBackend('js');
});

// 40 samples in batches of 16: two full batches and a tail of 8, so both keys replay from epoch 3.
const N = 40;
const x = new Tensor(Float32Array.from(testValues(N * 5, 41, -2, 2)), [N, 5]);
const y = new Tensor(Float32Array.from(testValues(N * 2, 42, -1, 1)), [N, 2]);
const T = 4;
const indices = new Tensor(
  Float32Array.from(testValues(N * T, 43, 0, 9), (v) => Math.floor(v)),
  [N, T],
);
const target = new Tensor(Float32Array.from(testValues(N, 44, -1, 1)), [N, 1]);

type Freeze = (model: Sequential) => void;

const freezeLayer: Freeze = (m) => {
  m.layers[0].trainable = false;
};
const freezeKernel: Freeze = (m) => {
  m.layers[0].variables[0].trainable = false;
};
const unfreezeAll: Freeze = (m) => {
  for (const layer of m.layers) {
    layer.trainable = true;
    for (const v of layer.variables) v.trainable = true;
  }
};

function dense(): Sequential {
  return new Sequential([
    new Dense(6, { inputDim: 5, activation: 'tanh' }),
    new Dense(4, { activation: 'relu' }),
    new Dense(2),
  ]);
}

/** The phase of each of the model's fit keys (engine/trace-cache.ts), in the order first run. */
function fitPhases(model: Sequential): string[] {
  const traces = (model as unknown as { traces?: { entries: Map<string, { phase: string }> } }).traces;
  return [...(traces?.entries ?? [])].filter(([key]) => key.includes('|fit:')).map(([, e]) => e.phase);
}

/** A hash of each variable's bits, in the model's order. */
function bitsOf(model: Sequential): string[] {
  return model.variables.map((v) => hashArrays([v.value.data]));
}

/** The positions of the variables whose bits differ. */
function changedBetween(before: readonly string[], after: readonly string[]): number[] {
  return after.flatMap((h, i) => (h !== before[i] ? [i] : []));
}

/** 0, 1, … n-1 from `from`. */
function range(from: number, n: number): number[] {
  return Array.from({ length: n - from }, (_, i) => from + i);
}

interface Run {
  /** After each fit: every weight's hash, the variables that fit changed (positions), fit keys' phases. */
  fits: Array<{ weights: string; losses: string; changed: number[]; phases: string[] }>;
  diagnostics: string[];
}

/**
 * Builds a model, then for each entry of `freezes` changes its trainable flags and fits 3 epochs;
 * records which variables each fit changed (by their bits).
 */
async function train(
  traced: boolean,
  build: () => Sequential,
  freezes: readonly Freeze[],
  data: { x: Tensor; y: Tensor } = { x, y },
): Promise<Run> {
  const diagnostics: string[] = [];
  const previous = onEngineDiagnostic((d) => diagnostics.push(d.reason));
  try {
    setTracing(traced);
    setSeed(7);
    const model = build();
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const fits: Run['fits'] = [];
    for (const freeze of freezes) {
      freeze(model);
      const before = bitsOf(model);
      const history = await model.fit(data.x, data.y, { epochs: 3, batchSize: 16, verbose: 0 });
      fits.push({
        weights: model.weightsHash(),
        losses: hashArrays([Float64Array.from(history.history.loss)]),
        changed: changedBetween(before, bitsOf(model)),
        phases: fitPhases(model),
      });
    }
    return { fits, diagnostics };
  } finally {
    onEngineDiagnostic(previous);
  }
}

/** Without phases, to compare a traced run with an op-by-op one. */
const withoutPhases = (run: Run) => run.fits.map((f) => ({ ...f, phases: [] }));
const DENSE_VARIABLES = 6;

describe('frozen weights through the engine', () => {
  for (const backend of ['js', 'wasm']) {
    it(`a frozen layer (${backend}): replayed, op-by-op bits, its weights untouched`, async () => {
      setBackend(backend);
      const eager = await train(false, dense, [freezeLayer]);
      const traced = await train(true, dense, [freezeLayer]);
      expect(traced.diagnostics).toEqual([]);
      expect(traced.fits[0].phases).toEqual(['replay', 'replay']);
      expect(withoutPhases(traced)).toEqual(withoutPhases(eager));
      // The first layer's kernel and bias keep their bits; every other variable is trained.
      expect(traced.fits[0].changed).toEqual(range(2, DENSE_VARIABLES));
    });

    it(`a frozen variable (${backend}): replayed, op-by-op bits, it alone untouched`, async () => {
      setBackend(backend);
      const eager = await train(false, dense, [freezeKernel]);
      const traced = await train(true, dense, [freezeKernel]);
      expect(traced.diagnostics).toEqual([]);
      expect(traced.fits[0].phases).toEqual(['replay', 'replay']);
      expect(withoutPhases(traced)).toEqual(withoutPhases(eager));
      expect(traced.fits[0].changed).toEqual(range(1, DENSE_VARIABLES));
    });
  }

  it('a frozen last layer (the base trained under a fixed head): replayed, op-by-op bits', async () => {
    const freezeLast: Freeze = (m) => {
      m.layers[2].trainable = false;
    };
    const eager = await train(false, dense, [freezeLast]);
    const traced = await train(true, dense, [freezeLast]);
    expect(traced.diagnostics).toEqual([]);
    expect(traced.fits[0].phases).toEqual(['replay', 'replay']);
    expect(withoutPhases(traced)).toEqual(withoutPhases(eager));
    expect(traced.fits[0].changed).toEqual(range(0, 4));
  });

  it('a model with every layer frozen fits (its loss reported), replays and changes nothing', async () => {
    const freezeAll: Freeze = (m) => {
      for (const layer of m.layers) layer.trainable = false;
    };
    const eager = await train(false, dense, [freezeAll]);
    const traced = await train(true, dense, [freezeAll]);
    expect(traced.diagnostics).toEqual([]);
    expect(traced.fits[0].phases).toEqual(['replay', 'replay']);
    expect(traced.fits[0].changed).toEqual([]);
    expect(withoutPhases(traced)).toEqual(withoutPhases(eager));
  });

  it('a model without a variable fits (before, backward threw: nothing required a gradient)', async () => {
    const model = new Sequential([new Activation('tanh', { inputShape: [5] })]);
    model.compile({ loss: 'mse', optimizer: 'adam' });
    const history = await model.fit(x, x, { epochs: 2, batchSize: 16, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(history.history.loss[0]).toBeGreaterThan(0);
  });

  it('trainable changed between fits is honoured: frozen, then unfrozen, then a variable frozen', async () => {
    const sequence = [unfreezeAll, freezeLayer, unfreezeAll, freezeKernel];
    const eager = await train(false, dense, sequence);
    const traced = await train(true, dense, sequence);
    expect(traced.diagnostics).toEqual([]);
    expect(withoutPhases(traced)).toEqual(withoutPhases(eager));
    const all = range(0, DENSE_VARIABLES);
    expect(traced.fits.map((f) => f.changed)).toEqual([
      all,
      range(2, DENSE_VARIABLES),
      all,
      range(1, DENSE_VARIABLES),
    ]);
    // Each fit's keys replay (two batch shapes per trainable set; the third set is the first's).
    expect(traced.fits[3].phases).toEqual(Array(6).fill('replay'));
  });

  it('a new model of the same architecture, frozen, does not replay the unfrozen one’s program', async () => {
    // The first fit keeps its program for its architecture (engine/twin.ts, structure.ts); the
    // frozen model must trace its own.
    await train(true, dense, [unfreezeAll]);
    const eager = await train(false, dense, [freezeLayer]);
    const traced = await train(true, dense, [freezeLayer]);
    expect(traced.diagnostics).toEqual([]);
    expect(traced.fits[0].changed).toEqual(range(2, DENSE_VARIABLES));
    expect(traced.fits[0].weights).toBe(eager.fits[0].weights);
    // And the other way round: a model unfrozen after the frozen ones still trains every weight.
    const eagerAll = await train(false, dense, [unfreezeAll]);
    const tracedAll = await train(true, dense, [unfreezeAll]);
    expect(tracedAll.fits[0].changed).toEqual(range(0, DENSE_VARIABLES));
    expect(tracedAll.fits[0].weights).toBe(eagerAll.fits[0].weights);
  });

  it('a frozen layer of a functional model and a frozen Bidirectional wrapper: replayed, op-by-op bits', async () => {
    const sequence = new Tensor(Float32Array.from(testValues(N * T * 2, 45, -1, 1)), [N, T, 2]);
    const cases: ReadonlyArray<{ build: () => Model; x: Tensor; frozen: number }> = [
      {
        build: () => {
          const input = Input({ shape: [5] });
          const base = new Dense(6, { activation: 'relu' });
          base.trainable = false;
          return new Model({ inputs: input, outputs: new Dense(2).apply(base.apply(input)) });
        },
        x,
        frozen: 2,
      },
      {
        build: () => {
          const rnn = new Bidirectional(new LSTM(3), { inputShape: [T, 2] });
          rnn.trainable = false;
          return new Sequential([rnn, new Dense(2)]);
        },
        x: sequence,
        frozen: 6,
      },
    ];
    for (const c of cases) {
      const runs = [];
      for (const traced of [false, true]) {
        const diagnostics: string[] = [];
        const previous = onEngineDiagnostic((d) => diagnostics.push(d.reason));
        setTracing(traced);
        setSeed(7);
        const model = c.build();
        model.compile({ loss: 'mse', optimizer: 'adam' });
        const before = model.variables.map((v) => hashArrays([v.value.data]));
        await model.fit(c.x, y, { epochs: 3, batchSize: 16, verbose: 0 });
        onEngineDiagnostic(previous);
        const after = model.variables.map((v) => hashArrays([v.value.data]));
        runs.push({ weights: model.weightsHash(), changed: changedBetween(before, after), diagnostics });
        if (traced) expect(fitPhases(model as Sequential)).toEqual(['replay', 'replay']);
      }
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[1].diagnostics).toEqual([]);
      expect(runs[1].changed).toEqual(range(c.frozen, c.frozen + 2));
    }
  });

  it('a frozen Embedding under an LSTM: replayed, op-by-op bits, the embedding untouched', async () => {
    const build = () => new Sequential([new Embedding(9, 3, { inputLength: T }), new LSTM(4), new Dense(1)]);
    const eager = await train(false, build, [freezeLayer], { x: indices, y: target });
    const traced = await train(true, build, [freezeLayer], { x: indices, y: target });
    expect(traced.diagnostics).toEqual([]);
    expect(traced.fits[0].phases).toEqual(['replay', 'replay']);
    expect(withoutPhases(traced)).toEqual(withoutPhases(eager));
    // Embedding 1 variable, LSTM 3, Dense 2.
    expect(traced.fits[0].changed).toEqual(range(1, 6));
  });
});
