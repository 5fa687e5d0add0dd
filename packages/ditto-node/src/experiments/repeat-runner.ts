/**
 * Where repeats execute: the local worker pool (RepeatPool), or the job queue's runner
 * (src/queue/queue-runner.ts). A run goes through the same code whichever it is given.
 *
 * @module
 */

import type { RepeatResult } from 'ditto/internal';
import type { RepeatRunOptions } from './pool.js';
import type { RepeatTask } from './worker.js';

/** What runs repeats for a run. */
export interface RepeatRunner {
  /** How many repeats run at once (recorded with the run). */
  readonly workers: number;
  /** Runs one repeat. Rejects only if it cannot run it at all. */
  run(task: RepeatTask, options?: RepeatRunOptions): Promise<RepeatResult>;
  /** Releases the runner's threads or connections. */
  destroy(): Promise<void>;
}
