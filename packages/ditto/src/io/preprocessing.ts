/**
 * Preprocessing saved with a model: the fitted scalers, encoders and splits of the data the model
 * was trained on, as their `toConfig()` JSON in the model file's header (`preprocessing`), so the
 * file alone can prepare new inputs the same way. (`readPreprocessing`, which reads a file, is in
 * decode.ts: this module is the encoder's, and the encoder must not reach the models.)
 */
import { type PreprocessorConfig, preprocessorFromConfig } from '../data/preprocessor-config.js';
import { describe } from '../validate/index.js';
import { ModelFileError } from './errors.js';

/** A data step a model file can hold: anything with a `toConfig()` that `preprocessorFromConfig` reads. */
export interface SaveablePreprocessor {
  toConfig(): PreprocessorConfig;
}

/** The configs of the steps, checked to rebuild now (so a file never holds one that cannot load). */
export function preprocessingToConfig(steps: unknown): PreprocessorConfig[] {
  if (!Array.isArray(steps)) {
    throw new TypeError(
      `toBytes: preprocessing must be a list of scalers, encoders or splits, got ${describe(steps)}`,
    );
  }
  return steps.map((step, i) => {
    if (typeof (step as Partial<SaveablePreprocessor> | null)?.toConfig !== 'function') {
      throw new TypeError(
        `toBytes: preprocessing[${i}] has no toConfig() (a scaler, encoder or split), got ${describe(step)}`,
      );
    }
    const config = JSON.parse(
      JSON.stringify((step as SaveablePreprocessor).toConfig()),
    ) as PreprocessorConfig;
    try {
      preprocessorFromConfig(config);
    } catch (error) {
      throw new TypeError(`toBytes: preprocessing[${i}] cannot be saved: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return config;
  });
}

/** Rebuilds the steps a header holds; errors name the entry. */
export function preprocessingFromConfig(configs: unknown): ReturnType<typeof preprocessorFromConfig>[] {
  if (configs === undefined || configs === null) return [];
  if (!Array.isArray(configs)) throw new ModelFileError('preprocessing', 'is not a list');
  return configs.map((config, i) => {
    try {
      return preprocessorFromConfig(config as PreprocessorConfig);
    } catch (error) {
      throw new ModelFileError(`preprocessing[${i}]`, (error as Error).message);
    }
  });
}
