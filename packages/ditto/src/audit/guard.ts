/**
 * The determinism guard: while a run executes, every call to `Math.random`,
 * `crypto.getRandomValues`, `crypto.randomUUID`, `Date.now` and `performance.now` (and, in Node,
 * `node:crypto`'s random functions) is seen, placed (call site, training position) and counted —
 * and, by mode, reported, refused or answered from a keyed stream.
 *
 * The wrappers replace the functions on their global objects for the guarded run's duration and are
 * removed afterwards, also when the run throws. The guard is process-wide (it sees every call in
 * this thread while active, including concurrent async work) and one guard runs at a time.
 *
 * @module
 */

import { baseSeed, getSeed, type Seed, saveSeedState } from '../random/index.js';
import { dittoRoot, locateCallSite } from './call-site.js';
import type { Finding, GuardMode, GuardReport } from './guard-report.js';
import { ReplacementStreams } from './replacement-streams.js';
import { standardSources, type WatchedSource } from './sources.js';
import { captureFrames, formatFrame, type StackFrame } from './stack.js';
import { formatPosition, PositionTracker } from './training-position.js';

export type { Finding, GuardMode, GuardReport } from './guard-report.js';

/** Options of {@link DeterminismGuard} and {@link withDeterminismGuard}. */
export interface GuardOptions {
  /**
   * 'warn' (default): report and continue. 'throw': fail at the first call, with a
   * {@link NondeterminismError}. 'seed': answer the random sources from keyed streams derived from
   * the run's seed (clocks stay real and are reported).
   */
  mode?: GuardMode;
  /**
   * 'seed' mode: the seed of the replacement streams. Default: ditto's global seed in force at the
   * first replaced call (set by the program's `setSeed`).
   */
  seed?: Seed;
  /** Watch `Date.now` and `performance.now` too (default true). */
  watchTime?: boolean;
  /** Further sources to watch (the Node entry point adds `node:crypto`'s functions). */
  extraSources?: readonly WatchedSource[];
  /** Called at the first call of each (source, call site) pair. */
  onFinding?: (finding: Finding) => void;
}

/** Thrown in 'throw' mode at the first call to a watched source. */
export class NondeterminismError extends Error {
  readonly finding: Finding;

  constructor(finding: Finding) {
    const site = finding.site ? formatFrame(finding.site) : 'an unknown call site';
    super(
      `${finding.source} called at ${site} (${formatPosition(finding.firstSeen)}) during a guarded run ` +
        `(mode 'throw')${finding.note ? `: ${finding.note}` : ''}`,
    );
    this.name = 'NondeterminismError';
    this.finding = finding;
  }
}

interface Installed {
  readonly holder: Record<string, unknown>;
  readonly property: string;
  readonly previous: PropertyDescriptor | undefined;
}

/** The guard's own files: frames from these are removed before locating a call site. */
const AUDIT_DIR = `${dittoRoot()}audit/`;

/** Text of a seed for reports (bigints and strings as they are). */
function seedText(seed: Seed): string {
  return typeof seed === 'string' ? JSON.stringify(seed) : String(seed);
}

/** Only one guard may patch the globals at a time. */
let activeGuard: DeterminismGuard | undefined;

/**
 * A guard you start and stop yourself (for a run that does not fit in one function).
 * {@link withDeterminismGuard} is the usual way in.
 *
 * @example
 * ```ts
 * const guard = new DeterminismGuard({ mode: 'warn' });
 * guard.start();
 * try {
 *   await train();
 * } finally {
 *   console.log(formatGuardReport(guard.stop()));
 * }
 * ```
 */
export class DeterminismGuard {
  readonly mode: GuardMode;
  readonly #options: GuardOptions;
  readonly #sources: readonly WatchedSource[];
  readonly #tracker = new PositionTracker();
  readonly #findings = new Map<string, Finding>();
  readonly #streams: ReplacementStreams;
  #installed: Installed[] = [];
  #depth = 0;
  #trusted = 0;
  #running = false;
  #firstError: NondeterminismError | undefined;
  #seedDrawFinding: Finding | undefined;
  #seedStateAtStart = saveSeedState();
  #streamSeedDrawn = false;

