/**
 * Sweeps: `experiment({ configs })` expands into one experiment per configuration, addressed by an
 * export name with the configuration's id, run locally and on the queue by the same code, recorded
 * as runs of their own, resumed one at a time and compared. Every configuration shares the
 * experiment seed (common random numbers). The reference for each configuration's bits is a
 * plain experiment (no `configs`) that hard-codes that configuration.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Config,
  configId,
  type Experiment,
  expandConfigs,
  experiment,
  parseConfigExport,
  type RepeatResult,
  recordConfig,
  runExperiment,
} from '../packages/ditto/src/experiments/index.js';
import { planRun } from '../packages/ditto/src/experiments/run-in-process.js';
import { fitTutorial } from '../packages/ditto/src/index.js';
import {
  type CommandIO,
  compareCommand,
  runCommand,
} from '../packages/ditto-node/src/experiments/commands.js';
import {
  experimentExport,
  findExperiments,
  loadExperiments,
} from '../packages/ditto-node/src/experiments/load-module.js';
import { openRecords } from '../packages/ditto-node/src/experiments/records.js';
import { startQueueWorker } from '../packages/ditto-node/src/queue/worker.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';
import { repoRoot } from './helpers/run-tsx.js';

const GRID = join(repoRoot, 'test/fixtures/sweep/grid.ts');
const IDS = ['[units=2,lr=0.01]', '[units=2,lr=0.1]', '[units=4,lr=0.01]', '[units=4,lr=0.1]'];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-sweeps-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function captureIO(): CommandIO & { text: () => string; errors: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    style: { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t },
    progress: false,
    text: () => out,
    errors: () => err,
  };
}

/** Per repeat: index, seed, weights hash and the mse's bits. */
const fingerprints = (results: readonly RepeatResult[]) =>
  results.map((r) =>
    r.status === 'ok' ? `${r.index}:${r.seed}:${r.weightsHash}:${r.metrics.mse}` : `${r.index}:failed`,
  );

/** The reference: a plain experiment with the configuration written into its code. */
function plainExperiment(units: number, lr: number): Experiment {
  return experiment({
    name: `plain ${units} ${lr}`,
    repeats: 3,
    seed: 11,
    async run() {
      const { mse, weightsHash } = await fitTutorial({ hiddenUnits: units, learningRate: lr, epochs: 20 });
      return { mse, weightsHash };
    },
  });
}

/** Fingerprints of the plain experiment of each configuration of the fixture, in grid order. */
let reference: Map<string, string[]>;
beforeAll(async () => {
  reference = new Map();
  const configurations = [
    [2, 0.01],
    [2, 0.1],
    [4, 0.01],
    [4, 0.1],
  ];
  for (const [i, [units, lr]] of configurations.entries()) {
    reference.set(IDS[i], fingerprints((await runExperiment(plainExperiment(units, lr))).results));
  }
});

