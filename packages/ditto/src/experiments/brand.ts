/**
 * How runners recognise an experiment object: a registered symbol holding the handle that runs its
 * repeats. Dependency-free, so a worker thread can find an experiment in a module it imported
 * without loading anything else.
 *
 * @module
 */

import type { RepeatResult } from './results.js';

/**
 * The private part of an experiment that runners call. It is created by the copy of ditto that
 * the experiment's module imported, so `setSeed` before each repeat reaches the same global seed
 * that the module's own code uses, however the runner loaded the module.
 */
export interface ExperimentHandle {
  readonly version: 1;
  readonly name: string;
  runRepeat(experimentSeed: bigint, index: number): Promise<RepeatResult>;
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
