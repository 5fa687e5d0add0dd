// Run records that cannot lie: --resume refuses changed code and conflicting flags, two concurrent
// resumes never both run a repeat, a damaged database is refused at open (named, never written),
// one malformed row never hides the others, and a read-only database can still be read.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../packages/ditto/src/version.js';
import {
  type CommandIO,
  exportCommand,
  runsCommand,
  showCommand,
} from '../packages/ditto-node/src/experiments/commands.js';
import { openRecords, runExperimentFile } from '../packages/ditto-node/src/experiments/index.js';
import { DamagedRecordsError, MalformedRecordError } from '../packages/ditto-node/src/experiments/records.js';
import { openSqlite } from '../packages/ditto-node/src/records/sqlite.js';
import { runCli, runCounts, writeLightExperiment } from './helpers/records-fixture.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-trust-'));
  file = writeLightExperiment(dir);
  writeFileSync(join(dir, 'release'), '');
});

afterAll(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function captureIO(): CommandIO & { text: () => string } {
  let out = '';
  return {
    out: (t) => {
      out += t;
    },
    err: () => {},
    style: { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t },
    progress: false,
    text: () => out,
  };
}

/** A run of the light experiment with only repeats 0 and 1 recorded (as if interrupted). */
async function interruptedRun(db: string): Promise<string> {
  const { record } = await runExperimentFile(file, { records: db, workers: 1 });
  if (record === null) throw new Error('not recorded');
  const raw = openSqlite(db);
  raw.prepare('DELETE FROM repeats WHERE run_id = ? AND idx >= 2').run(record.id);
  raw.close();
  return record.id;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('--resume refuses what would mix two runs', () => {
  it('refuses a run whose module or a local import changed, naming the file', async () => {
    const db = join(dir, 'changed.db');
    const id = await interruptedRun(db);
    const helper = join(dir, 'helper.ts');
    const original = readFileSync(helper, 'utf8');
    writeFileSync(helper, 'export const offset = 0.75;\n');
    try {
      await expect(runExperimentFile(file, { records: db, resume: id })).rejects.toThrow(
        new RegExp(
          `cannot resume run ${id}: its experiment's code changed since it was recorded \\(changed helper.ts\\)`,
        ),
      );
      await expect(runExperimentFile(file, { records: db, resume: true })).rejects.toThrow(
        /changed helper.ts/,
      );
    } finally {
      writeFileSync(helper, original);
    }
    // Restored, the same run resumes and completes.
    const resumed = await runExperimentFile(file, { records: db, resume: id, workers: 1 });
    expect([resumed.resumed, resumed.ran, resumed.record?.status]).toEqual([true, 4, 'complete']);
  });

  it('refuses a conflicting --seed or -n instead of ignoring it or starting another run', async () => {
    const db = join(dir, 'flags.db');
    const id = await interruptedRun(db);
    await expect(runExperimentFile(file, { records: db, resume: id, seed: 4 })).rejects.toThrow(
      /cannot resume run .*: --seed gives seed 4, the run has seed 3/,
    );
    await expect(runExperimentFile(file, { records: db, resume: true, repeats: 9 })).rejects.toThrow(
      /-n asks for 9 repeats, the run has 6/,
    );
    const records = openRecords(db, { readonly: true });
    expect(records.listRuns().map((r) => [r.id, r.completed])).toEqual([[id, 2]]); // nothing ran, nothing new
    records.close();
  });

  it('refuses a run whose record was edited', async () => {
    const db = join(dir, 'edited.db');
    const id = await interruptedRun(db);
    const raw = openSqlite(db);
    raw.prepare(`UPDATE repeats SET metrics = '{"score":1}' WHERE run_id = ? AND idx = 1`).run(id);
    raw.close();
    await expect(runExperimentFile(file, { records: db, resume: id })).rejects.toThrow(
      /cannot resume run .*: its record is not what was written \(repeat 1: its result .* was changed after it was recorded\)/,
    );
  });

  it('two concurrent resumes of one run never both run a repeat', async () => {
    const held = mkdtempSync(join(tmpdir(), 'ditto-trust-held-'));
    const sessions: Promise<unknown>[] = [];
    try {
      const heldFile = writeLightExperiment(held, 4);
      writeFileSync(join(held, 'release'), '');
      const db = join(held, 'runs.db');
      const { record } = await runExperimentFile(heldFile, { records: db, workers: 1 });
      const raw = openSqlite(db);
      raw.prepare('DELETE FROM repeats WHERE run_id = ?').run(record?.id ?? '');
      raw.close();
      rmSync(join(held, 'ran.log'));
      rmSync(join(held, 'release')); // repeats now wait: the first session holds the run
      const args = ['run', heldFile, '--db', db, '--workers', '1', '--resume', record?.id ?? ''];
      const first = runCli(args);
      const second = runCli(args);
      sessions.push(first, second);
      // Both sessions' repeats wait for the release file, so one must be refused while the other holds the run.
      const neither = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('neither session was refused within 30 s')), 30_000).unref(),
      );
      const refused = await Promise.race([first, second, neither]);
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(/run .* is being run by process \d+ on .*; two sessions of one run/);
      const io = captureIO();
      runsCommand({ db }, io); // the run is shown as running, in the process that holds it
      expect(io.text()).toMatch(/light\s+running\s+0\/4 .*\(process \d+ on .*\)/);
      writeFileSync(join(held, 'release'), '');
      const [a, b] = await Promise.all([first, second]);
      expect([a.code, b.code].sort()).toEqual([0, 1]);
      expect([...runCounts(held).entries()].sort((x, y) => x[0] - y[0])).toEqual([
        [0, 1],
        [1, 1],
        [2, 1],
        [3, 1],
      ]);
      const records = openRecords(db, { readonly: true });
      expect(records.getRun(record?.id ?? '').status).toBe('complete');
      records.close();
    } finally {
      writeFileSync(join(held, 'release'), ''); // never leave a session waiting
      await Promise.allSettled(sessions);
      rmSync(held, { recursive: true, force: true });
    }
  });
});

