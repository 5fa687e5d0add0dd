export { Concatenate, type ConcatenateOptions } from './concatenate.js';
export { Dot, type DotOptions } from './dot.js';
export { Add, Average, Maximum, Minimum, Multiply, Subtract } from './elementwise.js';
export { MergeLayer, type SampleShapes } from './merge.js';
