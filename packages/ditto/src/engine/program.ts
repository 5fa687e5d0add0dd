/**
 * From two traces of one step to a program that replays it: compare the traces (the step must be
 * the same calls on buffers in the same roles), drop calls nobody needs, fuse Dense epilogues, place
 * every internal buffer in one arena (in the backend's own memory when it offers a region,
 * Backend.programArena, so its kernels use them in place) and the inputs and results in a host
 * arena, and pick each call's backend. `replay` then runs the planned calls — no tensors, no
 * closures, no allocation.
 */
import type { Backend, ProgramArena } from '../backend/backend.js';
import { backendForWork } from '../kernels/registry.js';
import { fuse } from './fuse.js';
import type { Buffer, PrimitiveCall } from './primitive.js';

/** One traced run of a step. */
export interface TraceRecord {
  readonly calls: readonly PrimitiveCall[];
  /** The buffers bound at every run (the batch), in order. */
  readonly inputs: readonly Buffer[];
  /** The buffers the caller reads afterwards (loss, predictions), in order. */
  readonly results: readonly Buffer[];
}

/** What a buffer is to the step. */
export type Role = 'input' | 'internal' | 'external';

/** A call with its buffers as numbers (the same number is the same buffer). */
export interface Node {
  readonly call: PrimitiveCall;
  readonly ids: readonly number[];
}

/** Buffers numbered in order of first appearance, with their roles. */
export interface Numbering {
  readonly nodes: Node[];
  readonly buffers: Buffer[];
  readonly roles: Role[];
  /** For inputs: which declared input. */
  readonly inputIndex: Map<number, number>;
}

/** Numbers a trace's buffers: inputs by declaration, the rest by first appearance. */
export function numberTrace(trace: TraceRecord): Numbering {
  const ids = new Map<Buffer, number>();
  const buffers: Buffer[] = [];
  const roles: Role[] = [];
  const inputIndex = new Map<number, number>();
  trace.inputs.forEach((b, k) => {
    if (ids.has(b)) return;
    ids.set(b, buffers.length);
    inputIndex.set(buffers.length, k);
    buffers.push(b);
    roles.push('input');
  });
  const nodes = trace.calls.map((call) => ({
    call,
    ids: call.buffers.map((b, j) => {
      let id = ids.get(b);
      if (id === undefined) {
        id = buffers.length;
        ids.set(b, id);
        buffers.push(b);
        roles.push(j < call.inputCount ? 'external' : 'internal');
      }
      return id;
    }),
  }));
  return { nodes, buffers, roles, inputIndex };
}

