// The run records on each SQLite driver behind packages/ditto-node/src/records/sqlite.ts: the
// crash-safety check (kill -9, then --resume) on node:sqlite in Node 24 (test/records.test.ts runs
// it on better-sqlite3 in this Node 20), round trips on bun:sqlite (Bun) and node:sqlite (Deno),
// and one database file read by every driver alike.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RepeatResult, runExperiment } from '../packages/ditto/src/experiments/index.js';
import { loadExperiments, openRecords } from '../packages/ditto-node/src/experiments/index.js';
import { chosenDriver, openSqlite } from '../packages/ditto-node/src/records/sqlite.js';
import { nodeBinary } from './helpers/node-binaries.js';
import { runCli, writeLightExperiment } from './helpers/records-fixture.js';
import { repoRoot } from './helpers/run-tsx.js';

const run = promisify(execFile);
let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-adapters-'));
  file = writeLightExperiment(dir, 10, 120);
  writeFileSync(join(dir, 'release'), '');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fingerprint = (results: readonly RepeatResult[]) =>
  results.map((r) => (r.status === 'ok' ? [r.index, r.seed, r.weightsHash, r.metrics.score] : r.status));

describe('the SQLite driver of each runtime', () => {
  it('Node 20 uses the optional better-sqlite3 (it has no node:sqlite); DITTO_SQLITE is checked', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(20);
    expect(chosenDriver()).toBe('better-sqlite3');
    process.env.DITTO_SQLITE = 'sqlite4';
    try {
      expect(() => chosenDriver()).toThrow(
        "DITTO_SQLITE must be one of bun:sqlite, node:sqlite, better-sqlite3 (got 'sqlite4')",
      );
    } finally {
      delete process.env.DITTO_SQLITE;
    }
    expect(() => openSqlite(join(dir, 'x.db'), { driver: 'node:sqlite' })).toThrow(
      `${join(dir, 'x.db')}: the SQLite driver node:sqlite is not available in Node ${process.versions.node}`,
    );
  });

  it('node:sqlite (Node 24): a run killed with SIGKILL resumes to the uninterrupted result', async () => {
    const node = nodeBinary(24);
    const db = join(dir, 'node24.db');
    const env = { DITTO_SQLITE: 'node:sqlite' }; // refused if Node 24 had no node:sqlite
    const killed = await runCli(['run', file, '--db', db, '--workers', '1'], {
      node,
      env,
      // A line is printed after its repeat is committed, so these repeats are on disk.
      onStderr: (stderr) => (stderr.match(/\] repeat \d+: score/g) ?? []).length >= 3,
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    const records = openRecords(db, { readonly: true }); // this Node reads Node 24's file (better-sqlite3)
    const [interrupted] = records.listRuns();
    const before = records.getRun(interrupted.id).results;
    records.close();
    expect(interrupted.status).toBe('incomplete');
    expect(interrupted.completed).toBeGreaterThanOrEqual(3);
    expect(interrupted.completed).toBeLessThan(10);

    const resumed = await runCli(['run', file, '--db', db, '--workers', '2', '--resume', '--json'], {
      node,
      env,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(
      `resumed run ${interrupted.id}: ran the ${10 - interrupted.completed} missing repeat(s)`,
    );

    const after = openRecords(db, { readonly: true });
    const record = after.getRun(interrupted.id);
    after.close();
    expect(record.status).toBe('complete');
    expect(record.results.filter((r) => before.some((b) => b.index === r.index))).toEqual(before);
    const [{ experiment }] = await loadExperiments(file);
    const uninterrupted = await runExperiment(experiment);
    expect(fingerprint(record.results)).toEqual(fingerprint(uninterrupted.results));
    expect(new Set(record.results.map((r) => r.status === 'ok' && r.weightsHash)).size).toBe(10);
  });

  /** A script that records one run with the runtime's driver and prints { driver, record }. */
  function recordingScript(db: string, runtime: string): string {
    const records = pathToFileURL(join(repoRoot, 'packages/ditto-node/src/experiments/records.ts')).href;
    return `import { openRecords } from ${JSON.stringify(records)};
const records = openRecords(${JSON.stringify(db)});
const environment = { dittoVersion: '0.1.0', runtime: '${runtime}', runtimeVersion: '1', platform: 'linux', arch: 'x64', cpuModel: 'c', cpuCount: 2, backend: 'js', workers: 1 };
const id = records.createRun({ name: '${runtime} run', module: { path: '/m.ts', relativePath: 'm.ts', export: 'default', hash: 'ab', files: { 'm.ts': 'ab' } }, seed: '7', seedDrawn: false, repeats: 2, better: { acc: 'higher' }, options: {}, environment });
records.recordRepeat(id, { index: 0, seed: '11', status: 'ok', metrics: { acc: 0.1 + 0.2, tiny: 5e-324 }, weightsHash: 'h0', milliseconds: 1, backend: 'js' });
records.recordRepeat(id, { index: 1, seed: '12', status: 'failed', error: { name: 'Error', message: 'boom', stack: 's' }, milliseconds: 1, backend: 'js' });
console.log(JSON.stringify({ driver: records.driver, record: records.getRun(id) }));
records.close();
`;
  }

  /** The record the script printed equals the one this Node (better-sqlite3) reads from its file. */
  function expectReadBack(db: string, stdout: string, driver: string): void {
    const written = JSON.parse(stdout) as { driver: string; record: { id: string } };
    expect(written.driver).toBe(driver);
    const here = openRecords(db, { readonly: true });
    const read = here.getRun(written.record.id);
    here.close();
    expect(read).toEqual(written.record);
    const ok = read.results[0];
    expect(ok.status === 'ok' && [ok.metrics.acc, ok.metrics.tiny]).toEqual([0.30000000000000004, 5e-324]);
  }

  it('bun:sqlite (Bun): writes a record that this Node reads back field for field', async () => {
    const db = join(dir, 'bun.db');
    const script = join(dir, 'bun-records.ts');
    writeFileSync(script, recordingScript(db, 'bun'));
    const bun = join(repoRoot, 'node_modules', '.bin', 'bun');
    const { stdout } = await run(bun, ['--conditions=ditto-source', script], { cwd: repoRoot });
    expectReadBack(db, stdout, 'bun:sqlite');
  });

  it('node:sqlite (Deno): writes a record that this Node reads back field for field', async () => {
    const db = join(dir, 'deno.db');
    const deno = join(repoRoot, 'node_modules', '.bin', 'deno');
    // eval from the repository, so Deno resolves 'ditto/internal' through its package.json.
    const { stdout } = await run(
      deno,
      ['eval', '--sloppy-imports', '--conditions=ditto-source', recordingScript(db, 'deno')],
      { cwd: repoRoot },
    );
    expectReadBack(db, stdout, 'node:sqlite');
  });
});