describe('expanding configurations', () => {
  it('a grid is the cartesian product in the keys’ order, the last key fastest; a list keeps its order', () => {
    expect(expandConfigs('t', { a: [1, 2], b: ['x', 'y', 'z'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
    expect(expandConfigs('t', [{ units: 16, lr: 0.01 }, { units: 8 }])).toEqual([
      { units: 16, lr: 0.01 },
      { units: 8 },
    ]);
    const [first] = expandConfigs('t', { layers: [[8, 8]] });
    expect(Object.isFrozen(first) && Object.isFrozen(first.layers)).toBe(true);
  });

  it('names show the configuration; ids address it and parse back to it', () => {
    const sweep = experiment({
      name: 'mlp',
      seed: 3,
      configs: { units: [8, 16], lr: [1e-3, 1e-2] },
      run: ({ config }) => ({ mse: config.units * config.lr }),
    });
    expect(sweep.sweep?.map((p) => p.experiment.name)).toEqual([
      'mlp [units=8, lr=0.001]',
      'mlp [units=8, lr=0.01]',
      'mlp [units=16, lr=0.001]',
      'mlp [units=16, lr=0.01]',
    ]);
    expect(sweep.sweep?.map((p) => p.id)).toEqual([
      '[units=8,lr=0.001]',
      '[units=8,lr=0.01]',
      '[units=16,lr=0.001]',
      '[units=16,lr=0.01]',
    ]);
    expect(sweep.config).toBeUndefined();
    expect(sweep.sweep?.[2].experiment.config).toEqual({ units: 16, lr: 0.001 });
    const awkward: Config = {
      act: 'a,b=1]',
      sizes: [1, [2, 3]],
      opt: { name: 'adam', beta: [0.9, 0.999] },
      on: null,
    };
    expect(parseConfigExport(`best${configId(awkward)}`)).toEqual({
      exportName: 'best',
      id: configId(awkward),
      config: awkward,
    });
    expect(parseConfigExport('default')).toBeUndefined();
    expect(parseConfigExport('default[units=]')).toBeUndefined();
    expect(
      recordConfig({ module: { path: '/x.ts', relativePath: 'x.ts', export: 'default[units=8]' } }),
    ).toEqual({
      units: 8,
    });
  });

  it('repeat i of every configuration has the same seed, and the bits of a plain experiment with that configuration', async () => {
    const [module] = [await import(GRID)];
    const found = findExperiments(module);
    expect(found.map((f) => f.exportName)).toEqual(IDS.map((id) => `default${id}`));
    const seedsOf = (results: readonly RepeatResult[]) => results.map((r) => r.seed);
    const runs = [];
    for (const { exportName, experiment: point } of found) {
      const run = await runExperiment(point);
      expect(fingerprints(run.results)).toEqual(reference.get(exportName.slice('default'.length)));
      runs.push(run);
    }
    for (const run of runs) expect(seedsOf(run.results)).toEqual(seedsOf(runs[0].results));
    // The configurations differ: common seeds, different networks.
    expect(new Set(runs.map((r) => fingerprints(r.results)[0])).size).toBe(4);
  });

  it('without a seed, every configuration shares one seed drawn once', () => {
    const sweep = experiment({
      name: 'unseeded',
      configs: [{ a: 1 }, { a: 2 }, { a: 3 }],
      run: () => ({ m: 1 }),
    });
    const seeds = sweep.sweep?.map((p) => planRun(p.experiment).seed) ?? [];
    expect(seeds).toHaveLength(3);
    expect(new Set(seeds).size).toBe(1);
  });

  it('the sweep itself is not run: the in-process runner and a worker’s lookup say which configuration to name', async () => {
    const module = await import(GRID);
    await expect(runExperiment(module.default)).rejects.toThrow(
      /experiment 'sweep fixture' is a sweep of 4 configurations; run each of its `sweep\[i\]\.experiment`/,
    );
    expect(() => experimentExport(module, 'default', 'grid.ts')).toThrow(
      /export 'default' is a sweep of 4 configurations; name one: default\[units=2,lr=0\.01\]/,
    );
    expect(() => experimentExport(module, 'default[units=3,lr=0.01]', 'grid.ts')).toThrow(
      /has no configuration \[units=3,lr=0\.01\]/,
    );
    const handle = experimentExport(module, 'default[units=4,lr=0.1]', 'grid.ts');
    expect(fingerprints([await handle.runRepeat(11n, 2)])).toEqual([reference.get(IDS[3])?.[2]]);
  });
});

describe('bad configs', () => {
  const run = () => ({ m: 1 });
  const bad: Array<[string, unknown, RegExp]> = [
    ['an empty grid', {}, /experiment 'e': `configs` is an empty grid; give at least one key/],
    ['an empty list', [], /`configs` is an empty list; give at least one configuration/],
    [
      'a grid value that is not an array',
      { units: 8 },
      /`configs.units` must be a non-empty array of values \(for one value write \[8\]\)/,
    ],
    ['an empty axis', { units: [8], lr: [] }, /`configs.lr` must be a non-empty array of values/],
    ['NaN', { lr: [0.1, Number.NaN] }, /`configs.lr\[1\]` is NaN; configuration numbers must be finite/],
    [
      'undefined in a list',
      [{ units: undefined }],
      /`configs\[0\].units` is undefined; configuration values must be JSON/,
    ],
    ['a function', { act: [() => 1] }, /`configs.act\[0\]` is a function; configuration values must be JSON/],
    [
      'a class instance',
      [{ when: new Date(0) }],
      /`configs\[0\].when` is .*; configuration values must be JSON/,
    ],
    ['a bigint', [{ n: 1n }], /`configs\[0\].n` is .*; configuration values must be JSON/],
    ['a list entry that is not an object', [{ a: 1 }, 5], /`configs\[1\]` must be an object of named values/],
    [
      'a key that is not an identifier',
      { 'hidden units': [8] },
      /key "hidden units" of `configs` must start with a letter/,
    ],
    ['a number instead of a grid', 3, /`configs` must be a grid \{ key: \[values…\] \} or a list/],
    [
      'the same configuration twice',
      { units: [8, 16, 8] },
      /configurations 0 and 2 of `configs` are the same \(\[units=8\]\)/,
    ],
    [
      'too many configurations',
      { a: Array.from({ length: 101 }, (_, i) => i), b: Array.from({ length: 100 }, (_, i) => i) },
      /gives 10100 configurations, more than 10000/,
    ],
  ];
  for (const [what, configs, message] of bad) {
    it(what, () => {
      expect(() => experiment({ name: 'e', configs: configs as never, run })).toThrow(message);
    });
  }

  it('a cycle', () => {
    const self: Record<string, unknown> = {};
    self.self = self;
    expect(() => experiment({ name: 'e', configs: [{ self }] as never, run })).toThrow(
      /`configs\[0\].self.self` contains itself; JSON cannot hold a cycle/,
    );
  });

  it('an unknown field of the definition, with a suggestion', () => {
    expect(() => experiment({ name: 'e', config: { units: [8] }, run } as never)).toThrow(
      /experiment 'e': unknown option "config" \(did you mean 'configs'\?\)/,
    );
  });
});

describe('ditto run and compare', () => {
  it('records one run per configuration, named by it, with its configuration; results equal the plain experiments', async () => {
    const db = join(dir, 'local.db');
    const io = captureIO();
    expect(await runCommand(GRID, { db, json: true, workers: '2' }, io)).toBe(0);
    const printed = JSON.parse(io.text()) as { runs: Array<{ label: string; id: string }> };
    expect(printed.runs.map((r) => r.label)).toEqual(
      IDS.map((id) => `sweep fixture ${id.replace(',', ', ')}`),
    );
    const records = openRecords(db, { readonly: true });
    try {
      for (const [i, line] of printed.runs.entries()) {
        const record = records.getRun(line.id);
        expect(record.module.export).toBe(`default${IDS[i]}`);
        expect(recordConfig(record)).toEqual(parseConfigExport(`default${IDS[i]}`)?.config);
        expect(record.seed).toBe('11');
        expect(fingerprints(record.results)).toEqual(reference.get(IDS[i]));
      }
    } finally {
      records.close();
    }
  });

  it('resumes one configuration: only its failed repeat runs again, the other configurations are untouched', async () => {
    const db = join(dir, 'resume.db');
    const marker = join(dir, 'fail-now');
    writeFileSync(marker, '');
    process.env.DITTO_SWEEP_FAIL = marker;
    try {
      const first = captureIO();
      expect(await runCommand(GRID, { db, json: true, workers: '1' }, first)).toBe(1);
      const runs = (JSON.parse(first.text()) as { runs: Array<{ id: string }> }).runs;
      rmSync(marker);
      const again = captureIO();
      expect(await runCommand(GRID, { db, json: true, resume: runs[3].id }, again)).toBe(0);
      expect(again.errors()).toMatch(new RegExp(`resumed run ${runs[3].id}: ran the 1 missing repeat`));
      const records = openRecords(db, { readonly: true });
      try {
        expect(records.listRuns()).toHaveLength(4);
        const resumed = records.getRun(runs[3].id);
        expect(resumed.status).toBe('complete');
        expect(fingerprints(resumed.results)).toEqual(reference.get(IDS[3]));
      } finally {
        records.close();
      }
    } finally {
      delete process.env.DITTO_SWEEP_FAIL;
    }
  });

  it('compare ranks the configurations of one file: the verdicts follow the mse of each', async () => {
    const io = captureIO();
    expect(await compareCommand([GRID], { json: true, record: false, resamples: '200' }, io)).toBe(0);
    const { comparison, runs } = JSON.parse(io.text()) as {
      runs: Array<{
        label: string;
        summary: { metrics: Array<{ name: string; description: { mean: number } }> };
      }>;
      comparison: {
        labels: string[];
        metrics: Array<{
          metric: string;
          kruskalWallis: unknown;
          pairs: Array<{ a: string; b: string; improvement: { estimate: number } }>;
        }>;
      };
    };
    expect(comparison.labels).toEqual(runs.map((r) => r.label));
    expect(comparison.labels).toHaveLength(4);
    const mse = comparison.metrics.find((m) => m.metric === 'mse');
    expect(mse?.kruskalWallis).not.toBeNull();
    expect(mse?.pairs).toHaveLength(6);
    // The reference means of each configuration, from the plain experiments' float64 metrics.
    const values = IDS.map((id) => (reference.get(id) ?? []).map((f) => Number(f.split(':')[3])));
    for (const pair of mse?.pairs ?? []) {
      const a = values[comparison.labels.indexOf(pair.a)];
      const b = values[comparison.labels.indexOf(pair.b)];
      // Lower mse is better: P(a beats b) is the share of (a_i, b_j) pairs with a_i < b_j (ties ½),
      // counted here from the plain experiments' metrics. (With 3 repeats it need not follow the
      // means: a mean can be pulled by one repeat.)
      let wins = 0;
      for (const x of a) for (const y of b) wins += x < y ? 1 : x === y ? 0.5 : 0;
      expect(pair.improvement.estimate).toBeCloseTo(wins / (a.length * b.length), 12);
    }
  });
});

describe('a sweep on the queue', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('every configuration’s repeats run as jobs; the records equal the local run', async () => {
    const worker = await startQueueWorker({
      queue: redis.url,
      root: repoRoot,
      lockDuration: 1000,
      log: () => {},
    });
    try {
      const db = join(dir, 'queued.db');
      const io = captureIO();
      expect(await runCommand(GRID, { db, json: true, queue: redis.url }, io)).toBe(0);
      const runs = (JSON.parse(io.text()) as { runs: Array<{ id: string }> }).runs;
      expect(runs).toHaveLength(4);
      const records = openRecords(db, { readonly: true });
      try {
        runs.forEach((line, i) => {
          const record = records.getRun(line.id);
          expect(record.module.export).toBe(`default${IDS[i]}`);
          expect(fingerprints(record.results)).toEqual(reference.get(IDS[i]));
        });
      } finally {
        records.close();
      }
    } finally {
      await worker.close();
    }
  }, 120_000);

  it('loadExperiments gives the same export names a worker looks up', async () => {
    const found = await loadExperiments(GRID);
    const module = await import(GRID);
    for (const { exportName, experiment: point } of found) {
      expect(experimentExport(module, exportName, GRID).name).toBe(point.name);
    }
  });
});
