/**
 * Run records in an embedded SQLite database (better-sqlite3). Crash-safe by construction: the
 * database is in WAL mode and each finished repeat is committed in its own transaction, so killing
 * a run at any moment loses no completed repeat, and a resumed run only runs what is missing.
 *
 * API: `openRecords(path)` → `getRun(id)`, `listRuns()`, `exportRun(id)` (plain JSON, schema
 * `ditto.run/1`, see docs/experiments.md), plus the writers the runner uses.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Direction, RepeatResult } from 'ditto/internal';
import {
  type RecordedRepeat,
  RUN_RECORD_SCHEMA,
  type RunEnvironment,
  type RunRecord,
  type RunStatus,
  runStatus,
} from 'ditto/internal';

/** Where runs are recorded unless told otherwise: `.ditto/runs.db` under the working directory. */
export const DEFAULT_RECORDS_PATH = '.ditto/runs.db';

/** The version of the tables below; a database from a newer ditto is refused. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  module_path TEXT NOT NULL,
  module_relative_path TEXT NOT NULL,
  module_export TEXT NOT NULL,
  seed TEXT NOT NULL,
  seed_drawn INTEGER NOT NULL,
  repeats INTEGER NOT NULL,
  better TEXT NOT NULL,
  options TEXT NOT NULL,
  environment TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  milliseconds REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS repeats (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  seed TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  metrics TEXT,
  weights_hash TEXT,
  error TEXT,
  milliseconds REAL NOT NULL,
  backend TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (run_id, idx)
);
`;

// The few better-sqlite3 calls used here, typed locally (the package ships no types).
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type DatabaseConstructor = new (
  path: string,
  options?: { fileMustExist?: boolean; readonly?: boolean },
) => Database;

interface RunRow {
  id: string;
  name: string;
  module_path: string;
  module_relative_path: string;
  module_export: string;
  seed: string;
  seed_drawn: number;
  repeats: number;
  better: string;
  options: string;
  environment: string;
  started_at: string;
  finished_at: string | null;
  milliseconds: number;
}

interface RepeatRow {
  idx: number;
  seed: string;
  status: 'ok' | 'failed';
  metrics: string | null;
  weights_hash: string | null;
  error: string | null;
  milliseconds: number;
  backend: string;
  finished_at: string;
}

/** What the runner knows when it creates a run. */
export interface NewRun {
  name: string;
  module: RunRecord['module'];
  seed: string;
  seedDrawn: boolean;
  repeats: number;
  better: Readonly<Record<string, Direction>>;
  options: RunRecord['options'];
  environment: RunEnvironment;
}

/** One line of {@link RunRecords.listRuns}. */
export interface RunSummaryLine {
  id: string;
  name: string;
  modulePath: string;
  moduleExport: string;
  seed: string;
  repeats: number;
  /** Repeats with a successful result. */
  completed: number;
  failed: number;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
}

/** Thrown for an id that matches no run (or several, for a prefix). */
export class UnknownRunError extends Error {
  override name = 'UnknownRunError';
}

/**
 * Opens (creating if needed, unless `create` is false) the run records at `path`.
 *
 * @throws Error if `create` is false and there is no database at `path`, or if the database was
 *   written by a newer ditto.
 * @example
 * ```ts
 * const records = openRecords('.ditto/runs.db');
 * for (const run of records.listRuns()) console.log(run.id, run.name, run.status);
 * const json = records.exportRun(records.listRuns()[0].id);
 * records.close();
 * ```
 */
export function openRecords(path: string = DEFAULT_RECORDS_PATH, { create = true } = {}): RunRecords {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    if (!create) throw new Error(`no run records at ${path}: run an experiment first (ditto run <file>)`);
    mkdirSync(dirname(absolute), { recursive: true });
  }
  const Sqlite = createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  return new RunRecords(new Sqlite(absolute), absolute);
}

/** The run records of one database; see {@link openRecords}. */
export class RunRecords {
  readonly path: string;
  readonly #db: Database;

