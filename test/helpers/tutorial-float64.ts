/**
 * The tutorial network (1→10→1, Adam, MSE, 100 full-batch epochs, seed 1) in float64: its weights
 * and predictions hashed, for the pins in test/pinned-hashes.test.ts.
 */

import { hashArrays } from '../../packages/ditto/src/hash/fingerprint.js';
import { Dense } from '../../packages/ditto/src/layers/dense.js';
import { Sequential } from '../../packages/ditto/src/models/sequential.js';
import { setSeed } from '../../packages/ditto/src/random/index.js';
import { tutorialData } from '../../packages/ditto/src/tutorial/tutorial.js';

export async function tutorialFloat64Hashes(): Promise<{
  weights: string;
  predictions: string;
  loss: string;
}> {
  const { X, y } = tutorialData();
  setSeed(1);
  const model = new Sequential();
  model.add(new Dense(10, { inputDim: 1, dtype: 'float64' }));
  model.add(new Dense(1, { dtype: 'float64' }));
  model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
  const history = await model.fit(X, y, { epochs: 100, batchSize: X.length, verbose: 0 });
  return {
    weights: model.weightsHash(),
    predictions: hashArrays([model.predict(X).data]),
    loss: hashArrays([Float64Array.from(history.history.loss)]),
  };
}
