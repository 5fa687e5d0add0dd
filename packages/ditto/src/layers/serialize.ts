/**
 * How layers write their initializers and regularizers into `getConfig`, so that a model file can
 * rebuild them (io/layer-config.ts reads these forms back).
 */
import type { Initializer } from '../initializers/initializer.js';
import type { Regularizer } from './regularizers.js';

/** An initializer in a config: its name alone when it has no options, else `{ name, config }`. */
export type InitializerConfig = string | { readonly name: string; readonly config: Record<string, unknown> };

/** A regularizer in a config: null, its factors, or (a function ditto cannot rebuild) its name. */
export type RegularizerConfig =
  | null
  | { readonly l1: number; readonly l2: number }
  | { readonly custom: string };

export function initializerConfig(initializer: Initializer): InitializerConfig {
  const config = initializer.getConfig();
  return Object.keys(config).length === 0 ? initializer.name : { name: initializer.name, config };
}

export function regularizerConfig(regularizer: Regularizer | null): RegularizerConfig {
  if (regularizer === null) return null;
  return regularizer.factors ? { ...regularizer.factors } : { custom: regularizer.name || 'anonymous' };
}
