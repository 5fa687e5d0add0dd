/**
 * Every bad input a clear error (issue 15): a table of bad calls across the public API, each
 * asserting the error names the function, the culprit and (for names) the nearest valid one.
 */
import { describe, expect, it } from 'vitest';
import { EarlyStopping } from '../packages/ditto/src/callbacks/early-stopping.js';
import { seriesToSupervised } from '../packages/ditto/src/data/series-to-supervised.js';
import { trainTestSplit } from '../packages/ditto/src/data/train-test-split.js';
import { experiment } from '../packages/ditto/src/experiments/experiment.js';
import { getInitializer, glorotUniform, randomNormal } from '../packages/ditto/src/initializers/index.js';
import { Activation } from '../packages/ditto/src/layers/activation-layer.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Dropout } from '../packages/ditto/src/layers/dropout.js';
import { l1l2 } from '../packages/ditto/src/layers/regularizers.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import {
  Adagrad,
  Adam,
  AdamW,
  getOptimizer,
  Nadam,
  RMSprop,
  SGD,
} from '../packages/ditto/src/optimizers/index.js';
import { tensor, zeros } from '../packages/ditto/src/tensor/tensor.js';
import { checkAllocation, MAX_ARRAY_BYTES } from '../packages/ditto/src/validate/index.js';

const X = [[0], [1], [2], [3]];
const Y = [[0], [2], [4], [6]];
const run = () => ({ mse: 0 });

function compiled(): Sequential {
  const model = new Sequential([new Dense(1, { inputDim: 1 })]);
  model.compile({ loss: 'mse', optimizer: 'sgd' });
  return model;
}

/** A call that must throw, and what its message must say. */
type Case = readonly [label: string, call: () => unknown, message: RegExp];

