import { describe, expect, it } from 'vitest';
import { seededFits } from '../packages/ditto/src/tutorial/seeded-fits.js';
import { runTsx } from './helpers/run-tsx.js';

describe('seeded training is reproducible across processes', () => {
  it('setSeed(1) + ten tutorial fits give the same ten weight hashes in two processes and here', async () => {
    const [a, b] = await Promise.all([
      runTsx('test/fixtures/seeded-fits.ts', ['1']),
      runTsx('test/fixtures/seeded-fits.ts', ['1']),
    ]);
    const first = JSON.parse(a);
    const second = JSON.parse(b);
    expect(first.weightsHashes).toHaveLength(10);
    expect(new Set(first.weightsHashes).size).toBe(10);
    expect(second).toEqual(first);
    expect((await seededFits(1)).weightsHashes).toEqual(first.weightsHashes);
  });

  it('a different seed gives different hashes in another process', async () => {
    const other = JSON.parse(await runTsx('test/fixtures/seeded-fits.ts', ['2']));
    const here = await seededFits(1);
    expect(other.weightsHashes.some((h: string) => here.weightsHashes.includes(h))).toBe(false);
  });
});
