/**
 * The training state as one plain object: everything `fit` carries from one step to the next
 * besides the weights. JSON-safe (numbers and arrays only), so checkpointing is serialisation.
 */
import type { Layer } from '../layers/layer.js';
import { legacyDropoutKey } from '../layers/recurrent/dropout-masks.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent.js';
import type { Variable } from '../layers/variable.js';
import { BaseOptimizer, type OptimizerState } from '../optimizers/base-optimizer.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Key } from '../random/index.js';

/** One random consumer: a layer's key of the `dropout` source and how many draws it has made. */
export interface RandomConsumerState {
  /** The layer's name (informative: consumers are matched by their order in the model). */
  readonly layer: string;
  /** The layer's dropout key (version 1: the layer's single key; see `legacyDropoutKey`). */
  readonly key: readonly [number, number];
  /** Training calls that drew masks or noise. */
  readonly calls: number;
}

/** The version of {@link TrainingState} this ditto writes; it also reads version 1. */
export const TRAINING_STATE_VERSION = 2;

/** See `Sequential.getTrainingState`. */
export interface TrainingState {
  /** Format version of this object: 2 (per-source keys); version 1 is read too. */
  readonly version: 1 | 2;
  /** The next epoch a resumed `fit` runs. */
  readonly epoch: number;
  /** Gradient steps taken by this model's fits so far. */
  readonly step: number;
  /** The key of the fit's shuffles (epoch e shuffles with foldIn(fitKey, e)); null before any fit. */
  readonly fitKey: readonly [number, number] | null;
  /** The optimizer's step count, scalars and slots. */
  readonly optimizer: OptimizerState;
  /** Every layer that draws masks or noise during training (has a dropout key), in layer order. */
  readonly random: readonly RandomConsumerState[];
}

/**
 * The random consumers of these built layers and of the layers they wrap, depth first in layer
 * order: every layer that took a dropout key (Dropout, the noise layers, recurrent layers with
 * dropout), whatever its class.
 */
function randomConsumers(layers: readonly Layer[]): Layer[] {
  const found: Layer[] = [];
  const visit = (layer: Layer) => {
    if (layer.dropoutKey !== undefined) found.push(layer);
    for (const inner of layer.wrappedLayers()) visit(inner);
  };
  for (const layer of layers) visit(layer);
  return found;
}

/** Where training stands, as the model tracks it. */
export interface TrainingPosition {
  readonly fitKey: Key | undefined;
  readonly epoch: number;
  readonly step: number;
}

function requireBaseOptimizer(optimizer: Optimizer): BaseOptimizer {
  if (!(optimizer instanceof BaseOptimizer)) {
    throw new TypeError(
      `training state: the optimizer '${optimizer.name}' does not expose its state (not a ditto optimizer)`,
    );
  }
  return optimizer;
}

/** The training state of these layers, variables, optimizer and position. */
export function readTrainingState(
  layers: readonly Layer[],
  variables: readonly Variable[],
  optimizer: Optimizer,
  position: TrainingPosition,
): TrainingState {
  const random: RandomConsumerState[] = [];
  for (const layer of randomConsumers(layers)) {
    const key = layer.dropoutKey as Key;
    random.push({ layer: layer.name, key: [key[0], key[1]], calls: layer.callCount });
  }
  return {
    version: TRAINING_STATE_VERSION,
    epoch: position.epoch,
    step: position.step,
    fitKey: position.fitKey ? [position.fitKey[0], position.fitKey[1]] : null,
    optimizer: requireBaseOptimizer(optimizer).getState(variables),
    random,
  };
}

/** Restores a state into these layers and optimizer; returns the position to continue from. */
export function writeTrainingState(
  owner: string,
  state: TrainingState,
  layers: readonly Layer[],
  variables: readonly Variable[],
  optimizer: Optimizer,
): TrainingPosition {
  if (typeof state !== 'object' || state === null || (state.version !== 1 && state.version !== 2)) {
    throw new TypeError(
      `${owner}.setTrainingState: expected a state from getTrainingState() (version 1 or ${TRAINING_STATE_VERSION})`,
    );
  }
  for (const [name, value] of [
    ['epoch', state.epoch],
    ['step', state.step],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`${owner}.setTrainingState: ${name} must be a non-negative integer, got ${value}`);
    }
  }
  // Matched by position: a fresh model of the same architecture has other layer names.
  const consumers = randomConsumers(layers);
  if (!Array.isArray(state.random) || state.random.length !== consumers.length) {
    throw new Error(
      `${owner}.setTrainingState: the state has ${state.random?.length} random consumers, this model ${consumers.length} (Dropout and noise layers, recurrent layers with dropout)`,
    );
  }
  requireBaseOptimizer(optimizer).setState(variables, state.optimizer);
  state.random.forEach((consumer, i) => {
    const layer = consumers[i];
    const stored = [consumer.key[0], consumer.key[1]] as Key;
    // Version 1 kept a recurrent layer's single key, under which its masks had their own stream.
    const legacy = state.version === 1 && layer instanceof RecurrentLayer;
    layer.restoreDropoutKey(legacy ? legacyDropoutKey(stored) : stored);
    layer.callCount = consumer.calls;
  });
  return {
    fitKey: state.fitKey ? ([state.fitKey[0], state.fitKey[1]] as Key) : undefined,
    epoch: state.epoch,
    step: state.step,
  };
}