function sameValues(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Why two traces do not describe one repeatable step, or undefined when they do. */
export function compareTraces(
  first: Numbering,
  firstConstants: ReadonlyMap<number, Buffer>,
  second: Numbering,
  firstResults: readonly Buffer[],
  secondResults: readonly Buffer[],
): string | undefined {
  if (first.nodes.length !== second.nodes.length) {
    return `the step made ${first.nodes.length} primitive calls the first time and ${second.nodes.length} the second`;
  }
  for (let c = 0; c < first.nodes.length; c++) {
    const a = first.nodes[c];
    const b = second.nodes[c];
    if (a.call.signature !== b.call.signature || a.call.inputCount !== b.call.inputCount) {
      return `call #${c} was '${a.call.signature}' the first time and '${b.call.signature}' the second`;
    }
    for (let j = 0; j < a.ids.length; j++) {
      if (a.ids[j] !== b.ids[j])
        return `call #${c} ('${a.call.kernel}') used different buffers in its two traces`;
    }
  }
  if (first.buffers.length !== second.buffers.length)
    return 'the two traces used different numbers of buffers';
  for (let id = 0; id < first.buffers.length; id++) {
    if (first.roles[id] !== second.roles[id]) return 'a buffer changed its role between the two traces';
    if (first.roles[id] !== 'external') continue;
    const before = first.buffers[id];
    const now = second.buffers[id];
    const snapshot = firstConstants.get(id);
    if (before === now) {
      // Live state (a variable, a buffer a call writes) is read in place; anything else must not
      // have been changed by code outside the primitives.
      if (snapshot && !sameValues(snapshot, now)) return describeOutside(second, id);
    } else if (!snapshot || !sameValues(snapshot, now)) {
      return describeOutside(second, id);
    }
  }
  const ids1 = resultIds(first, firstResults);
  const ids2 = resultIds(second, secondResults);
  if (ids1 === undefined || ids2 === undefined || ids1.some((id, i) => id !== ids2[i])) {
    return 'the step returned values that no primitive call computed';
  }
  return undefined;
}

function describeOutside(numbering: Numbering, id: number): string {
  const reader = numbering.nodes.findIndex((n) => n.ids.slice(0, n.call.inputCount).includes(id));
  const name = reader >= 0 ? `'${numbering.nodes[reader].call.kernel}'` : 'a call';
  return `call #${reader} (${name}) reads values computed outside primitive calls, which change from step to step`;
}

function resultIds(numbering: Numbering, results: readonly Buffer[]): number[] | undefined {
  const ids: number[] = [];
  for (const r of results) {
    const id = numbering.buffers.indexOf(r);
    if (id < 0 || numbering.roles[id] === 'external') return undefined;
    ids.push(id);
  }
  return ids;
}

/** Keeps the calls whose outputs are needed, whose effects count, or that write state. */
export function removeDeadCalls(
  nodes: readonly Node[],
  roles: readonly Role[],
  resultIds: readonly number[],
): Node[] {
  const needed = new Set(resultIds);
  const kept: Node[] = [];
  for (let c = nodes.length - 1; c >= 0; c--) {
    const { call, ids } = nodes[c];
    let keep = call.effect === true;
    for (let j = call.inputCount; j < ids.length && !keep; j++) {
      if (needed.has(ids[j]) || roles[ids[j]] !== 'internal') keep = true;
    }
    if (!keep) continue;
    kept.push(nodes[c]);
    for (let j = 0; j < call.inputCount; j++) needed.add(ids[j]);
  }
  return kept.reverse();
}

/** One planned call: a traced call (by its position in the trace) or a fused one, on buffer numbers. */
interface PlanStep {
  /** The traced call's index, when the call is not fused (its `run` comes from each new trace). */
  readonly traced?: number;
  /** The fused call (its `run` uses only static parameters and the buffers it is given). */
  readonly fused?: PrimitiveCall;
  readonly ids: readonly number[];
}

/** What planning decides for a trace's structure: the calls kept and fused, and the arena layout. */
export interface Plan {
  readonly steps: readonly PlanStep[];
  /** Offset of each internal buffer in the arena (undefined: in the host arena, or external). */
  readonly offsets: readonly (number | undefined)[];
  readonly bytes: number;
  /**
   * Offset in the host arena — ordinary memory, private to the program — of the inputs and the
   * results (undefined: in the arena, or external).
   */
  readonly hostOffsets: readonly (number | undefined)[];
  readonly hostBytes: number;
  readonly results: readonly number[];
  readonly tracedCalls: number;
}

/** Plans a numbered trace: dead calls removed, Dense epilogues fused, the arena laid out. */
export function makePlan(numbering: Numbering, results: readonly Buffer[]): Plan {
  const resultList = resultIds(numbering, results) ?? [];
  const live = removeDeadCalls(numbering.nodes, numbering.roles, resultList);
  const nodes = fuse(live, numbering);
  const position = new Map<Node, number>();
  numbering.nodes.forEach((node, c) => {
    position.set(node, c);
  });
  const steps = nodes.map((node): PlanStep => {
    const traced = position.get(node);
    // A kept plan must not hold the planning trace's arrays (a sweep plans many models).
    if (traced === undefined) return { fused: { ...node.call, buffers: [] }, ids: node.ids };
    return { traced, ids: node.ids };
  });
  const { offsets, bytes, hostOffsets, hostBytes } = planArena(nodes, numbering, resultList);
  return {
    steps,
    offsets,
    bytes,
    hostOffsets,
    hostBytes,
    results: resultList,
    tracedCalls: numbering.nodes.length,
  };
}

/** Plans kept across models, by structure (a fit in a loop builds a new model of one architecture). */
const plans = new Map<string, Plan>();
const MAX_PLANS = 256;

/** The plan of a structure planned before, if any. */
export function cachedPlan(key: string): Plan | undefined {
  return plans.get(key);
}

/** Keeps a plan for later traces of the same structure. */
export function keepPlan(key: string, plan: Plan): void {
  if (plans.size >= MAX_PLANS) plans.clear();
  plans.set(key, plan);
}

/** A planned call: its backend and its buffers (arena views, inputs and state). */
interface PlannedCall {
  readonly run: PrimitiveCall['run'];
  readonly backend: Backend;
  readonly views: readonly Buffer[];
}

type BufferConstructor = new (buffer: ArrayBuffer, offset: number, length: number) => Buffer;

/** The compiled step: a plan instantiated on one trace's buffers and calls. */
export class Program {
  /** The calls in order, after dead-code removal and fusion. */
  readonly calls: readonly PlannedCall[];
  private readonly planned: { -readonly [K in keyof PlannedCall]: PlannedCall[K] }[];
  /** The buffers the caller binds at each run (the batch), in the host arena. */
  readonly inputs: readonly Buffer[];
  /** The buffers the caller reads after each run, in the host arena. */
  readonly results: readonly Buffer[];
  /** Bytes of the arena and the host arena. */
  readonly arenaBytes: number;
  /** Primitive calls in the trace, and after planning (for docs and tests). */
  readonly tracedCalls: number;
  readonly fusedCalls: number;
  /** The kernel of each planned call, in order. */
  readonly kernels: readonly string[];
  /** Whether the arena lives in the backend's memory (Backend.programArena). */
  readonly inBackendMemory: boolean;

  /** The backend's region holding the arena, if it gave one. */
  private readonly region: ProgramArena | undefined;
  /** The buffer the arena's views were made on (a region's buffer changes when its memory grows). */
  private viewed: ArrayBuffer;
  /** The region's offset they were made at (a larger program can move the region). */
  private viewedOffset: number;
  /** The arena's views: buffer number, constructor, byte offset in the arena, length. */
  private readonly arenaViews: { id: number; Ctor: BufferConstructor; offset: number; length: number }[];
  /** Every buffer's view or array, by buffer number, and each call's buffer numbers. */
  private readonly views: Buffer[];
  private readonly callIds: readonly (readonly number[])[];

  constructor(plan: Plan, trace: Numbering, backend: Backend) {
    this.tracedCalls = plan.tracedCalls;
    this.fusedCalls = plan.steps.length;
    this.arenaBytes = plan.bytes + plan.hostBytes;
    this.region = plan.bytes > 0 ? backend.programArena?.(plan.bytes) : undefined;
    this.inBackendMemory = this.region !== undefined;
    this.viewed = this.region?.buffer() ?? new ArrayBuffer(Math.max(plan.bytes, 8));
    this.viewedOffset = this.region?.offset ?? 0;
    const host = hostBuffers(plan, trace, backend);
    this.arenaViews = [];
    this.views = trace.buffers.map((b, id) => {
      const Ctor = b.constructor as BufferConstructor;
      const hostBuffer = host.get(id);
      if (hostBuffer) return hostBuffer;
      const offset = plan.offsets[id];
      if (offset === undefined) return b; // external: read in place
      this.arenaViews.push({ id, Ctor, offset, length: b.length });
      return new Ctor(this.viewed, this.viewedOffset + offset, b.length);
    });
    const calls = plan.steps.map(({ traced, fused }) =>
      traced === undefined ? (fused as PrimitiveCall) : trace.nodes[traced].call,
    );
    this.kernels = calls.map((call) => call.kernel);
    this.callIds = plan.steps.map(({ ids }) => ids);
    this.calls = this.planned = plan.steps.map(({ ids }, c) => ({
      run: calls[c].run,
      backend: backendForWork(backend, calls[c].work),
      views: ids.map((id) => this.views[id]),
    }));
    const inputs: Buffer[] = [];
    for (const [id, k] of trace.inputIndex) inputs[k] = this.views[id];
    this.inputs = inputs;
    this.results = plan.results.map((id) => this.views[id]);
  }

  /** Copies the batch into the input buffers (nothing to do when the caller wrote them there). */
  bind(inputs: readonly Buffer[]): void {
    for (let k = 0; k < this.inputs.length; k++) {
      const target = this.inputs[k];
      if (inputs[k] !== target) target.set(inputs[k] as never);
    }
  }

  /** Runs every planned call once. */
  replay(): void {
    const region = this.region;
    if (!region) {
      this.runCalls();
      return;
    }
    // The region's memory cannot grow between begin and end, so views checked here stay attached.
    region.begin();
    try {
      const buffer = region.buffer();
      if (buffer !== this.viewed || region.offset !== this.viewedOffset) this.remakeViews(buffer);
      this.runCalls();
    } finally {
      region.end();
    }
  }

  private runCalls(): void {
    const calls = this.calls;
    for (let c = 0; c < calls.length; c++) {
      const call = calls[c];
      call.run(call.backend, call.views);
    }
  }

  /** Makes the arena's views again on the region's new buffer (its memory grew). */
  private remakeViews(buffer: ArrayBuffer): void {
    const base = (this.region as ProgramArena).offset;
    this.viewedOffset = base;
    for (const { id, Ctor, offset, length } of this.arenaViews)
      this.views[id] = new Ctor(buffer, base + offset, length);
    // New arrays, not the old ones refilled: a call's run may cache what it derived from its
    // buffer array by the array's identity (engine/kernels.ts, callKernel).
    this.planned.forEach((call, c) => {
      call.views = this.callIds[c].map((id) => this.views[id]);
    });
    this.viewed = buffer;
  }
}

const TYPE_NAMES = new Map<BufferConstructor, 'float32' | 'float64' | 'int32'>([
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int32Array, 'int32'],
]);

