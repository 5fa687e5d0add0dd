/** Keras 3's CosineDecay, with its linear warm-up. */
import { checkOptions, optionNames } from '../../validate/index.js';
import { float32Cos } from './float32-math.js';
import { required, requireNonNegative, requireSteps } from './options.js';
import { LearningRateSchedule } from './schedule.js';

/** Options of {@link CosineDecay} (Keras 3's arguments in camelCase). */
export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The floor, as a fraction of the decayed-from rate (default 0). */
  alpha?: number;
  /** With warm-up: the rate reached after `warmupSteps`, from which the cosine decays. */
  warmupTarget?: number;
  /** Steps of linear warm-up from initialLearningRate to warmupTarget (default 0). */
  warmupSteps?: number;
}

const OPTIONS = optionNames<CosineDecayOptions>({
  initialLearningRate: true,
  decaySteps: true,
  alpha: true,
  warmupTarget: true,
  warmupSteps: true,
});

const fr = Math.fround;

/**
 * Keras 3's cosine decay, in float32. Without `warmupTarget`: with s = min(step, decaySteps),
 * initial · ((1 − α) · 0.5 · (1 + cos(π · s / decaySteps)) + α). With it: for step < warmupSteps a
 * linear ramp (target − initial) · step / warmupSteps + initial, then the same cosine from the
 * target over step − warmupSteps (the step held at decaySteps + warmupSteps).
 *
 * @example
 * ```ts
 * const lr = new CosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.1, warmupSteps: 10 });
 * lr.at(5);   // 0.05 (warming up)
 * lr.at(60);  // 0.05 (half-way down the cosine)
 * ```
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | undefined;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    super();
    const name = 'CosineDecay';
    checkOptions(name, options, OPTIONS);
    const o = required(name, 'options', options);
    this.initialLearningRate = requireNonNegative(
      name,
      'initialLearningRate',
      required(name, 'initialLearningRate', o.initialLearningRate),
    );
    this.decaySteps = requireSteps(name, 'decaySteps', required(name, 'decaySteps', o.decaySteps));
    this.alpha = requireNonNegative(name, 'alpha', o.alpha ?? 0);
    this.warmupTarget =
      o.warmupTarget === undefined ? undefined : requireNonNegative(name, 'warmupTarget', o.warmupTarget);
    const warmupSteps = o.warmupSteps ?? 0;
    if (!Number.isSafeInteger(warmupSteps) || warmupSteps < 0) {
      throw new RangeError(`${name}: warmupSteps must be a non-negative integer, got ${String(warmupSteps)}`);
    }
    this.warmupSteps = warmupSteps;
  }

  protected valueAt(step: number): number {
    const initial = fr(this.initialLearningRate);
    const steps = fr(this.decaySteps);
    const global = fr(step);
    if (this.warmupTarget === undefined) return this.decayed(Math.min(global, steps), steps, initial);
    const target = fr(this.warmupTarget);
    const warmup = fr(this.warmupSteps);
    const held = Math.min(global, fr(steps + warmup));
    if (held < warmup) {
      return fr(fr(fr(target - initial) * fr(held / warmup)) + initial);
    }
    return this.decayed(fr(held - warmup), steps, target);
  }

  /** from · ((1 − α) · 0.5 · (1 + cos(π · step / steps)) + α), each operation in float32. */
  private decayed(step: number, steps: number, from: number): number {
    const fraction = fr(step / steps);
    const cosine = fr(fr(0.5) * fr(1 + float32Cos(fr(fr(Math.PI) * fraction))));
    const alpha = fr(this.alpha);
    return fr(from * fr(fr(fr(1 - alpha) * cosine) + alpha));
  }

  getConfig(): Record<string, number> {
    const config: Record<string, number> = {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      warmupSteps: this.warmupSteps,
    };
    if (this.warmupTarget !== undefined) config.warmupTarget = this.warmupTarget;
    return config;
  }
}
