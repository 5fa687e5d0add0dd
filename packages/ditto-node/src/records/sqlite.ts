/**
 * One small SQLite interface over the runtime's own driver: `bun:sqlite` in Bun, `node:sqlite` in
 * Node ≥ 22.5 and Deno, and the optional `better-sqlite3` add-on only where neither exists (Node
 * 20). The run records use nothing else, so no native add-on is compiled or downloaded where the
 * runtime has SQLite built in.
 *
 * Every error it throws is a {@link SqliteError} that names the database file and carries SQLite's
 * primary result code (`SQLITE_CORRUPT`, `SQLITE_BUSY`, …), whichever driver raised it.
 *
 * @module
 */

import { createRequire } from 'node:module';

/** The drivers this adapter knows, in the order it prefers them. */
export const SQLITE_DRIVERS = ['bun:sqlite', 'node:sqlite', 'better-sqlite3'] as const;
export type SqliteDriverName = (typeof SQLITE_DRIVERS)[number];

/** A value bound to a `?` parameter or read from a column. */
export type SqliteValue = string | number | null;
export type SqliteRow = Record<string, SqliteValue>;

/** A prepared statement; `get` gives undefined when there is no row. */
export interface SqliteStatement {
  run(...params: SqliteValue[]): void;
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
}

/** An open database. */
export interface SqliteDatabase {
  /** The file, as given to {@link openSqlite}. */
  readonly path: string;
  readonly driver: SqliteDriverName;
  readonly readonly: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  /**
   * Runs `fn` in one transaction (`BEGIN IMMEDIATE`: the write lock is taken up front, so two
   * processes serialise instead of failing half-way), committing when it returns and rolling back
   * when it throws.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** An SQLite failure, naming the file. */
export class SqliteError extends Error {
  override name = 'SqliteError';
  constructor(
    message: string,
    /** SQLite's primary result code, e.g. 'SQLITE_CORRUPT' ('SQLITE_ERROR' when unknown). */
    readonly code: string,
    /** The database file. */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options of {@link openSqlite}. */
export interface OpenSqliteOptions {
  /** Open read-only: the file must exist, and nothing is ever written to it. */
  readonly?: boolean;
  /** A driver to use instead of the runtime's default (default: $DITTO_SQLITE, else the first available). */
  driver?: SqliteDriverName;
}

/**
 * Opens the SQLite database at `path` with the runtime's driver.
 *
 * @throws SqliteError naming the file when it cannot be opened; Error when no driver is available
 *   (Node 20 without the optional better-sqlite3) or an unknown one is asked for.
 * @example
 * ```ts
 * const db = openSqlite('.ditto/runs.db', { readonly: true });
 * console.log(db.driver, db.prepare('SELECT count(*) AS n FROM runs').get());
 * db.close();
 * ```
 */
export function openSqlite(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const driver = options.driver ?? chosenDriver();
  const readonly = options.readonly ?? false;
  const raw = guarded(path, () => openRaw(driver, path, readonly));
  return new Database(raw, path, driver, readonly);
}

/** The driver {@link openSqlite} uses here: $DITTO_SQLITE when set, else the first available one. */
export function chosenDriver(): SqliteDriverName {
  const wanted = environmentVariable('DITTO_SQLITE');
  if (wanted !== undefined && wanted !== '') {
    if (!(SQLITE_DRIVERS as readonly string[]).includes(wanted)) {
      throw new Error(`DITTO_SQLITE must be one of ${SQLITE_DRIVERS.join(', ')} (got '${wanted}')`);
    }
    return wanted as SqliteDriverName;
  }
  const found = SQLITE_DRIVERS.find((d) => loadDriver(d) !== undefined);
  if (found === undefined) {
    throw new Error(
      `run records need SQLite: this runtime (${runtimeText()}) has no built-in SQLite and the optional ` +
        'better-sqlite3 package is not installed. Use Node ≥ 22.13 (node:sqlite), Bun or Deno, or ' +
        '`npm install better-sqlite3`; or run without records (--no-record).',
    );
  }
  return found;
}

/** An environment variable, or undefined where reading it is not permitted (Deno without --allow-env). */
function environmentVariable(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

function runtimeText(): string {
  const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string };
  if (versions.bun) return `Bun ${versions.bun}`;
  if (versions.deno) return `Deno ${versions.deno}`;
  return `Node ${process.versions.node}`;
}

// The few calls of each driver that are used here, typed locally.
interface RawStatement {
  run(...params: SqliteValue[]): unknown;
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
}
interface RawDatabase {
  prepare(sql: string): RawStatement;
  exec(sql: string): unknown;
  close(): void;
}
type RawConstructor = new (path: string, options?: Record<string, unknown>) => RawDatabase;

const require = createRequire(import.meta.url);
const loaded = new Map<SqliteDriverName, RawConstructor | undefined>();

/** The driver's database class, or undefined when this runtime does not have it. */
function loadDriver(driver: SqliteDriverName): RawConstructor | undefined {
  if (loaded.has(driver)) return loaded.get(driver);
  let databaseClass: RawConstructor | undefined;
  try {
    if (driver === 'bun:sqlite') {
      databaseClass = (process.versions as { bun?: string }).bun ? require('bun:sqlite').Database : undefined;
    } else if (driver === 'node:sqlite') {
      databaseClass = require('node:sqlite').DatabaseSync;
    } else {
      databaseClass = require('better-sqlite3');
    }
  } catch {
    databaseClass = undefined; // not in this runtime (node:sqlite before 22.5) or not installed
  }
  loaded.set(driver, databaseClass);
  return databaseClass;
}

function openRaw(driver: SqliteDriverName, path: string, readonly: boolean): RawDatabase {
  const Constructor = loadDriver(driver);
  if (Constructor === undefined) {
    throw new Error(
      `the SQLite driver ${driver} is not available in ${runtimeText()}` +
        (driver === 'better-sqlite3' ? ' (npm install better-sqlite3)' : ''),
    );
  }
  if (driver === 'node:sqlite') return new Constructor(path, { readOnly: readonly });
  if (driver === 'bun:sqlite') return new Constructor(path, readonly ? { readonly: true } : { create: true });
  return new Constructor(path, { readonly, fileMustExist: readonly });
}

/** SQLite's primary result codes, by number (node:sqlite reports only the number). */
const PRIMARY_CODES = [
  'SQLITE_OK',
  'SQLITE_ERROR',
  'SQLITE_INTERNAL',
  'SQLITE_PERM',
  'SQLITE_ABORT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_NOMEM',
  'SQLITE_READONLY',
  'SQLITE_INTERRUPT',
  'SQLITE_IOERR',
  'SQLITE_CORRUPT',
  'SQLITE_NOTFOUND',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_EMPTY',
  'SQLITE_SCHEMA',
  'SQLITE_TOOBIG',
  'SQLITE_CONSTRAINT',
  'SQLITE_MISMATCH',
  'SQLITE_MISUSE',
  'SQLITE_NOLFS',
  'SQLITE_AUTH',
  'SQLITE_FORMAT',
  'SQLITE_RANGE',
  'SQLITE_NOTADB',
];

/** The primary result code of a driver's error: 'SQLITE_CONSTRAINT' for 'SQLITE_CONSTRAINT_PRIMARYKEY' or 1555. */
function primaryCode(error: unknown): string {
  const e = error as { code?: unknown; errcode?: unknown };
  if (typeof e?.errcode === 'number') return PRIMARY_CODES[e.errcode & 0xff] ?? 'SQLITE_ERROR';
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) {
    const name = e.code.split('_').slice(0, 2).join('_');
    return PRIMARY_CODES.includes(name) ? name : 'SQLITE_ERROR';
  }
  return 'SQLITE_ERROR';
}

/** Runs a driver call, turning its error into a SqliteError that names the file. */
function guarded<T>(path: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof SqliteError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (!(error as { code?: unknown })?.code && !(error as { errcode?: unknown })?.errcode) {
      // Not an SQLite error (e.g. a driver that is missing): keep it, naming the file.
      throw new Error(`${path}: ${message}`, { cause: error });
    }
    throw new SqliteError(`${path}: ${message}`, primaryCode(error), path, { cause: error });
  }
}

class Statement implements SqliteStatement {
  constructor(
    readonly raw: RawStatement,
    readonly path: string,
  ) {}
  run(...params: SqliteValue[]): void {
    guarded(this.path, () => this.raw.run(...params));
  }
  get(...params: SqliteValue[]): SqliteRow | undefined {
    // bun:sqlite gives null for no row, the others undefined.
    return (guarded(this.path, () => this.raw.get(...params)) ?? undefined) as SqliteRow | undefined;
  }
  all(...params: SqliteValue[]): SqliteRow[] {
    return guarded(this.path, () => this.raw.all(...params)) as SqliteRow[];
  }
}

class Database implements SqliteDatabase {
  #depth = 0;
  constructor(
    readonly raw: RawDatabase,
    readonly path: string,
    readonly driver: SqliteDriverName,
    readonly readonly: boolean,
  ) {}
  prepare(sql: string): SqliteStatement {
    return new Statement(
      guarded(this.path, () => this.raw.prepare(sql)),
      this.path,
    );
  }
  exec(sql: string): void {
    guarded(this.path, () => this.raw.exec(sql));
  }
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn(); // already inside one: part of it
    this.exec('BEGIN IMMEDIATE');
    this.#depth++;
    try {
      const result = fn();
      this.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        this.exec('ROLLBACK');
      } catch {
        // SQLite may have rolled back already (e.g. after SQLITE_FULL); the first error matters.
      }
      throw error;
    } finally {
      this.#depth--;
    }
  }
  close(): void {
    guarded(this.path, () => this.raw.close());
  }
}
