import { describe, expect, it } from 'vitest';
import {
  compareTraces,
  diffValues,
  formatComparison,
  hashHex,
  type TracesDiffer,
  traceFromJSON,
  traceHash,
  traceToJSON,
  traceTraining,
  ulpDistance64,
} from '../packages/ditto/src/audit/index.js';
import type { Callback } from '../packages/ditto/src/callbacks/callback.js';
import { Dense, Sequential, setSeed } from '../packages/ditto/src/index.js';
import { nextAfter32 } from '../packages/ditto/src/numeric/ulp.js';
import { tutorialData } from '../packages/ditto/src/tutorial/tutorial.js';

/** The tutorial network (1→10→1, linear, Adam, MSE), seeded. */
function tutorialModel(seed = 1): Sequential {
  setSeed(seed);
  const model = new Sequential([new Dense(10, { inputDim: 1 }), new Dense(1)]);
  model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
  return model;
}

const { X, y } = tutorialData();

async function tracedRun(
  options: {
    epochs?: number;
    callbacks?: Callback[];
    seed?: number;
    rows?: number[];
    batchSize?: number;
  } = {},
) {
  const model = tutorialModel(options.seed);
  const trace = traceTraining(model, { values: true });
  const rows = options.rows ?? X.map((_, i) => i);
  await model.fit(
    rows.map((i) => X[i]),
    rows.map((i) => y[i]),
    {
      epochs: options.epochs ?? 50,
      batchSize: options.batchSize ?? X.length,
      shuffle: options.batchSize === undefined,
      verbose: 0,
      callbacks: options.callbacks ?? [],
    },
  );
  return { model, data: trace.stop() };
}

describe('traceTraining', () => {
  it('records every weight, gradient and Adam slot at every step, in the documented order', async () => {
    const model = tutorialModel();
    const initial = model.getWeights();
    const trace = traceTraining(model, { values: true });
    await model.fit(X, y, { epochs: 3, batchSize: X.length, verbose: 0 });
    const data = trace.stop();
    expect(data.steps.map((s) => [s.step, s.epoch, s.batch])).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [2, 2, 0],
    ]);
    const names = model.variables.map((v) => v.name);
    // 4 variables: their weights, their gradients, then Adam's two slots each (amsgrad's is empty).
    expect(data.fits[0].tensors.map((t) => [t.kind, t.variable, t.slot ?? ''])).toEqual([
      ...names.map((n) => ['weights', n, '']),
      ...names.map((n) => ['gradient', n, '']),
      ...names.flatMap((n) => [
        ['slot', n, 'momentum'],
        ['slot', n, 'velocity'],
      ]),
    ]);
    // Step 0 computed with the initial weights.
    expect([0, 1, 2, 3].map((i) => hashHex(data.steps[0].hashes, i))).toEqual(initial.map(traceHash));
    expect(data.steps[0].hashes).toHaveLength(2 * data.fits[0].tensors.length);
    expect(data.fits[0].weightsHash).toBe(model.weightsHash());
  });

  it("step 0's gradients match a float64 computation of the MSE gradient, and Adam's slots follow from them", async () => {
    const model = tutorialModel(4);
    const [w1, b1, w2, b2] = model.getWeights().map((a) => Array.from(a));
    const trace = traceTraining(model, { values: true });
    await model.fit(X, y, { epochs: 1, batchSize: X.length, verbose: 0 });
    const step = trace.stop().steps[0];
    const values = step.values ?? [];
    // Reference: the linear 1→10→1 network in float64; L = mean((ŷ − y)²).
    const n = X.length;
    const gW2 = new Array(10).fill(0);
    let gB2 = 0;
    for (let i = 0; i < n; i++) {
      const h = w1.map((w, j) => X[i][0] * w + b1[j]);
      const out = h.reduce((s, hj, j) => s + hj * w2[j], b2[0]);
      const r = (2 / n) * (out - y[i][0]);
      gB2 += r;
      for (let j = 0; j < 10; j++) gW2[j] += r * h[j];
    }
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1e-3, Math.abs(b));
    const gradW2 = Array.from(values[6]);
    const gradB2 = Array.from(values[7]);
    expect(
      gradW2.every((g, j) => close(g, gW2[j])),
      `${gradW2} vs ${gW2}`,
    ).toBe(true);
    expect(close(gradB2[0], gB2)).toBe(true);
    // Adam after one step: m = (1 − β1)·g, v = (1 − β2)·g² (slots of dense_1/bias are the last two).
    const [m, v] = [values[14][0], values[15][0]];
    expect(close(m, 0.1 * gB2)).toBe(true);
    expect(close(v, 0.001 * gB2 * gB2)).toBe(true);
  });

  it('leaves the optimizer as it was, also when fit throws', async () => {
    const model = tutorialModel();
    const trace = traceTraining(model);
    const failing: Callback = {
      onBatchEnd() {
        throw new Error('stop here');
      },
    };
    await expect(model.fit(X, y, { epochs: 2, verbose: 0, callbacks: [failing] })).rejects.toThrow(
      'stop here',
    );
    trace.stop();
    expect(Object.hasOwn(model.optimizer, 'applyGradients')).toBe(false);
    expect(Sequential.auditCallbacks.size).toBe(0);
  });

  it('two traces of one model both record, and leave the optimizer as it was', async () => {
    const model = tutorialModel();
    const outer = traceTraining(model);
    const inner = traceTraining(model);
    await model.fit(X, y, { epochs: 4, batchSize: 9, verbose: 0 });
    expect(inner.stop().steps.map((s) => [...s.hashes])).toEqual(
      outer.stop().steps.map((s) => [...s.hashes]),
    );
    expect(outer.steps).toHaveLength(4);
    expect(Object.hasOwn(model.optimizer, 'applyGradients')).toBe(false);
  });

  it('traces only the model it was given', async () => {
    const traced = tutorialModel();
    const other = tutorialModel();
    const trace = traceTraining(traced);
    await other.fit(X, y, { epochs: 2, batchSize: 9, verbose: 0 });
    await traced.fit(X, y, { epochs: 3, batchSize: 9, verbose: 0 });
    expect(trace.stop().steps).toHaveLength(3);
  });
});

