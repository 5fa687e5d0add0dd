/** What `fit` returns: per-epoch values of the loss and every metric, as Keras's History. */
export class History {
  /** Epoch indices (0-based), one per completed epoch. */
  readonly epoch: number[] = [];
  /** `history.loss[e]`, `history.val_loss[e]`, `history.mse[e]`, … */
  readonly history: Record<string, number[]> = {};
  /** The fit's parameters (epochs, batch size, samples, steps per epoch, seed). */
  params: Record<string, unknown> = {};

  /** Records one epoch's logs. */
  record(epoch: number, logs: Readonly<Record<string, number>>): void {
    this.epoch.push(epoch);
    for (const name of Object.keys(logs)) {
      const series = this.history[name];
      if (series === undefined) this.history[name] = [logs[name]];
      else series.push(logs[name]);
    }
  }
}
