/**
 * The training trace: after every gradient step, a 64-bit fingerprint of every weight the step
 * computed with, every gradient it produced and every optimizer slot after its update. Two traces
 * of the same program tell exactly where two runs first part ways ({@link compareTraces}).
 *
 * The trace follows `fit` through `Model.auditCallbacks` (the model's audit hook) and sees each
 * step's gradients by wrapping the compiled optimizer's `applyGradients` for the fit's duration.
 *
 * @module
 */

import type { Callback, TrainingModel } from '../callbacks/callback.js';
import type { Variable } from '../layers/variable.js';
import { Model } from '../models/model.js';
import type { GradientPair, Optimizer } from '../optimizers/optimizer.js';
import type { DType, FloatArray } from '../tensor/dtype.js';
import { hashHex, traceHashInto } from './trace-hash.js';

/** What a traced tensor is. */
export type TraceTensorKind = 'weights' | 'gradient' | 'slot';

/** One tensor recorded at every step of a fit. */
export interface TraceTensorInfo {
  /** Readable name: 'dense/kernel', 'dense/kernel · gradient', 'dense/kernel · slot momentum'. */
  readonly name: string;
  readonly kind: TraceTensorKind;
  /** The variable it belongs to (e.g. 'dense/kernel'). */
  readonly variable: string;
  /** The optimizer slot's name, for kind 'slot'. */
  readonly slot?: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** One traced `fit`. */
export interface TraceFit {
  /** The model's name. */
  readonly model: string;
  /**
   * The tensors recorded at each step, in this order: every variable of the model (the weights the
   * step computed with), then each trainable variable's gradient, then each optimizer slot after
   * the step's update (variable by variable, slot by slot).
   */
  readonly tensors: readonly TraceTensorInfo[];
  /** `model.weightsHash()` (SHA-256) when the fit ended. */
  weightsHash?: string;
}

/** One gradient step. Counters are 0-based. */
export interface TraceStep {
  /** Steps counted across every fit of the trace. */
  readonly step: number;
  /** Index into {@link TrainingTraceData.fits}. */
  readonly fit: number;
  readonly epoch: number;
  /** The batch within the epoch. */
  readonly batch: number;
  /**
   * The 64-bit fingerprint ({@link traceHashInto}) of each tensor of the fit's `tensors`, in that
   * order: two words per tensor (`hashHex(hashes, i)` gives tensor i's as hex).
   */
  readonly hashes: Uint32Array;
  /** Copies of the tensors' values (only with the `values` option). */
  readonly values?: readonly FloatArray[];
}

/** A whole trace: plain data, written as JSON by `ditto diverge`'s child processes. */
export interface TrainingTraceData {
  readonly format: 'ditto-trace/1';
  readonly fits: TraceFit[];
  readonly steps: TraceStep[];
}

/** The values of one tensor at one step, captured on request. */
export interface CapturedTensor {
  readonly step: number;
  /** Index into the fit's `tensors`. */
  readonly tensor: number;
  readonly info: TraceTensorInfo;
  readonly hash: string;
  readonly values: FloatArray;
}

/** Options of {@link traceTraining}. */
export interface TraceOptions {
  /** Keep a copy of every tensor at every step (for comparing small models in one process). */
  values?: boolean;
  /** Keep the values of one tensor at one step (what `ditto diverge` asks for in its second pass). */
  capture?: { readonly step: number; readonly tensor: number };
  /** Called after each recorded step (with the capture, when it is this step's). */
  onStep?: (step: TraceStep, captured: CapturedTensor | undefined) => void;
}

interface SlotHolder {
  getSlots?(variable: Variable): Readonly<Record<string, FloatArray>> | undefined;
}

/** The model as the trace sees it (any Model; typed loosely to stay a plain callback). */
type TracedModel = TrainingModel & {
  readonly name: string;
  readonly variables: Variable[];
  readonly optimizer: Optimizer;
  weightsHash(): string;
};

/** The weights as the step found them: copies where asked for (their fingerprints go to `weightWords`). */
interface WeightsBefore {
  readonly values?: FloatArray[];
  /** A copy of the weights tensor the `capture` option asks for, when it is this step's. */
  readonly capture?: FloatArray;
}

interface ActiveFit {
  readonly model: TracedModel;
  readonly optimizer: Optimizer & SlotHolder;
  readonly previous: PropertyDescriptor | undefined;
  readonly index: number;
  /** The model's variables (fixed during a fit), read once. */
  readonly variables: readonly Variable[];
  /** Fingerprints of the weights before the current step's update, two words per variable. */
  readonly weightWords: Uint32Array;
  epoch: number;
  batch: number;
  /** The function put in place of the optimizer's `applyGradients`. */
  wrapper?: (pairs: readonly GradientPair[]) => void;
  /** Variables and slots as laid out at the fit's first step. */
  layout?: { tensors: TraceTensorInfo[]; slotNames: string[][] };
}

/** Wrappers whose fit has ended, with what they replaced: for unwinding stacked traces. */
const endedWrappers = new WeakMap<object, PropertyDescriptor | undefined>();

/**
 * A recorder of training steps, from {@link traceTraining}. Read its {@link TrainingTrace.data};
 * call {@link TrainingTrace.stop} when done.
 */
export class TrainingTrace {
  readonly #only: object | undefined;
  readonly #options: TraceOptions;
  readonly #data: TrainingTraceData = { format: 'ditto-trace/1', fits: [], steps: [] };
  #captured: CapturedTensor | undefined;
  #active: ActiveFit | undefined;
  #pendingModel: TracedModel | undefined;
  #stopped = false;
  /** Reused list of one step's gradient and slot arrays. */
  readonly #scratch: FloatArray[] = [];
  readonly #callback: Callback;

