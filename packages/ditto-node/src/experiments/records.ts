/**
 * Run records in an embedded SQLite database (the runtime's own SQLite through
 * ../records/sqlite.ts). Crash-safe by construction: the database is in WAL mode and each finished
 * repeat is committed in its own transaction, so killing a run at any moment loses no completed
 * repeat, and a resumed run only runs what is missing.
 *
 * Records that cannot lie: each run stores the content hash of its module (and local imports) and
 * checksums of its configuration and of every result; a session holds a claim on its run so two
 * processes never run the same repeats; a damaged database is refused at open, before anything is
 * written; and one malformed row is reported without hiding the others.
 *
 * API: `openRecords(path)` → `getRun(id)`, `listRuns()`, `exportRun(id)` (plain JSON, schema
 * `ditto.run/1`, see docs/experiments.md), plus the writers the runner uses.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Direction, RepeatResult } from 'ditto/internal';
import {
  type RecordedRepeat,
  RUN_RECORD_SCHEMA,
  type RunEnvironment,
  type RunRecord,
  type RunStatus,
  runStatus,
  type UnreadableRepeat,
} from 'ditto/internal';
import { repeatChecksum, runChecksum } from '../records/checksum.js';
import { openSqlite, type SqliteDatabase, SqliteError, type SqliteRow } from '../records/sqlite.js';
import type { OptionsWithUntil } from './until.js';

/** Where runs are recorded unless told otherwise: `.ditto/runs.db` under the working directory. */
export const DEFAULT_RECORDS_PATH = '.ditto/runs.db';

/** The version of the tables below; a database from a newer ditto is refused, an older one upgraded. */
const SCHEMA_VERSION = 2;

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

/** Schema 1 → 2: module hash and checksums, and the claims of running sessions. */
const UPGRADE_TO_2 = `
ALTER TABLE runs ADD COLUMN module_hash TEXT;
ALTER TABLE runs ADD COLUMN module_files TEXT;
ALTER TABLE runs ADD COLUMN checksum TEXT;
ALTER TABLE repeats ADD COLUMN checksum TEXT;
CREATE TABLE IF NOT EXISTS sessions (
  run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  token TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  started_at TEXT NOT NULL
);
`;

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
  /** The live session running it now, e.g. 'process 1234 on build-7', or null. */
  runningIn: string | null;
}

/** Thrown for an id that matches no run (or several, for a prefix). */
export class UnknownRunError extends Error {
  override name = 'UnknownRunError';
}

/** Thrown when a run is being run by another live session (see {@link RunRecords.claimRun}). */
export class RunBusyError extends Error {
  override name = 'RunBusyError';
}

/** Thrown when the database file is damaged or is not a ditto run records database. */
export class DamagedRecordsError extends Error {
  override name = 'DamagedRecordsError';
}

/** Thrown when a run's own row cannot be read (a field edited into something that does not parse). */
export class MalformedRecordError extends Error {
  override name = 'MalformedRecordError';
}

/** Options of {@link openRecords}. */
export interface OpenRecordsOptions {
  /** Create the database (and its directory) when missing (default true; false when `readonly`). */
  create?: boolean;
  /** Open read-only: nothing is written, and a read-only file can be read (default false). */
  readonly?: boolean;
}

/**
 * Opens (creating if needed, unless `create` is false) the run records at `path`. The database is
 * checked first (SQLite's `quick_check`), so a damaged one is refused before anything is written.
 *
 * @throws Error if `create` is false and there is no database at `path`; DamagedRecordsError
 *   naming the file if it is damaged or not a run records database; Error if it was written by a
 *   newer ditto.
 * @example
 * ```ts
 * const records = openRecords('.ditto/runs.db', { readonly: true });
 * for (const run of records.listRuns()) console.log(run.id, run.name, run.status);
 * const json = records.exportRun(records.listRuns()[0].id);
 * records.close();
 * ```
 */
