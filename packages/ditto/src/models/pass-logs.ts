/** The running means of one pass — an epoch, an evaluation, one batch — named as Keras names them. */
import type { Logs } from '../callbacks/callback.js';
import type { Buffer } from '../engine/primitive.js';
import { epochMetric, MeanAccumulator } from '../metrics/index.js';
import type { FloatArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import type { CompiledOutput } from './compile-outputs.js';

export /** Running means of one pass (an epoch, an evaluation): the loss, each output's, each metric. */
class PassLogs {
  private readonly loss = new MeanAccumulator();
  private readonly outputLosses: MeanAccumulator[];
  private readonly metrics: ReturnType<typeof epochMetric>[][];
  private readonly hasMetrics: boolean;

  /**
   * @param model - the outputs' names, losses and metrics
   * @param outputShapes - each output's sample shape (read only when a metric needs the predictions)
   */
  constructor(
    private readonly model: { outputNames: readonly string[]; compiledOutputs: readonly CompiledOutput[] },
    private readonly outputShapes: () => readonly (readonly number[])[],
  ) {
    const outputs = model.compiledOutputs;
    this.outputLosses = outputs.length > 1 ? outputs.map(() => new MeanAccumulator()) : [];
    this.metrics = outputs.map((o) => o.metrics.map((m) => epochMetric(m)));
    this.hasMetrics = this.metrics.some((list) => list.length > 0);
  }

  /**
   * Adds a step's results as the step returns them: the total loss, each output's loss when
   * several (their first values), then each output's predictions for the step's `rows` samples.
   */
  update(results: readonly Buffer[], rows: number, ys: readonly Tensor[]): void {
    this.loss.updateWeighted(results[0][0], rows);
    const outputLosses = this.outputLosses;
    for (let k = 0; k < outputLosses.length; k++) outputLosses[k].updateWeighted(results[k + 1][0], rows);
    if (!this.hasMetrics) return;
    const first = outputLosses.length + 1;
    const shapes = this.outputShapes();
    this.metrics.forEach((list, k) => {
      const predictions = new Tensor(results[first + k] as FloatArray, [rows, ...shapes[k]]);
      for (const metric of list) metric.update(ys[k], predictions);
    });
  }

  /** Keras's names: `loss`, then `<output>_loss` and `<output>_<metric>` when several outputs, else `<metric>`. */
  result(): Logs {
    const logs: Logs = { loss: this.loss.result() };
    if (this.outputLosses.length === 0 && !this.hasMetrics) return logs;
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