  /** Use {@link traceTraining}. */
  constructor(model: object | undefined, options: TraceOptions) {
    this.#only = model;
    this.#options = options;
    this.#callback = {
      setModel: (m) => {
        this.#pendingModel = m as TracedModel;
      },
      onTrainBegin: () => this.#beginFit(),
      onEpochBegin: (epoch) => {
        if (this.#active) this.#active.epoch = epoch;
      },
      onBatchBegin: (batch) => {
        if (this.#active) this.#active.batch = batch;
      },
      onTrainEnd: () => this.#endFit(true),
    };
    Model.auditCallbacks.add(this.#callback);
  }

  /** The trace so far (live: it grows while training runs). */
  get data(): TrainingTraceData {
    return this.#data;
  }

  /** The steps recorded so far. */
  get steps(): readonly TraceStep[] {
    return this.#data.steps;
  }

  /** The tensor captured with the `capture` option, once its step has run. */
  get captured(): CapturedTensor | undefined {
    return this.#captured;
  }

  /** Stops recording (unwrapping an optimizer left wrapped by a fit that threw) and returns the trace. */
  stop(): TrainingTraceData {
    if (!this.#stopped) {
      this.#stopped = true;
      Model.auditCallbacks.delete(this.#callback);
      this.#endFit(false);
    }
    return this.#data;
  }

  #beginFit(): void {
    const model = this.#pendingModel;
    this.#pendingModel = undefined;
    if (!model || (this.#only !== undefined && model !== this.#only)) return;
    this.#endFit(false);
    const optimizer = model.optimizer as Optimizer & SlotHolder;
    const previous = Object.getOwnPropertyDescriptor(optimizer, 'applyGradients');
    const original = optimizer.applyGradients;
    const index = this.#data.fits.length;
    const variables = [...model.variables];
    const weightWords = new Uint32Array(2 * variables.length);
    const fit: ActiveFit = { model, optimizer, previous, index, variables, weightWords, epoch: 0, batch: 0 };
    this.#data.fits.push({ model: model.name, tensors: [] });
    // A plain assignment keeps the optimizer's fast property layout (defineProperty with
    // non-default attributes would not, and would slow every update it makes).
    fit.wrapper = (pairs: readonly GradientPair[]) => {
      // Once this fit has ended, the wrapper only passes calls through.
      const before = this.#active === fit ? this.#hashWeights(fit) : undefined;
      original.call(optimizer, pairs);
      if (before) this.#recordStep(fit, before, pairs);
    };
    optimizer.applyGradients = fit.wrapper;
    this.#active = fit;
  }

  #endFit(completed: boolean): void {
    const fit = this.#active;
    if (!fit) return;
    this.#active = undefined;
    if (completed) this.#data.fits[fit.index].weightsHash = fit.model.weightsHash();
    const optimizer = fit.optimizer as { applyGradients?: unknown };
    if (fit.wrapper) endedWrappers.set(fit.wrapper, fit.previous);
    // If another trace wrapped the optimizer after this one, leave the chain alone: this wrapper
    // now passes calls through, and the other trace unwinds it when it ends.
    if (optimizer.applyGradients !== fit.wrapper) return;
    let previous = fit.previous;
    while (previous && 'value' in previous && endedWrappers.has(previous.value)) {
      previous = endedWrappers.get(previous.value);
    }
    if (previous === undefined) delete optimizer.applyGradients;
    else if ('value' in previous && previous.writable) optimizer.applyGradients = previous.value;
    else Object.defineProperty(optimizer, 'applyGradients', previous);
  }

  /** The weights the step computes with, taken before the optimizer changes them. */
  #hashWeights(fit: ActiveFit): WeightsBefore {
    const variables = fit.variables;
    for (let i = 0; i < variables.length; i++) traceHashInto(variables[i].value.data, fit.weightWords, 2 * i);
    const want = this.#options.capture;
    const capture =
      want && want.step === this.#data.steps.length && want.tensor < variables.length
        ? variables[want.tensor].value.data.slice()
        : undefined;
    return {
      values: this.#keepAll() ? variables.map((v) => v.value.data.slice()) : undefined,
      capture,
    };
  }

  #keepAll(): boolean {
    return this.#options.values === true;
  }

  #layout(fit: ActiveFit, pairs: readonly GradientPair[]): NonNullable<ActiveFit['layout']> {
    if (fit.layout) return fit.layout;
    const info = (
      v: Variable,
      kind: TraceTensorKind,
      shape: readonly number[],
      slot?: string,
    ): TraceTensorInfo => ({
      name:
        kind === 'weights'
          ? v.name
          : kind === 'gradient'
            ? `${v.name} · gradient`
            : `${v.name} · slot ${slot}`,
      kind,
      variable: v.name,
      ...(slot !== undefined ? { slot } : {}),
      dtype: v.dtype,
      shape: [...shape],
    });
    const tensors: TraceTensorInfo[] = fit.variables.map((v) => info(v, 'weights', v.shape));
    for (const { variable } of pairs) tensors.push(info(variable, 'gradient', variable.shape));
    const slotNames: string[][] = [];
    for (const { variable } of pairs) {
      const slots = fit.optimizer.getSlots?.(variable) ?? {};
      const names = Object.keys(slots).filter((name) => slots[name].length > 0);
      slotNames.push(names);
      for (const name of names) tensors.push(info(variable, 'slot', variable.shape, name));
    }
    fit.layout = { tensors, slotNames };
    this.#data.fits[fit.index] = { ...this.#data.fits[fit.index], tensors };
    return fit.layout;
  }

