/**
 * The tutorial's answer to stochastic training, as one experiment: fit the 1→10→1 network 30
 * times, each repeat with its own seed derived from (experiment seed, repeat index), and summarise
 * the mean squared error.
 *
 *   ditto run examples/experiment.ts                 # all cores, recorded in .ditto/runs.db
 *   ditto run examples/experiment.ts --workers 1     # the same bits, one worker
 *   ditto rerun <run-id> --repeat 17                 # replay one repeat, check its weights
 */
import { experiment, fitTutorial } from 'ditto';

export default experiment({
  name: 'tutorial 1→10→1',
  repeats: 30,
  seed: 7,
  async run() {
    // No seed here: the runner has called setSeed(ctx.seed) for this repeat.
    const { mse, weightsHash } = await fitTutorial();
    return { mse, weightsHash };
  },
});
