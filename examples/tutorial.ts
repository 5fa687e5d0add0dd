/**
 * "How to Get Reproducible Results with Keras", step by step in ditto.
 * Run: npx tsx examples/tutorial.ts
 */
import { Dense, getSeed, meanSquaredError, Sequential, seriesToSupervised, setSeed } from 'ditto';

// fit MLP to dataset and print error
async function fitModel(X: number[][], y: number[][]): Promise<void> {
  // design network
  const model = new Sequential();
  model.add(new Dense(10, { inputDim: 1 }));
  model.add(new Dense(1));
  model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
  // fit network
  await model.fit(X, y, { epochs: 100, batchSize: X.length, verbose: 0 });
  // forecast
  const yhat = model.predict(X);
  console.log('MSE: ', meanSquaredError(y, yhat));
}

// create sequence
const length = 10;
const sequence = Array.from({ length }, (_, i) => i / length);
// create X/y pairs: pandas' shift(1) + concat + dropna
const { X, y } = seriesToSupervised(sequence, { lag: 1 });

console.log('The problem: the same network on the same data, ten different errors');
for (let i = 0; i < 10; i++) await fitModel(X, y);
const drawn = getSeed();
console.log(`(no seed was set, so ditto drew one from the system and recorded it: ${drawn})`);

console.log('\nThe solution: seed the random number generator — one call, no NumPy-then-TensorFlow ritual');
setSeed(1);
for (let i = 0; i < 10; i++) await fitModel(X, y);
console.log(
  'Run this script again: the ten errors above are the same, bit for bit, in any process or runtime.',
);

console.log(
  `\nEven the unseeded errors can be replayed: setSeed(${drawn}) before the first loop reproduces them.`,
);
