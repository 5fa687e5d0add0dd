/**
 * How runners recognise an experiment object: a registered symbol holding the handle that runs its
 * repeats. Dependency-free, so a worker thread can find an experiment in a module it imported
 * without loading anything else.
 *
 * @module
 */

import type { SeedSource } from '../random/index.js';
import type { RepeatDesign } from './attribution-design.js';
import type { RepeatResult } from './results.js';

/**
 * The private part of an experiment that runners call. It is created by the copy of ditto that
 * the experiment's module imported, so `setSeed` before each repeat reaches the same global seed
 * that the module's own code uses, however the runner loaded the module.
 */
export interface ExperimentHandle {
  readonly version: 1;
  readonly name: string;
  /**
   * Runs repeat `index`. `design` (plain data, see `RepeatDesign`) says which sources vary; absent,
   * the experiment's own `vary` applies (default 'all': every source varies).
   */
  runRepeat(experimentSeed: bigint, index: number, design?: RepeatDesign): Promise<RepeatResult>;
  /**
   * Runs repeat `index` with every source varying and reports the sources it drew from: how an
   * attribution learns which sources a model uses. Absent in handles made before it existed.
   */
  probeSources?(
    experimentSeed: bigint,
    index: number,
  ): Promise<{ result: RepeatResult; sources: SeedSource[] }>;
}

/** Marks experiment objects; a registered symbol, so any copy of ditto recognises them. */
export const EXPERIMENT: unique symbol = Symbol.for('ditto.experiment');

/** The handle of an experiment object, or undefined for anything else. */
export function experimentHandle(value: unknown): ExperimentHandle | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const handle = (value as { [EXPERIMENT]?: Partial<ExperimentHandle> })[EXPERIMENT];
  return typeof handle === 'object' && handle !== null && typeof handle.runRepeat === 'function'
    ? (handle as ExperimentHandle)
    : undefined;
}
