import type { Callback, Logs } from './callback.js';
import { type EpochBar, getProgressDisplay } from './progress-display.js';

/** Wall-clock milliseconds, for display only. */
function now(): number {
  return globalThis.performance.now(); // determinism-ok: timing is shown to the user, never used in results
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3)}`)
    .join(' - ');
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/**
 * The printing behind `fit`'s `verbose`: 1 shows a progress bar per epoch with the running loss and
 * an ETA; 2 prints one line per epoch.
 */
export class ProgressLogger implements Callback {
  private bar: EpochBar | null = null;
  private epochStart = 0;

  constructor(
    private readonly verbose: 1 | 2,
    private readonly epochs: number,
    /** Steps per epoch; undefined for a batch source without stepsPerEpoch, learnt from its first epoch. */
    private steps: number | undefined,
  ) {}
  /** Batches finished in the current epoch. */
  private done = 0;

  onEpochBegin(epoch: number): void {
    this.epochStart = now();
    this.done = 0;
    const title = `Epoch ${epoch + 1}/${this.epochs}`;
    if (this.verbose === 1) this.bar = getProgressDisplay().startEpoch(title, this.steps);
    else getProgressDisplay().line(title);
  }

  onBatchEnd(batch: number, logs: Logs): void {
    this.done = batch + 1;
    if (!this.bar) return;
    if (this.steps === undefined) {
      this.bar.update(batch + 1, formatLogs(logs));
      return;
    }
    const elapsed = now() - this.epochStart;
    const eta = (elapsed / (batch + 1)) * (this.steps - batch - 1);
    this.bar.update(batch + 1, `ETA ${formatDuration(eta)} - ${formatLogs(logs)}`);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    // A batch source's step count is known once its first epoch has ended (as in Keras).
    this.steps ??= this.done;
    const text = `${this.steps}/${this.steps} - ${formatDuration(now() - this.epochStart)} - ${formatLogs(logs)}`;
    if (this.bar) this.bar.finish(text);
    else getProgressDisplay().line(text);
    this.bar = null;
  }
}