/**
 * The inputs and results, by buffer number: each an array in the backend's own memory where it
 * offers one (Backend.residentArray: the batch is then gathered where the kernels read it, and they
 * write the results in place), else views of one host arena in ordinary memory. They are never
 * shared: every input and result is live for the whole replay.
 */
function hostBuffers(plan: Plan, trace: Numbering, backend: Backend): Map<number, Buffer> {
  const ids: number[] = [];
  plan.hostOffsets.forEach((offset, id) => {
    if (offset !== undefined) ids.push(id);
  });
  const buffers = new Map<number, Buffer>();
  let host: ArrayBuffer | undefined;
  for (const id of ids) {
    const b = trace.buffers[id];
    const Ctor = b.constructor as BufferConstructor;
    const type = TYPE_NAMES.get(Ctor);
    const resident = type && backend.residentArray?.(type, b.length);
    if (resident) {
      buffers.set(id, resident);
      continue;
    }
    host ??= new ArrayBuffer(Math.max(plan.hostBytes, 8));
    buffers.set(id, new Ctor(host, plan.hostOffsets[id] as number, b.length));
  }
  return buffers;
}

/**
 * Places every buffer the program owns: a buffer takes a free slot of its type and length when one
 * is free, else a new one; a slot becomes free after the last call that reads or writes its buffer
 * (never during that call, so no call's output shares a slot with its own input). Internal buffers
 * go to the arena, which a backend may keep in its own memory (Backend.programArena) and share
 * between programs; the inputs and results (which the caller writes before and reads after a run)
 * go to the host arena. External buffers (variables, constants, state) stay where they are. A
 * buffer listed as both an input and an output of one call is one array for its kernel, in place,
 * in either arena: only the fused denseBackward does that (engine/fuse.ts: dz that is dy for a
 * linear activation, and w that is dw, unread, without dx), which its kernels allow.
 */
