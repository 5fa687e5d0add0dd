import { describe, expect, it } from 'vitest';
import { runTsx } from './helpers/run-tsx.js';
import { seededLstmTraining } from './helpers/seeded-lstm.js';

describe('seeded LSTM training is reproducible across processes', () => {
  it('two fresh processes and this one give the same weight hash and losses', async () => {
    const [a, b] = await Promise.all([
      runTsx('test/fixtures/seeded-lstm.ts', [], { NODE_OPTIONS: '--conditions=ditto-source' }),
      runTsx('test/fixtures/seeded-lstm.ts', [], { NODE_OPTIONS: '--conditions=ditto-source' }),
    ]);
    const first = JSON.parse(a);
    expect(first.weightsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(b)).toEqual(first);
    expect(await seededLstmTraining()).toEqual(first);
  });
});
