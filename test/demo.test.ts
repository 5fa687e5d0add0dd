import { describe, expect, it } from 'vitest';
import { runTsx } from './helpers/run-tsx.js';

describe('ditto demo', () => {
  it('--json reports ten different unseeded MSEs, ten seeded ones identical in a child process, and 30 repeats', async () => {
    const result = JSON.parse(await runTsx('packages/ditto-node/src/cli/main.ts', ['demo', '--json']));
    expect(result.unseeded.mses).toHaveLength(10);
    expect(new Set(result.unseeded.mses).size).toBe(10);
    expect(result.unseeded.seeds).toContain(result.unseeded.seed);
    expect(result.unseeded.replayIdentical).toBe(true);
    expect(result.seeded.seed).toBe(1);
    expect(result.seeded.mses).toHaveLength(10);
    expect(result.seeded.weightsHashes.every((h: string) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    expect(result.seeded.childProcessIdentical).toBe(true);
    const s = result.repeats.summary;
    expect(s.n).toBe(30);
    expect(s.min).toBeLessThanOrEqual(s.median);
    expect(s.median).toBeLessThanOrEqual(s.max);
    expect(s.mean).toBeCloseTo(result.repeats.mses.reduce((a: number, b: number) => a + b, 0) / 30, 12);
    // Part 4: the sources are detected, the crossed shares add up, full-batch order moves the bits
    // but barely the MSE, and the dropout network draws from three sources.
    const { tutorial, orderOnly, dropout } = result.attribution;
    expect(tutorial.sources).toEqual(['init', 'order']);
    expect(tutorial.runs).toBe(25);
    expect(tutorial.verdict).toMatch(/^\d+ % of the spread of mse comes from weight initialisation/);
    expect(tutorial.terms.reduce((a: number, t: { share: number }) => a + t.share, 0)).toBeCloseTo(1, 12);
    expect(orderOnly.distinctWeights).toBe(10);
    expect(orderOnly.relativeRange).toBeGreaterThan(0);
    expect(orderOnly.relativeRange).toBeLessThan(1e-4);
    expect(dropout.sources).toEqual(['init', 'dropout', 'order']);
    expect(dropout.runs).toBe(64);
    expect(dropout.terms.map((t: { label: string }) => t.label)).toContain('init × dropout × order');
  });

  it('the seeded part is the same in a second run of the whole demo', async () => {
    const [a, b] = await Promise.all([
      runTsx('packages/ditto-node/src/cli/main.ts', ['demo', '--json']),
      runTsx('packages/ditto-node/src/cli/main.ts', ['demo', '--json']),
    ]);
    const first = JSON.parse(a);
    const second = JSON.parse(b);
    expect(second.seeded).toEqual(first.seeded);
    expect(second.repeats.mses).toEqual(first.repeats.mses);
    expect(second.attribution).toEqual(first.attribution);
    expect(second.unseeded.seeds).not.toEqual(first.unseeded.seeds);
  });
});
