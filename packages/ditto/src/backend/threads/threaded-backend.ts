/**
 * The threaded WebAssembly backend ('wasm-threads'): the wasm backend over one shared memory, with
 * large kernel calls split across threads by their outputs — rows (or columns) of a matrix product,
 * rows or ranges of an elementwise op, groups of a reduction's outputs (split-kernels.ts). Each
 * output is computed whole by one thread, in the canonical order, with the same kernels the
 * single-threaded backend runs, so the result is bit-identical at every thread count (and to the
 * reference backend).
 *
 * Every thread instantiates the kernel module (its memory declared shared) over the same memory, so
 * a split call's chunks read and write the call's own buffers in place, and the engine's program
 * arena (Backend.programArena) lives in that memory as on one thread: no copies between threads.
 *
 * Small calls run on the calling thread: below the thresholds waking workers costs more than they
 * save (docs/threads.md has the measurements). So does everything wherever threads cannot run: no
 * shared memory (a browser page that is not cross-origin isolated), a thread that may not block (a
 * browser's main thread), no way to start workers (Node without the adapter in
 * packages/ditto-node/src/threads), or a thread count of 1.
 */

import { MAX_SCRATCH_SLOTS, SHARED_MEMORY_MAX_PAGES } from '../../kernels/wasm/module.js';
import { SCRATCH_BYTES } from '../../kernels/wasm/scratch.js';
import { createWasmBackend, type WasmBackend } from '../wasm/wasm-backend.js';
import {
  instantiateSharedKernels,
  type SharedKernelExports,
  sharedKernelBytes,
} from '../wasm/wasm-module.js';
import { canBlock, ThreadPool, type WorkerSpawner } from './pool.js';
import { DEFAULT_THRESHOLDS, splitKernels, type ThreadThresholds } from './split-kernels.js';
import { defaultSpawner, defaultThreadCount } from './web-spawner.js';
import { MAX_THREADS } from './worker-core.js';

export { DEFAULT_THRESHOLDS, type ThreadThresholds } from './split-kernels.js';

export interface ThreadedBackendOptions {
  /**
   * Threads in all, the calling thread included (default: the runtime's logical cores,
   * `navigator.hardwareConcurrency`, or 1 where unknown; the Node adapter uses
   * `os.availableParallelism()`).
   */
  threads?: number;
  /** How to start workers (default: Web Workers where the runtime has them). */
  spawn?: WorkerSpawner;
  /** Tuning: when to split (results never depend on these). */
  thresholds?: Partial<ThreadThresholds>;
  /**
   * As the wasm backend's option (default true): calls too small for WebAssembly run on the
   * reference code. Tests turn it off, with thresholds 0, to send even 1×1×1 products to the threads.
   * Only read at creation.
   */
  smallCallsOnReference?: boolean;
}

/** A Backend whose large kernels run on several threads. */
export interface ThreadedBackend extends WasmBackend {
  /** Changes the options given at creation (unspecified ones stay). */
  configure(options: ThreadedBackendOptions): void;
  /** Sets the number of threads, the calling thread included (1: no workers). */
  setThreads(threads: number): void;
  /** The threads kernels run on: the number set, or 1 where threads are unavailable here. */
  getThreads(): number;
  /** Starts the workers if needed and resolves with how many are ready once all are (or one failed). */
  ready(): Promise<number>;
  /** Stops every worker; later calls start them again when needed. */
  shutdown(): void;
  /** Chunks each thread has run so far (index 0: the calling thread), for tests and measurements. */
  chunksRun(): number[];
}

const PAGE = 65536;

/** The shared memory, the compiled shared-memory module and the calling thread's instance. */
interface SharedKernels {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  local: SharedKernelExports;
}

