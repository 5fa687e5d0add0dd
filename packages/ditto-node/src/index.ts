/**
 * ditto's Node entry point: everything the runtime-neutral entry exports, plus the Node adapters —
 * a terminal progress bar for `fit`, the experiment runner's workers and SQLite records, the audit's
 * script tools, and worker threads for the threaded backend.
 */
import { registerNodeCsvFiles } from './callbacks/csv-file.js';
import { registerNodeModelFiles } from './io/model-file.js';
import { installTerminalProgress } from './progress.js';

installTerminalProgress();
registerNodeModelFiles();
registerNodeCsvFiles();

export * from 'ditto';
export * from './audit/index.js';
export * from './callbacks/index.js';
export * from './data/index.js';
export * from './experiments/index.js';
export * from './io/index.js';
// ONNX export for inference (onnx-proto, an optional peer dependency, loads on first use).
export * from './onnx/index.js';
export { nodeWorkerSpawner, registerNodeThreadsBackend } from './threads/index.js';