export function openRecords(
  path: string = DEFAULT_RECORDS_PATH,
  options: OpenRecordsOptions = {},
): RunRecords {
  const readonly = options.readonly ?? false;
  const create = options.create ?? !readonly;
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    if (!create) throw new Error(`no run records at ${path}: run an experiment first (ditto run <file>)`);
    mkdirSync(dirname(absolute), { recursive: true });
  }
  const db = openSqlite(absolute, { readonly });
  try {
    return new RunRecords(db, absolute);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** What to do about a damaged database file. */
function damagedAdvice(path: string): string {
  return (
    `it was left untouched. Restore it from a backup, or move it aside (mv ${path} ${path}.damaged) ` +
    'to start new records; `sqlite3 <file> .recover` may save its runs'
  );
}

/** Converts SQLite's "this file is broken" errors into a DamagedRecordsError naming the file. */
function asDamaged(error: unknown, path: string): unknown {
  if (error instanceof SqliteError && (error.code === 'SQLITE_CORRUPT' || error.code === 'SQLITE_NOTADB')) {
    const what = error.code === 'SQLITE_NOTADB' ? 'is not an SQLite database' : 'is damaged';
    return new DamagedRecordsError(`run records ${path} ${what} (${error.message}); ${damagedAdvice(path)}`, {
      cause: error,
    });
  }
  return error;
}

/** The run records of one database; see {@link openRecords}. */
export class RunRecords {
  readonly path: string;
  readonly readonly: boolean;
  readonly #db: SqliteDatabase;
  /** This process's identity in session claims. */
  readonly #token = randomBytes(8).toString('hex');

  constructor(db: SqliteDatabase, path: string) {
    this.#db = db;
    this.path = path;
    this.readonly = db.readonly;
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      this.#checkIntegrity();
      if (!db.readonly) {
        db.exec('PRAGMA journal_mode = WAL');
        // FULL: a committed repeat survives even a power cut, not only a killed process.
        db.exec('PRAGMA synchronous = FULL');
        db.exec('PRAGMA foreign_keys = ON');
        if (this.#schemaVersion() !== SCHEMA_VERSION) db.transaction(() => this.#createOrUpgrade());
      } else {
        this.#checkVersion(this.#schemaVersion());
      }
    } catch (error) {
      throw asDamaged(error, path);
    }
  }

  /** Which SQLite driver reads this database ('node:sqlite', 'bun:sqlite' or 'better-sqlite3'). */
  get driver(): string {
    return this.#db.driver;
  }

  #checkIntegrity(): void {
    // At most three findings: enough to name the damage, short enough for one message.
    const rows = this.#db.prepare('PRAGMA quick_check(3)').all();
    const found = rows.map((r) => String(Object.values(r)[0])).filter((m) => m !== 'ok');
    if (found.length > 0) {
      const text = found.join('; ').replace(/\s*\n\s*/g, '; ');
      throw new DamagedRecordsError(
        `run records ${this.path} are damaged (SQLite's check: ${text.length > 240 ? `${text.slice(0, 240)}…` : text}); ${damagedAdvice(this.path)}`,
      );
    }
  }

  /** The schema version in `meta`, 0 for an empty database. */
  #schemaVersion(): number {
    const tables = new Set(
      this.#db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((r) => r.name),
    );
    if (tables.size === 0) return 0;
    if (!tables.has('meta') || !tables.has('runs') || !tables.has('repeats')) {
      throw new DamagedRecordsError(
        `${this.path} is an SQLite database but not ditto's run records (tables: ${[...tables].join(', ')}); ` +
          'point --db (or $DITTO_DB) at a run records file, or at a new path',
      );
    }
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'schema'").get();
    const version = Number(row?.value);
    if (!Number.isInteger(version) || version < 1) {
      throw new DamagedRecordsError(
        `run records ${this.path} have no valid schema version (meta.schema = ${JSON.stringify(row?.value ?? null)}); ${damagedAdvice(this.path)}`,
      );
    }
    return version;
  }

  #checkVersion(version: number): void {
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `${this.path}: run records of schema ${version} need a newer ditto (this one reads ${SCHEMA_VERSION})`,
      );
    }
  }

  #createOrUpgrade(): void {
    const version = this.#schemaVersion();
    this.#checkVersion(version);
    if (version === SCHEMA_VERSION) return;
    if (version === 0) this.#db.exec(SCHEMA);
    this.#db.exec(UPGRADE_TO_2);
    this.#db
      .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)")
      .run(String(SCHEMA_VERSION));
  }

  #writable(what: string): void {
    if (this.readonly) throw new Error(`${this.path} was opened read-only; cannot ${what}`);
  }

  /**
   * Creates a run, claimed by this session (see {@link claimRun}), and returns its id
   * (time-ordered: `YYYYMMDD-HHMMSS-xxxx`, UTC).
   */
  createRun(run: NewRun, startedAt: Date = new Date()): string {
    this.#writable('create a run');
    const insert = this.#db.prepare(
      `INSERT INTO runs (id, name, module_path, module_relative_path, module_export, module_hash, module_files,
         seed, seed_drawn, repeats, better, options, environment, started_at, checksum)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (;;) {
      const id = newRunId(startedAt);
      const hash = run.module.hash ?? null;
      const checksum = runChecksum({ ...run, id, module: { ...run.module, hash } });
      try {
        this.#db.transaction(() => {
          insert.run(
            id,
            run.name,
            run.module.path,
            run.module.relativePath,
            run.module.export,
            hash,
            run.module.files === undefined ? null : JSON.stringify(run.module.files),
            run.seed,
            run.seedDrawn ? 1 : 0,
            run.repeats,
            JSON.stringify(run.better),
            JSON.stringify(run.options),
            JSON.stringify(run.environment),
            startedAt.toISOString(),
            checksum,
          );
          this.#claim(id);
        });
        return id;
      } catch (error) {
        if (!(error instanceof SqliteError && error.code === 'SQLITE_CONSTRAINT')) throw error;
      }
    }
  }

  /**
   * Claims run `id` for this session, so that no other process runs its repeats at the same time.
   * A claim left by a process that is gone (killed, crashed) is taken over.
   *
   * @throws RunBusyError naming the process that holds the run.
   */
  claimRun(id: string): void {
    this.#writable('claim a run');
    this.#db.transaction(() => this.#claim(id));
  }

  #claim(id: string): void {
    const holder = this.#db
      .prepare('SELECT token, pid, host, started_at FROM sessions WHERE run_id = ?')
      .get(id);
    if (holder !== undefined && holder.token !== this.#token && sessionAlive(holder)) {
      throw new RunBusyError(
        `run ${id} is being run by process ${holder.pid} on ${holder.host} (since ${holder.started_at}); ` +
          'two sessions of one run would run the same repeats. Wait for it to finish, then resume' +
          (holder.host === hostname()
            ? ''
            : ` (a process on another host cannot be checked: if it is gone, delete the run's row from the sessions table of ${this.path})`),
      );
    }
    this.#db
      .prepare(
        'INSERT OR REPLACE INTO sessions (run_id, token, pid, host, started_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, this.#token, process.pid, hostname(), new Date().toISOString());
  }

  /** Ends this session's claims (one `RunRecords` is one session); {@link close} does too. */
  releaseClaims(): void {
    if (this.readonly) return;
    this.#db.prepare('DELETE FROM sessions WHERE token = ?').run(this.#token);
  }

  /**
   * Commits one repeat's result in its own transaction (replacing an earlier failure of the same
   * repeat when a run is resumed), with its checksum. Once this returns, the result survives a crash.
   */
  recordRepeat(runId: string, result: RepeatResult, finishedAt: Date = new Date()): void {
    this.#writable('record a repeat');
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO repeats (run_id, idx, seed, status, metrics, weights_hash, error, milliseconds, backend,
           finished_at, checksum)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        repeatChecksum(runId, result),
      );
  }

  /**
   * Changes a run's repeat count and requested options — for a run that grows batch by batch
   * (`ditto run --until`) and records why it stopped — and stores the configuration's checksum
   * anew, in one transaction. A configuration that no longer matches its stored checksum (edited
   * by hand) is refused rather than given a fresh checksum.
   *
   * @throws Error when the run's configuration fails its checksum, or `repeats` is below the
   *   repeats already recorded.
   */
  updateConfiguration(runId: string, repeats: number, options: OptionsWithUntil): void {
    this.#writable('update a run');
    this.#db.transaction(() => {
      const record = this.getRun(runId);
      const module = { ...record.module, hash: record.module.hash ?? null };
      if (typeof record.checksum === 'string' && runChecksum({ ...record, module }) !== record.checksum) {
        throw new Error(
          `run ${runId}: its configuration no longer matches its checksum (the record was edited); ditto verify ${runId} shows the details`,
        );
      }
      const highest = Math.max(-1, ...record.results.map((r) => r.index));
      if (!Number.isSafeInteger(repeats) || repeats <= highest) {
        throw new Error(
          `run ${runId} has results up to repeat ${highest}; it cannot have ${repeats} repeats`,
        );
      }
      const checksum = runChecksum({ ...record, module, repeats, options });
      this.#db
        .prepare('UPDATE runs SET repeats = ?, options = ?, checksum = ? WHERE id = ?')
        .run(repeats, JSON.stringify(options), checksum, runId);
    });
  }

  /** Records the environment of a (resumed) session: the worker count and, once known, the backend. */
  updateEnvironment(runId: string, environment: RunEnvironment): void {
    this.#writable('update a run');
    this.#db.prepare('UPDATE runs SET environment = ? WHERE id = ?').run(JSON.stringify(environment), runId);
  }

  /** Marks the end of a session: its finish time, and its wall time added to the run's total. */
  finishSession(runId: string, milliseconds: number, finishedAt: Date = new Date()): void {
    this.#writable('finish a session');
    this.#db
      .prepare('UPDATE runs SET finished_at = ?, milliseconds = milliseconds + ? WHERE id = ?')
      .run(finishedAt.toISOString(), milliseconds, runId);
  }

  /**
   * The run with this id, as a plain record. Repeats whose rows cannot be read are listed in
   * `unreadable` (and left out of `results`) instead of hiding the others.
   *
   * @throws UnknownRunError naming the id and the database; MalformedRecordError naming the field
   *   when the run's own row cannot be read.
   */
  getRun(id: string): RunRecord {
    const row = this.#db.prepare('SELECT * FROM runs WHERE id = ?').get(id);
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
      const row = this.#db.prepare('SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1').get();
      if (row === undefined) throw new UnknownRunError(`no runs recorded in ${this.path}`);
      return this.getRun(String(row.id));
    }
    const exact = this.#db.prepare('SELECT id FROM runs WHERE id = ?').get(idOrPrefix);
    if (exact) return this.getRun(String(exact.id));
    const rows = this.#db
      .prepare('SELECT id FROM runs WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT 6')
      .all(idOrPrefix, idOrPrefix);
    if (rows.length === 1) return this.getRun(String(rows[0].id));
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
      .all();
    const running = this.#liveSessions();
    return rows.map((r) => {
      const repeats = Number(r.repeats);
      const completed = Number(r.completed);
      const failed = Number(r.failed);
      return {
        id: String(r.id),
        name: String(r.name),
        modulePath: String(r.module_path),
        moduleExport: String(r.module_export),
        seed: String(r.seed),
        repeats,
        completed,
        failed,
        status: completed === repeats ? 'complete' : completed + failed === repeats ? 'failed' : 'incomplete',
        startedAt: String(r.started_at),
        finishedAt: r.finished_at === null ? null : String(r.finished_at),
        runningIn: running.get(String(r.id)) ?? null,
      };
    });
  }

  /** Run id → 'process P on HOST' for each claim held by a live session (none in a schema-1 file). */
  #liveSessions(): Map<string, string> {
    const hasSessions = this.#db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'")
      .get();
    const live = new Map<string, string>();
    if (hasSessions === undefined) return live;
    for (const holder of this.#db.prepare('SELECT run_id, token, pid, host FROM sessions').all()) {
      if (holder.token === this.#token || sessionAlive(holder)) {
        live.set(String(holder.run_id), `process ${holder.pid} on ${holder.host}`);
      }
    }
    return live;
  }

  /**
   * Runs of this module export that are not complete, most recent first (ids only: reading each is
   * left to the caller, so one malformed run does not hide the others).
   */
  unfinishedRuns(modulePath: string, moduleExport: string): string[] {
    return this.#db
      .prepare(
        `SELECT r.id FROM runs r LEFT JOIN repeats p ON p.run_id = r.id AND p.status = 'ok'
         WHERE r.module_path = ? AND r.module_export = ?
         GROUP BY r.id HAVING COUNT(p.idx) < r.repeats ORDER BY r.started_at DESC, r.id DESC`,
      )
      .all(modulePath, moduleExport)
      .map((r) => String(r.id));
  }

  /** Ends this session's claims and closes the database. */
  close(): void {
    try {
      this.releaseClaims();
      // Copy the log into the file now (without waiting for other readers), so the .db file alone
      // holds every committed run even where the driver leaves the -wal file behind (bun:sqlite).
      if (!this.readonly) this.#db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } finally {
      this.#db.close();
    }
  }

  #toRecord(row: SqliteRow): RunRecord {
    const id = String(row.id);
    const field = <T>(name: string): T => {
      try {
        return JSON.parse(String(row[name])) as T;
      } catch (error) {
        throw new MalformedRecordError(
          `run ${id} in ${this.path}: its ${name} is not valid JSON (${(error as Error).message}); the record was edited or damaged`,
        );
      }
    };
    const results: RecordedRepeat[] = [];
    const unreadable: UnreadableRepeat[] = [];
    for (const p of this.#db.prepare('SELECT * FROM repeats WHERE run_id = ? ORDER BY idx').all(id)) {
      const read = readRepeat(p);
      if (typeof read === 'string') unreadable.push({ index: Number(p.idx), reason: read });
      else results.push(read);
    }
    const moduleHash = row.module_hash === undefined ? undefined : (row.module_hash as string | null);
    const record: RunRecord = {
      schema: RUN_RECORD_SCHEMA,
      id,
      name: String(row.name),
      module: {
        path: String(row.module_path),
        relativePath: String(row.module_relative_path),
        export: String(row.module_export),
        ...(moduleHash === undefined ? {} : { hash: moduleHash }),
        ...(row.module_files === null || row.module_files === undefined
          ? {}
          : { files: field<Record<string, string>>('module_files') }),
      },
      seed: String(row.seed),
      seedDrawn: row.seed_drawn === 1,
      repeats: Number(row.repeats),
      better: field('better'),
      options: field('options'),
      environment: field('environment'),
      status: runStatus(Number(row.repeats), results),
      startedAt: String(row.started_at),
      finishedAt: row.finished_at === null ? null : String(row.finished_at),
      milliseconds: Number(row.milliseconds),
      results,
      ...(row.checksum === undefined ? {} : { checksum: row.checksum as string | null }),
      ...(unreadable.length > 0 ? { unreadable } : {}),
    };
    return record;
  }
}

