/**
 * Where `fit` prints its progress. The core prints plain lines through `console.log`, which works in
 * every runtime; the Node entry point installs a terminal progress bar (see src/node/progress.ts).
 */

/** One epoch's progress bar. */
export interface EpochBar {
  /** Shows `done` of the epoch's steps, with a short text (loss so far). */
  update(done: number, text: string): void;
  /** Ends the bar, leaving the epoch's final text. */
  finish(text: string): void;
}

export interface ProgressDisplay {
  /** Starts a bar for an epoch of `steps` steps (undefined: not known yet, as for a batch source's first epoch). */
  startEpoch(title: string, steps: number | undefined): EpochBar;
  /** Prints one line. */
  line(text: string): void;
}

/** Plain lines: one per finished epoch. */
export const consoleDisplay: ProgressDisplay = {
  startEpoch(title) {
    return {
      update() {},
      finish(text) {
        console.log(`${title} ${text}`);
      },
    };
  },
  line(text) {
    console.log(text);
  },
};

let current: ProgressDisplay = consoleDisplay;

/** Replaces the progress display (the Node entry point installs a terminal bar). */
export function setProgressDisplay(display: ProgressDisplay): void {
  current = display;
}

export function getProgressDisplay(): ProgressDisplay {
  return current;
}