  #recordStep(fit: ActiveFit, before: WeightsBefore, pairs: readonly GradientPair[]): void {
    const layout = this.#layout(fit, pairs);
    const stepIndex = this.#data.steps.length;
    const count = layout.tensors.length;
    const hashes = new Uint32Array(2 * count);
    hashes.set(fit.weightWords);
    const keep: FloatArray[] | undefined = before.values ? [...before.values] : undefined;
    const want = this.#options.capture;
    const wanted = want && want.step === stepIndex ? want.tensor : -1;
    let captured: FloatArray | undefined =
      wanted >= 0 && wanted < fit.variables.length ? before.capture : undefined;
    // Gradients, then slots, hashed straight into the step's words (no per-tensor allocation).
    let t = fit.variables.length;
    const tensorsOfStep: FloatArray[] = this.#scratch;
    tensorsOfStep.length = 0;
    for (let i = 0; i < pairs.length; i++) tensorsOfStep.push(pairs[i].grad);
    for (let i = 0; i < pairs.length; i++) {
      const slots = fit.optimizer.getSlots?.(pairs[i].variable);
      const names = layout.slotNames[i] ?? [];
      for (let k = 0; k < names.length; k++) if (slots) tensorsOfStep.push(slots[names[k]]);
    }
    for (const array of tensorsOfStep) {
      if (t < count) {
        traceHashInto(array, hashes, 2 * t);
        if (keep) keep.push(array.slice());
        if (t === wanted) captured = array.slice();
      }
      t++;
    }
    if (t !== count || pairs.length !== layout.slotNames.length) {
      throw new Error(
        `traceTraining: step ${stepIndex} does not have the tensors of the fit's first step ` +
          `(${pairs.length} gradients, expected ${layout.slotNames.length})`,
      );
    }
    const step: TraceStep = {
      step: stepIndex,
      fit: fit.index,
      epoch: fit.epoch,
      batch: fit.batch,
      hashes,
      ...(keep ? { values: keep } : {}),
    };
    this.#data.steps.push(step);
    let capture: CapturedTensor | undefined;
    if (captured) {
      capture = {
        step: stepIndex,
        tensor: wanted,
        info: layout.tensors[wanted],
        hash: hashHex(hashes, wanted),
        values: captured,
      };
      this.#captured = capture;
    }
    this.#options.onStep?.(step, capture);
  }
}

/**
 * Starts recording the training steps of `model` — or, without a model, of every `fit` in this
 * thread — until {@link TrainingTrace.stop}. Cost: one pass over every weight, gradient and slot per
 * step (measured on the tutorial workload in docs/reproducibility.md).
 *
 * @example
 * ```ts
 * import { traceTraining, compareTraces } from 'ditto';
 * const trace = traceTraining(model);
 * await model.fit(X, y, { epochs: 100, verbose: 0 });
 * const a = trace.stop();
 * // … the same for a second run, then:
 * const result = compareTraces(a, b);
 * if (!result.same) console.log(result.step, result.tensor.name);
 * ```
 */
export function traceTraining(model?: Model, options: TraceOptions = {}): TrainingTrace {
  return new TrainingTrace(model, options);
}
