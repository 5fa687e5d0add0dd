/**
 * ditto's Node entry point: everything the runtime-neutral entry exports, plus Node adapters (a
 * terminal progress bar for `fit`).
 */
import { installTerminalProgress } from './progress.js';

installTerminalProgress();

export * from '../index.js';
export * from './audit/index.js';
export * from './experiments/index.js';
