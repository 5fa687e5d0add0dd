/**
 * A small pool of Web Workers that runs the repeats of one configuration: each worker takes the next
 * repeat as soon as it is free. Every repeat's seed depends only on (experiment seed, repeat index),
 * so the results do not depend on the number of workers or on which finishes first.
 */
import type { FitJob, FitProgress, FitResult, WorkerReply } from './protocol.js';

export interface PoolCallbacks {
  onResult(result: FitResult): void;
  onProgress(progress: FitProgress): void;
  onError(repeat: number, message: string): void;
}

/** How many workers to use: one per logical core, at most 8, and never more than there are jobs. */
export function workerCount(jobs: number): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, Math.min(cores, 8, jobs));
}

/** Runs the jobs; resolves when every job has reported, or when `signal` aborts (workers end then). */
export function runJobs(
  jobs: readonly FitJob[],
  callbacks: PoolCallbacks,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const workers: Worker[] = [];
    let next = 0;
    let pending = jobs.length;
    const finish = () => {
      for (const worker of workers) worker.terminate();
      signal.removeEventListener('abort', finish);
      resolve();
    };
    signal.addEventListener('abort', finish);
    if (pending === 0 || signal.aborted) {
      finish();
      return;
    }
    const feed = (worker: Worker) => {
      if (next < jobs.length) worker.postMessage(jobs[next++]);
    };
    for (let i = 0; i < workerCount(jobs.length); i++) {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), {
        type: 'module',
        name: `ditto-${i}`,
      });
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        if (signal.aborted) return;
        const reply = event.data;
        if (reply.type === 'progress') {
          callbacks.onProgress(reply);
          return;
        }
        if (reply.type === 'result') callbacks.onResult(reply);
        else callbacks.onError(reply.repeat, reply.message);
        pending--;
        if (pending === 0) finish();
        else feed(worker);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        callbacks.onError(-1, event.message || 'a worker failed to start');
        finish();
      };
      workers.push(worker);
      feed(worker);
    }
  });
}
