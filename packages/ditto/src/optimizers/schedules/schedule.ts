/**
 * What a learning-rate schedule is: a function of the optimizer's step count, computed in float32
 * with ditto's own elementary functions, with Keras's `get_config`/`from_config`.
 */

/** A schedule as plain data: Keras's `{ class_name, config }`, camelCase. */
export interface ScheduleConfig {
  readonly className: string;
  readonly config: Readonly<Record<string, number | boolean | string | readonly number[]>>;
}

/**
 * A learning rate that depends on the step, as Keras's `LearningRateSchedule`: pass one as
 * `learningRate` to any optimizer, which reads `at(iterations)` at every update — at every replay
 * of a traced step, since the update is an effect primitive that runs the optimizer again.
 *
 * @example
 * ```ts
 * const lr = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 });
 * const sgd = new SGD({ learningRate: lr });
 * lr.at(100); // 0.05
 * ```
 */
export abstract class LearningRateSchedule {
  /** Keras's class name ('ExponentialDecay', …), the key of {@link ScheduleConfig}. */
  abstract readonly className: string;

  /**
   * The learning rate for the update that follows `step` completed steps (the optimizer's
   * `iterations`, from 0), a float32 value.
   */
  at(step: number): number {
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new RangeError(`${this.className}: step must be a non-negative integer, got ${String(step)}`);
    }
    return this.valueAt(step);
  }

  /** The schedule's options, as its constructor takes them. */
  abstract getConfig(): ScheduleConfig['config'];

  /** `{ className, config }`, which {@link scheduleFromConfig} turns back into the schedule. */
  toConfig(): ScheduleConfig {
    return { className: this.className, config: this.getConfig() };
  }

  /** The value at a checked step. */
  protected abstract valueAt(step: number): number;
}
