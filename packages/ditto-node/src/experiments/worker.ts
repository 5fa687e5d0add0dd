/**
 * The worker thread's side of the repeat pool: import the experiment module (once per thread), find
 * the experiment by its export name and run one repeat through the experiment's own handle. Kept
 * free of ditto's numeric code, which the experiment module brings in itself.
 *
 * While a repeat runs, the thread's message port does not keep it alive: a repeat whose promise
 * can never settle (nothing left to wait on) lets the thread end, which the pool reports, instead
 * of waiting forever. A call to `process.exit` is announced to the pool before the thread ends, so
 * the failure says what happened.
 *
 * @module
 */

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RepeatDesign, RepeatResult } from 'ditto/internal';
import { experimentExport, importModule } from './load-module.js';

/** One repeat to run: everything crosses the thread boundary as plain data. */
export interface RepeatTask {
  /** Absolute path of the experiment module. */
  file: string;
  /** The export holding the experiment. */
  exportName: string;
  /** The experiment seed, unsigned 64-bit, decimal. */
  seed: string;
  index: number;
  /** Which sources vary (an attribution's design); absent: the experiment's own `vary`. */
  design?: RepeatDesign;
}

/** Pool → worker. */
export interface RunMessage {
  type: 'run';
  id: number;
  task: RepeatTask;
}

/** Worker → pool. */
export type WorkerReply =
  | { type: 'result'; id: number; result: RepeatResult }
  /** The module could not be loaded (or has no such experiment): the repeat never started. */
  | { type: 'load-error'; id: number; error: { name: string; message: string; stack: string } }
  /** The repeat called process.exit(code); the thread ends next. */
  | { type: 'exit-called'; id: number; code: number }
  /** The module is loaded and the repeat starts: its time limit runs from here. */
  | { type: 'started'; id: number };

/** Marks the workers the pool starts, in their workerData. */
export const WORKER_MARK = 'ditto.repeat-worker';

const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Runs one repeat. A repeat that throws is returned as a failure; a module that fails to load throws.
 * `onStart` is called once the module is loaded, as the repeat begins.
 */
export async function runRepeatTask(task: RepeatTask, onStart?: () => void): Promise<RepeatResult> {
  let module = modules.get(task.file);
  if (module === undefined) {
    module = importModule(task.file);
    // A failed load is not kept: the next task reports it again rather than a stale rejection.
    module.catch(() => modules.delete(task.file));
    modules.set(task.file, module);
  }
  const handle = experimentExport(await module, task.exportName, task.file);
  onStart?.();
  return handle.runRepeat(BigInt(task.seed), task.index, task.design);
}

function serve(port: NonNullable<typeof parentPort>): void {
  let current = -1;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    port.postMessage({ type: 'exit-called', id: current, code: Number(code ?? process.exitCode ?? 0) });
    return exit(code as number);
  }) as typeof process.exit;
  port.on('message', async (message: RunMessage) => {
    if (message?.type !== 'run') return;
    current = message.id;
    let reply: WorkerReply;
    try {
      // Unref only once the repeat runs: loading the module (tsx's loader thread starting, say)
      // may wait on nothing this thread's event loop can see.
      const started = () => {
        port.unref();
        port.postMessage({ type: 'started', id: message.id } satisfies WorkerReply);
      };
      reply = { type: 'result', id: message.id, result: await runRepeatTask(message.task, started) };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = {
        type: 'load-error',
        id: message.id,
        error: { name: e.name, message: e.message, stack: e.stack ?? e.message },
      };
    }
    port.ref();
    port.postMessage(reply);
  });
}

if (!isMainThread && parentPort && (workerData as { mark?: string } | undefined)?.mark === WORKER_MARK) {
  serve(parentPort);
}
