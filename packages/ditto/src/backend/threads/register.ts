/**
 * The threaded backend as 'wasm-threads' in the backend registry, and the process-wide thread
 * controls: `setThreads`, `getThreads`, `shutdownThreads`, `threadsReady`.
 */
import { registerBackend } from '../registry.js';
import { registerModuleKernels } from '../wasm/register.js';
import { wasmSimdSupported } from '../wasm/wasm-module.js';
import {
  createThreadedBackend,
  type ThreadedBackend,
  type ThreadedBackendOptions,
} from './threaded-backend.js';

let registered: ThreadedBackend | undefined;

/**
 * Registers the threaded WebAssembly backend as 'wasm-threads' (where WebAssembly SIMD exists) and
 * says whether it did. Calling it again applies the new options to the same backend. Select it with
 * `setBackend('wasm-threads')`: its results are bit-identical to every other backend at every
 * thread count; only the speed differs. Where threads are unavailable (see docs/threads.md) it runs
 * on the calling thread alone.
 *
 * In Node, use `registerNodeThreadsBackend()` from the Node entry: Node has no Web Workers.
 *
 * @example
 * ```ts
 * import { registerThreadsBackend, setBackend, setThreads } from 'ditto';
 * if (registerThreadsBackend()) setBackend('wasm-threads');
 * setThreads(4);
 * ```
 */
export function registerThreadsBackend(options: ThreadedBackendOptions = {}): boolean {
  if (registered) {
    registered.configure(options);
    return true;
  }
  if (!wasmSimdSupported()) return false;
  registered = createThreadedBackend(options);
  registerBackend(registered);
  // The module's own primitives (pooling, unfold and fold, gather and scatter-add, the fused LSTM
  // and GRU cells) on the backend's instance, as 'wasm' has them: those split-kernels.ts splits run
  // on the threads, the rest on the calling thread.
  registerModuleKernels(registered);
  return true;
}

/** The registered threaded backend (undefined before `registerThreadsBackend`). */
export function threadsBackend(): ThreadedBackend | undefined {
  return registered;
}

function requireRegistered(caller: string): ThreadedBackend {
  if (!registered) throw new Error(`${caller}: call registerThreadsBackend() first`);
  return registered;
}

/**
 * Sets how many threads the 'wasm-threads' backend uses, the calling thread included. Results are
 * the same bits for every count.
 *
 * @example
 * ```ts
 * setThreads(1); // no workers
 * ```
 */
export function setThreads(threads: number): void {
  requireRegistered('setThreads').setThreads(threads);
}

/**
 * The threads 'wasm-threads' runs on: the number set, or 1 where threads are unavailable (no
 * SharedArrayBuffer, a browser's main thread, no way to start workers) or before registration.
 *
 * @example
 * ```ts
 * console.log(`training on ${getThreads()} threads`);
 * ```
 */
export function getThreads(): number {
  return registered ? registered.getThreads() : 1;
}

/**
 * Stops the backend's workers (they also never keep a Node process alive). Kernels called later
 * start them again.
 *
 * @example
 * ```ts
 * afterAll(() => shutdownThreads());
 * ```
 */
export function shutdownThreads(): void {
  registered?.shutdown();
}

/**
 * Starts the workers if needed and resolves with how many are ready, once all are. Never needed for
 * correct results (kernels run on the threads that are up); useful before measuring speed.
 *
 * @example
 * ```ts
 * setThreads(2);
 * await threadsReady(); // 1 worker + the calling thread
 * ```
 */
export async function threadsReady(): Promise<number> {
  return registered ? registered.ready() : 0;
}
