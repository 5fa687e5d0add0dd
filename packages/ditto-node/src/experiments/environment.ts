/**
 * Where a run executes, for its record: ditto version, runtime, platform and CPU.
 *
 * @module
 */

import { arch, cpus, platform } from 'node:os';
import type { RunEnvironment } from 'ditto/internal';
import { VERSION } from 'ditto/internal';

/** The runtime this process is (Bun and Deno also run Node code). */
function runtime(): { runtime: string; runtimeVersion: string } {
  const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string };
  if (versions.bun) return { runtime: 'bun', runtimeVersion: versions.bun };
  if (versions.deno) return { runtime: 'deno', runtimeVersion: versions.deno };
  return { runtime: 'node', runtimeVersion: process.versions.node };
}

/** The environment of this process; `backend` is filled in from the repeats once they report it. */
export function currentEnvironment(workers: number, backend: string | null = null): RunEnvironment {
  const cores = cpus();
  return {
    dittoVersion: VERSION,
    ...runtime(),
    platform: platform(),
    arch: arch(),
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    backend,
    workers,
  };
}