/** One repeat row as a result, or what is wrong with it. */
function readRepeat(p: SqliteRow): RecordedRepeat | string {
  const checksum = p.checksum === undefined ? {} : { checksum: p.checksum as string | null };
  const common = {
    index: Number(p.idx),
    seed: String(p.seed),
    milliseconds: Number(p.milliseconds),
    backend: String(p.backend),
    finishedAt: String(p.finished_at),
  };
  if (!Number.isInteger(common.index) || common.index < 0)
    return `its index ${JSON.stringify(p.idx)} is not a repeat index`;
  if (p.status === 'ok') {
    let metrics: unknown;
    try {
      metrics = JSON.parse(String(p.metrics));
    } catch {
      return `its metrics are not valid JSON (${JSON.stringify(String(p.metrics).slice(0, 40))})`;
    }
    if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
      return 'its metrics are not an object of numbers';
    }
    const bad = Object.entries(metrics).find(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad) return `its metric ${bad[0]} is not a finite number (${JSON.stringify(bad[1])})`;
    if (p.weights_hash !== null && typeof p.weights_hash !== 'string') return 'its weights hash is not text';
    return {
      ...common,
      status: 'ok',
      metrics: metrics as Record<string, number>,
      weightsHash: p.weights_hash,
      ...checksum,
    };
  }
  let error: unknown;
  try {
    error = JSON.parse(String(p.error));
  } catch {
    return 'its error is not valid JSON';
  }
  const e = error as { name?: unknown; message?: unknown; stack?: unknown } | null;
  if (e === null || typeof e !== 'object' || typeof e.message !== 'string') return 'its error has no message';
  return {
    ...common,
    status: 'failed',
    error: { name: String(e.name ?? 'Error'), message: e.message, stack: String(e.stack ?? '') },
    ...checksum,
  };
}

/** Whether the process holding a session claim still runs (a claim from another host counts as live). */
function sessionAlive(holder: SqliteRow): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(Number(holder.pid), 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'; // exists, owned by someone else
  }
}

/** `YYYYMMDD-HHMMSS-xxxx` (UTC time and 16 random bits): short, sortable, unique enough. */
function newRunId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
