/** A playground configuration: the tutorial network's knobs, the seed and the number of repeats. */
import { getOptimizer, OPTIMIZER_NAMES } from '../../packages/ditto/src/optimizers/index.js';

export interface PlaygroundConfig {
  hiddenUnits: number;
  epochs: number;
  optimizer: string;
  /** Undefined: the optimizer's Keras default. */
  learningRate: number | undefined;
  /** The experiment seed; undefined means "no seed" (one is drawn per click of Run, and shown). */
  seed: bigint | undefined;
  repeats: number;
  backend: 'js' | 'wasm';
}

/** Limits of the form's fields. */
export const LIMITS = {
  hiddenUnits: { min: 1, max: 256 },
  epochs: { min: 1, max: 5000 },
  repeats: { min: 1, max: 100 },
  learningRate: { min: 0, max: 10 },
} as const;

export const OPTIMIZERS: readonly string[] = OPTIMIZER_NAMES;

/** The optimizer's default learning rate (Keras's), for the field's placeholder. */
export function defaultLearningRate(optimizer: string): number {
  return Number(getOptimizer(optimizer).getConfig().learningRate);
}

/** Raw field values, as the form holds them. */
export interface ConfigFields {
  hiddenUnits: string;
  epochs: string;
  optimizer: string;
  learningRate: string;
  seeded: boolean;
  seed: string;
  repeats: string;
  backend: string;
}

/** A field's problem, in words, keyed by field name. */
export type ConfigErrors = Partial<Record<keyof ConfigFields, string>>;

function integerIn(text: string, min: number, max: number, what: string): number | string {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    return `${what} must be a whole number from ${min} to ${max}.`;
  }
  return value;
}

/**
 * Checks the form's values. Returns the configuration, or an error message per invalid field.
 *
 * @example
 * ```ts
 * parseConfig({ hiddenUnits: '10', epochs: '100', optimizer: 'adam', learningRate: '', seeded: true,
 *   seed: '1', repeats: '30', backend: 'js' }); // { config: { hiddenUnits: 10, … seed: 1n } }
 * ```
 */
export function parseConfig(fields: ConfigFields): { config: PlaygroundConfig } | { errors: ConfigErrors } {
  const errors: ConfigErrors = {};
  const hiddenUnits = integerIn(
    fields.hiddenUnits,
    LIMITS.hiddenUnits.min,
    LIMITS.hiddenUnits.max,
    'Hidden units',
  );
  const epochs = integerIn(fields.epochs, LIMITS.epochs.min, LIMITS.epochs.max, 'Epochs');
  const repeats = integerIn(fields.repeats, LIMITS.repeats.min, LIMITS.repeats.max, 'Repeats');
  if (typeof hiddenUnits === 'string') errors.hiddenUnits = hiddenUnits;
  if (typeof epochs === 'string') errors.epochs = epochs;
  if (typeof repeats === 'string') errors.repeats = repeats;
  if (!OPTIMIZERS.includes(fields.optimizer)) errors.optimizer = `Unknown optimizer '${fields.optimizer}'.`;
  let learningRate: number | undefined;
  if (fields.learningRate.trim() !== '') {
    learningRate = Number(fields.learningRate.trim());
    if (!(learningRate > LIMITS.learningRate.min && learningRate <= LIMITS.learningRate.max)) {
      errors.learningRate =
        'Learning rate must be a number above 0 and at most 10, or empty for the default.';
    }
  }
  let seed: bigint | undefined;
  if (fields.seeded) {
    const text = fields.seed.trim();
    seed = /^\d{1,20}$/.test(text) ? BigInt(text) : undefined;
    if (seed === undefined || seed >= 2n ** 64n) {
      errors.seed = 'Seed must be a whole number from 0 to 18446744073709551615.';
    }
  }
  const backend = fields.backend === 'wasm' ? 'wasm' : 'js';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    config: {
      hiddenUnits: hiddenUnits as number,
      epochs: epochs as number,
      optimizer: fields.optimizer,
      learningRate,
      seed,
      repeats: repeats as number,
      backend,
    },
  };
}

/** A short description, e.g. "1→10→1, adam (lr 0.001), 100 epochs, seed 1, 30 repeats". */
export function describeConfig(config: PlaygroundConfig): string {
  const lr = config.learningRate ?? defaultLearningRate(config.optimizer);
  const seed = config.seed === undefined ? 'no seed' : `seed ${config.seed}`;
  const repeats = `${config.repeats} repeat${config.repeats === 1 ? '' : 's'}`;
  return `1→${config.hiddenUnits}→1, ${config.optimizer} (lr ${lr}), ${config.epochs} epochs, ${seed}, ${repeats}`;
}

/**
 * The command that reproduces one run in Node, bit for bit: the same fit, printed with its weights
 * hash. A run is named by its experiment seed (given, or drawn for "no seed") and repeat index.
 *
 * @example
 * ```ts
 * replayCommand(config, 1n, 3);
 * // 'npx ditto playground fit --hidden-units 10 --epochs 100 --optimizer adam --seed 1 --repeat 3'
 * ```
 */
export function replayCommand(config: PlaygroundConfig, experimentSeed: bigint, repeat: number): string {
  const parts = [
    'npx ditto playground fit',
    `--hidden-units ${config.hiddenUnits}`,
    `--epochs ${config.epochs}`,
    `--optimizer ${config.optimizer}`,
  ];
  // String(x) is the shortest text that parses back to the same double, so Node gets the same rate.
  if (config.learningRate !== undefined) parts.push(`--learning-rate ${String(config.learningRate)}`);
  parts.push(`--seed ${experimentSeed}`, `--repeat ${repeat}`);
  return parts.join(' ');
}
