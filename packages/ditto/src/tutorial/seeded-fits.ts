import { setSeed } from '../random/index.js';
import { fitTutorial, tutorialData } from './tutorial.js';

/**
 * `setSeed(seed)`, then ten tutorial fits in a loop: the tutorial's "seed everything" answer — ten
 * different results that are the same ten on every run.
 */
export async function seededFits(seed: number): Promise<{ mses: number[]; weightsHashes: string[] }> {
  setSeed(seed);
  const mses: number[] = [];
  const weightsHashes: string[] = [];
  const data = tutorialData();
  for (let i = 0; i < 10; i++) {
    const r = await fitTutorial({}, data);
    mses.push(r.mse);
    weightsHashes.push(r.weightsHash);
  }
  return { mses, weightsHashes };
}
