/**
 * What every ditto optimizer shares: the learning rate, the iteration count, gradient checks,
 * optional clipping (per variable, or of all gradients jointly), and per-variable slots (m, v, …) created lazily on a variable's first update.
 */
import type { Variable } from '../layers/variable.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import type { OptionSpec } from '../validate/index.js';
import { clipByNorm, clipByValue, globalNormScale, scaleInto } from './clip.js';
import { requireNonNegative, requirePositive } from './hyperparameters.js';
import type { GradientPair, Optimizer, OptimizerConfig } from './optimizer.js';
import {
  isSchedule,
  type LearningRateSchedule,
  type ScheduleConfig,
  scheduleFromConfig,
} from './schedules/index.js';

/** Options every optimizer accepts. */
export interface BaseOptimizerOptions {
  /**
   * Step size (≥ 0), or a {@link LearningRateSchedule} (or its `{ className, config }`) read at
   * every update. Each optimizer has its own Keras default.
   */
  learningRate?: number | LearningRateSchedule | ScheduleConfig;
  /** Keras's `clipnorm`: rescale each variable's gradient so its L2 norm is at most this (> 0). */
  clipNorm?: number;
  /** Keras's `clipvalue`: clamp each gradient element to [−clipValue, clipValue] (> 0). */
  clipValue?: number;
  /**
   * Keras's `global_clipnorm`: rescale all gradients of a step together so that their joint L2
   * norm is at most this (> 0). At most one of clipNorm, clipValue and globalClipnorm.
   */
  globalClipnorm?: number;
}

/** The names of {@link BaseOptimizerOptions}, for each optimizer's option check. */
export const BASE_OPTIMIZER_OPTIONS: OptionSpec<BaseOptimizerOptions> = {
  learningRate: true,
  clipNorm: true,
  clipValue: true,
  globalClipnorm: true,
};

/** An optimizer's training state as plain data (see BaseOptimizer.getState). */
export interface OptimizerState {
  readonly name: string;
  readonly iterations: number;
  readonly scalars: Readonly<Record<string, number>>;
  /** Per variable, in the model's order: its slots' values (null before its first update). */
  readonly slots: ReadonlyArray<{
    readonly variable: string;
    readonly values: Readonly<Record<string, readonly number[]>>;
  } | null>;
}

/** The named state arrays an optimizer keeps for one variable (Keras's names: 'momentum', 'velocity', …). */
export type Slots = Readonly<Record<string, FloatArray>>;

export abstract class BaseOptimizer<S extends Slots = Slots> implements Optimizer {
  readonly name: string;
  readonly clipNorm: number | undefined;
  readonly clipValue: number | undefined;
  readonly globalClipnorm: number | undefined;
  private lr: number;
  /** The schedule given as learningRate, if any: its value at the step count is the learning rate. */
  readonly schedule: LearningRateSchedule | undefined;
  private steps = 0;
  private readonly slotsByVariable = new Map<Variable, S>();
  /** Per-variable buffers for clipped gradients, so clipping allocates only on the first step. */
  private readonly clipBuffers = new Map<Variable, FloatArray>();

  protected constructor(
    name: string,
    learningRate: number | LearningRateSchedule | ScheduleConfig,
    options: BaseOptimizerOptions,
  ) {
    this.name = name;
    this.schedule = isSchedule(learningRate) ? scheduleFromConfig(learningRate) : undefined;
    this.lr = this.schedule ? 0 : requireNonNegative(name, 'learningRate', learningRate as number);
    const clipping = (['clipNorm', 'clipValue', 'globalClipnorm'] as const).filter(
      (option) => options[option] !== undefined,
    );
    if (clipping.length > 1) {
      throw new RangeError(
        `${name}: set only one of clipNorm, clipValue and globalClipnorm, got ${clipping.join(' and ')}`,
      );
    }
    this.clipNorm =
      options.clipNorm === undefined ? undefined : requirePositive(name, 'clipNorm', options.clipNorm);
    this.clipValue =
      options.clipValue === undefined ? undefined : requirePositive(name, 'clipValue', options.clipValue);
    this.globalClipnorm =
      options.globalClipnorm === undefined
        ? undefined
        : requirePositive(name, 'globalClipnorm', options.globalClipnorm);
  }

  /**
   * The learning rate of the next update: a schedule's value at the step count, else the number,
   * which may be changed between steps (as Keras's `optimizer.learning_rate = …`).
   */
  get learningRate(): number {
    return this.schedule ? this.schedule.at(this.steps) : this.lr;
  }

  set learningRate(value: number) {
    if (this.schedule) {
      throw new TypeError(
        `${this.name}: the learning rate is a ${this.schedule.className} schedule and cannot be set`,
      );
    }
    this.lr = requireNonNegative(this.name, 'learningRate', value);
  }

  get iterations(): number {
    return this.steps;
  }

  /**
   * Updates each variable in place from its gradient, in the order given, then counts one
   * iteration. All pairs are checked before any variable changes. An empty list does nothing and
   * does not count (as in Keras).
   */
  applyGradients(pairs: readonly GradientPair[]): void {
    for (const pair of pairs) this.checkPair(pair);
    if (pairs.length === 0) return;
    const step = this.steps + 1;
    this.beginStep(step);
    // Keras's global_clipnorm: one factor from all the step's gradients, before any update.
    const scale =
      this.globalClipnorm === undefined
        ? undefined
        : globalNormScale(
            pairs.map((p) => p.grad),
            this.globalClipnorm,
            pairs.some((p) => p.variable.dtype === 'float32'),
          );
    for (const { variable, grad } of pairs) {
      this.updateVariable(variable, this.clipped(variable, grad, scale), step);
    }
    this.steps = step;
  }

