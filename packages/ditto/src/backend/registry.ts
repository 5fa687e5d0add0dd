/** The backend in use. Tensors and layers reach kernels only through `getBackend()`. */
import type { Backend } from './backend.js';
import { jsBackend } from './js/js-backend.js';

const backends = new Map<string, Backend>([['js', jsBackend]]);
let current: Backend = jsBackend;

/** Makes a backend available to `setBackend` under its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/**
 * Chooses the backend by name. Every backend gives the same bits; they differ only in speed.
 *
 * @example
 * ```ts
 * import { setBackend } from 'ditto';
 * setBackend('js');
 * ```
 */
export function setBackend(name: string): void {
  const backend = backends.get(name);
  if (!backend) {
    throw new Error(`setBackend: unknown backend '${name}'; available: ${[...backends.keys()].join(', ')}`);
  }
  current = backend;
}

/** The backend in use. */
export function getBackend(): Backend {
  return current;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}
