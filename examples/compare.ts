/**
 * Is a wider network, or a longer training, better than the tutorial's 1→10→1 for 100 epochs?
 * Three experiments, 30 repeats each, compared with statistics instead of single lucky runs.
 *
 *   ditto compare examples/compare.ts --report compare.html
 *
 * All three use experiment seed 7, so repeat i of the baseline and of the 1000-epoch variant start
 * from the same initial weights: the comparison isolates what each change does.
 */
import { experiment, fitTutorial } from 'ditto';

const tutorial = (options: { hiddenUnits?: number; epochs?: number }) => async () => {
  const { mse, weightsHash } = await fitTutorial(options);
  return { mse, weightsHash };
};

export const baseline = experiment({ name: 'tutorial 1→10→1', seed: 7, run: tutorial({}) });

export const wider = experiment({ name: 'wider 1→20→1', seed: 7, run: tutorial({ hiddenUnits: 20 }) });

export const longer = experiment({ name: '1000 epochs', seed: 7, run: tutorial({ epochs: 1000 }) });
