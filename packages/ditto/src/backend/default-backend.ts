import { getBackend, setBackend } from './registry.js';
import { registerWasmBackend } from './wasm/register.js';

/**
 * Selects the WebAssembly SIMD backend where the runtime supports it, and keeps the TypeScript
 * backend otherwise. Both give the same bits; the choice only changes speed, and the backend in use
 * is recorded in every run's fingerprint. `setBackend('js' | 'wasm')` overrides it.
 */
export function selectDefaultBackend(): string {
  if (registerWasmBackend()) setBackend('wasm');
  return getBackend().name;
}
