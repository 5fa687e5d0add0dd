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
   * The experiment seed as a decimal string; the repeat trains with `repeatSeed(seed, repeat)`.
   * Undefined: no seed — the worker starts unseeded and ditto draws one from the system's entropy.
   */
  experimentSeed: string | undefined;
}

/** A finished fit. */
export interface FitResult {
  type: 'result';
  runId: number;
  repeat: number;
  /** The 64-bit seed the fit trained with (derived from the experiment seed, or drawn), decimal. */
  seed: string;
  /** Whether `seed` was drawn from entropy (a "no seed" run) rather than derived. */
  drawn: boolean;
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

/**
 * Losses of epochs finished since the last message (sent at most every ~100 ms): the live curves.
 * Sent only where fitTutorial accepts callbacks; otherwise each curve appears when its run ends.
 */
export interface FitProgress {
  type: 'progress';
  runId: number;
  repeat: number;
  /** The losses of epochs `from`, `from + 1`, …, 0-based. */
  from: number;
  losses: number[];
}

export type WorkerReply = FitResult | FitError | FitProgress;
