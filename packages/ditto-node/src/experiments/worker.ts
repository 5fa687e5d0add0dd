/**
 * The worker thread's task: import the experiment module (once per thread), find the experiment by
 * its export name and run one repeat through the experiment's own handle. Kept free of ditto's
 * numeric code, which the experiment module brings in itself.
 *
 * @module
 */

import type { RepeatResult } from 'ditto/internal';
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
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Runs one repeat. A repeat that throws is returned as a failure; a module that fails to load throws. */
export default async function runRepeatTask(task: RepeatTask): Promise<RepeatResult> {
  let module = modules.get(task.file);
  if (module === undefined) {
    module = importModule(task.file);
    modules.set(task.file, module);
  }
  const handle = experimentExport(await module, task.exportName, task.file);
  return handle.runRepeat(BigInt(task.seed), task.index);
}
