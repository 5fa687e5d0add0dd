/**
 * Starting workers where the runtime has Web Workers (browsers, Deno, Bun): the worker's code goes
 * in a Blob URL, its shared buffers and compiled module in the first message. Node has no global
 * `Worker` (before version 22); its spawner is in src/node/threads.
 */
import type { ThreadWorker, WorkerSpawner } from './pool.js';

/**
 * Starts a module Web Worker running the threads' worker code.
 *
 * @example
 * ```ts
 * import { registerThreadsBackend, webWorkerSpawner } from 'ditto';
 * registerThreadsBackend({ spawn: webWorkerSpawner, threads: 4 });
 * ```
 */
export const webWorkerSpawner: WorkerSpawner = (source, init): ThreadWorker => {
  const code = `self.onmessage = (event) => {\n  self.onmessage = null;\n  (${source}).workerMain(event.data);\n};\n`;
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module', name: `ditto-thread-${init.index}` });
  worker.postMessage(init);
  // Bun and Deno keep a process alive while a worker runs, unless it is unref'd (browsers have no
  // such method and need none).
  (worker as Worker & { unref?: () => void }).unref?.();
  return {
    terminate(): void {
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
};

/** The Web Worker spawner where this runtime has Web Workers and Blob URLs, else undefined. */
export function defaultSpawner(): WorkerSpawner | undefined {
  const hasWorkers =
    typeof globalThis.Worker === 'function' &&
    typeof globalThis.Blob === 'function' &&
    typeof globalThis.URL?.createObjectURL === 'function';
  return hasWorkers ? webWorkerSpawner : undefined;
}

/** Logical cores as the runtime reports them (navigator.hardwareConcurrency), else 1. */
export function defaultThreadCount(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof cores === 'number' && cores >= 1 ? Math.floor(cores) : 1;
}
