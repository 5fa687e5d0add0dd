/** Messages between the page and its Web Workers. */

/** One fit of the tutorial network: a repeat of a configuration. */
export interface FitJob {
  /** The run (a click of Run) this job belongs to. */
  runId: number;
  /** 0-based repeat index. */
  repeat: number;
  hiddenUnits: number;
  epochs: number;
  optimizer: string;
  /** Undefined: the optimizer's default. */
  learningRate: number | undefined;
  backend: 'js' | 'wasm';
  /**
   * The experiment seed as a decimal string (given, or drawn by the page for "no seed"); the repeat
   * trains with `repeatSeed(seed, repeat)`.
   */
  experimentSeed: string;
}

/** A finished fit. */
export interface FitResult {
  type: 'result';
  runId: number;
  repeat: number;
  /** The 64-bit seed the fit trained with, `repeatSeed(experimentSeed, repeat)`, in decimal. */
  seed: string;
  mse: number;
  weightsHash: string;
  losses: number[];
  /** The backend that actually ran (wasm falls back to js where SIMD is missing). */
  backend: string;
}

export interface FitError {
  type: 'error';
  runId: number;
  repeat: number;
  message: string;
}

/** Losses of the epochs finished since the last message (sent at most every ~100 ms): the live curves. */
export interface FitProgress {
  type: 'progress';
  runId: number;
  repeat: number;
  /** The losses of epochs `from`, `from + 1`, …, 0-based. */
  from: number;
  losses: number[];
}

export type WorkerReply = FitResult | FitError | FitProgress;
