/**
 * Programs kept for an owner's *description*, so that a new owner of a known structure (the next
 * fit of the tutorial, an experiment's next repeat) replays from its first step, without an eager
 * traced step. A description (models/replay-description.ts) is a text that covers everything an
 * owner's step depends on — the classes, every field of every layer but the few that only building
 * reads, function identities, shapes, dtypes, the loss and the optimizer's class — and the owner's
 * objects in a fixed order (layers, variables, their arrays, the optimizer). Two owners with the
 * same text have steps that make the same calls on corresponding objects, so the kept program is
 * moved onto the new owner: its external buffers to the corresponding arrays, each effect call
 * through its `rebind` (primitive.ts). Anything that cannot be moved — an effect call without
 * `rebind`, an external buffer that is neither the owner's nor a constant unchanged since it was
 * kept, a call with an object among its static arguments — leaves the owner to trace as before.
 */
import type { Backend } from '../backend/backend.js';
import { kernelRegistrations } from '../kernels/registry.js';
import type { Buffer, PrimitiveCall, Rebinding } from './primitive.js';
import { type Numbering, type Plan, Program } from './program.js';

/**
 * The library's functions and layer classes whose calls are built from ops alone, the same way at
 * every call (activations, losses, Dense): only these enter a description. A user's function or
 * class may compute values outside primitive calls, which only comparing two of its own traces on
 * changing data finds, so an owner holding one is never described and traces as before.
 */
const opsOnly = new WeakSet<object>();

/** Declares library functions or layer classes as built from ops alone (see {@link isOpsOnly}). */
export function declareOpsOnly(...items: readonly object[]): void {
  for (const item of items) opsOnly.add(item);
}

/** Whether a function or class was declared built from ops alone by the library. */
export function isOpsOnly(item: object): boolean {
  return opsOnly.has(item);
}

/** An owner's description: the text two owners must share, and its objects in walk order. */
export interface Description {
  readonly text: string;
  readonly objects: readonly object[];
}

interface Template {
  readonly plan: Plan;
  readonly numbering: Numbering;
  /** The traced owner's objects, in its description's order. */
  readonly objects: readonly object[];
  /** Copies of the external buffers that are not the owner's (constants of the step), by buffer number. */
  readonly constants: ReadonlyMap<number, Buffer>;
}

const templates = new Map<string, Template>();
/** Each template holds one traced owner's objects alive (its variables, optimizer slots, trace): few are kept. */
const MAX_TEMPLATES = 32;
/**
 * Only steps of at most this many bytes of buffers are kept: a traced first step matters for a
 * small model (the tutorial's fit is 100 tiny steps), and a large one is not held alive for it.
 */
const MAX_TEMPLATE_BYTES = 256 * 1024;

const backendIds = new WeakMap<Backend, number>();
let nextBackendId = 0;

/** The key of a step (its name-free key) of an owner of this description on this backend. */
function templateKey(stepKey: string, description: Description, backend: Backend): string {
  let id = backendIds.get(backend);
  if (id === undefined) backendIds.set(backend, (id = nextBackendId++));
  // Calls resolve their kernels when traced: a registration since then makes a new key.
  return `${id}|${kernelRegistrations()}|${stepKey}|${description.text}`;
}

/** Whether a value is plain data (what a call's static arguments may be, to be shared by two owners). */
function isPlainData(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function';
  if (Array.isArray(value)) return value.every(isPlainData);
  return false;
}

/** Whether a traced call can run for another owner as it is: no objects among its static arguments. */
function movable(call: PrimitiveCall): boolean {
  if (call.effect === true) return call.rebind !== undefined;
  const staticArgs = call.params?.staticArgs;
  return staticArgs === undefined || isPlainData(staticArgs);
}

/**
 * Keeps a planned program's plan and trace for owners of this description. `state` holds the
 * owner's live buffers (its variables' arrays), which must all be among the description's objects.
 */
export function keepTemplate(
  stepKey: string,
  description: Description,
  backend: Backend,
  plan: Plan,
  numbering: Numbering,
): void {
  if (!numbering.nodes.every((node) => movable(node.call))) return;
  let bytes = 0;
  for (const b of numbering.buffers) bytes += b.byteLength;
  if (bytes > MAX_TEMPLATE_BYTES) return;
  const own = new Set<object>(description.objects);
  const constants = new Map<number, Buffer>();
  const written = new Set<number>();
  for (const { call, ids } of numbering.nodes)
    for (let j = call.inputCount; j < ids.length; j++) written.add(ids[j]);
  for (let id = 0; id < numbering.buffers.length; id++) {
    if (numbering.roles[id] !== 'external') continue;
    const b = numbering.buffers[id];
    if (own.has(b)) continue;
    // A buffer written by the step that is not the owner's could not be moved.
    if (written.has(id)) return;
    constants.set(id, b.slice());
  }
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(templateKey(stepKey, description, backend), {
    plan,
    numbering,
    objects: description.objects,
    constants,
  });
}

/** Whether every element of a and b is the same value (-0, +0 and NaN told apart). */
function sameValues(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Thrown by a rebinding asked for an object it does not know. */
class NotMovable extends Error {}

/**
 * The kept program of this step for an owner of this description, moved onto its objects; or
 * undefined when none is kept or it cannot be moved (the owner then traces).
 */
export function programFor(stepKey: string, description: Description, backend: Backend): Program | undefined {
  const template = templates.get(templateKey(stepKey, description, backend));
  if (template === undefined) return undefined;
  const { numbering, objects, constants } = template;
  const now = description.objects;
  if (now.length !== objects.length) return undefined;
  const counterpart = new Map<object, object>();
  for (let i = 0; i < objects.length; i++) {
    const a = objects[i];
    const b = now[i];
    if (a.constructor !== b.constructor) return undefined;
    if (ArrayBuffer.isView(a) && (a as Buffer).length !== (b as Buffer).length) return undefined;
    counterpart.set(a, b);
  }
  const buffers: Buffer[] = new Array(numbering.buffers.length);
  for (let id = 0; id < buffers.length; id++) {
    const b = numbering.buffers[id];
    if (numbering.roles[id] !== 'external') {
      buffers[id] = b; // the arena's: only its type and length are read
      continue;
    }
    const moved = counterpart.get(b) as Buffer | undefined;
    if (moved !== undefined) {
      buffers[id] = moved;
      continue;
    }
    const copy = constants.get(id);
    if (copy === undefined || !sameValues(b, copy)) return undefined;
    buffers[id] = b;
  }
  const binding: Rebinding = {
    get<T extends object>(old: T): T {
      const found = counterpart.get(old);
      if (found === undefined) throw new NotMovable();
      return found as T;
    },
  };
  let nodes: Numbering['nodes'];
  try {
    nodes = numbering.nodes.map((node) =>
      node.call.effect === true
        ? { call: (node.call.rebind as NonNullable<PrimitiveCall['rebind']>)(binding), ids: node.ids }
        : node,
    );
  } catch (error) {
    if (error instanceof NotMovable) return undefined;
    throw error;
  }
  return new Program(template.plan, { ...numbering, nodes, buffers }, backend);
}

/** Forgets every kept template (for tests). */
export function clearTemplates(): void {
  templates.clear();
}
