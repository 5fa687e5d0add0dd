/**
 * Data helpers on plain arrays: framing a series as input/target pairs, splitting samples into
 * training and test sets with a keyed shuffle, and scikit-learn's regression scores in float64;
 * preprocessing fitted on training data (scalers, label encoding, one-hot), keyed hold-out and
 * k-fold splits, each saveable as JSON.
 *
 * @module
 */
export {
  argMax,
  type Label,
  LabelEncoder,
  type LabelEncoderConfig,
  toCategorical,
} from './categorical.js';
export {
  type CsvBatch,
  type CsvBatchOptions,
  type CsvColumnType,
  CsvError,
  type CsvMissingPolicy,
  type CsvOptions,
  type CsvRecord,
  type CsvRows,
  type CsvTable,
  type CsvValue,
  csvBatches,
  csvTable,
  openCsvRows,
} from './csv-records.js';
export { type PreprocessorConfig, preprocessorFromConfig } from './preprocessor-config.js';
export {
  meanAbsoluteError,
  meanSquaredError,
  type RegressionValues,
  r2Score,
  rootMeanSquaredError,
} from './regression-scores.js';
export type { Rows } from './rows.js';
export {
  MinMaxScaler,
  type MinMaxScalerConfig,
  type MinMaxScalerOptions,
  StandardScaler,
  type StandardScalerConfig,
  type StandardScalerOptions,
} from './scalers.js';
export {
  type SeriesToSupervisedOptions,
  type SupervisedData,
  seriesToSupervised,
} from './series-to-supervised.js';
export {
  type Fold,
  HoldoutSplit,
  type HoldoutSplitConfig,
  type HoldoutSplitOptions,
  KFold,
  type KFoldConfig,
  type KFoldOptions,
  type SplitIndices,
  StratifiedKFold,
  shuffleIndices,
  take,
} from './splits.js';
export {
  type TrainTestSplit,
  type TrainTestSplitOptions,
  testCount,
  trainTestSplit,
} from './train-test-split.js';
