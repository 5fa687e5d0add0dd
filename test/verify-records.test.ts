// `ditto verify` compares every recorded field: every metric bit for bit, each repeat's seed against
// its derivation, the configuration and the module's code; it tells an edited record from changed
// code and from an experiment that is not deterministic.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VerifyResult, verifyRun } from '../packages/ditto-node/src/audit/verify.js';
import { formatVerifyResult } from '../packages/ditto-node/src/audit/verify-report.js';
import { openRecords, runExperimentFile } from '../packages/ditto-node/src/experiments/index.js';
import { openSqlite } from '../packages/ditto-node/src/records/sqlite.js';
import { runCli, writeLightExperiment } from './helpers/records-fixture.js';
import { repoRoot } from './helpers/run-tsx.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-verify-'));
  file = writeLightExperiment(dir);
  writeFileSync(join(dir, 'release'), '');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records a run of the light experiment into a new database; returns both. */
async function recorded(name: string): Promise<{ db: string; id: string }> {
  const db = join(dir, `${name}.db`);
  const { record } = await runExperimentFile(file, { records: db, workers: 1 });
  if (record === null) throw new Error('not recorded');
  return { db, id: record.id };
}

function edit(db: string, sql: string, ...params: (string | number)[]): void {
  const raw = openSqlite(db);
  raw.prepare(sql).run(...params);
  raw.close();
}

describe('ditto verify', () => {
  it('an intact record of a deterministic run: identical, code unchanged', async () => {
    const { db, id } = await recorded('intact');
    const result = await verifyRun(id, { db, workers: 1 });
    expect([result.verdict, result.identical, result.module?.unchanged]).toEqual(['identical', true, true]);
    expect(result.recordProblems).toEqual([]);
    expect(result.checks.map((c) => c.status)).toEqual(Array(6).fill('identical'));
    expect(formatVerifyResult(result)).toContain('code:     unchanged since the run');
  });

  it('a metric edited by one bit is an edited record, not "identical" and not blamed on the experiment', async () => {
    const { db, id } = await recorded('metric');
    const records = openRecords(db, { readonly: true });
    const original = records.getRun(id).results[2];
    records.close();
    if (original.status !== 'ok') throw new Error('repeat 2 failed');
    const bumped = original.metrics.score + Number.EPSILON * original.metrics.score; // the next float64 up
    expect(bumped).not.toBe(original.metrics.score);
    edit(
      db,
      'UPDATE repeats SET metrics = ? WHERE run_id = ? AND idx = 2',
      JSON.stringify({ score: bumped }),
      id,
    );

    const result = await verifyRun(id, { db, repeats: [1, 2] });
    expect([result.verdict, result.identical]).toEqual(['edited-record', false]);
    expect(result.checks.map((c) => [c.index, c.status])).toEqual([
      [1, 'identical'],
      [2, 'edited'],
    ]);
    expect(result.checks[1].metricDifferences).toEqual([
      { metric: 'score', recorded: bumped, replayed: original.metrics.score },
    ]);
    expect(result.recordProblems).toEqual([
      { index: 2, problem: expect.stringMatching(/its result .* was changed after it was recorded/) },
    ]);
    expect(result.advice).toEqual([]);
    const text = formatVerifyResult(result);
    expect(text).toContain('EDITED RECORD: 1 field of the record no longer match what was written');
    expect(text).toContain('these differences are edits of the record, not results of the experiment');
    expect(text).not.toContain('not deterministic');
  });

  it('an edited weights hash, repeat seed or run seed is named as an edit of the record', async () => {
    const { db, id } = await recorded('fields');
    edit(db, `UPDATE repeats SET weights_hash = 'f00d' WHERE run_id = ? AND idx = 0`, id);
    edit(db, `UPDATE repeats SET seed = '123' WHERE run_id = ? AND idx = 1`, id);
    const result = await verifyRun(id, { db, repeats: [0, 1] });
    expect(result.verdict).toBe('edited-record');
    const edited = expect.stringMatching(
      /^its result \(metrics, weights hash, .*\) was changed after it was recorded$/,
    );
    expect(result.recordProblems).toEqual([
      { index: 0, problem: edited },
      {
        index: 1,
        problem: expect.stringMatching(/^its seed 123 is not the one derived from the run's seed \(\d+\)$/),
      },
      { index: 1, problem: edited },
    ]);

    const { db: db2, id: id2 } = await recorded('run-seed');
    edit(db2, `UPDATE runs SET seed = '4' WHERE id = ?`, id2);
    const runSeed = await verifyRun(id2, { db: db2, repeats: [0] });
    expect(runSeed.verdict).toBe('edited-record');
    expect(runSeed.recordProblems[0]).toEqual({
      index: null,
      problem: expect.stringMatching(/^the configuration .* was changed after the run was recorded/),
    });
  });

  it('a changed local import is named as changed code', async () => {
    const { db, id } = await recorded('code');
    const helper = join(dir, 'helper.ts');
    const original = readFileSync(helper, 'utf8');
    writeFileSync(helper, 'export const offset = 0.25;\n');
    try {
      // In a fresh process, as a user runs it (this one has the module's old code loaded).
      const cli = await runCli(['verify', id, '--db', db, '--json']);
      const result = JSON.parse(cli.stdout) as VerifyResult;
      expect([result.verdict, result.module]).toEqual([
        'changed-code',
        { unchanged: false, changes: { changed: ['helper.ts'], added: [], removed: [] } },
      ]);
      expect([cli.code, result.replaysAgree]).toEqual([1, true]);
      const text = formatVerifyResult(result);
      expect(text).toContain('code:     CHANGED since the run: changed helper.ts');
      expect(text).toContain("the experiment's code changed since the run was recorded");
    } finally {
      writeFileSync(helper, original);
    }
  });

  it('a metric that is not deterministic is caught even when the weights hash matches', async () => {
    const jittery = join(dir, 'jittery.ts');
    const core = pathToFileURL(join(repoRoot, 'packages/ditto/src/experiments/index.ts')).href;
    writeFileSync(
      jittery,
      `import { experiment } from ${JSON.stringify(core)};
export default experiment({
  name: 'jittery',
  repeats: 2,
  seed: 1,
  async run({ seed }) {
    return { loss: 1 + Math.random() * 1e-12, weightsHash: 'w' + seed };
  },
});
`,
    );
    const db = join(dir, 'jittery.db');
    const { record } = await runExperimentFile(jittery, { records: db, workers: 1 });
    const result = await verifyRun(record?.id ?? '', { db, repeats: [0, 1] });
    expect([result.verdict, result.identical, result.replaysAgree]).toEqual([
      'nondeterministic',
      false,
      false,
    ]);
    expect(result.checks.map((c) => [c.status, c.recordedHash === c.replayedHash, c.metricsMatch])).toEqual([
      ['different', true, false],
      ['different', true, false],
    ]);
    expect(result.recordProblems).toEqual([]);
    expect(result.advice[0]).toContain('ditto check');
    expect(formatVerifyResult(result)).toContain(
      'the experiment itself is not deterministic: two replays of the same repeat in this process differ',
    );
  });
});