const synchronous: Case[] = [
  // Option keys: the nearest valid name, Keras's snake_case mapped to camelCase.
  [
    'Dense activaton',
    () => new Dense(2, { activaton: 'relu' } as never),
    /Dense: unknown option "activaton" \(did you mean 'activation'\?\); valid options: .*activation/,
  ],
  [
    'Dense input_dim',
    () => new Dense(2, { input_dim: 3 } as never),
    /Dense: unknown option "input_dim" \(did you mean 'inputDim'\?\)/,
  ],
  [
    'Dense kernel_initializer',
    () => new Dense(2, { kernel_initializer: 'zeros' } as never),
    /Dense: unknown option "kernel_initializer" \(did you mean 'kernelInitializer'\?\)/,
  ],
  [
    'Dense use_bias',
    () => new Dense(2, { use_bias: false } as never),
    /"use_bias" \(did you mean 'useBias'\?\)/,
  ],
  [
    'Dense nonsense key',
    () => new Dense(2, { zzzzzz: 1 } as never),
    /Dense: unknown option "zzzzzz"; valid options: name, seed/,
  ],
  [
    'Dropout sed',
    () => new Dropout(0.5, { sed: 1 } as never),
    /Dropout: unknown option "sed" \(did you mean 'seed'\?\)/,
  ],
  [
    'Activation nmae',
    () => new Activation('relu', { nmae: 'a' } as never),
    /Activation: unknown option "nmae" \(did you mean 'name'\?\)/,
  ],
  [
    'Sequential nam',
    () => new Sequential([], { nam: 'm' } as never),
    /Sequential: unknown option "nam" \(did you mean 'name'\?\)/,
  ],
  [
    'compile optimiser',
    () => new Sequential().compile({ loss: 'mse', optimiser: 'adam' } as never),
    /compile: unknown option "optimiser" \(did you mean 'optimizer'\?\)/,
  ],
  [
    'compile metric',
    () => new Sequential().compile({ loss: 'mse', metric: ['mae'] } as never),
    /compile: unknown option "metric" \(did you mean 'metrics'\?\)/,
  ],
  [
    'evaluate batch_size',
    () => compiled().evaluate(X, Y, { batch_size: 2 } as never),
    /evaluate: unknown option "batch_size" \(did you mean 'batchSize'\?\)/,
  ],
  [
    'predict batchsize',
    () => compiled().predict(X, { batchsize: 2 } as never),
    /predict: unknown option "batchsize" \(did you mean 'batchSize'\?\)/,
  ],
  [
    'SGD lr',
    () => new SGD({ lr: 0.1 } as never),
    /SGD: unknown option "lr" \(did you mean 'learningRate'\?\)/,
  ],
  [
    'Adam learning_rate',
    () => new Adam({ learning_rate: 0.1 } as never),
    /Adam: unknown option "learning_rate" \(did you mean 'learningRate'\?\)/,
  ],
  [
    'Adam beta_1',
    () => new Adam({ beta_1: 0.8 } as never),
    /Adam: unknown option "beta_1" \(did you mean 'beta1'\?\)/,
  ],
  [
    'AdamW weight_decay',
    () => new AdamW({ weight_decay: 0.1 } as never),
    /AdamW: unknown option "weight_decay" \(did you mean 'weightDecay'\?\)/,
  ],
  [
    'RMSprop rh',
    () => new RMSprop({ rh: 0.9 } as never),
    /RMSprop: unknown option "rh" \(did you mean 'rho'\?\)/,
  ],
  [
    'Adagrad initial_accumulator_value',
    () => new Adagrad({ initial_accumulator_value: 0.1 } as never),
    /did you mean 'initialAccumulatorValue'/,
  ],
  [
    'Nadam clipnorm',
    () => new Nadam({ clipnorm: 1 } as never),
    /Nadam: unknown option "clipnorm" \(did you mean 'clipNorm'\?\)/,
  ],
  [
    'EarlyStopping patients',
    () => new EarlyStopping({ patients: 3 } as never),
    /EarlyStopping: unknown option "patients" \(did you mean 'patience'\?\)/,
  ],
  [
    'EarlyStopping restore_best_weights',
    () => new EarlyStopping({ restore_best_weights: true } as never),
    /did you mean 'restoreBestWeights'/,
  ],
  [
    'experiment repeat',
    () => experiment({ name: 't', run, repeat: 5 } as never),
    /experiment 't': unknown option "repeat" \(did you mean 'repeats'\?\)/,
  ],
  [
    'experiment sed',
    () => experiment({ name: 't', run, sed: 5 } as never),
    /experiment 't': unknown option "sed" \(did you mean 'seed'\?\)/,
  ],
  [
    'seriesToSupervised lags not an array',
    () => seriesToSupervised([1, 2, 3], { lags: 1 } as never),
    /seriesToSupervised: lags must be a non-empty array of integers ≥ 1, got 1/,
  ],
  [
    'seriesToSupervised horizon',
    () => seriesToSupervised([1, 2, 3], { horizon: [1] } as never),
    /seriesToSupervised: unknown option "horizon" \(did you mean 'horizons'\?\)/,
  ],
  [
    'seriesToSupervised drop_na',
    () => seriesToSupervised([1, 2, 3], { drop_na: true } as never),
    /did you mean 'dropNa'/,
  ],
  [
    'trainTestSplit test_size',
    () => trainTestSplit(X, Y, { test_size: 0.5 } as never),
    /trainTestSplit: unknown option "test_size" \(did you mean 'testSize'\?\)/,
  ],
  [
    'trainTestSplit random_state',
    () => trainTestSplit(X, Y, { random_state: 1 } as never),
    /trainTestSplit: unknown option "random_state" \(did you mean 'seed'\?\)/,
  ],
  [
    'glorotUniform sed',
    () => glorotUniform({ sed: 1 } as never),
    /glorotUniform: unknown option "sed" \(did you mean 'seed'\?\)/,
  ],
  ['randomNormal stdev', () => randomNormal({ stdev: 1 } as never), /did you mean 'stddev'/],
  ['l1l2 l3', () => l1l2({ l3: 0.1 } as never), /l1l2: unknown option "l3" \(did you mean 'l1'\?\)/],
  [
    'options not an object',
    () => new Dense(2, 'relu' as never),
    /Dense: options must be an object, got "relu"/,
  ],
  ['options null', () => new Adam(null as never), /Adam: options must be an object, got null/],
  // Unknown names: the nearest valid one.
  [
    'activation relux',
    () => new Dense(2, { activation: 'relux' }),
    /Unknown activation 'relux' \(did you mean 'relu'\?\)/,
  ],
  [
    'activation sigmoud',
    () => new Activation('sigmoud'),
    /Unknown activation 'sigmoud' \(did you mean 'sigmoid'\?\)/,
  ],
  ['activation leaky-relu', () => new Activation('leaky-relu'), /did you mean 'leakyRelu'/],
  [
    'activation of a number',
    () => new Activation(3 as never),
    /getActivation: expected an activation name or function, got 3/,
  ],
  [
    'loss misspelt',
    () => new Sequential().compile({ loss: 'mean_squarred_error' }),
    /unknown loss "mean_squarred_error" \(did you mean 'mean_squared_error'\?\)/,
  ],
  [
    'optimizer adma',
    () => new Sequential().compile({ loss: 'mse', optimizer: 'adma' }),
    /Unknown optimizer 'adma' \(did you mean 'adam'\?\)/,
  ],
  [
    'getOptimizer rmsprp',
    () => getOptimizer('rmsprp'),
    /Unknown optimizer 'rmsprp' \(did you mean 'rmsprop'\?\)/,
  ],
  [
    'metric maee',
    () => new Sequential().compile({ loss: 'mse', metrics: ['maee'] }),
    /unknown metric "maee" \(did you mean 'mae'\?\)/,
  ],
  [
    'metric accuracyy',
    () => new Sequential().compile({ loss: 'mse', metrics: ['accuracyy'] }),
    /did you mean 'accuracy'/,
  ],
  [
    'initializer glorot_unifrom',
    () => new Dense(2, { kernelInitializer: 'glorot_unifrom' }),
    /unknown initializer "glorot_unifrom" \(did you mean 'glorotUniform'\?\)/,
  ],
  ['getInitializer he_normall', () => getInitializer('he_normall'), /did you mean 'heNormal'/],
  [
    'regularizer l3',
    () => new Dense(2, { kernelRegularizer: 'l3' }),
    /Unknown regularizer 'l3' \(did you mean 'l1'\?\)/,
  ],
  [
    'regularizer of a number',
    () => new Dense(2, { kernelRegularizer: 2 as never }),
    /getRegularizer: expected a regularizer name or function, got 2/,
  ],
  // Argument types and ranges: the function, the argument and what it got.
  ['Dense units 0', () => new Dense(0), /Dense: units must be a positive integer, got 0/],
  ['Dense units 1.5', () => new Dense(1.5), /Dense: units must be a positive integer, got 1\.5/],
  ['Dense units NaN', () => new Dense(Number.NaN), /Dense: units must be a positive integer, got NaN/],
  ['Dense units string', () => new Dense('3' as never), /Dense: units must be a positive integer, got "3"/],
  [
    'Dense units as options',
    () => new Dense({ units: 3 } as never),
    /Dense: units must be a positive integer, got an object/,
  ],
  [
    'Dense inputDim -1',
    () => new Dense(2, { inputDim: -1 }),
    /Dense: inputDim must be a positive integer, got -1/,
  ],
  [
    'Dense useBias string',
    () => new Dense(2, { useBias: 'no' as never }),
    /Dense: useBias must be true or false, got "no"/,
  ],
  [
    'Dense dtype float16',
    () => new Dense(2, { dtype: 'float16' as never }),
    /Dense: dtype must be one of "float32", "float64", got "float16"/,
  ],
  [
    'Dense trainable 1',
    () => new Dense(2, { trainable: 1 as never }),
    /Dense: trainable must be true or false, got 1/,
  ],
  ['Dense empty name', () => new Dense(2, { name: '' }), /Dense: name must be a non-empty string, got ""/],
  [
    'Dense inputShape string',
    () => new Dense(2, { inputShape: '3' as never }),
    /Dense: inputShape must be an array, got "3"/,
  ],
  ['Dense seed 1.5', () => new Dense(2, { seed: 1.5 }), /Dense: seed is not a valid seed \(.*1\.5\)/],
  [
    'Dropout seed object',
    () => new Dropout(0.1, { seed: {} as never }),
    /Dropout: seed is not a valid seed \(.*an object/,
  ],
  ['Dropout 1.5', () => new Dropout(1.5), /Dropout: rate must be a number in \[0, 1\), got 1\.5/],
  [
    'Dropout string',
    () => new Dropout('0.5' as never),
    /Dropout: rate must be a number in \[0, 1\), got "0\.5"/,
  ],
  [
    'Sequential layers string',
    () => new Sequential('dense' as never),
    /Sequential: layers must be an array, got "dense"/,
  ],
  ['add({})', () => new Sequential().add({} as never), /sequential\.add: expected a layer .*got an object/],
  ['add(null)', () => new Sequential().add(null as never), /sequential\.add: expected a layer .*got null/],
  [
    'add(Dense class)',
    () => new Sequential().add(Dense as never),
    /sequential\.add: expected a layer .*got a function/,
  ],
  [
    'build string',
    () => new Sequential([new Dense(1)]).build('3' as never),
    /sequential\.build: inputShape must be an array, got "3"/,
  ],
  [
    'build [0]',
    () => new Sequential([new Dense(1)]).build([0]),
    /sequential\.build: inputShape\[0\] must be a positive integer, got 0/,
  ],
  [
    'compile null',
    () => new Sequential().compile(null as never),
    /sequential\.compile: options must be an object, got null/,
  ],
  [
    'compile metrics string',
    () => new Sequential().compile({ loss: 'mse', metrics: 'mae' as never }),
    /sequential\.compile: metrics must be an array, got "mae"/,
  ],
  [
    'setWeights(null)',
    () => compiled().setWeights(null as never),
    /sequential\.setWeights: weights must be an array, got null/,
  ],
  [
    'setWeights([null, …])',
    () => compiled().setWeights([null, [0]] as never),
    /sequential\.setWeights: weights\[0\] must be an array or typed array of numbers, got null/,
  ],
  [
    'setWeights count',
    () => compiled().setWeights([[1]]),
    /sequential\.setWeights: expected 2 arrays, got 1/,
  ],
  [
    'summary print',
    () => compiled().summary('log' as never),
    /sequential\.summary: print must be a function or null, got "log"/,
  ],
  [
    'predict batchSize 0',
    () => compiled().predict(X, { batchSize: 0 }),
    /predict: batchSize must be a positive integer, got 0/,
  ],
  ['evaluate x/y lengths', () => compiled().evaluate(X, [1, 2]), /evaluate: x has 4 samples but y has 2/],
  [
    'EarlyStopping patience -1',
    () => new EarlyStopping({ patience: -1 }),
    /EarlyStopping: patience must be a non-negative integer, got -1/,
  ],
  [
    'EarlyStopping monitor number',
    () => new EarlyStopping({ monitor: 3 as never }),
    /EarlyStopping: monitor must be a non-empty string, got 3/,
  ],
  [
    'EarlyStopping mode mx',
    () => new EarlyStopping({ mode: 'mx' as never }),
    /EarlyStopping: mode must be one of "auto", "min", "max", got "mx" \(did you mean 'max'\?\)/,
  ],
  [
    'EarlyStopping baseline NaN',
    () => new EarlyStopping({ baseline: Number.NaN }),
    /EarlyStopping: baseline must be a finite number, got NaN/,
  ],
  [
    'EarlyStopping restoreBestWeights',
    () => new EarlyStopping({ restoreBestWeights: 'yes' as never }),
    /EarlyStopping: restoreBestWeights must be true or false, got "yes"/,
  ],
  [
    'EarlyStopping startFromEpoch 0.5',
    () => new EarlyStopping({ startFromEpoch: 0.5 }),
    /EarlyStopping: startFromEpoch must be a non-negative integer, got 0\.5/,
  ],
  [
    'tensor dtype',
    () => tensor([1, 2], undefined, 'int32' as never),
    /tensor: dtype must be one of "float32", "float64", got "int32"/,
  ],
  [
    'zeros dtype',
    () => zeros([2], 'float16' as never),
    /zeros: dtype must be one of "float32", "float64", got "float16"/,
  ],
  // Allocations over the limit: refused before any memory is touched, naming the owner and the bytes.
  [
    'zeros 400 GB',
    () => zeros([100000, 1000000]),
    /zeros: tensor \[100000×1000000\] float32 needs 400 GB, over the limit of 2 GiB \(2147483648 bytes\) per array/,
  ],
  [
    'Dense 400 GB at build',
    () => new Sequential([new Dense(1e6, { inputDim: 1e5, name: 'huge' })]),
    /huge: kernel \[100000×1000000\] float32 needs 400 GB, over the limit of 2 GiB/,
  ],
  [
    'Dense float64 bias over the limit',
    () =>
      new Sequential([
        new Dense(2 ** 28 + 1, { inputDim: 1, useBias: true, dtype: 'float64', name: 'wide' }),
      ]),
    /wide: kernel \[1×268435457\] float64 needs 2\.15 GB/,
  ],
];

const asynchronous: Case[] = [
  [
    'fit batch_size',
    () => compiled().fit(X, Y, { batch_size: 2 } as never),
    /fit: unknown option "batch_size" \(did you mean 'batchSize'\?\)/,
  ],
  [
    'fit epoch',
    () => compiled().fit(X, Y, { epoch: 2 } as never),
    /fit: unknown option "epoch" \(did you mean 'epochs'\?\)/,
  ],
  [
    'fit validation_split',
    () => compiled().fit(X, Y, { validation_split: 0.5 } as never),
    /did you mean 'validationSplit'/,
  ],
  [
    'fit vebrose',
    () => compiled().fit(X, Y, { vebrose: 0 } as never),
    /fit: unknown option "vebrose" \(did you mean 'verbose'\?\)/,
  ],
  [
    'fit on an uncompiled model, bad key first',
    () => new Sequential().fit(X, Y, { epoch: 2 } as never),
    /fit: unknown option "epoch"/,
  ],
  [
    'fit epochs 0',
    () => compiled().fit(X, Y, { epochs: 0, verbose: 0 }),
    /fit: epochs must be a positive integer, got 0/,
  ],
  [
    'fit epochs -1',
    () => compiled().fit(X, Y, { epochs: -1, verbose: 0 }),
    /fit: epochs must be a positive integer, got -1/,
  ],
  [
    'fit epochs NaN',
    () => compiled().fit(X, Y, { epochs: Number.NaN, verbose: 0 }),
    /fit: epochs must be a positive integer, got NaN/,
  ],
  [
    'fit epochs 2.5',
    () => compiled().fit(X, Y, { epochs: 2.5, verbose: 0 }),
    /fit: epochs must be a positive integer, got 2\.5/,
  ],
  [
    'fit batchSize string',
    () => compiled().fit(X, Y, { batchSize: '2' as never, verbose: 0 }),
    /fit: batchSize must be a positive integer, got "2"/,
  ],
  [
    'fit shuffle string',
    () => compiled().fit(X, Y, { shuffle: 'yes' as never, verbose: 0 }),
    /fit: shuffle must be true or false, got "yes"/,
  ],
  [
    'fit callbacks object',
    () => compiled().fit(X, Y, { callbacks: {} as never, verbose: 0 }),
    /fit: callbacks must be an array, got an object/,
  ],
  [
    'fit callbacks [null]',
    () => compiled().fit(X, Y, { callbacks: [null as never], verbose: 0 }),
    /fit: callbacks\[0\] must be an object, got null/,
  ],
  [
    'fit validationData [x]',
    () => compiled().fit(X, Y, { validationData: [X] as never, verbose: 0 }),
    /fit: validationData must be an array \[x, y\], got an array of length 1/,
  ],
  [
    'fit validationSplit string',
    () => compiled().fit(X, Y, { validationSplit: '0.2' as never, verbose: 0 }),
    /fit: validationSplit must be a number in \(0, 1\), got "0\.2"/,
  ],
  [
    'fit seed 1.5',
    () => compiled().fit(X, Y, { seed: 1.5, verbose: 0 }),
    /fit: seed is not a valid seed \(.*1\.5\)/,
  ],
  ['fit x/y lengths', () => compiled().fit(X, [1, 2, 3], { verbose: 0 }), /fit: x has 4 samples but y has 3/],
  [
    'fit NaN in x',
    () => compiled().fit([[0], [Number.NaN]], [[0], [1]], { verbose: 0 }),
    /fit: x: NaN at sample 1/,
  ],
  ['fit options null', () => compiled().fit(X, Y, null as never), /fit: options must be an object, got null/],
];

describe('bad input fails at the call, naming the culprit', () => {
  it.each(synchronous)('%s', (_label, call, message) => {
    expect(call).toThrow(message);
  });

  it.each(asynchronous)('%s', async (_label, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });
});

describe('the allocation limit', () => {
  it('is 2 GiB per array: exactly the limit passes, one element more fails', () => {
    expect(MAX_ARRAY_BYTES).toBe(2147483648);
    expect(() => checkAllocation('w', 'kernel', [2 ** 29], 'float32')).not.toThrow();
    expect(() => checkAllocation('w', 'kernel', [2 ** 28], 'float64')).not.toThrow();
    expect(() => checkAllocation('w', 'kernel', [2 ** 29 + 1], 'float32')).toThrow(
      /w: kernel \[536870913\] float32 needs 2\.15 GB/,
    );
    expect(() => checkAllocation('w', 'kernel', [2 ** 14, 2 ** 14, 2], 'float64')).toThrow(
      /w: kernel \[16384×16384×2\] float64 needs 4\.29 GB/,
    );
  });

  it('leaves a model with nothing built when a weight is refused', () => {
    const layer = new Dense(1e6, { inputDim: 1e5 });
    expect(() => new Sequential([layer])).toThrow(/needs 400 GB/);
    expect(layer.variables).toHaveLength(0);
  });
});