describe('compareTraces', () => {
  it('finds a one-ulp nudge of one weight at step 37 — that step, that tensor, that element', async () => {
    const a = await tracedRun();
    let nudged: { before: number; after: number } | undefined;
    const nudge: Callback = {
      onEpochBegin(epoch) {
        if (epoch !== 37) return;
        const kernel = b.model.layers[1].variables[0].value.data;
        const before = kernel[4];
        kernel[4] = nextAfter32(before, Number.POSITIVE_INFINITY);
        nudged = { before, after: kernel[4] };
      },
    };
    const b = { model: tutorialModel() };
    const traceB = traceTraining(b.model, { values: true });
    await b.model.fit(X, y, { epochs: 50, batchSize: X.length, verbose: 0, callbacks: [nudge] });
    const result = compareTraces(a.data, traceB.stop());
    expect(result.same).toBe(false);
    if (result.same) return;
    expect(result).toMatchObject({ kind: 'tensor', step: 37, epoch: 37, batch: 0 });
    expect(result.tensor?.kind).toBe('weights');
    // Matched by position: in this process the twins' layers are numbered apart.
    expect(result.tensor?.variable).toBe(a.model.layers[1].variables[0].name);
    expect(result.tensorNameB).toBe(b.model.layers[1].variables[0].name);
    expect(result.values).toMatchObject({ differing: 1, total: 10, maxUlps: 1 });
    expect(result.values?.first[0]).toEqual({ index: 4, a: nudged?.before, b: nudged?.after, ulps: 1 });
    expect(formatComparison(result)).toContain('step 37 (epoch 37, batch 0)');
  });

  it('says the runs never differ for a clean seeded twin, with the final weights hash', async () => {
    const a = await tracedRun();
    const b = await tracedRun();
    const result = compareTraces(a.data, b.data);
    expect(result).toEqual({ same: true, steps: 50, weightsHash: b.model.weightsHash() });
    expect(formatComparison(result)).toContain(b.model.weightsHash());
  });

  it('blames the gradient when the data order differs, and the initial weights when the seed does', async () => {
    // Batches of 3 in file order: the first batch holds samples 0–2 in one run, 8–6 in the other.
    const a = await tracedRun({ epochs: 3, batchSize: 3 });
    const reordered = await tracedRun({ epochs: 3, batchSize: 3, rows: [8, 7, 6, 5, 4, 3, 2, 1, 0] });
    const byOrder = compareTraces(a.data, reordered.data);
    expect(byOrder).toMatchObject({ same: false, kind: 'tensor', step: 0 });
    if (!byOrder.same) {
      expect(byOrder.tensor?.kind).toBe('gradient');
      expect(byOrder.diagnosis).toMatch(/different batch/);
    }
    const reseeded = await tracedRun({ epochs: 3, batchSize: 3, seed: 2 });
    const bySeed = compareTraces(a.data, reseeded.data);
    expect(bySeed).toMatchObject({ same: false, kind: 'tensor', step: 0, tensorIndex: 0 });
    if (!bySeed.same) expect(bySeed.diagnosis).toMatch(/initial weights differ/);
  });

  it('survives JSON: a trace written and read back compares as the original', async () => {
    const a = await tracedRun({ epochs: 5 });
    const b = await tracedRun({ epochs: 5, batchSize: 3 });
    const back = (d: typeof a.data) => traceFromJSON(JSON.parse(JSON.stringify(traceToJSON(d))));
    expect(back(a.data).steps.map((s) => [...s.hashes])).toEqual(a.data.steps.map((s) => [...s.hashes]));
    const { values, ...withoutValues } = compareTraces(a.data, b.data) as TracesDiffer;
    expect(values).toBeDefined(); // only the in-memory traces kept values
    expect(compareTraces(back(a.data), back(b.data))).toEqual(withoutValues);
  });

  it('reports a run that took more steps', async () => {
    const a = await tracedRun({ epochs: 3 });
    const b = await tracedRun({ epochs: 5 });
    expect(compareTraces(a.data, b.data)).toMatchObject({ same: false, kind: 'length', step: 3 });
  });
});

