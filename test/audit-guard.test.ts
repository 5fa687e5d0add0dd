import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeterminismGuard,
  formatGuardReport,
  NondeterminismError,
  parseStack,
  ReplacementStreams,
  replacementKey,
  unitDoubleFromWords,
  uuidFromBytes,
  withDeterminismGuard,
} from '../packages/ditto/src/audit/index.js';
import { Dense, Sequential } from '../packages/ditto/src/index.js';
import { bits, foldIn, getSeed, key, restoreSeedState, setSeed } from '../packages/ditto/src/random/index.js';
import { nodeGuardOptions } from '../packages/ditto-node/src/audit/check.js';
import cleanTraining from './fixtures/audit/clean-training.js';
import randomLayers, { BATCH_SIZE, SAMPLES, WARMUP_CALLS } from './fixtures/audit/random-layers.js';
import shuffleTraining from './fixtures/audit/third-party-shuffle.js';

/** The 1-based line of the first line of a fixture that contains `marker` (read from the file itself). */
function lineOf(fixture: string, marker: string): number {
  const path = fileURLToPath(new URL(`./fixtures/audit/${fixture}`, import.meta.url));
  const index = readFileSync(path, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`marker '${marker}' not in ${fixture}`);
  return index + 1;
}

const originals = {
  random: Math.random,
  now: Date.now,
  perfNow: performance.now,
  getRandomValues: globalThis.crypto.getRandomValues,
  randomUUID: globalThis.crypto.randomUUID,
};

function expectGlobalsRestored(): void {
  expect(Math.random).toBe(originals.random);
  expect(Date.now).toBe(originals.now);
  expect(performance.now).toBe(originals.perfNow);
  expect(globalThis.crypto.getRandomValues).toBe(originals.getRandomValues);
  expect(globalThis.crypto.randomUUID).toBe(originals.randomUUID);
  expect(Object.hasOwn(Math, 'random')).toBe(true); // Math.random is an own property originally
  expect(Object.hasOwn(globalThis.crypto, 'getRandomValues')).toBe(false); // it lives on the prototype
}

afterEach(() => {
  restoreSeedState({ seed: undefined, drawn: false, counters: {} });
});

