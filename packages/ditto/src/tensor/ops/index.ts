export { broadcastTo } from './broadcast.js';
export * from './elementwise.js';
export * from './matmul.js';
export * from './reduce.js';
export * from './shape-ops.js';
export * from './softmax.js';
