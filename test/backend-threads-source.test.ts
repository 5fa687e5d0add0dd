/**
 * The workers run worker-source.ts, a transpilation of worker-core.ts committed as a string. It must
 * be exactly what the current worker-core.ts transpiles to, and worker-core.ts must stay loadable
 * on its own (no run-time imports), as must the runtime-neutral thread code (no Node modules).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_PATH, OUTPUT_PATH, workerSourceModule } from '../packages/ditto/scripts/build-worker-source.js';
import { WORKER_SOURCE } from '../packages/ditto/src/backend/threads/worker-source.js';
import { repoRoot } from './helpers/run-tsx.js';

describe('the workers’ source', () => {
  it('is the transpilation of the current worker-core.ts (run build-worker-source.ts if not)', async () => {
    const fresh = await workerSourceModule(readFileSync(CORE_PATH, 'utf8'));
    expect(readFileSync(OUTPUT_PATH, 'utf8')).toBe(fresh);
  });

  it('worker-core.ts imports types only', () => {
    const imports = readFileSync(CORE_PATH, 'utf8').match(/^import .*$/gm) ?? [];
    for (const line of imports) expect(line).toMatch(/^import type /);
  });

  it('evaluates, without any module system, to an object with workerMain', () => {
    // Global scope, no `require`, no `import`, as in a Blob-URL Web Worker.
    const exports = new Function(`return ${WORKER_SOURCE};`)() as Record<string, unknown>;
    expect(typeof exports.workerMain).toBe('function');
    expect(typeof exports.createExecutor).toBe('function');
  });

  it('the runtime-neutral thread code imports nothing Node-specific', () => {
    const dir = resolve(repoRoot, 'packages/ditto/src/backend/threads');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(resolve(dir, file), 'utf8');
      expect(text, file).not.toMatch(/from ['"](node:|fs|os|worker_threads|child_process)/);
      expect(text, file).not.toMatch(/\bprocess\./);
    }
  });
});
