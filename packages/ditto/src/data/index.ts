/**
 * Data helpers on plain arrays: framing a series as input/target pairs, splitting samples into
 * training and test sets with a keyed shuffle, and scikit-learn's regression scores in float64.
 *
 * @module
 */
export {
  meanAbsoluteError,
  meanSquaredError,
  type RegressionValues,
  r2Score,
  rootMeanSquaredError,
} from './regression-scores.js';
export {
  type SeriesToSupervisedOptions,
  type SupervisedData,
  seriesToSupervised,
} from './series-to-supervised.js';
export {
  type TrainTestSplit,
  type TrainTestSplitOptions,
  testCount,
  trainTestSplit,
} from './train-test-split.js';
