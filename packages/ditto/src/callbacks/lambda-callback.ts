/** Keras's LambdaCallback: a callback made of the hooks given as options. */
import { checkFunction, checkOptions, optionNames } from '../validate/index.js';
import type { Callback, Logs } from './callback.js';

/** The hooks of {@link LambdaCallback}, each optional (Keras's `on_epoch_begin` … in camelCase). */
export interface LambdaCallbackOptions {
  onTrainBegin?: (logs: Logs) => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

const HOOKS = optionNames<LambdaCallbackOptions>({
  onTrainBegin: true,
  onTrainEnd: true,
  onEpochBegin: true,
  onEpochEnd: true,
  onBatchBegin: true,
  onBatchEnd: true,
});

/**
 * A callback from functions, as Keras's LambdaCallback: each hook given is called as `fit` calls
 * the hook of that name (a returned promise is awaited).
 *
 * @example
 * ```ts
 * const losses: number[] = [];
 * await model.fit(x, y, { epochs: 5, callbacks: [new LambdaCallback({ onEpochEnd: (_e, logs) => losses.push(logs.loss) })] });
 * ```
 */
export class LambdaCallback implements Callback {
  onTrainBegin?: LambdaCallbackOptions['onTrainBegin'];
  onTrainEnd?: LambdaCallbackOptions['onTrainEnd'];
  onEpochBegin?: LambdaCallbackOptions['onEpochBegin'];
  onEpochEnd?: LambdaCallbackOptions['onEpochEnd'];
  onBatchBegin?: LambdaCallbackOptions['onBatchBegin'];
  onBatchEnd?: LambdaCallbackOptions['onBatchEnd'];

  constructor(options: LambdaCallbackOptions = {}) {
    checkOptions('LambdaCallback', options, HOOKS);
    for (const hook of HOOKS) {
      const fn = (options as Record<string, unknown>)[hook];
      if (fn === undefined) continue;
      checkFunction('LambdaCallback', hook, fn);
      (this as Record<string, unknown>)[hook] = fn;
    }
  }
}
