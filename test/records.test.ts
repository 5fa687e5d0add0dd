// Run records in SQLite: the API other tools build on, JSON/CSV export, crash safety (a run killed
// with SIGKILL keeps every committed repeat and resumes to the uninterrupted result), and replaying
// one recorded repeat.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseRunRecord,
  type RepeatResult,
  RUN_RECORD_SCHEMA,
  runExperiment,
} from '../packages/ditto/src/experiments/index.js';
import {
  type CommandIO,
  rerunCommand,
  showCommand,
} from '../packages/ditto-node/src/experiments/commands.js';
import {
  currentEnvironment,
  loadExperiments,
  type NewRun,
  openRecords,
  RepeatPool,
  recordToCsv,
  runExperimentFile,
  UnknownRunError,
} from '../packages/ditto-node/src/experiments/index.js';
import { repoRoot } from './helpers/run-tsx.js';

let dir: string;
let slow: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-records-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  slow = join(dir, 'slow.ts');
  // Each repeat trains briefly and then waits, so a kill lands in the middle of the run.
  writeFileSync(
    slow,
    `import { experiment } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'packages/ditto/src/experiments/index.ts')).href)};
import { fitTutorial } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'packages/ditto/src/tutorial/tutorial.ts')).href)};
export default experiment({
  name: 'slow tutorial',
  repeats: 12,
  seed: 21,
  async run() {
    const { mse, weightsHash } = await fitTutorial({ epochs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    return { mse, weightsHash };
  },
});
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    name: 'synthetic, "quoted"',
    module: { path: '/x/exp.ts', relativePath: 'exp.ts', export: 'default' },
    seed: '18446744073709551615',
    seedDrawn: false,
    repeats: 3,
    better: { acc: 'higher' },
    options: { repeats: 3 },
    environment: currentEnvironment(2, 'js'),
    ...overrides,
  };
}

const ok = (
  index: number,
  metrics: Record<string, number>,
  weightsHash: string | null = null,
): RepeatResult => ({
  index,
  seed: String(1000 + index),
  status: 'ok',
  metrics,
  weightsHash,
  milliseconds: 1.5,
  backend: 'js',
});

describe('records API', () => {
  it('round-trips a run: metrics keep their exact float64 bits; status follows the results', () => {
    const records = openRecords(join(dir, 'api.db'));
    try {
      const id = records.createRun(newRun());
      expect(id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
      expect(records.getRun(id).status).toBe('incomplete');
      const tricky = { mse: 0.1 + 0.2, tiny: 5e-324, acc: 1 / 3 };
      records.recordRepeat(id, ok(1, tricky, 'ab'.repeat(32)));
      records.recordRepeat(id, {
        index: 0,
        seed: '1000',
        status: 'failed',
        error: { name: 'Error', message: 'boom', stack: 'Error: boom\n    at here' },
        milliseconds: 2,
        backend: 'js',
      });
      expect(records.listRuns()[0]).toMatchObject({ id, completed: 1, failed: 1, status: 'incomplete' });
      records.recordRepeat(id, ok(2, { mse: 1, tiny: 2, acc: 3 }));
      expect(records.getRun(id).status).toBe('failed');
      records.recordRepeat(id, ok(0, { mse: 4, tiny: 5, acc: 6 })); // a resumed repeat replaces the failure
      records.finishSession(id, 1234.5);
      const record = records.exportRun(id);
      expect(parseRunRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
      expect(record).toMatchObject({
        schema: RUN_RECORD_SCHEMA,
        id,
        seed: '18446744073709551615',
        status: 'complete',
        better: { acc: 'higher' },
        milliseconds: 1234.5,
        environment: { workers: 2, backend: 'js', runtime: 'node' },
      });
      expect(record.results.map((r) => r.index)).toEqual([0, 1, 2]);
      const one = record.results[1];
      expect(one.status === 'ok' && [one.metrics.mse, one.metrics.tiny, one.metrics.acc]).toEqual([
        0.30000000000000004, 5e-324, 0.3333333333333333,
      ]);
      expect(one.status === 'ok' && one.weightsHash).toBe('ab'.repeat(32));
    } finally {
      records.close();
    }
  });

  it('finds runs by id, unique prefix or "latest", and names unknown or ambiguous ids', () => {
    const records = openRecords(join(dir, 'ids.db'));
    try {
      const at = (s: string) => new Date(s);
      const a = records.createRun(newRun(), at('2025-01-02T03:04:05Z'));
      const b = records.createRun(newRun({ name: 'later' }), at('2025-01-02T03:04:09Z'));
      expect(a.startsWith('20250102-030405-')).toBe(true);
      expect(records.findRun('latest').id).toBe(b);
      expect(records.findRun(a.slice(0, 16)).id).toBe(a);
      expect(() => records.findRun('20250102')).toThrow(/ambiguous/);
      expect(() => records.getRun('nope')).toThrow(UnknownRunError);
      expect(() => records.findRun('nope')).toThrow(/unknown run id 'nope'/);
      expect(records.listRuns().map((r) => r.id)).toEqual([b, a]);
    } finally {
      records.close();
    }
  });

  it('refuses to open a missing database when asked not to create one', () => {
    expect(() => openRecords(join(dir, 'absent.db'), { create: false })).toThrow(/no run records at/);
  });

  it('exports CSV with one row per repeat and one column per metric, quoting as needed', () => {
    const records = openRecords(join(dir, 'csv.db'));
    try {
      const id = records.createRun(newRun());
      records.recordRepeat(id, ok(0, { mse: 0.25, acc: 0.5 }, 'h0'));
      records.recordRepeat(id, ok(1, { mse: 1e-7, acc: 1 }));
      const lines = recordToCsv(records.exportRun(id)).trim().split('\n');
      expect(lines[0]).toBe(
        'run_id,name,index,seed,status,mse,acc,weights_hash,milliseconds,backend,finished_at,error',
      );
      expect(lines[1].startsWith(`${id},"synthetic, ""quoted""",0,1000,ok,0.25,0.5,h0,1.5,js,`)).toBe(true);
      expect(Number(lines[2].split(',')[6])).toBe(1e-7); // shortest round-trip form parses back exactly
    } finally {
      records.close();
    }
  });

  it('rejects records of another schema or with broken fields', () => {
    expect(() => parseRunRecord({ schema: 'ditto.run/0' })).toThrow(/schema must be 'ditto.run\/1'/);
    expect(() => parseRunRecord({ schema: RUN_RECORD_SCHEMA, id: 'x' })).toThrow(/name must be a string/);
  });
});

/** Runs the CLI in a child process and resolves once `lines` repeats are reported, then kills it. */
function runAndKill(
  args: string[],
  lines: number,
): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'packages/ditto-node/src/cli/main.ts'), ...args],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // A line is printed after its repeat is committed, so these repeats are on disk.
      if (!killed && (stderr.match(/\] repeat \d+: mse/g) ?? []).length >= lines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, stderr }));
  });
}

describe('crash safety and replay', () => {
  it('a run killed mid-way keeps its committed repeats and resumes to the uninterrupted result', async () => {
    const db = join(dir, 'killed.db');
    const { signal, stderr } = await runAndKill(['run', slow, '--db', db, '--workers', '1'], 3);
    expect(signal, stderr).toBe('SIGKILL');

    const records = openRecords(db, { create: false });
    const pool = new RepeatPool(2);
    try {
      const [interrupted] = records.listRuns();
      expect(interrupted.status).toBe('incomplete');
      expect(interrupted.completed).toBeGreaterThanOrEqual(3);
      expect(interrupted.completed).toBeLessThan(12);
      const before = records.getRun(interrupted.id).results;

      const resumed = await runExperimentFile(slow, { records, resume: true, pool });
      expect(resumed.resumed).toBe(true);
      expect(resumed.record?.id).toBe(interrupted.id);
      expect(resumed.ran).toBe(12 - interrupted.completed);
      expect(resumed.record?.status).toBe('complete');
      // What was committed before the kill is untouched.
      const kept = resumed.record?.results.filter((r) => before.some((b) => b.index === r.index));
      expect(kept).toEqual(before);

      const [{ experiment }] = await loadExperiments(slow);
      const uninterrupted = await runExperiment(experiment);
      const fingerprint = (results: readonly RepeatResult[]) =>
        results.map((r) => (r.status === 'ok' ? [r.index, r.seed, r.weightsHash, r.metrics.mse] : r.status));
      expect(fingerprint(resumed.run.results)).toEqual(fingerprint(uninterrupted.results));
      expect(new Set(fingerprint(uninterrupted.results).map((f) => f[2])).size).toBe(12);
    } finally {
      await pool.destroy();
      records.close();
    }
  });

  it('rerun replays one repeat and checks it bit for bit; a tampered record is caught', async () => {
    const db = join(dir, 'killed.db');
    let out = '';
    const io: CommandIO = {
      out: (t) => {
        out += t;
      },
      err: () => {},
      style: { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t },
      progress: false,
    };
    expect(await rerunCommand('latest', { repeat: '5', db }, io)).toBe(0);
    expect(out).toMatch(/repeat 5 of run .* \(slow tutorial\)/);
    expect(out).toMatch(/identical: weight hash and every metric match bit for bit/);

    const Database = createRequire(import.meta.url)('better-sqlite3');
    const raw = new Database(db);
    raw.prepare("UPDATE repeats SET weights_hash = 'f00d' WHERE idx = 5").run();
    raw.close();
    out = '';
    expect(await rerunCommand('latest', { repeat: '5', db }, io)).toBe(1);
    expect(out).toMatch(/DIFFERENT/);

    await expect(rerunCommand('latest', { repeat: '12', db }, io)).rejects.toThrow(/there is no repeat 12/);
    await expect(showCommand('no-such-run', { db }, io)).rejects.toThrow(/unknown run id 'no-such-run'/);
  });
});