  constructor(db: Database, path: string) {
    this.#db = db;
    this.path = path;
    db.pragma('journal_mode = WAL');
    // FULL: a committed repeat survives even a power cut, not only a killed process.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as
      | { value: string }
      | undefined;
    if (row === undefined) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    } else if (Number(row.value) > SCHEMA_VERSION) {
      db.close();
      throw new Error(
        `${path}: run records of schema ${row.value} need a newer ditto (this one reads ${SCHEMA_VERSION})`,
      );
    }
  }

  /** Creates a run and returns its id (time-ordered: `YYYYMMDD-HHMMSS-xxxx`, UTC). */
  createRun(run: NewRun, startedAt: Date = new Date()): string {
    const insert = this.#db.prepare(
      `INSERT INTO runs (id, name, module_path, module_relative_path, module_export, seed, seed_drawn, repeats,
         better, options, environment, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (;;) {
      const id = newRunId(startedAt);
      try {
        insert.run(
          id,
          run.name,
          run.module.path,
          run.module.relativePath,
          run.module.export,
          run.seed,
          run.seedDrawn ? 1 : 0,
          run.repeats,
          JSON.stringify(run.better),
          JSON.stringify(run.options),
          JSON.stringify(run.environment),
          startedAt.toISOString(),
        );
        return id;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error;
      }
    }
  }

  /**
   * Commits one repeat's result in its own transaction (replacing an earlier failure of the same
   * repeat when a run is resumed). Once this returns, the result survives a crash.
   */
  recordRepeat(runId: string, result: RepeatResult, finishedAt: Date = new Date()): void {
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO repeats (run_id, idx, seed, status, metrics, weights_hash, error, milliseconds, backend,
           finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        result.index,
        result.seed,
        result.status,
        result.status === 'ok' ? JSON.stringify(result.metrics) : null,
        result.status === 'ok' ? result.weightsHash : null,
        result.status === 'failed' ? JSON.stringify(result.error) : null,
        result.milliseconds,
        result.backend,
        finishedAt.toISOString(),
      );
  }

  /** Records the environment of a (resumed) session: the worker count and, once known, the backend. */
  updateEnvironment(runId: string, environment: RunEnvironment): void {
    this.#db.prepare('UPDATE runs SET environment = ? WHERE id = ?').run(JSON.stringify(environment), runId);
  }

  /** Marks the end of a session: its finish time, and its wall time added to the run's total. */
  finishSession(runId: string, milliseconds: number, finishedAt: Date = new Date()): void {
    this.#db
      .prepare('UPDATE runs SET finished_at = ?, milliseconds = milliseconds + ? WHERE id = ?')
      .run(finishedAt.toISOString(), milliseconds, runId);
  }

  /**
   * The run with this id, as a plain record.
   *
   * @throws UnknownRunError naming the id and the database.
   */
  getRun(id: string): RunRecord {
    const row = this.#db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (row === undefined) {
      throw new UnknownRunError(
        `unknown run id '${id}' in ${this.path} (ditto runs lists the recorded runs)`,
      );
    }
    return this.#toRecord(row);
  }

  /** The same plain JSON as {@link getRun}: the form `ditto export --format json` writes. */
  exportRun(id: string): RunRecord {
    return this.getRun(id);
  }

  /**
   * A run by its id, a unique prefix of it, or 'latest' (the most recently started run).
   *
   * @throws UnknownRunError if nothing or more than one run matches.
   */
  findRun(idOrPrefix: string): RunRecord {
    if (idOrPrefix === 'latest') {
      const row = this.#db.prepare('SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1').get() as
        | { id: string }
        | undefined;
      if (row === undefined) throw new UnknownRunError(`no runs recorded in ${this.path}`);
      return this.getRun(row.id);
    }
    const exact = this.#db.prepare('SELECT id FROM runs WHERE id = ?').get(idOrPrefix) as
      | { id: string }
      | undefined;
    if (exact) return this.getRun(exact.id);
    const rows = this.#db
      .prepare('SELECT id FROM runs WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT 6')
      .all(idOrPrefix, idOrPrefix) as { id: string }[];
    if (rows.length === 1) return this.getRun(rows[0].id);
    if (rows.length > 1) {
      throw new UnknownRunError(
        `run id '${idOrPrefix}' is ambiguous in ${this.path}: ${rows.map((r) => r.id).join(', ')}${rows.length > 5 ? ', …' : ''}`,
      );
    }
    return this.getRun(idOrPrefix);
  }

  /** Every run, most recent first, with its progress. */
  listRuns(): RunSummaryLine[] {
    const rows = this.#db
      .prepare(
        `SELECT r.id, r.name, r.module_path, r.module_export, r.seed, r.repeats, r.started_at, r.finished_at,
           COALESCE(SUM(p.status = 'ok'), 0) AS completed, COALESCE(SUM(p.status = 'failed'), 0) AS failed
         FROM runs r LEFT JOIN repeats p ON p.run_id = r.id
         GROUP BY r.id ORDER BY r.started_at DESC, r.id DESC`,
      )
      .all() as (Omit<
      RunRow,
      'better' | 'options' | 'environment' | 'module_relative_path' | 'seed_drawn'
    > & {
      completed: number;
      failed: number;
    })[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      modulePath: r.module_path,
      moduleExport: r.module_export,
      seed: r.seed,
      repeats: r.repeats,
      completed: r.completed,
      failed: r.failed,
      status:
        r.completed === r.repeats
          ? 'complete'
          : r.completed + r.failed === r.repeats
            ? 'failed'
            : 'incomplete',
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }));
  }

  /**
   * The most recent run of the same module export that is not complete (and, when given, has the
   * same seed and repeat count): the run `--resume` continues.
   */
  findResumable(modulePath: string, moduleExport: string, match: { seed?: string; repeats?: number } = {}) {
    const rows = this.#db
      .prepare(
        'SELECT id FROM runs WHERE module_path = ? AND module_export = ? ORDER BY started_at DESC, id DESC',
      )
      .all(modulePath, moduleExport) as { id: string }[];
    for (const { id } of rows) {
      const record = this.getRun(id);
      if (record.status === 'complete') continue;
      if (match.seed !== undefined && record.seed !== match.seed) continue;
      if (match.repeats !== undefined && record.repeats !== match.repeats) continue;
      return record;
    }
    return undefined;
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }

  #toRecord(row: RunRow): RunRecord {
    const repeats = this.#db
      .prepare('SELECT * FROM repeats WHERE run_id = ? ORDER BY idx')
      .all(row.id) as RepeatRow[];
    const results = repeats.map(
      (p): RecordedRepeat =>
        p.status === 'ok'
          ? {
              index: p.idx,
              seed: p.seed,
              status: 'ok',
              metrics: JSON.parse(p.metrics ?? '{}'),
              weightsHash: p.weights_hash,
              milliseconds: p.milliseconds,
              backend: p.backend,
              finishedAt: p.finished_at,
            }
          : {
              index: p.idx,
              seed: p.seed,
              status: 'failed',
              error: JSON.parse(p.error ?? '{}'),
              milliseconds: p.milliseconds,
              backend: p.backend,
              finishedAt: p.finished_at,
            },
    );
    return {
      schema: RUN_RECORD_SCHEMA,
      id: row.id,
      name: row.name,
      module: { path: row.module_path, relativePath: row.module_relative_path, export: row.module_export },
      seed: row.seed,
      seedDrawn: row.seed_drawn === 1,
      repeats: row.repeats,
      better: JSON.parse(row.better),
      options: JSON.parse(row.options),
      environment: JSON.parse(row.environment),
      status: runStatus(row.repeats, results),
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      milliseconds: row.milliseconds,
      results,
    };
  }
}

/** `YYYYMMDD-HHMMSS-xxxx` (UTC time and 16 random bits): short, sortable, unique enough. */
function newRunId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
