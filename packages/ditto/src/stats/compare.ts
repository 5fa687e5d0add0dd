// Comparisons of repeated experiments: tests of a difference and effect sizes, each in its own
// module; this one gathers them.

export type { CliffsDeltaResult, CliffsMagnitude, ProbabilityOfImprovement } from './effect-size.js';
export { cliffsDelta, cliffsMagnitude, hedgesG, probabilityOfImprovement } from './effect-size.js';
export type { KruskalWallisResult } from './kruskal-wallis.js';
export { kruskalWallis } from './kruskal-wallis.js';
export type { MannWhitneyMethod, MannWhitneyResult } from './mann-whitney.js';
export { mannWhitneyU } from './mann-whitney.js';
export type { WelchTTestResult } from './welch-t-test.js';
export { welchTTest } from './welch-t-test.js';