describe('older databases', () => {
  it('upgrades a schema-1 database in place; its runs read, but resuming them is refused', async () => {
    const db = join(dir, 'schema1.db');
    const raw = openSqlite(db);
    raw.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema', '1');
      CREATE TABLE runs (id TEXT PRIMARY KEY, name TEXT NOT NULL, module_path TEXT NOT NULL,
        module_relative_path TEXT NOT NULL, module_export TEXT NOT NULL, seed TEXT NOT NULL,
        seed_drawn INTEGER NOT NULL, repeats INTEGER NOT NULL, better TEXT NOT NULL, options TEXT NOT NULL,
        environment TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, milliseconds REAL NOT NULL DEFAULT 0);
      CREATE TABLE repeats (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
        seed TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('ok', 'failed')), metrics TEXT, weights_hash TEXT,
        error TEXT, milliseconds REAL NOT NULL, backend TEXT NOT NULL, finished_at TEXT NOT NULL, PRIMARY KEY (run_id, idx));`);
    const environment = JSON.stringify({
      // This version's: the refusal under test is the missing module hash, not the version.
      dittoVersion: VERSION,
      runtime: 'node',
      runtimeVersion: '20',
      platform: 'linux',
      arch: 'x64',
      cpuModel: 'c',
      cpuCount: 2,
      backend: 'js',
      workers: 1,
    });
    raw
      .prepare(
        `INSERT INTO runs VALUES ('20250101-000000-0001', 'light', ?, 'light.ts', 'default', '3', 0, 6, '{}', '{}', ?, '2025-01-01T00:00:00.000Z', NULL, 0)`,
      )
      .run(file, environment);
    raw.close();
    const records = openRecords(db, { readonly: true }); // read-only: read as it is
    expect(records.getRun('20250101-000000-0001')).toMatchObject({
      module: { export: 'default' },
      results: [],
    });
    records.close();
    await expect(runExperimentFile(file, { records: db, resume: true })).rejects.toThrow(
      /cannot resume run 20250101-000000-0001: it was recorded without the hash of its module/,
    );
    const check = openSqlite(db, { readonly: true });
    expect(check.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: '2' });
    check.close();
  });
});

describe('damaged and read-only databases', () => {
  it('refuses a damaged database at open, naming the file and what to do, without writing to it', async () => {
    const good = join(dir, 'good.db');
    await runExperimentFile(file, { records: good, workers: 1 });
    const damaged = join(dir, 'damaged.db');
    const bytes = readFileSync(good);
    for (let i = 4096; i < bytes.length; i += 5) bytes[i] ^= 0xa5; // every page after the first
    writeFileSync(damaged, bytes);
    const before = sha256(damaged);
    expect(() => openRecords(damaged)).toThrow(DamagedRecordsError);
    expect(() => openRecords(damaged)).toThrow(
      new RegExp(`run records ${damaged} are damaged .*it was left untouched.*mv ${damaged}`),
    );
    await expect(runExperimentFile(file, { records: damaged })).rejects.toThrow(/are damaged/);
    const text = join(dir, 'text.db');
    writeFileSync(text, 'not a database, only text\n'.repeat(200));
    expect(() => openRecords(text, { readonly: true })).toThrow(
      new RegExp(`run records ${text} is not an SQLite database`),
    );
    expect(sha256(damaged)).toBe(before);
    expect(readFileSync(text, 'utf8').startsWith('not a database')).toBe(true);
  });

  it('one malformed row never hides the others; a malformed run is named', async () => {
    const db = join(dir, 'malformed.db');
    const { record } = await runExperimentFile(file, { records: db, workers: 1 });
    const second = await runExperimentFile(file, { records: db, workers: 1, seed: 8 });
    const raw = openSqlite(db);
    raw
      .prepare(`UPDATE repeats SET metrics = '{"score": oops' WHERE run_id = ? AND idx = 2`)
      .run(record?.id ?? '');
    raw.prepare(`UPDATE runs SET environment = 'garbage' WHERE id = ?`).run(second.record?.id ?? '');
    raw.close();
    const records = openRecords(db, { readonly: true });
    try {
      const run = records.getRun(record?.id ?? '');
      expect(run.results.map((r) => r.index)).toEqual([0, 1, 3, 4, 5]);
      expect(run.unreadable).toEqual([
        { index: 2, reason: expect.stringMatching(/metrics are not valid JSON/) },
      ]);
      expect(run.status).toBe('incomplete');
      expect(() => records.getRun(second.record?.id ?? '')).toThrow(MalformedRecordError);
      expect(() => records.getRun(second.record?.id ?? '')).toThrow(
        new RegExp(`run ${second.record?.id} in ${db}: its environment is not valid JSON`),
      );
      expect(records.listRuns().map((r) => r.id)).toEqual([second.record?.id, record?.id]);
    } finally {
      records.close();
    }
  });

  it('runs, show and export read a database that is read-only on disk', async () => {
    const ro = mkdtempSync(join(tmpdir(), 'ditto-trust-ro-'));
    const db = join(ro, 'runs.db');
    try {
      copyFileSync(join(dir, 'good.db'), db);
      chmodSync(db, 0o444);
      chmodSync(ro, 0o555); // not even a journal can be created next to it
      const io = captureIO();
      expect(runsCommand({ db }, io)).toBe(0);
      expect(io.text()).toMatch(/light\s+complete\s+6\/6/);
      expect(await showCommand('latest', { db }, io)).toBe(0);
      expect(exportCommand('latest', { db, format: 'csv' }, io)).toBe(0);
      expect(io.text()).toMatch(/run_id,name,index,seed,status,score,weights_hash/);
    } finally {
      chmodSync(ro, 0o755);
      rmSync(ro, { recursive: true, force: true });
    }
  });
});
