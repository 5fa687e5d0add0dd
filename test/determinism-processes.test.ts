import { describe, expect, it } from 'vitest';
import { coreComputation } from './fixtures/core-computation.js';
import { runTsx } from './helpers/run-tsx.js';

describe('the core gives the same bits in separate processes', () => {
  it('keyed initialisation, matmuls, activations and a gradient hash identically in two processes and here', async () => {
    const [first, second] = await Promise.all([
      runTsx('test/fixtures/core-computation.ts'),
      runTsx('test/fixtures/core-computation.ts'),
    ]);
    const a = JSON.parse(first);
    const b = JSON.parse(second);
    expect(a.init).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    expect(coreComputation()).toEqual(a);
  });
});
