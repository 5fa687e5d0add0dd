/**
 * One entry point back from JSON for every saveable data step, so a model's saved metadata can
 * hold a list of them and restore each without knowing its class in advance.
 */

import { describe } from '../validate/index.js';
import { LabelEncoder, type LabelEncoderConfig } from './categorical.js';
import {
  MinMaxScaler,
  type MinMaxScalerConfig,
  StandardScaler,
  type StandardScalerConfig,
} from './scalers.js';
import { HoldoutSplit, type HoldoutSplitConfig, KFold, type KFoldConfig, StratifiedKFold } from './splits.js';

/** The `toConfig()` of any saveable data step. */
export type PreprocessorConfig =
  | StandardScalerConfig
  | MinMaxScalerConfig
  | LabelEncoderConfig
  | HoldoutSplitConfig
  | KFoldConfig;

const RESTORE = {
  StandardScaler: (c: PreprocessorConfig) => StandardScaler.fromConfig(c as StandardScalerConfig),
  MinMaxScaler: (c: PreprocessorConfig) => MinMaxScaler.fromConfig(c as MinMaxScalerConfig),
  LabelEncoder: (c: PreprocessorConfig) => LabelEncoder.fromConfig(c as LabelEncoderConfig),
  HoldoutSplit: (c: PreprocessorConfig) => HoldoutSplit.fromConfig(c as HoldoutSplitConfig),
  KFold: (c: PreprocessorConfig) => KFold.fromConfig(c as KFoldConfig<'KFold'>),
  StratifiedKFold: (c: PreprocessorConfig) => StratifiedKFold.fromConfig(c as KFoldConfig<'StratifiedKFold'>),
} as const;

/**
 * Rebuilds a scaler, encoder or split from its `toConfig()` (after a JSON round trip).
 *
 * @throws TypeError naming the unknown `className`.
 * @example
 * ```ts
 * const saved = JSON.stringify([scaler.toConfig(), encoder.toConfig()]);
 * const [scaler2, encoder2] = JSON.parse(saved).map(preprocessorFromConfig);
 * ```
 */
export function preprocessorFromConfig(
  config: PreprocessorConfig,
): StandardScaler | MinMaxScaler | LabelEncoder | HoldoutSplit | KFold | StratifiedKFold {
  const name = (config as { className?: unknown } | null)?.className;
  if (typeof name !== 'string' || !Object.hasOwn(RESTORE, name)) {
    throw new TypeError(
      `preprocessorFromConfig: className must be one of ${Object.keys(RESTORE).join(', ')}, got ${describe(name)}`,
    );
  }
  return RESTORE[name as keyof typeof RESTORE](config);
}