describe('the guard finds unseeded randomness in custom layers', () => {
  it("reports an initializer's Math.random with its file:line, before training, and the call count", async () => {
    const { report } = await withDeterminismGuard(() => randomLayers());
    const initLine = lineOf('random-layers.ts', '// planted: initializer');
    const init = report.findings.find((f) => f.site?.line === initLine);
    expect(init, formatGuardReport(report)).toBeDefined();
    expect(init?.source).toBe('Math.random');
    expect(init?.site?.file).toMatch(/test\/fixtures\/audit\/random-layers\.ts$/);
    expect(init?.firstSeen.phase).toBe('before-training');
    // One draw per feature of the scale weight, which follows Dense(4).
    expect(init?.calls).toBe(4);
    expectGlobalsRestored();
  });

  it('places a draw made during training at its epoch, batch and step', async () => {
    const { report } = await withDeterminismGuard(() => randomLayers());
    const noise = report.findings.find(
      (f) => f.site?.line === lineOf('random-layers.ts', '// planted: noise'),
    );
    expect(noise, formatGuardReport(report)).toBeDefined();
    const stepsPerEpoch = Math.ceil(SAMPLES / BATCH_SIZE);
    // Noise switches on at the training call after WARMUP_CALLS calls: one call per step.
    expect(noise?.firstSeen).toMatchObject({
      phase: 'training',
      epoch: Math.floor(WARMUP_CALLS / stepsPerEpoch),
      batch: WARMUP_CALLS % stepsPerEpoch,
      step: WARMUP_CALLS,
    });
    // 4 epochs of 3 steps; every step after the warm-up draws one value per element of a 3×4 batch.
    expect(noise?.calls).toBe((4 * stepsPerEpoch - WARMUP_CALLS) * BATCH_SIZE * 4);
    expect(report.findings).toHaveLength(2);
  });

  it("'throw' mode fails at the first call, names the call site, and restores every global", async () => {
    const error = await withDeterminismGuard(() => randomLayers(), { mode: 'throw' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NondeterminismError);
    const finding = (error as NondeterminismError).finding;
    expect(finding.site?.line).toBe(lineOf('random-layers.ts', '// planted: initializer'));
    expect((error as Error).message).toContain('random-layers.ts');
    expectGlobalsRestored();
  });

  it("'throw' mode still fails when the program swallows the error", async () => {
    const run = withDeterminismGuard(
      () => {
        try {
          Math.random();
        } catch {
          // a library that catches everything
        }
        return 1;
      },
      { mode: 'throw' },
    );
    await expect(run).rejects.toBeInstanceOf(NondeterminismError);
    expectGlobalsRestored();
  });

  it('restores everything when the guarded function throws', async () => {
    await expect(
      withDeterminismGuard(async () => {
        await Promise.resolve();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expectGlobalsRestored();
  });

  it('runs one guard at a time', async () => {
    const outer = new DeterminismGuard();
    outer.start();
    try {
      expect(() => new DeterminismGuard().start()).toThrow(/already running/);
    } finally {
      outer.stop();
    }
    expectGlobalsRestored();
  });
});

describe('no false alarm', () => {
  it('a clean seeded training (dropout, validation split, shuffling, progress lines) raises nothing', async () => {
    const { report, value } = await withDeterminismGuard(() => cleanTraining(), nodeGuardOptions());
    expect(report.findings, formatGuardReport(report)).toEqual([]);
    expect(report.clean).toBe(true);
    // The progress lines read the clock from ditto's own code: seen, and recognised as ditto's.
    expect(report.trustedCalls).toBeGreaterThan(0);
    // The guard changed nothing: the same training unguarded gives the same weights.
    expect((await cleanTraining()).weightsHash()).toBe(value.weightsHash());
  });
});

describe('clocks, web crypto and node:crypto are watched', () => {
  it('reports Date.now and performance.now read by a user callback, at the batch where they were read', async () => {
    setSeed(3);
    const model = new Sequential([new Dense(1, { inputDim: 1 })]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const { report } = await withDeterminismGuard(() =>
      model.fit([[1], [2], [3], [4]], [[2], [4], [6], [8]], {
        epochs: 2,
        batchSize: 2,
        verbose: 0,
        callbacks: [
          {
            onBatchEnd: (batch) => {
              if (batch === 1) {
                Date.now();
                performance.now();
              }
            },
          },
        ],
      }),
    );
    expect(report.findings.map((f) => f.source)).toEqual(['Date.now', 'performance.now']);
    for (const f of report.findings) {
      expect(f.kind).toBe('time');
      expect(f.calls).toBe(2); // once per epoch
      expect(f.firstSeen).toMatchObject({ phase: 'training', epoch: 0, batch: 1, step: 1 });
      expect(f.site?.file).toMatch(/audit-guard\.test\.ts$/);
    }
  });

  it('reports crypto.getRandomValues, crypto.randomUUID and node:crypto by name', async () => {
    const { report } = await withDeterminismGuard(() => {
      globalThis.crypto.getRandomValues(new Uint8Array(4));
      globalThis.crypto.randomUUID();
      randomBytes(8);
      randomInt(10);
      randomUUID();
    }, nodeGuardOptions());
    expect(report.findings.map((f) => f.source)).toEqual([
      'crypto.getRandomValues',
      'crypto.randomUUID',
      'node:crypto.randomBytes',
      'node:crypto.randomInt',
      'node:crypto.randomUUID',
    ]);
    expect(randomBytes).toBeTypeOf('function');
  });

  it("explains ditto's own seed draw when no seed was set, with the seed it drew", async () => {
    const { report } = await withDeterminismGuard(() => {
      new Sequential([new Dense(2, { inputDim: 1 })]); // builds: takes a key, so draws a seed
    });
    expect(report.findings).toHaveLength(1);
    const [finding] = report.findings;
    expect(finding.source).toBe('crypto.getRandomValues');
    expect(finding.site?.file).toMatch(/audit-guard\.test\.ts$/); // the user's line, not ditto's
    expect(finding.note).toContain(`setSeed(${String(getSeed())})`);
  });
});

describe("'seed' mode makes third-party randomness reproducible", () => {
  it("TensorFlow.js's util.shuffle: different orders unguarded, one order per seed under the guard", async () => {
    // Unguarded, the third-party shuffle draws from Math.random: 19 samples, two runs, two orders.
    const plainA = await shuffleTraining();
    const plainB = await shuffleTraining();
    expect(plainA.order).not.toEqual(plainB.order);
    expect(plainA.model.weightsHash()).not.toBe(plainB.model.weightsHash());

    const guarded = () => withDeterminismGuard(() => shuffleTraining(), { mode: 'seed' });
    const first = await guarded();
    const second = await guarded();
    expect(second.value.order).toEqual(first.value.order);
    expect(second.value.model.weightsHash()).toBe(first.value.model.weightsHash());
    expect([...first.value.order].sort((a, b) => a - b)).toEqual(Array.from({ length: 19 }, (_, i) => i));

    // The report still lists what was replaced: the call inside the package, and the user's line.
    const [finding] = first.report.findings;
    expect(first.report.findings).toHaveLength(1);
    expect(finding).toMatchObject({ source: 'Math.random', replaced: true, calls: 19 });
    expect(finding.site?.file).toMatch(/node_modules\/@tensorflow\/tfjs-core\//);
    expect(finding.userSite?.file).toMatch(/third-party-shuffle\.ts$/);
    expect(finding.userSite?.line).toBe(lineOf('third-party-shuffle.ts', '// the third-party shuffle'));
    // The streams follow the program's own seed (setSeed(1) in the script)…
    expect(first.report.streamSeed).toBe('1');
    expect(first.report.streamSeedDrawn).toBe(false);
    // …and another seed gives another order.
    const other = await withDeterminismGuard(() => shuffleTraining({ seed: 2 } as never), { mode: 'seed' });
    expect(other.value.order).not.toEqual(first.value.order);
    expectGlobalsRestored();
  });

  it('with no seed anywhere, draws one for the streams, says so, and replays from it', async () => {
    const drawn = await withDeterminismGuard(() => [Math.random(), Math.random()], { mode: 'seed' });
    expect(drawn.report.streamSeedDrawn).toBe(true);
    expect(drawn.report.streamSeed).toBe(String(getSeed()));
    expect(formatGuardReport(drawn.report)).toContain(`replay with --seed ${drawn.report.streamSeed}`);
    const replay = await withDeterminismGuard(() => [Math.random(), Math.random()], {
      mode: 'seed',
      seed: BigInt(drawn.report.streamSeed ?? ''),
    });
    expect(replay.value).toEqual(drawn.value);
  });

  it("answers Math.random with the documented 53-bit doubles of the source's own stream", async () => {
    const { value } = await withDeterminismGuard(() => [Math.random(), Math.random()], {
      mode: 'seed',
      seed: 5,
    });
    // Stream 0 ('Math.random') is bits(Threefry2x32(key(5), counter (1, 0))).
    const words = bits(replacementKey(5, 0), 4);
    expect(value).toEqual([unitDoubleFromWords(words[0], words[1]), unitDoubleFromWords(words[2], words[3])]);
  });

  it('web crypto and node:crypto replacements are reproducible and well-formed', async () => {
    const draw = () =>
      withDeterminismGuard(
        async () => {
          const values = globalThis.crypto.getRandomValues(new Uint32Array(3));
          const asyncBytes = await new Promise<Buffer>((resolve, reject) =>
            randomBytes(5, (error, buffer) => (error ? reject(error) : resolve(buffer))),
          );
          return {
            values: [...values],
            uuid: globalThis.crypto.randomUUID(),
            bytes: [...randomBytes(6)],
            asyncBytes: [...asyncBytes],
            ints: Array.from({ length: 50 }, () => randomInt(-3, 4)),
            nodeUuid: randomUUID(),
          };
        },
        nodeGuardOptions({ mode: 'seed', seed: 'replay' }),
      );
    const a = await draw();
    const b = await draw();
    expect(b.value).toEqual(a.value);
    expect(a.value.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.value.nodeUuid).not.toBe(a.value.uuid); // separate streams
    expect(a.value.ints.every((n) => Number.isInteger(n) && n >= -3 && n < 4)).toBe(true);
    expect(new Set(a.value.ints).size).toBe(7); // 50 draws reach all 7 values (chance of missing one < 1e-3)
    expect(a.report.findings.every((f) => f.replaced)).toBe(true);
    // Node's own argument checks still apply.
    await expect(
      withDeterminismGuard(() => randomInt(5, 5), nodeGuardOptions({ mode: 'seed', seed: 1 })),
    ).rejects.toThrow();
  });
});

describe('replacement stream formulas', () => {
  it('unitDoubleFromWords takes the top 27 + 26 bits and scales by 2^-53', () => {
    expect(unitDoubleFromWords(0, 0)).toBe(0);
    expect(unitDoubleFromWords(0xffffffff, 0xffffffff)).toBe(1 - 2 ** -53);
    expect(unitDoubleFromWords(1 << 5, 0)).toBe(2 ** -27); // lowest bit of a's 27
    expect(unitDoubleFromWords(0, 1 << 6)).toBe(2 ** -53); // lowest bit of b's 26
    expect(unitDoubleFromWords(31, 63)).toBe(0); // the dropped low bits
  });

  it('streams are uniform in [0, 1): mean and variance of 100,000 draws', () => {
    const streams = new ReplacementStreams(() => 11);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = streams.unitDouble('Math.random');
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Uniform: mean 1/2 (sd of the mean √(1/12n) ≈ 0.0009), variance 1/12.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it("keys live apart from nextKey()'s keys under the same seed", () => {
    for (let id = 0; id < 6; id++) {
      expect(replacementKey(9, id)).not.toEqual(foldIn(key(9), id));
      expect(replacementKey(9, id)).toEqual(replacementKey(9, id));
    }
    expect(new Set(Array.from({ length: 6 }, (_, id) => replacementKey(9, id).join())).size).toBe(6);
  });

  it('UUIDs carry version 4 and the RFC variant', () => {
    expect(uuidFromBytes(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uuidFromBytes(new Uint8Array(16))).toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe('stack parsing', () => {
  it('reads V8 and SpiderMonkey/JavaScriptCore frames, file URLs included', () => {
    const v8 = parseStack(
      [
        'Error: x',
        '    at Object.shuffle (file:///app/node_modules/lib/index.js:12:5)',
        '    at async train (/home/me/My%20Project/train.ts:3:9)',
        '    at new Promise (<anonymous>)',
        '    at file:///C:/work/x.mjs:1:2',
      ].join('\n'),
    );
    expect(v8).toEqual([
      { file: '/app/node_modules/lib/index.js', line: 12, column: 5, fn: 'Object.shuffle' },
      { file: '/home/me/My%20Project/train.ts', line: 3, column: 9, fn: 'async train' },
      { file: 'C:/work/x.mjs', line: 1, column: 2, fn: undefined },
    ]);
    const gecko = parseStack('shuffle@http://localhost:5173/lib.js:4:7\n@http://localhost:5173/app.js:9:1');
    expect(gecko).toEqual([
      { file: 'http://localhost:5173/lib.js', line: 4, column: 7, fn: 'shuffle' },
      { file: 'http://localhost:5173/app.js', line: 9, column: 1, fn: undefined },
    ]);
  });
});
