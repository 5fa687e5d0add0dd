/** The running means of one pass — an epoch, an evaluation, one batch — named as Keras names them. */
import type { Logs } from '../callbacks/callback.js';
import { epochMetric, MeanAccumulator } from '../metrics/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CompiledOutput } from './compile-outputs.js';

export /** Running means of one pass (an epoch, an evaluation): the loss, each output's, each metric. */
class PassLogs {
  private readonly loss = new MeanAccumulator();
  private readonly outputLosses: MeanAccumulator[];
  private readonly metrics: ReturnType<typeof epochMetric>[][];

  constructor(
    private readonly model: { outputNames: readonly string[]; compiledOutputs: readonly CompiledOutput[] },
  ) {
    const multi = model.compiledOutputs.length > 1;
    this.outputLosses = multi ? model.compiledOutputs.map(() => new MeanAccumulator()) : [];
    this.metrics = model.compiledOutputs.map((o) => o.metrics.map((m) => epochMetric(m)));
  }

  /** Adds a step's losses (total first, then per output when several) and predictions. */
  update(losses: readonly number[], rows: number, ys: readonly Tensor[], predictions: () => Tensor[]): void {
    this.loss.updateWeighted(losses[0], rows);
    this.outputLosses.forEach((mean, k) => {
      mean.updateWeighted(losses[k + 1], rows);
    });
    if (this.metrics.some((list) => list.length > 0)) {
      const preds = predictions();
      this.metrics.forEach((list, k) => {
        for (const metric of list) metric.update(ys[k], preds[k]);
      });
    }
  }

  /** Keras's names: `loss`, then `<output>_loss` and `<output>_<metric>` when several outputs, else `<metric>`. */
  result(): Logs {
    const logs: Logs = { loss: this.loss.result() };
    const names = this.model.outputNames;
    const multi = this.model.compiledOutputs.length > 1;
    this.outputLosses.forEach((mean, k) => {
      logs[`${names[k]}_loss`] = mean.result();
    });
    this.model.compiledOutputs.forEach((o, k) => {
      o.metrics.forEach((m, j) => {
        logs[multi ? `${names[k]}_${m.name}` : m.name] = this.metrics[k][j].result();
      });
    });
    return logs;
  }
}