/** The shared-memory kernels, or undefined where this runtime has no shared WebAssembly memory. */
function sharedKernels(): SharedKernels | undefined {
  if (typeof SharedArrayBuffer !== 'function' || MAX_THREADS > MAX_SCRATCH_SLOTS) return undefined;
  try {
    const module = new WebAssembly.Module(sharedKernelBytes());
    const initial = Math.ceil((SCRATCH_BYTES * MAX_SCRATCH_SLOTS) / PAGE) + 1;
    const memory = new WebAssembly.Memory({ initial, maximum: SHARED_MEMORY_MAX_PAGES, shared: true });
    // The calling thread's scratch is slot 0; worker i's is slot i (pool.ts).
    return { memory, module, local: instantiateSharedKernels(module, memory, 0) };
  } catch {
    return undefined;
  }
}

/**
 * Creates the threaded backend. Workers start on the first call that needs them (or on `ready()`).
 *
 * @example
 * ```ts
 * // In Node ('ditto' resolves to the Node entry there); elsewhere Web Workers are the default spawner.
 * import { createThreadedBackend, nodeWorkerSpawner, registerBackend, setBackend } from 'ditto';
 * const threaded = createThreadedBackend({ threads: 4, spawn: nodeWorkerSpawner });
 * registerBackend(threaded);
 * setBackend('wasm-threads');
 * ```
 */
export function createThreadedBackend(options: ThreadedBackendOptions = {}): ThreadedBackend {
  const shared = sharedKernels();
  let requested = Math.min(options.threads ?? defaultThreadCount(), MAX_THREADS);
  let spawn = options.spawn ?? defaultSpawner();
  let thresholds: ThreadThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  let pool: ThreadPool | undefined;
  let poolWorkers = -1;
  let blockable: boolean | undefined;

  /** Whether this thread can run a pool at all (blocking checked once). */
  function available(): boolean {
    if (!shared || !spawn) return false;
    blockable ??= canBlock();
    return blockable;
  }

  function threads(): number {
    return requested > 1 && available() ? requested : 1;
  }

  /** The pool with `threads() − 1` workers started, or undefined where there is none. */
  function ensurePool(): ThreadPool | undefined {
    const count = threads();
    if (count < 2 || !spawn || !shared) return undefined;
    pool ??= new ThreadPool(spawn, shared.module, shared.memory, shared.local, SCRATCH_BYTES);
    if (poolWorkers !== count - 1) {
      pool.resize(count - 1);
      poolWorkers = count - 1;
    }
    return pool;
  }

  const kernels =
    shared &&
    splitKernels(shared.local, {
      poolFor(work, threshold) {
        if (work < threshold || threads() < 2) return undefined;
        const p = ensurePool();
        return p && { pool: p, threads: threads() };
      },
      thresholds: () => thresholds,
    });
  // Without shared memory: the plain wasm backend, its module with its own memory.
  const base = createWasmBackend({ kernels, smallCallsOnReference: options.smallCallsOnReference });

  return {
    ...base,
    name: 'wasm-threads',
    configure(next: ThreadedBackendOptions): void {
      if (next.spawn && next.spawn !== spawn) {
        pool?.shutdown();
        pool = undefined;
        poolWorkers = -1;
        spawn = next.spawn;
      }
      if (next.threads !== undefined) this.setThreads(next.threads);
      if (next.thresholds) thresholds = { ...thresholds, ...next.thresholds };
    },
    setThreads(count: number): void {
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`setThreads: a whole number ≥ 1, not ${count}`);
      requested = Math.min(count, MAX_THREADS);
      if (pool && poolWorkers !== -1 && requested - 1 !== poolWorkers) {
        pool.resize(requested - 1);
        poolWorkers = requested - 1;
      }
    },
    getThreads: threads,
    async ready(): Promise<number> {
      const p = ensurePool();
      if (!p) return 0;
      const want = threads() - 1;
      // Workers start in the background; poll their ready flags (timing never reaches results).
      for (let waited = 0; p.readyCount() < want; waited += 5) {
        const failure = p.startupError();
        if (failure) throw new Error(`ditto threads: a worker failed to start: ${failure}`);
        if (waited > 60_000) throw new Error(`ditto threads: workers not ready after a minute`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return p.readyCount();
    },
    shutdown(): void {
      pool?.shutdown();
      poolWorkers = -1;
    },
    chunksRun(): number[] {
      return pool ? pool.chunksRun() : [];
    },
  };
}
