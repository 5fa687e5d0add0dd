/**
 * The engine on the recurrent family and embeddings: LSTM, GRU and SimpleRNN training (with
 * dropout masks, masks from Embedding's maskZero, Bidirectional and TimeDistributed) is traced and
 * replayed with no diagnostic, and gives the bits of the same steps run op by op; a wrapper around
 * a layer that is not traceable runs eagerly and names that layer; a replayed Embedding step still
 * rejects a bad index.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { onEngineDiagnostic } from '../packages/ditto/src/engine/diagnostics.js';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import {
  Bidirectional,
  Dense,
  Embedding,
  GRU,
  hashArrays,
  Layer,
  LSTM,
  ops,
  Sequential,
  SimpleRNN,
  setSeed,
  Tensor,
  TimeDistributed,
} from '../packages/ditto/src/index.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setTracing(true);
  setBackend('js');
});

const N = 24;
const T = 5;
const series = new Tensor(Float32Array.from(testValues(N * T * 2, 31, -1, 1)), [N, T, 2]);
const target = new Tensor(Float32Array.from(testValues(N, 32, -1, 1)), [N, 1]);
const targetSequence = new Tensor(Float32Array.from(testValues(N * T, 33, -1, 1)), [N, T, 1]);
// Indices in [0, 7) with padding (0) at the start of some rows, as padded text would have.
const indices = new Tensor(
  Float32Array.from(testValues(N * T, 34, 0, 7), (v, i) => (i % T < i % 3 ? 0 : Math.floor(v))),
  [N, T],
);

function phases(model: Sequential): string[] {
  const traces = (model as unknown as { traces?: { entries: Map<string, { phase: string }> } }).traces;
  return [...(traces?.entries.values() ?? [])].map((e) => e.phase);
}

interface Run {
  weights: string;
  losses: string;
  predictions: string;
  phases: string[];
  diagnostics: string[];
}

async function train(traced: boolean, build: () => Sequential, x: Tensor, y: Tensor): Promise<Run> {
  const diagnostics: string[] = [];
  const previous = onEngineDiagnostic((d) => diagnostics.push(d.reason));
  try {
    setTracing(traced);
    setSeed(11);
    const model = build();
    model.compile({ loss: 'mse', optimizer: 'adam' });
    // 24 samples in batches of 8: three steps per epoch, so epochs 2… replay the program.
    const history = await model.fit(x, y, { epochs: 4, batchSize: 8, verbose: 0 });
    return {
      weights: model.weightsHash(),
      losses: hashArrays([Float64Array.from(history.history.loss)]),
      predictions: hashArrays([model.predict(x).data]),
      phases: phases(model),
      diagnostics,
    };
  } finally {
    onEngineDiagnostic(previous);
  }
}

const CASES: ReadonlyArray<{ name: string; build: () => Sequential; x: Tensor; y: Tensor }> = [
  {
    name: 'LSTM with dropout and recurrentDropout → Dense',
    build: () =>
      new Sequential([
        new LSTM(4, { inputShape: [T, 2], dropout: 0.25, recurrentDropout: 0.25 }),
        new Dense(1),
      ]),
    x: series,
    y: target,
  },
  {
    name: 'Embedding with maskZero → GRU → Dense',
    build: () =>
      new Sequential([new Embedding(7, 3, { inputLength: T, maskZero: true }), new GRU(4), new Dense(1)]),
    x: indices,
    y: target,
  },
  {
    name: 'Bidirectional SimpleRNN (sequences) → TimeDistributed Dense',
    build: () =>
      new Sequential([
        new Bidirectional(new SimpleRNN(3, { returnSequences: true }), { inputShape: [T, 2] }),
        new TimeDistributed(new Dense(1)),
      ]),
    x: series,
    y: targetSequence,
  },
];

describe('recurrent training through the engine', () => {
  for (const backend of ['js', 'wasm']) {
    for (const c of CASES) {
      it(`${c.name} (${backend}): traced and replayed, the bits of op-by-op steps`, async () => {
        setBackend(backend);
        const eager = await train(false, c.build, c.x, c.y);
        const traced = await train(true, c.build, c.x, c.y);
        expect(traced.diagnostics).toEqual([]);
        expect(traced.phases).toContain('replay');
        expect(traced.phases).not.toContain('eager');
        expect(eager.phases).toEqual([]);
        expect({ ...traced, phases: [] }).toEqual({ ...eager, phases: [] });
      });
    }
  }
});

/** Adds a copy of its inputs made on their data in JavaScript (outside primitives): not traceable. */
class HandMadeScale extends Layer {
  computeOutputShape(shape: readonly number[]): number[] {
    return [...shape];
  }
  call(inputs: Tensor): Tensor {
    const copy = new Tensor(
      Float32Array.from(inputs.data, (v) => v * 0.5),
      inputs.shape,
    );
    return ops.add(inputs, copy);
  }
}

