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
    expect(second.unseeded.seeds).not.toEqual(first.unseeded.seeds);
  });
});