  getConfig(): OptimizerConfig {
    const config: OptimizerConfig = {
      name: this.name,
      learningRate: this.schedule ? this.schedule.toConfig() : this.lr,
    };
    if (this.clipNorm !== undefined) config.clipNorm = this.clipNorm;
    if (this.clipValue !== undefined) config.clipValue = this.clipValue;
    if (this.globalClipnorm !== undefined) config.globalClipnorm = this.globalClipnorm;
    return { ...config, ...this.hyperparameters() };
  }

  /** The live state arrays for a variable (undefined before its first update). */
  getSlots(variable: Variable): S | undefined {
    return this.slotsByVariable.get(variable);
  }

  /**
   * The optimizer's training state: the step count, per-step scalars of its own (Nadam's schedule
   * product) and copies of each variable's slots, keyed by variable name (variables never updated
   * have none).
   */
  getState(variables: readonly Variable[]): OptimizerState {
    const slots = variables.map((variable) => {
      const own = this.slotsByVariable.get(variable);
      if (!own) return null;
      const values: Record<string, number[]> = {};
      for (const [name, array] of Object.entries(own)) values[name] = Array.from(array);
      return { variable: variable.name, values };
    });
    return { name: this.name, iterations: this.steps, scalars: this.stateScalars(), slots };
  }

  /**
   * Restores {@link getState}'s result for these variables, matched by position (a fresh model's
   * variables have other names); everything is checked before anything changes.
   */
  setState(variables: readonly Variable[], state: OptimizerState): void {
    if (state.name !== this.name) {
      throw new Error(`${this.name}: cannot restore the state of a '${state.name}' optimizer`);
    }
    if (!Number.isInteger(state.iterations) || state.iterations < 0) {
      throw new RangeError(
        `${this.name}: state iterations must be a non-negative integer, got ${state.iterations}`,
      );
    }
    if (state.slots.length !== variables.length) {
      throw new RangeError(
        `${this.name}: the state has slots for ${state.slots.length} variables, the model ${variables.length}`,
      );
    }
    const restored = state.slots.map((entry, i) => {
      if (entry === null) return null;
      const variable = variables[i];
      const fresh = this.createSlots(variable);
      for (const [slot, values] of Object.entries(entry.values)) {
        const target = (fresh as Slots)[slot];
        if (!target) throw new Error(`${this.name}: '${variable.name}' has no slot '${slot}'`);
        if (target.length !== values.length) {
          throw new RangeError(
            `${this.name}: slot '${slot}' of '${variable.name}' has ${target.length} values, the state ${values.length}`,
          );
        }
        target.set(values);
      }
      return fresh;
    });
    this.slotsByVariable.clear();
    restored.forEach((slots, i) => {
      if (slots) this.slotsByVariable.set(variables[i], slots);
    });
    this.steps = state.iterations;
    this.restoreStateScalars(state.scalars);
  }

  /** Per-step scalars beyond the step count that the next update depends on. */
  protected stateScalars(): Record<string, number> {
    return {};
  }

  /** Restores {@link stateScalars}. */
  protected restoreStateScalars(_scalars: Readonly<Record<string, number>>): void {}

  /** The optimizer-specific hyper-parameters for `getConfig`. */
  protected abstract hyperparameters(): Record<string, number | boolean | string>;

  /** Creates a variable's slots on its first update (arrays of the variable's dtype). */
  protected abstract createSlots(variable: Variable): S;

  /**
   * Updates one variable in place: a single pass over its elements, in the documented order of
   * operations. `grad` has the variable's length (and, after clipping, its dtype).
   */
  protected abstract updateVariable(variable: Variable, grad: FloatArray, step: number): void;

  /** Per-step work that is not per variable (Nadam's momentum-schedule product). */
  protected beginStep(_step: number): void {}

  /** The variable's slots, created on first use. */
  protected slotsOf(variable: Variable): S {
    let slots = this.slotsByVariable.get(variable);
    if (slots === undefined) {
      slots = this.createSlots(variable);
      this.slotsByVariable.set(variable, slots);
    }
    return slots;
  }

  private checkPair(pair: GradientPair): void {
    const { variable, grad } = pair;
    if (!(grad instanceof Float32Array || grad instanceof Float64Array)) {
      throw new TypeError(
        `${this.name}: gradient of '${variable.name}' must be a Float32Array or Float64Array`,
      );
    }
    const size = variable.value.size;
    if (grad.length !== size) {
      throw new RangeError(
        `${this.name}: gradient of '${variable.name}' has ${grad.length} values, the variable has ${size}`,
      );
    }
  }

  private clipped(variable: Variable, grad: FloatArray, globalScale: number | undefined): FloatArray {
    if (this.clipNorm === undefined && this.clipValue === undefined && globalScale === undefined) {
      return grad;
    }
    let buffer = this.clipBuffers.get(variable);
    if (buffer === undefined) {
      buffer = allocate(variable.dtype, grad.length);
      this.clipBuffers.set(variable, buffer);
    }
    if (this.clipNorm !== undefined) clipByNorm(grad, this.clipNorm, buffer);
    else if (this.clipValue !== undefined) clipByValue(grad, this.clipValue, buffer);
    else if (globalScale !== undefined) scaleInto(grad, globalScale, buffer);
    return buffer;
  }
}