function planArena(
  nodes: readonly Node[],
  numbering: Numbering,
  results: readonly number[],
): {
  offsets: (number | undefined)[];
  bytes: number;
  hostOffsets: (number | undefined)[];
  hostBytes: number;
} {
  const { buffers, roles } = numbering;
  const last = new Map<number, number>();
  nodes.forEach(({ ids }, c) => {
    for (const id of ids) last.set(id, c);
  });
  const end = nodes.length;
  for (const id of results) last.set(id, end);
  for (const id of numbering.inputIndex.keys()) last.set(id, end);

  const hostIds = new Set<number>([...numbering.inputIndex.keys(), ...results]);
  const arena = slotAllocator();
  const host = slotAllocator();
  const allocatorOf = (id: number) => (hostIds.has(id) ? host : arena);
  const place = (id: number) => allocatorOf(id).place(id, buffers[id]);
  const release = (id: number) => allocatorOf(id).release(id, buffers[id]);
  for (const id of numbering.inputIndex.keys()) place(id);
  const placed = new Set<number>(numbering.inputIndex.keys());
  nodes.forEach(({ call, ids }, c) => {
    for (let j = call.inputCount; j < ids.length; j++) {
      const id = ids[j];
      if (roles[id] === 'internal' && !placed.has(id)) {
        placed.add(id);
        place(id);
      }
    }
    // Free after the call: slots of buffers whose last use was this call.
    for (const id of new Set(ids)) if (roles[id] !== 'external' && last.get(id) === c) release(id);
  });
  return {
    offsets: buffers.map((_, id) => arena.offsets.get(id)),
    bytes: arena.bytes(),
    hostOffsets: buffers.map((_, id) => host.offsets.get(id)),
    hostBytes: host.bytes(),
  };
}

/** Slots in one arena, reused by type and length (8-byte aligned). */
function slotAllocator() {
  const offsets = new Map<number, number>();
  const free = new Map<string, number[]>();
  let bytes = 0;
  const kindOf = (b: Buffer) => `${b.constructor.name}:${b.length}`;
  return {
    offsets,
    bytes: () => bytes,
    place(id: number, b: Buffer): void {
      const reuse = free.get(kindOf(b))?.pop();
      if (reuse !== undefined) {
        offsets.set(id, reuse);
        return;
      }
      offsets.set(id, bytes);
      bytes += Math.ceil(b.byteLength / 8) * 8;
    },
    release(id: number, b: Buffer): void {
      let list = free.get(kindOf(b));
      if (!list) free.set(kindOf(b), (list = []));
      list.push(offsets.get(id) as number);
    },
  };
}
