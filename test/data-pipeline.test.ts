/**
 * The data tools end to end: a CSV read, its text labels encoded, a stratified keyed split, a
 * scaler fitted on the training rows only, one-hot targets and a short fit — the trained weights
 * pinned by hash, and the same weights again when every step is rebuilt from its saved JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Dense,
  HoldoutSplit,
  LabelEncoder,
  preprocessorFromConfig,
  readCsv,
  Sequential,
  StandardScaler,
  setSeed,
  take,
  toCategorical,
} from '../packages/ditto-node/src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ditto-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 90 samples of 3 well-separated species, with fixed (not random) measurements. */
function writeFlowers(): string {
  const species = ['setosa', 'versicolor', 'virginica'];
  const lines = ['sepal,petal,species'];
  for (let i = 0; i < 90; i++) {
    const s = i % 3;
    lines.push(
      `${(4 + s * 1.5 + ((i * 7) % 10) / 20).toFixed(2)},${(1 + s * 2 + ((i * 3) % 10) / 25).toFixed(2)},${species[s]}`,
    );
  }
  const path = join(dir, 'flowers.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function train(
  table: Awaited<ReturnType<typeof readCsv>>,
  steps: { encoder: LabelEncoder; split: HoldoutSplit; scaler: StandardScaler | null },
): Promise<{ weights: string; scaler: StandardScaler; predicted: number[] }> {
  const features = table.rows.map((r) => [r[0] as number, r[1] as number]);
  const labels = steps.encoder.transform(table.rows.map((r) => r[2] as string));
  const { train: trainIdx, test: testIdx } = steps.split.split(labels.length, labels);
  const scaler = steps.scaler ?? new StandardScaler().fit(take(features, trainIdx));
  setSeed(3);
  const model = new Sequential([new Dense(3, { inputShape: [2], activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(scaler.transform(take(features, trainIdx)), toCategorical(take(labels, trainIdx), 3), {
    epochs: 5,
    batchSize: 16,
    verbose: 0,
  });
  const predicted = model.predict(scaler.transform(take(features, testIdx))).toArray() as number[][];
  return { weights: model.weightsHash(), scaler, predicted: predicted.map((p) => p.indexOf(Math.max(...p))) };
}

describe('a CSV to a trained model', () => {
  it('is reproducible by hash, and replays from the steps’ saved JSON', async () => {
    const table = await readCsv(writeFlowers());
    expect(table.types).toEqual({ sepal: 'number', petal: 'number', species: 'string' });
    const encoder = new LabelEncoder().fit(table.rows.map((r) => r[2] as string));
    const split = new HoldoutSplit({ testSize: 0.2, seed: 11 });
    const first = await train(table, { encoder, split, scaler: null });
    expect(first.weights).toBe('031e1c005c2f1f55a0e140d3830c0809d672e336fc30d363a59122a5470a3c7e');

    const saved = JSON.stringify([encoder.toConfig(), split.toConfig(), first.scaler.toConfig()]);
    const [encoder2, split2, scaler2] = (
      JSON.parse(saved) as Parameters<typeof preprocessorFromConfig>[0][]
    ).map(preprocessorFromConfig);
    const again = await train(table, {
      encoder: encoder2 as LabelEncoder,
      split: split2 as HoldoutSplit,
      scaler: scaler2 as StandardScaler,
    });
    expect(again.weights).toBe(first.weights);
    expect(again.predicted).toEqual(first.predicted);
  });
});
