/**
 * A scheduled learning rate across a save and restore: the schedule is read from the restored
 * step count, so 6 epochs straight equal 2, a restore of weights and training state into a fresh
 * model (from the saved compile config), and 4 more — bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { compileFromConfig, compileToConfig } from '../packages/ditto/src/io/compile-config.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { getLoss } from '../packages/ditto/src/losses/index.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { Adam, schedules } from '../packages/ditto/src/optimizers/index.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const x = tensor(testValues(40 * 2, 51), [40, 2]);
const y = tensor(testValues(40, 52), [40, 1]);
const fitOptions = { batchSize: 8, verbose: 0 as const, seed: 3 };

function build(): Sequential {
  return new Sequential([
    new Dense(4, { inputDim: 2, activation: 'tanh', seed: 1 }),
    new Dense(1, { seed: 2 }),
  ]);
}

const schedule = () =>
  new schedules.ExponentialDecay({ initialLearningRate: 0.05, decaySteps: 5, decayRate: 0.5 });

describe('a schedule across a restore', () => {
  it('6 epochs equal 2, a restore from the saved config and state, and 4 more', async () => {
    setSeed(4);
    const straight = build();
    straight.compile({ loss: 'mse', optimizer: new Adam({ learningRate: schedule() }) });
    const whole = await straight.fit(x, y, { ...fitOptions, epochs: 6 });

    setSeed(4);
    const first = build();
    first.compile({ loss: 'mse', optimizer: new Adam({ learningRate: schedule() }) });
    await first.fit(x, y, { ...fitOptions, epochs: 2 });
    const saved = JSON.parse(
      JSON.stringify({
        compile: compileToConfig({ optimizer: first.optimizer, loss: getLoss('mse'), metrics: [] }),
        weights: first.getWeights().map((w) => Array.from(w)),
        state: first.getTrainingState(),
      }),
    );
    expect(saved.state.optimizer.iterations).toBe(10);

    setSeed(99);
    const resumed = build();
    resumed.compile(compileFromConfig(saved.compile));
    resumed.build([2]);
    resumed.setWeights(saved.weights);
    resumed.setTrainingState(saved.state);
    expect((resumed.optimizer as Adam).learningRate).toBe(schedule().at(10));
    const rest = await resumed.fit(x, y, { ...fitOptions, epochs: 6 });
    expect(resumed.weightsHash()).toBe(straight.weightsHash());
    expect(rest.history.loss).toEqual(whole.history.loss.slice(2));
  });
});
