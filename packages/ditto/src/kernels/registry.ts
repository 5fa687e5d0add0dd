/**
 * The kernel registry: one implementation per (kernel name, backend name), with the reference
 * ('js') implementation as the fallback — a backend registers only what it accelerates. Every
 * implementation of a kernel gives the same bits (the reference is the specification), so the
 * choice changes speed only.
 *
 * Two kinds of kernels live here:
 * - the kernels of the {@link Backend} interface (matmul, binary, unary, …): a backend object
 *   carries them as methods, and {@link backendKernel} resolves an optional one (denseForward,
 *   adamUpdate, …) to the backend's own or the reference backend's;
 * - new primitives defined with {@link defineKernel} (gather, scatter-add, slice, concat, …): a
 *   reference implementation in TypeScript, and per-backend implementations registered later.
 *
 * docs/architecture.md ("How to add a primitive") shows the whole path from a kernel to an op.
 */
import type { Backend } from '../backend/backend.js';
import { jsBackend } from '../backend/js/js-backend.js';
import { getBackend } from '../backend/registry.js';

/** The name of the reference backend, whose implementation every kernel has. */
export const REFERENCE_BACKEND = 'js';

// biome-ignore lint/suspicious/noExplicitAny: kernels have arbitrary signatures; each definition types its own
type AnyKernel = (...args: any[]) => void;

/** A kernel: its reference implementation and the backends' own. */
export interface KernelDefinition<F extends AnyKernel> {
  /** Unique name, e.g. 'gather'. */
  readonly name: string;
  /** The specification: plain TypeScript, every operation rounded as the numeric contract says. */
  readonly reference: F;
  /** Registers a backend's implementation (it must give the reference's bits). */
  register(backendName: string, implementation: F): void;
  /** The implementation for a backend (default: the backend in use), else the reference. */
  resolve(backend?: Backend | string): F;
  /** The backends with their own implementation. */
  readonly backends: readonly string[];
}

const definitions = new Map<string, KernelDefinition<AnyKernel>>();

/** Implementations registered so far: a traced call resolved its kernel under an older count. */
let registrations = 0;

/**
 * How many kernel implementations have been registered (it only grows). A program kept across
 * models (engine/twin.ts) is reused only under the count it was traced with, since its calls
 * resolved their kernels then.
 */
export function kernelRegistrations(): number {
  return registrations;
}

/**
 * Defines a kernel by its reference implementation. Defining the same name twice is an error (a
 * kernel is defined once).
 *
 * @example
 * ```ts
 * import { defineKernel } from 'ditto/internal';
 * // out[i, :] = x[indices[i], :] for a [rows × width] table
 * export const gatherRows = defineKernel(
 *   'gatherRows',
 *   (x: Float32Array, indices: Int32Array, out: Float32Array, width: number) => {
 *     for (let i = 0; i < indices.length; i++) out.set(x.subarray(indices[i] * width, (indices[i] + 1) * width), i * width);
 *   },
 * );
 * gatherRows.resolve()(table, indices, out, 8); // the backend's version, or the reference
 * ```
 */
export function defineKernel<F extends AnyKernel>(name: string, reference: F): KernelDefinition<F> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`defineKernel: a kernel needs a non-empty name, got ${JSON.stringify(name)}`);
  }
  if (typeof reference !== 'function') {
    throw new TypeError(`defineKernel('${name}'): the reference implementation must be a function`);
  }
  if (definitions.has(name)) throw new Error(`defineKernel: a kernel named '${name}' is already defined`);
  const implementations = new Map<string, F>([[REFERENCE_BACKEND, reference]]);
  const definition: KernelDefinition<F> = {
    name,
    reference,
    register(backendName, implementation) {
      if (typeof implementation !== 'function') {
        throw new TypeError(`kernel '${name}': the implementation for '${backendName}' must be a function`);
      }
      if (backendName === REFERENCE_BACKEND) {
        throw new Error(
          `kernel '${name}': the reference implementation is given to defineKernel, not registered`,
        );
      }
      implementations.set(backendName, implementation);
      registrations++;
    },
    resolve(backend) {
      const backendName = typeof backend === 'string' ? backend : (backend ?? getBackend()).name;
      return implementations.get(backendName) ?? reference;
    },
    get backends() {
      return [...implementations.keys()];
    },
  };
  definitions.set(name, definition as KernelDefinition<AnyKernel>);
  return definition;
}

/** The kernel defined under this name (an error names the defined ones when there is none). */
export function getKernel(name: string): KernelDefinition<AnyKernel> {
  const definition = definitions.get(name);
  if (!definition) {
    throw new Error(`getKernel: no kernel named '${name}'; defined: ${[...definitions.keys()].join(', ')}`);
  }
  return definition;
}

/** Names of every kernel defined with {@link defineKernel}. */
export function listKernels(): string[] {
  return [...definitions.keys()];
}

/** The optional kernels of the Backend interface. */
export type OptionalBackendKernel = 'denseForward' | 'denseBackward' | 'adamUpdate';

/**
 * An optional Backend kernel of this backend, else the reference backend's, bound to its object:
 * a backend implements only what it accelerates.
 *
 * @example
 * ```ts
 * const denseForward = backendKernel('denseForward', getBackend());
 * ```
 */
export function backendKernel<K extends OptionalBackendKernel>(
  name: K,
  backend: Backend = getBackend(),
): NonNullable<Backend[K]> {
  let resolved = boundKernels.get(backend);
  if (!resolved) boundKernels.set(backend, (resolved = new Map()));
  let kernel = resolved.get(name);
  if (!kernel) {
    const own = backend[name];
    const reference = jsBackend[name];
    if (!own && !reference) throw new Error(`backendKernel: the reference backend has no '${name}'`);
    // biome-ignore lint/complexity/noBannedTypes: a bound method of either backend
    kernel = own ? (own as Function).bind(backend) : (reference as Function).bind(jsBackend);
    resolved.set(name, kernel as AnyKernel);
  }
  return kernel as NonNullable<Backend[K]>;
}

/** Bound optional kernels per backend (resolving is on every replayed call's path). */
const boundKernels = new WeakMap<Backend, Map<string, AnyKernel>>();

/**
 * Below this many elementary operations a call costs more in a WebAssembly or threaded backend's
 * copies and dispatch than it computes, so the engine runs it on the reference backend — the same
 * bits (every backend implements the contract), less time.
 */
export const SMALL_WORK = 2048;

/** The backend a kernel call of this much work runs on: the reference for small work. */
export function backendForWork(backend: Backend, work: number): Backend {
  return work < SMALL_WORK ? jsBackend : backend;
}