  constructor(options: GuardOptions = {}) {
    const mode = options.mode ?? 'warn';
    if (mode !== 'warn' && mode !== 'throw' && mode !== 'seed') {
      throw new Error(`withDeterminismGuard: mode must be 'warn', 'throw' or 'seed', got '${String(mode)}'`);
    }
    this.mode = mode;
    this.#options = options;
    const watchTime = options.watchTime ?? true;
    this.#sources = [...standardSources, ...(options.extraSources ?? [])].filter(
      (s) => watchTime || s.kind !== 'time',
    );
    this.#streams = new ReplacementStreams(() => options.seed ?? this.#runSeed());
  }

  /** Whether the guard's wrappers are in place. */
  get running(): boolean {
    return this.#running;
  }

  /** The first 'throw'-mode error, if a call was refused (the program may have caught it). */
  get error(): NondeterminismError | undefined {
    return this.#firstError;
  }

  /** Installs the wrappers. Throws if another guard is running. */
  start(): void {
    if (this.#running) return;
    if (activeGuard) throw new Error('withDeterminismGuard: another determinism guard is already running');
    activeGuard = this;
    this.#running = true;
    this.#seedStateAtStart = saveSeedState();
    this.#tracker.attach();
    try {
      for (const source of this.#sources) this.#install(source);
      this.#sync();
    } catch (error) {
      this.stop();
      throw error;
    }
  }

  /** Removes every wrapper (in reverse order) and returns the report. Safe to call twice. */
  stop(): GuardReport {
    if (this.#running) {
      for (const item of this.#installed.reverse()) {
        if (item.previous) Object.defineProperty(item.holder, item.property, item.previous);
        else delete item.holder[item.property];
      }
      this.#installed = [];
      this.#sync();
      this.#tracker.detach();
      this.#running = false;
      if (activeGuard === this) activeGuard = undefined;
      this.#noteDrawnSeed();
    }
    return this.report;
  }

  /** The findings so far. */
  get report(): GuardReport {
    const findings = [...this.#findings.values()].map((f) => ({ ...f }));
    const seed = this.#streams.seed;
    return {
      mode: this.mode,
      findings,
      clean: findings.length === 0,
      trustedCalls: this.#trusted,
      ...(seed !== undefined ? { streamSeed: seedText(seed), streamSeedDrawn: this.#streamSeedDrawn } : {}),
    };
  }

  #sync(): void {
    const done = new Set<() => void>();
    for (const source of this.#sources) {
      if (source.sync && !done.has(source.sync)) {
        done.add(source.sync);
        source.sync();
      }
    }
  }

  #install(source: WatchedSource): void {
    const holder = source.holder() as Record<string, unknown> | undefined;
    if (holder === undefined || holder === null) return;
    const original = holder[source.property];
    if (typeof original !== 'function') return;
    const previous = Object.getOwnPropertyDescriptor(holder, source.property);
    // A fixed property cannot be wrapped (none of the standard ones is; a frozen polyfill may be).
    if (previous && !previous.configurable) return;
    const guard = this;
    const wrapper = {
      // A method named after the source, so stack traces read naturally.
      [source.property](this: unknown, ...args: unknown[]): unknown {
        return guard.#intercept(source, original as (...a: unknown[]) => unknown, this, args);
      },
    }[source.property];
    Object.defineProperty(holder, source.property, {
      value: wrapper,
      writable: true,
      configurable: true,
      enumerable: previous?.enumerable ?? false,
    });
    this.#installed.push({ holder, property: source.property, previous });
  }

  /** ditto's global seed for the replacement streams, drawn (and noted) if none was set. */
  #runSeed(): Seed {
    const unseeded = saveSeedState().seed === undefined;
    // The replacement streams derive from the base seed (a per-source override does not move them).
    const seed = baseSeed(this.#callUnwatched(getSeed));
    this.#streamSeedDrawn = unseeded;
    return seed;
  }

  /** Runs `fn` with the wrappers passing every call straight through. */
  #callUnwatched<T>(fn: () => T): T {
    this.#depth++;
    try {
      return fn();
    } finally {
      this.#depth--;
    }
  }

  #intercept(
    source: WatchedSource,
    original: (...args: unknown[]) => unknown,
    thisArg: unknown,
    args: unknown[],
  ): unknown {
    // Calls made while the guard itself is at work (or nested inside a watched call) pass through.
    if (this.#depth > 0 || !this.#running) return original.apply(thisArg, args);
    this.#depth++;
    try {
      const frames = captureFrames();
      let first = 0;
      while (first < frames.length && frames[first].file.startsWith(AUDIT_DIR)) first++;
      const where = locateCallSite(frames.slice(first));
      const seedDraw = where.byDitto && source.name === 'crypto.getRandomValues'; // determinism-ok: names the source, calls nothing
      if (where.byDitto && !seedDraw) {
        this.#trusted++;
        return original.apply(thisArg, args);
      }
      const replaced = this.mode === 'seed' && source.replace !== undefined && !seedDraw;
      const finding = this.#record(source, where.site, where.userSite, replaced);
      if (seedDraw) {
        finding.note =
          'no seed was set, so ditto drew one from the system entropy (it is recorded: getSeed() returns it); ' +
          'call setSeed(seed) before building the model';
        this.#seedDrawFinding = finding;
      }
      if (this.mode === 'throw') {
        const error = new NondeterminismError({ ...finding });
        this.#firstError ??= error;
        throw error;
      }
      if (replaced && source.replace) return source.replace(original, thisArg, args, this.#streams);
      return original.apply(thisArg, args);
    } finally {
      this.#depth--;
    }
  }

  #record(
    source: WatchedSource,
    site: StackFrame | undefined,
    userSite: StackFrame | undefined,
    replaced: boolean,
  ): Finding {
    const id = `${source.name}\u0000${site ? formatFrame(site) : ''}`;
    let finding = this.#findings.get(id);
    if (finding) {
      finding.calls++;
      return finding;
    }
    finding = {
      source: source.name,
      kind: source.kind,
      site,
      userSite: userSite && site && formatFrame(userSite) === formatFrame(site) ? undefined : userSite,
      firstSeen: this.#tracker.position,
      calls: 1,
      replaced,
    };
    this.#findings.set(id, finding);
    this.#options.onFinding?.({ ...finding });
    return finding;
  }

  /** Adds the drawn seed to the note of ditto's seed draw, once it is known. */
  #noteDrawnSeed(): void {
    const finding = this.#seedDrawFinding;
    if (!finding) return;
    const state = saveSeedState();
    if (state.drawn && state.seed !== undefined && state.seed !== this.#seedStateAtStart.seed) {
      const drawn = seedText(baseSeed(state.seed)); // a drawn seed is always a plain one
      finding.note =
        `no seed was set, so ditto drew seed ${drawn} from the system entropy; ` +
        `replay this run with setSeed(${drawn}), or call setSeed(seed) before building the model`;
    }
  }
}

