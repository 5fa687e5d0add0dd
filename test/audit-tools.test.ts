/**
 * The audit's command-line tools end to end: `ditto diverge` on twin processes, `ditto check`, and
 * `ditto verify` against run records made by the experiment runner.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../packages/ditto/src/experiments/run-record.js';
import { nextAfter32 } from '../packages/ditto/src/numeric/ulp.js';
import { divergeScript } from '../packages/ditto-node/src/audit/diverge.js';
import { formatDivergeResult } from '../packages/ditto-node/src/audit/diverge-report.js';
import { verifyRun } from '../packages/ditto-node/src/audit/verify.js';
import { formatVerifyResult } from '../packages/ditto-node/src/audit/verify-report.js';
import { openRecords, runExperimentFile } from '../packages/ditto-node/src/experiments/index.js';
import cleanTraining from './fixtures/audit/clean-training.js';
import { PERTURBED_INDEX, PERTURBED_STEP } from './fixtures/audit/perturb-one-ulp.js';
import { repoRoot } from './helpers/run-tsx.js';

const scratch = mkdtempSync(join(tmpdir(), 'ditto-audit-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI from source in a child process; never throws on a non-zero exit. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'packages/ditto-node/src/cli/main.ts', ...args],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function lineOf(fixture: string, marker: string): number {
  const lines = readFileSync(join(repoRoot, 'test/fixtures/audit', fixture), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(marker)) + 1;
}

describe('ditto diverge', () => {
  it('finds a one-ulp perturbation of one weight at step 37, in that tensor, at that element', async () => {
    const result = await divergeScript('test/fixtures/audit/perturb-one-ulp.ts');
    const c = result.comparison;
    expect(c.same, formatDivergeResult(result)).toBe(false);
    if (c.same) return;
    expect(c).toMatchObject({ kind: 'tensor', step: PERTURBED_STEP, epoch: PERTURBED_STEP, batch: 0 });
    // In a fresh process the second Dense layer is 'dense_1'; its kernel is the one nudged.
    expect(c.tensor).toMatchObject({ kind: 'weights', name: 'dense_1/kernel', shape: [10, 1] });
    expect(c.values).toMatchObject({ differing: 1, total: 10, maxUlps: 1 });
    const [element] = c.values?.first ?? [];
    expect(element.index).toBe(PERTURBED_INDEX);
    expect(element.b).toBe(nextAfter32(element.a, Number.POSITIVE_INFINITY));
    expect(result.notes).toEqual([]);
    expect(formatDivergeResult(result)).toContain(
      'first difference: step 37 (epoch 37, batch 0): dense_1/kernel',
    );
  });

  it('says a clean seeded training never differs, with the weights hash this process also gets', async () => {
    const result = await divergeScript('test/fixtures/audit/clean-training.ts');
    expect(result.comparison.same, formatDivergeResult(result)).toBe(true);
    const here = (await cleanTraining()).weightsHash();
    expect(result.twins.map((t) => t.weightsHash)).toEqual([here, here]);
    expect(result.comparison).toMatchObject({ same: true, steps: 20, weightsHash: here });
    expect(formatDivergeResult(result)).toContain(`final weights hash ${here}`);
  });

  it('blames the first batch when the data order depends on which worker finishes first — and not once fixed', async () => {
    const racy = await divergeScript('test/fixtures/audit/worker-pipeline.ts', {
      a: { workers: 1 },
      b: { workers: 4 },
    });
    expect(racy.comparison, formatDivergeResult(racy)).toMatchObject({
      same: false,
      kind: 'tensor',
      step: 0,
    });
    if (!racy.comparison.same) expect(racy.comparison.tensor?.kind).toBe('gradient');
    expect(racy.twins[1].fingerprint.workers).toBe(4);

    const fixed = await divergeScript('test/fixtures/audit/worker-pipeline.ts', {
      a: { workers: 1 },
      b: { workers: 4 },
      env: { PIPELINE_ORDERED: '1' },
    });
    expect(fixed.comparison.same, formatDivergeResult(fixed)).toBe(true);
  });

  it('the command line prints the first difference and exits 1', async () => {
    const { code, stdout } = await cli(['diverge', 'test/fixtures/audit/perturb-one-ulp.ts', '--sequential']);
    expect(code).toBe(1);
    expect(stdout).toContain('first difference: step 37 (epoch 37, batch 0): dense_1/kernel differs');
    expect(stdout).toMatch(/\[4\] A \S+ {2}B \S+ {2}\(1 ulp\)/);
  });
});

describe('ditto check', () => {
  it('lists the planted Math.random calls with file:line and training position, and exits 1', async () => {
    const { code, stdout } = await cli(['check', 'test/fixtures/audit/random-layers.ts']);
    expect(code).toBe(1);
    expect(stdout).toContain('2 sources of nondeterminism');
    expect(stdout).toContain(
      `test/fixtures/audit/random-layers.ts:${lineOf('random-layers.ts', '// planted: initializer')}:`,
    );
    expect(stdout).toContain(
      `test/fixtures/audit/random-layers.ts:${lineOf('random-layers.ts', '// planted: noise')}:`,
    );
    expect(stdout).toContain('first at epoch 2, batch 1 (step 7)');
  });

  it("exits 0 on a clean training, and in 'seed' mode once the third-party shuffle is replaced", async () => {
    const clean = await cli(['check', 'test/fixtures/audit/clean-training.ts']);
    expect(clean.stdout).toContain('no unseeded randomness');
    expect(clean.code).toBe(0);
    const seeded = await cli(['check', '--mode', 'seed', 'test/fixtures/audit/third-party-shuffle.ts']);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain(
      'Math.random — 19 calls, first before training — replaced by the keyed stream',
    );
    expect(seeded.stdout).toContain(
      `from test/fixtures/audit/third-party-shuffle.ts:${lineOf('third-party-shuffle.ts', '// the third-party shuffle')}:`,
    );
  });

  it("'throw' mode stops the script at the first call", async () => {
    const { code, stderr } = await cli(['check', '--mode', 'throw', 'test/fixtures/audit/random-layers.ts']);
    expect(code).toBe(1);
    expect(stderr).toContain('NondeterminismError');
  });
});

describe('ditto verify', () => {
  const db = join(scratch, 'runs.db');
  async function record(fixture: string): Promise<RunRecord> {
    const { record } = await runExperimentFile(`test/fixtures/audit/${fixture}`, { workers: 1, records: db });
    if (!record) throw new Error('no record');
    return record;
  }

  it('reproduces every repeat of a deterministic run, by run id and from an exported file', async () => {
    const steady = await record('steady-experiment.ts');
    const result = await verifyRun(steady.id, { db });
    expect(result.identical, formatVerifyResult(result)).toBe(true);
    expect(result.checks.map((c) => [c.index, c.status, c.replayedHash])).toEqual(
      steady.results.map((r) => [r.index, 'identical', r.status === 'ok' ? r.weightsHash : null]),
    );
    const file = join(scratch, 'steady.json');
    const records = openRecords(db, { create: false });
    writeFileSync(file, JSON.stringify(records.exportRun(steady.id)));
    records.close();
    const { code, stdout } = await cli(['verify', file, '--repeat', '2']);
    expect(stdout).toContain('identical: the repeat reproduces the recorded weights hash bit for bit');
    expect(code).toBe(0);
  });

  it('on a mismatch with matching fingerprints, points to ditto check and ditto diverge with the arguments', async () => {
    const flaky = await record('flaky-experiment.ts');
    const result = await verifyRun(flaky.id, { db });
    expect(result.identical).toBe(false);
    expect(result.differences.filter((d) => d.field !== 'workers')).toEqual([]);
    const first = result.checks.find((c) => c.status === 'different');
    expect(first).toBeDefined();
    const args = `test/fixtures/audit/flaky-experiment.ts --seed 5 --repeat ${first?.index}`;
    expect(result.advice).toEqual([
      expect.stringContaining(`ditto check ${args}`),
      expect.stringContaining(`ditto diverge ${args}`),
    ]);
    expect(formatVerifyResult(result)).toContain('the experiment itself is not deterministic');
    // …and the advice works: check finds the planted line.
    const { stdout } = await cli(['check', ...args.split(' ')]);
    expect(stdout).toContain(
      `flaky-experiment.ts:${lineOf('flaky-experiment.ts', '// planted: unseeded jitter')}:`,
    );
  });

  it('explains a mismatch by a different ditto version or backend recorded in the fingerprints', async () => {
    const steady = await record('steady-experiment.ts');
    const records = openRecords(db, { create: false });
    const exported = records.exportRun(steady.id);
    records.close();
    const tamper = (edit: (r: RunRecord) => void): string => {
      const copy = JSON.parse(JSON.stringify(exported)) as RunRecord;
      // As a genuine record of that other setting: without checksums (an edit would be reported as one).
      delete copy.checksum;
      for (const result of copy.results) delete result.checksum;
      edit(copy);
      const file = join(scratch, `tampered-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify(copy));
      return file;
    };
    // As if recorded by an older ditto whose numerics differed.
    const older = await verifyRun(
      tamper((r) => {
        r.environment.dittoVersion = '0.0.9';
        const result = r.results[1];
        if (result.status === 'ok') result.weightsHash = 'f'.repeat(64);
      }),
      { repeats: [1] },
    );
    expect(older.identical).toBe(false);
    expect(older.differences[0]).toMatchObject({
      field: 'ditto version',
      recorded: '0.0.9',
      mayChangeResults: true,
    });
    expect(older.advice).toEqual([]);
    expect(formatVerifyResult(older)).toContain('explained by the fingerprints:');
    // As if recorded on another backend, with different bits: a broken promise, said as such.
    // (A name no backend here has, so the replay's backend — js or wasm — always differs.)
    const otherBackend = await verifyRun(
      tamper((r) => {
        const result = r.results[0];
        result.backend = 'elsewhere';
        if (result.status === 'ok') result.weightsHash = '0'.repeat(64);
      }),
      { repeats: [0] },
    );
    expect(otherBackend.differences[0]).toMatchObject({ field: 'backend', recorded: 'elsewhere' });
    expect(['js', 'wasm']).toContain(otherBackend.differences[0].now);
    expect(formatVerifyResult(otherBackend)).toContain('ditto promises the same bits on every backend');
  });
});
