/**
 * The one door to the kernels. Every op that touches numbers does it through {@link runPrimitive}:
 * a primitive call names its kernel, its static parameters (shapes, op names — a `signature`), and
 * its buffers (inputs, then outputs). Eager code runs it now; while a trace is open the call is also
 * recorded, so that the engine can replay the same calls later on other buffers (engine/program.ts).
 *
 * The rule that makes replay exact: a primitive reads only its input buffers and writes only its
 * output buffers; everything else it uses is static (captured when the call is made) or explicitly
 * per-step (a random consumer's counter, an optimizer's step count — such calls are `effect`s).
 */
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { backendForWork } from '../kernels/registry.js';

/** What a primitive reads and writes: float tensors' data, or integer indices. */
export type Buffer = Float32Array | Float64Array | Int32Array;

/** One call of a kernel on buffers. */
export interface PrimitiveCall {
  /** The kernel: 'matmul', 'binary', 'unary', 'reduce', … or a registered kernel's name. */
  readonly kernel: string;
  /** The static parameters in a string: equal calls have equal signatures. */
  readonly signature: string;
  /** Inputs first, then outputs. */
  readonly buffers: readonly Buffer[];
  /** How many of `buffers` are inputs. */
  readonly inputCount: number;
  /** Elementary operations, roughly: small calls run on the reference backend (same bits). */
  readonly work: number;
  /** Runs the kernel on these buffers (the recorded ones, or the replay's). */
  readonly run: (backend: Backend, buffers: readonly Buffer[]) => void;
  /** Static parameters the fuser reads (engine/fuse.ts). */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * The call does more than write its outputs — it advances a random consumer or updates a
   * variable — so it is never removed as dead code, and it runs at every replay.
   */
  readonly effect?: boolean;
  /**
   * For an effect call that holds its owner's objects (an optimizer and its variables): the same
   * call for another owner's corresponding objects, so a new model of a known structure can replay
   * a kept program from its first step (engine/twin.ts). An effect call without it is never moved.
   */
  readonly rebind?: (binding: Rebinding) => PrimitiveCall;
}

/** Maps an object of the owner a program was traced for to the new owner's corresponding object. */
export interface Rebinding {
  /** The corresponding object; throws when there is none (the program is then not moved). */
  get<T extends object>(old: T): T;
}

/** The calls recorded while a trace is open. */
export interface Recording {
  readonly calls: PrimitiveCall[];
}

let active: Recording | null = null;

/** Runs a primitive on the backend in use, and records it when a trace is open. */
export function runPrimitive(call: PrimitiveCall): void {
  const recording = active;
  // A primitive's own body may use ops (an optimizer's update): those are part of this call.
  active = null;
  try {
    call.run(backendForWork(getBackend(), call.work), call.buffers);
  } finally {
    active = recording;
  }
  if (recording) recording.calls.push(call);
}

/** Runs fn with a trace open, returning its result and the calls it made. */
export function record<T>(fn: () => T): { result: T; calls: PrimitiveCall[] } {
  if (active) throw new Error('engine: a trace is already open (traces do not nest)');
  const recording: Recording = { calls: [] };
  active = recording;
  try {
    return { result: fn(), calls: recording.calls };
  } finally {
    active = null;
  }
}

/** Whether a trace is open. */
export function isTracing(): boolean {
  return active !== null;
}