/** What {@link withDeterminismGuard} returns. */
export interface GuardResult<T> {
  /** What the guarded function returned. */
  readonly value: T;
  readonly report: GuardReport;
}

/**
 * Runs `fn` (sync or async) under a determinism guard and returns its value with the guard's report.
 * Every wrapper is removed when `fn` settles, also when it throws. In 'throw' mode the first
 * refused call's {@link NondeterminismError} is thrown even if the program caught it.
 *
 * @example
 * ```ts
 * import { withDeterminismGuard, formatGuardReport } from 'ditto';
 * const { report } = await withDeterminismGuard(async () => {
 *   setSeed(1);
 *   await model.fit(X, y, { epochs: 10, verbose: 0 });
 * });
 * if (!report.clean) console.warn(formatGuardReport(report));
 *
 * // Make a library that shuffles with Math.random reproducible too:
 * await withDeterminismGuard(train, { mode: 'seed', seed: 1 });
 * ```
 */
export async function withDeterminismGuard<T>(
  fn: () => T | Promise<T>,
  options: GuardOptions = {},
): Promise<GuardResult<T>> {
  const guard = new DeterminismGuard(options);
  guard.start();
  let value: T;
  try {
    value = await fn();
  } catch (error) {
    guard.stop();
    throw guard.error ?? error;
  }
  const report = guard.stop();
  if (guard.error) throw guard.error;
  return { value, report };
}
