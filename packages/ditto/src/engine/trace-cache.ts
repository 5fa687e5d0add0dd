/**
 * A step function traced once per key and replayed afterwards. The first two runs of a key are
 * traced and run (they are real steps); when the two traces describe one repeatable step the third
 * and later runs replay the planned program, otherwise the key runs eagerly from then on and the
 * owner is reported once (engine/diagnostics.ts). The plan is kept by the trace's structure
 * (structure.ts): the next owner whose first trace has the same structure — a new model of the
 * same architecture, shapes and optimizer — replays from its second step. An owner that describes
 * itself (twin.ts: a Sequential model of described layers) replays a program kept for its
 * description from its first step, and a step without effects (predict) is traced twice at once
 * so that the next owner of that description finds its program.
 */
import { getBackend } from '../backend/registry.js';
import { reportEager } from './diagnostics.js';
import { type Buffer, isTracing, record } from './primitive.js';
import {
  cachedPlan,
  compareTraces,
  keepPlan,
  makePlan,
  type Numbering,
  numberTrace,
  type Plan,
  Program,
  type TraceRecord,
} from './program.js';
import { structureOf } from './structure.js';
import { type Description, keepTemplate, programFor } from './twin.js';

/** What a step function returns: the buffers its caller reads. */
export type StepFunction = () => readonly Buffer[];

interface Entry {
  /** 'trace1' → 'trace2' → 'replay' | 'eager'. */
  phase: 'trace1' | 'trace2' | 'replay' | 'eager';
  /** The first run's trace, kept as recorded: it is numbered only if the key runs again. */
  first?: TraceRecord;
  /** Copies of the constants the first run read, by buffer. */
  firstConstants?: Map<Buffer, Buffer>;
  program?: Program;
  /** The owner's description at the first run, and the step's name-free key, when it has one. */
  description?: Description;
  portableKey?: string;
}

/**
 * Copies of a trace's constants: the buffers its calls read that no call writes and that are
 * neither its inputs nor live state (the buffers program.ts numbers 'external' and finds unwritten).
 * Made without numbering the trace, so a step run once (predict on a new model) is never numbered.
 */
function snapshotConstants(trace: TraceRecord, state: ReadonlySet<Buffer>): Map<Buffer, Buffer> {
  const written = new Set<Buffer>();
  for (const call of trace.calls) {
    for (let j = call.inputCount; j < call.buffers.length; j++) written.add(call.buffers[j]);
  }
  const copies = new Map<Buffer, Buffer>();
  for (const call of trace.calls) {
    for (let j = 0; j < call.inputCount; j++) {
      const b = call.buffers[j];
      if (written.has(b) || state.has(b) || copies.has(b) || trace.inputs.includes(b)) continue;
      copies.set(b, b.slice());
    }
  }
  return copies;
}

/** The copies by buffer number, as compareTraces takes them. */
function constantsById(numbering: Numbering, copies: ReadonlyMap<Buffer, Buffer>): Map<number, Buffer> {
  const byId = new Map<number, Buffer>();
  numbering.buffers.forEach((b, id) => {
    const copy = copies.get(b);
    if (copy !== undefined) byId.set(id, copy);
  });
  return byId;
}

/** Whether every constant still holds the values copied (-0, +0 and NaN told apart, as compareTraces does). */
function constantsUnchanged(copies: ReadonlyMap<Buffer, Buffer>): boolean {
  for (const [b, copy] of copies) {
    for (let i = 0; i < b.length; i++) if (!Object.is(b[i], copy[i])) return false;
  }
  return true;
}

/**
 * Keys kept per owner: a fit uses two batch shapes (the full and the last batch), its validation
 * two more, predict and evaluate two each.
 */
const MAX_KEYS = 16;

let tracingEnabled = true;

/**
 * Switches tracing off (every step eager) or on (the default). Both give the same bits; the switch
 * exists to show that, and to rule the engine's planning out when chasing a problem.
 *
 * @example
 * ```ts
 * setTracing(false); // every step runs op by op
 * ```
 */