describe('fingerprints and distances', () => {
  it('traceHash tells bits apart: −0 from +0, float32 from float64, one ulp', () => {
    expect(traceHash(new Float32Array([1, 2, 3]))).toBe(traceHash(new Float32Array([1, 2, 3])));
    expect(traceHash(new Float32Array([0]))).not.toBe(traceHash(new Float32Array([-0])));
    expect(traceHash(new Float32Array([1]))).not.toBe(traceHash(new Float64Array([1])));
    expect(traceHash(new Float32Array([1]))).not.toBe(traceHash(new Float32Array([nextAfter32(1, 2)])));
    expect(traceHash(new Float32Array([]))).not.toBe(traceHash(new Float32Array([0])));
    expect(traceHash(new Float32Array([1, 2]))).not.toBe(traceHash(new Float32Array([2, 1])));
    // A view hashes its own elements only.
    const big = new Float32Array([9, 1, 2, 9]);
    expect(traceHash(big.subarray(1, 3))).toBe(traceHash(new Float32Array([1, 2])));
  });

  it('no collisions among 20,000 one-element changes of a 100-element tensor', () => {
    const base = new Float32Array(100).map((_, i) => i / 7);
    const seen = new Set([traceHash(base)]);
    for (let i = 0; i < 100; i++) {
      for (let k = 1; k <= 200; k++) {
        const changed = base.slice();
        changed[i] = k === 1 ? nextAfter32(base[i], Number.POSITIVE_INFINITY) : base[i] + k;
        seen.add(traceHash(changed));
      }
    }
    expect(seen.size).toBe(1 + 100 * 200);
  });

  it('ulpDistance64 counts float64 steps; diffValues lists the differing elements', () => {
    expect(ulpDistance64(1, 1 + 2 ** -52)).toBe(1);
    expect(ulpDistance64(-0, 0)).toBe(0);
    expect(ulpDistance64(-Number.MIN_VALUE, Number.MIN_VALUE)).toBe(2);
    expect(ulpDistance64(1, 2)).toBe(2 ** 52);
    const d = diffValues('float32', [1, 2, 3], [1, nextAfter32(2, 3), 3.5]);
    expect(d).toMatchObject({ differing: 2, total: 3 });
    expect(d.first.map((x) => x.index)).toEqual([1, 2]);
    expect(d.first[0].ulps).toBe(1);
    expect(d.maxUlps).toBe(2 ** 21); // 3 → 3.5 in [2, 4), where the float32 spacing is 2^-22
  });
});
