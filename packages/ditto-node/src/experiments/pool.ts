/**
 * A pool of worker threads (tinypool) that run repeats. When ditto itself runs from its TypeScript
 * sources (tests, `node --import tsx`), each worker first registers tsx's loader, since a worker
 * thread does not inherit the parent's `--import` hooks.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RepeatResult } from 'ditto/internal';
import Tinypool from 'tinypool';
import type { RepeatTask } from './worker.js';

/** One worker per core: the default. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Worker threads that run repeat tasks; share one across runs to pay the start-up once. */
export class RepeatPool {
  readonly workers: number;
  readonly #pool: Tinypool;

  /** Starts `workers` threads right away, so they load while the caller prepares the run. */
  constructor(workers: number = defaultWorkers()) {
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`workers must be an integer ≥ 1 (got ${String(workers)})`);
    }
    this.workers = workers;
    this.#pool = new Tinypool({
      filename: workerEntry(),
      minThreads: workers,
      maxThreads: workers,
      // Idle workers stay alive for the pool's life; destroy() ends them.
      idleTimeout: 0,
    });
  }

  /** Runs one repeat on a free worker. Rejects only if the worker cannot run it at all. */
  run(task: RepeatTask): Promise<RepeatResult> {
    return this.#pool.run(task);
  }

  /** Ends every worker thread. */
  async destroy(): Promise<void> {
    await this.#pool.destroy();
  }
}

/**
 * The module each worker loads: the compiled worker.js next to this file, or — when this file is
 * TypeScript — a bootstrap that registers tsx globally in the worker and then imports worker.ts.
 */
function workerEntry(): string | URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./worker.js', here).href;
  const worker = new URL('./worker.ts', here).href;
  const bootstrap = [
    `const { register } = await import(${JSON.stringify(tsxApiUrl())});`,
    'register();',
    `const worker = await import(${JSON.stringify(worker)});`,
    'export default worker.default;',
  ].join('\n');
  // Tinypool imports a URL object's href as is, and a data: module may import absolute file: URLs.
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/** file: URL of tsx's ESM API, from its package.json (the require condition points at CommonJS). */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports['./esm/api'];
  return pathToFileURL(join(dirname(manifest), exports.import.default)).href;
}