export function setTracing(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setTracing: expected a boolean, got ${typeof on}`);
  tracingEnabled = on;
}

/** Whether steps are traced and replayed. */
export function isTracingEnabled(): boolean {
  return tracingEnabled;
}

export class TraceCache {
  private readonly entries = new Map<string, Entry>();
  private reported = false;
  /** Why this owner's steps cannot be traced at all (a layer the engine cannot see through). */
  private untraceable: string | undefined;

  /**
   * @param owner - named in diagnostics (a model's name)
   * @param state - the buffers that are live state (the model's variables): read in place
   */
  constructor(
    readonly owner: string,
    private readonly state: () => ReadonlySet<Buffer>,
    private readonly describe: () => Description | undefined = () => undefined,
  ) {}

  /** Marks every step of this owner as eager, for this reason (reported at the first step). */
  markUntraceable(reason: string): void {
    this.untraceable = reason;
  }

  private report(step: string, reason: string): void {
    if (this.reported) return;
    this.reported = true;
    reportEager({ owner: this.owner, step, reason });
  }

  /** The program of a key once it replays (for tests and measurements). */
  program(key: string): Program | undefined {
    return this.entries.get(this.fullKey(key))?.program;
  }

  /**
   * The buffers a replaying key binds its inputs to (in the arena), so a caller can write the next
   * batch there directly; undefined while the key is traced or eager.
   */
  replayInputs(key: string): readonly Buffer[] | undefined {
    if (!tracingEnabled) return undefined;
    const entry = this.entries.get(this.fullKey(key));
    return entry?.phase === 'replay' ? entry.program?.inputs : undefined;
  }

  /** Whether the key's step runs eagerly for good. */
  isEager(key: string): boolean {
    return this.entries.get(this.fullKey(key))?.phase === 'eager';
  }

  private fullKey(key: string): string {
    // Programs are per backend: their calls were planned for it.
    const backend = getBackend().name;
    if (backend !== this.lastBackend || key !== this.lastKey) {
      this.lastBackend = backend;
      this.lastKey = key;
      this.lastFull = `${backend}|${key}`;
    }
    return this.lastFull;
  }

  private lastBackend = '';
  private lastKey = '';
  private lastFull = '';

  /**
   * Runs the step of this key: `step` (which builds its tensors over `inputs`) while tracing,
   * the program afterwards. Returns the buffers to read (valid until the next run of the cache).
   * `portableKey` is the key without anything particular to this owner (variable names): given,
   * the owner's description (twin.ts) lets another owner's program serve this one.
   */
  run(
    step: string,
    key: string,
    inputs: readonly Buffer[],
    fn: StepFunction,
    portableKey?: string,
  ): readonly Buffer[] {
    if (!tracingEnabled || isTracing()) return fn();
    if (this.untraceable !== undefined) {
      this.report(step, this.untraceable);
      return fn();
    }
    const full = this.fullKey(key);
    let entry = this.entries.get(full);
    if (!entry) {
      if (this.entries.size >= MAX_KEYS) this.entries.clear();
      entry = { phase: 'trace1' };
      this.entries.set(full, entry);
    }
    if (entry.phase === 'replay') return this.replay(entry.program as Program, inputs);
    if (entry.phase === 'eager') return fn();
    if (entry.phase === 'trace1') {
      if (portableKey !== undefined && entry.portableKey === undefined) {
        const description = this.describe();
        if (description !== undefined) {
          const program = programFor(portableKey, description, getBackend());
          if (program !== undefined) {
            entry.program = program;
            entry.phase = 'replay';
            return this.replay(program, inputs);
          }
          entry.description = description;
          entry.portableKey = portableKey;
        }
      }
      const { result, calls } = record(fn);
      const trace: TraceRecord = { calls, inputs: [...inputs], results: [...result] };
      entry.first = trace;
      entry.firstConstants = snapshotConstants(trace, this.state());
      entry.phase = 'trace2';
      // A described step without effects (predict) may run again at once: its second trace makes
      // the program the next owner of this description replays from its first step.
      if (entry.description !== undefined && !calls.some((call) => call.effect === true)) {
        return this.secondRun(step, entry, inputs, fn);
      }
      return result;
    }
    return this.secondRun(step, entry, inputs, fn);
  }

  /** The second run of a key: a replay of a plan kept for its structure, or a trace that is planned. */
  private secondRun(
    step: string,
    entry: Entry,
    inputs: readonly Buffer[],
    fn: StepFunction,
  ): readonly Buffer[] {
    const firstTrace = entry.first as TraceRecord;
    const firstConstants = entry.firstConstants as Map<Buffer, Buffer>;
    entry.first = undefined;
    entry.firstConstants = undefined;
    const first = numberTrace(firstTrace);
    // A structure planned before (a new model of an architecture seen before) replays from this
    // second run: its two traces were compared when it was first planned.
    const known = structureOf(first, firstTrace.results);
    const kept = known === undefined ? undefined : cachedPlan(known);
    if (kept !== undefined && constantsUnchanged(firstConstants)) {
      entry.program = new Program(kept, first, getBackend());
      entry.phase = 'replay';
      this.keepForDescription(entry, kept, first);
      return this.replay(entry.program, inputs);
    }
    const { result, calls } = record(fn);
    const trace: TraceRecord = { calls, inputs: [...inputs], results: [...result] };
    const second = numberTrace(trace);
    const reason = compareTraces(
      first,
      constantsById(first, firstConstants),
      second,
      firstTrace.results,
      trace.results,
    );
    if (reason) {
      entry.phase = 'eager';
      this.report(step, reason);
      return result;
    }
    const plan = makePlan(second, trace.results);
    const structure = structureOf(second, trace.results);
    if (structure !== undefined) keepPlan(structure, plan);
    entry.program = new Program(plan, second, getBackend());
    entry.phase = 'replay';
    this.keepForDescription(entry, plan, second);
    return result;
  }

  /**
   * Keeps a key's plan and trace for owners of its description — if the owner still has the
   * description it had at the first run, so that both traces were made under it.
   */
  private keepForDescription(entry: Entry, plan: Plan, numbering: Numbering): void {
    const { description, portableKey } = entry;
    entry.description = undefined;
    if (description === undefined || portableKey === undefined) return;
    const now = this.describe();
    if (now === undefined || now.text !== description.text) return;
    keepTemplate(portableKey, now, getBackend(), plan, numbering);
  }

  private replay(program: Program, inputs: readonly Buffer[]): readonly Buffer[] {
    program.bind(inputs);
    program.replay();
    return program.results;
  }
}