describe('what the engine cannot replay, and bad input at replay', () => {
  it('TimeDistributed around an untraceable layer runs eagerly and names the inner layer', async () => {
    const build = () =>
      new Sequential([
        new LSTM(1, { inputShape: [T, 2], returnSequences: true }),
        new TimeDistributed(new HandMadeScale({ name: 'hand_made' })),
      ]);
    const eager = await train(false, build, series, targetSequence);
    const traced = await train(true, build, series, targetSequence);
    expect(traced.phases).toEqual([]);
    expect(traced.diagnostics).toHaveLength(1);
    expect(traced.diagnostics[0]).toMatch(
      /layer 'hand_made' \(HandMadeScale\) does not declare itself traceable/,
    );
    expect({ ...traced, phases: [], diagnostics: [] }).toEqual({ ...eager, phases: [], diagnostics: [] });
  });

  it('a replayed Embedding step rejects an index out of range, naming it and its position', async () => {
    setSeed(3);
    const model = new Sequential([new Embedding(7, 2, { inputLength: T }), new LSTM(2), new Dense(1)]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    await model.fit(indices, target, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
    expect(phases(model)).toContain('replay');
    const bad = Float32Array.from(indices.data);
    bad[2 * T + 3] = 9;
    await expect(
      model.fit(new Tensor(bad, [N, T]), target, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false }),
    ).rejects.toThrow(/index 9 at sample 2, position \[3\] is outside \[0, 7\)/);
  });
});

describe('training state of recurrent layers with dropout', () => {
  it('a Bidirectional LSTM with dropout resumes from its saved state with the bits of an uninterrupted run', async () => {
    const build = () =>
      new Sequential([
        new Bidirectional(new LSTM(3, { dropout: 0.3, recurrentDropout: 0.2 }), { inputShape: [T, 2] }),
        new Dense(1),
      ]);
    const fitOptions = { batchSize: 8, verbose: 0 as const };
    setSeed(21);
    const straight = build();
    straight.compile({ loss: 'mse', optimizer: 'adam' });
    await straight.fit(series, target, { ...fitOptions, epochs: 5 });

    setSeed(21);
    const first = build();
    first.compile({ loss: 'mse', optimizer: 'adam' });
    await first.fit(series, target, { ...fitOptions, epochs: 2 });
    const saved = JSON.parse(
      JSON.stringify({
        weights: first.getWeights().map((w) => Array.from(w)),
        state: first.getTrainingState(),
      }),
    );
    // Both directions draw masks: two consumers, one masked call per step (3 steps × 2 epochs).
    expect(saved.state.random.map((r: { calls: number }) => r.calls)).toEqual([6, 6]);

    setSeed(999);
    const resumed = build();
    resumed.compile({ loss: 'mse', optimizer: 'adam' });
    resumed.build([T, 2]);
    resumed.setWeights(saved.weights);
    resumed.setTrainingState(saved.state);
    await resumed.fit(series, target, { ...fitOptions, epochs: 5 });
    expect(resumed.weightsHash()).toBe(straight.weightsHash());
  });
});
