/**
 * Plans kept by structure: a new model of an architecture planned before replays from its second
 * step (one traced step instead of two), with the bits of op-by-op steps; a model that differs in
 * anything the plan depends on (a shape, an activation) is planned afresh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import { Dense, Dropout, hashArrays, Sequential, setSeed, Tensor } from '../packages/ditto/src/index.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { testValues } from './helpers/test-values.js';

afterEach(() => {
  setTracing(true);
});

const x = new Tensor(Float32Array.from(testValues(40 * 3, 41, -1, 1)), [40, 3]);
const y = new Tensor(Float32Array.from(testValues(40, 42, -1, 1)), [40, 1]);

/** Each fit key's phase after `epochs` steps on the whole batch, and how many steps ran op by op. */
async function phasesAfter(model: Sequential, epochs: number): Promise<{ phases: string[]; traced: number }> {
  model.compile({ loss: 'mse', optimizer: 'adam' });
  // A step that is traced (or eager) calls the model; a replayed one does not.
  let traced = 0;
  const call = model.call.bind(model);
  model.call = (input, training) => {
    traced++;
    return call(input, training);
  };
  await model.fit(x, y, { epochs, batchSize: 40, verbose: 0, shuffle: false });
  const traces = (model as unknown as { traces?: { entries: Map<string, { phase: string }> } }).traces;
  return { phases: [...(traces?.entries.values() ?? [])].map((e) => e.phase), traced };
}

const net = (units: number, activation: string | ((v: Tensor) => Tensor) = 'tanh') =>
  new Sequential([new Dense(units, { inputDim: 3, activation }), new Dropout(0.1), new Dense(1)]);

describe('plans reused across models', () => {
  it('a second model of the same architecture replays after one traced step', async () => {
    setSeed(1);
    // A user's activation leaves the model undescribed (engine/twin.ts), so only its structure
    // is kept: one step per epoch, the first model is planned after two traced steps; a reused
    // plan replays from the second step.
    const own = (v: Tensor) => ops.tanh(v);
    expect(await phasesAfter(net(5, own), 3)).toEqual({ phases: ['replay'], traced: 2 });
    expect(await phasesAfter(net(5, own), 3)).toEqual({ phases: ['replay'], traced: 1 });
    // Another width or activation is another structure: two traced steps before a replay.
    expect(await phasesAfter(net(6, own), 3)).toEqual({ phases: ['replay'], traced: 2 });
    expect(
      await phasesAfter(
        net(5, (v: Tensor) => ops.relu(v)),
        3,
      ),
    ).toEqual({
      phases: ['replay'],
      traced: 2,
    });
    // A step run once is traced, not planned.
    expect(await phasesAfter(net(5, own), 1)).toEqual({ phases: ['trace2'], traced: 1 });
    // A described model (library layers and activations) of a description seen before replays
    // from its first step (engine/twin.ts; test/engine-twin.test.ts).
    expect((await phasesAfter(net(5), 3)).traced).toBeGreaterThan(0);
    expect(await phasesAfter(net(5), 3)).toEqual({ phases: ['replay'], traced: 0 });
  });

  it('fits in a loop give the bits of op-by-op fits', async () => {
    const run = async (traced: boolean) => {
      setTracing(traced);
      setSeed(7);
      const hashes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const model = net(4);
        model.compile({ loss: 'mse', optimizer: 'adam' });
        const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
        hashes.push(model.weightsHash(), hashArrays([Float64Array.from(history.history.loss)]));
      }
      return hashes;
    };
    const eager = await run(false);
    expect(new Set(eager).size).toBe(6);
    expect(await run(true)).toEqual(eager);
  });
});

describe('evaluate through the engine', () => {
  it('validation and evaluate() replay their traced step, with the bits of op-by-op runs', async () => {
    const run = async (traced: boolean) => {
      setTracing(traced);
      setSeed(9);
      const model = net(4);
      model.compile({ loss: 'mse', optimizer: 'adam', metrics: ['mae'] });
      const history = await model.fit(x, y, { epochs: 4, batchSize: 10, validationSplit: 0.25, verbose: 0 });
      const scores = [0, 1, 2].map(() => model.evaluate(x, y, { batchSize: 8 }));
      const traces = (model as unknown as { traces: { entries: Map<string, { phase: string }> } }).traces;
      const evaluatePhases = [...traces.entries]
        .filter(([k]) => k.includes('evaluate:'))
        .map(([, e]) => e.phase);
      return { history: history.history, scores, evaluatePhases };
    };
    const eager = await run(false);
    const traced = await run(true);
    expect(traced.evaluatePhases).toEqual(['replay', 'replay']);
    expect({ ...traced, evaluatePhases: [] }).toEqual({ ...eager, evaluatePhases: [] });
  });
});
