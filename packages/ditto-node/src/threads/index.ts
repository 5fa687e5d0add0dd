/**
 * Node's side of the threaded backend: starting its workers with worker_threads, and a default
 * thread count from `os.availableParallelism()`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ThreadedBackendOptions, ThreadWorker, WorkerSpawner } from 'ditto/internal';
import { registerThreadsBackend, threadsBackend } from 'ditto/internal';

/**
 * Starts a worker_threads worker running the threads' worker code. Workers are unref'd: a process
 * whose work is done exits even while they sleep.
 *
 * @example
 * ```ts
 * import { createThreadedBackend, nodeWorkerSpawner } from 'ditto'; // the Node entry
 * const backend = createThreadedBackend({ spawn: nodeWorkerSpawner, threads: 2 });
 * ```
 */
export const nodeWorkerSpawner: WorkerSpawner = (source, init): ThreadWorker => {
  // A dynamic import works whether Node evaluates the code as CommonJS or, when the process runs
  // with --input-type=module (which workers inherit), as an ES module.
  const code = `import('node:worker_threads').then(({ workerData }) => (${source}).workerMain(workerData));\n`;
  const worker = new Worker(code, { eval: true, workerData: init, name: `ditto-thread-${init.index}` });
  worker.unref();
  let failure: string | undefined;
  // workerMain catches its own errors; anything else (the thread running out of memory, say) must
  // not take the process down as an unhandled 'error' event. Jobs run on without that worker.
  worker.on('error', (error) => {
    failure = error.message;
    process.emitWarning(`ditto thread ${init.index} stopped: ${error.message}`);
  });
  return {
    terminate(): void {
      void worker.terminate();
    },
    failure: () => failure,
  };
};

/**
 * Registers 'wasm-threads' with Node workers, on `os.availableParallelism()` threads unless
 * `options.threads` says otherwise. Returns false where WebAssembly SIMD is unavailable.
 *
 * @example
 * ```ts
 * import { registerNodeThreadsBackend, setBackend } from 'ditto'; // the Node entry
 * if (registerNodeThreadsBackend()) setBackend('wasm-threads');
 * ```
 */
export function registerNodeThreadsBackend(options: ThreadedBackendOptions = {}): boolean {
  // The default count applies when the backend is first registered, not over a later setThreads.
  const defaults = threadsBackend() ? {} : { threads: availableParallelism() };
  return registerThreadsBackend({ ...defaults, spawn: nodeWorkerSpawner, ...options });
}
