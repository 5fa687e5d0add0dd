/**
 * A sweep: the tutorial network with 5, 10 or 20 hidden units, each trained with Adam at learning
 * rate 0.001 or 0.01 — six configurations, each repeated 30 times and recorded as its own run.
 * Every configuration uses the same experiment seed, so repeat i of each starts from the same seed:
 * the differences come from the configuration, not from luck.
 *
 *   ditto run examples/sweep.ts                                  # six runs, one per configuration
 *   ditto compare examples/sweep.ts                              # and compare them
 *   ditto run examples/sweep.ts --export 'default[units=10,lr=0.01]'   # one configuration
 */
import { experiment, fitTutorial } from 'ditto';

export default experiment({
  name: 'mlp',
  repeats: 30,
  seed: 7,
  configs: { units: [5, 10, 20], lr: [0.001, 0.01] },
  async run({ config }) {
    // config is { units: number, lr: number }, inferred from the grid.
    const { mse, weightsHash } = await fitTutorial({ hiddenUnits: config.units, learningRate: config.lr });
    return { mse, weightsHash };
  },
});
