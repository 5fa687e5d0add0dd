/**
 * Embedding: the lookup and its gradient against central finite differences in float64, the mask
 * of maskZero as the next layer sees it, integer inputs of any rank (typed arrays with a shape),
 * and bad input (index out of range, non-integer index) refused with the position named.
 */
import { describe, expect, it } from 'vitest';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Embedding } from '../packages/ditto/src/layers/embedding.js';
import { LSTM } from '../packages/ditto/src/layers/recurrent/lstm.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

function table(inputDim: number, outputDim: number, options = {}) {
  const layer = new Embedding(inputDim, outputDim, { dtype: 'float64', seed: 1, ...options });
  layer.build([3]);
  layer.embeddings.assign(testValues(inputDim * outputDim, 5, -1, 1));
  return layer;
}

describe('Embedding', () => {
  it('looks up rows: output [batch, …, outputDim]', () => {
    const layer = table(4, 2);
    const ids = tensor([[3, 0, 3]], undefined, 'float64');
    const y = layer.call(ids);
    expect(y.shape).toEqual([1, 3, 2]);
    const rows = testValues(8, 5, -1, 1);
    expect(Array.from(y.data)).toEqual([rows[6], rows[7], rows[0], rows[1], rows[6], rows[7]]);
  });

  it('gradient (repeated indices accumulate) agrees with central finite differences', () => {
    const layer = table(5, 3);
    const ids = tensor(
      [
        [1, 4, 1],
        [1, 0, 2],
      ],
      undefined,
      'float64',
    );
    checkGradients(() => layer.call(ids), [layer.embeddings.value]);
  });

  it('maskZero: the mask is 1 where the index is not 0, and an LSTM after it skips those steps', async () => {
    const layer = table(5, 3, { maskZero: true });
    expect(layer.computeMask(tensor([[2, 0, 1]]))?.toArray()).toEqual([[1, 0, 1]]);
    expect(table(5, 3).computeMask(tensor([[2, 0, 1]]))).toBeNull();
    // Trailing padding changes nothing: the LSTM keeps its state over masked steps.
    const model = new Sequential([
      new Embedding(6, 3, { inputLength: 4, maskZero: true, seed: 2 }),
      new LSTM(2, { seed: 3 }),
      new Dense(1, { seed: 4 }),
    ]);
    const padded = model.predict([[3, 5, 0, 0]]).data;
    const other = model.predict([[3, 5, 0, 4]]).data;
    const short = new Sequential([
      new Embedding(6, 3, { inputLength: 2, seed: 2 }),
      new LSTM(2, { seed: 3 }),
      new Dense(1, { seed: 4 }),
    ]);
    expect(Array.from(short.predict([[3, 5]]).data)).toEqual(Array.from(padded));
    expect(Array.from(other)).not.toEqual(Array.from(padded));
  });

  it('accepts integer typed arrays with a shape in fit and predict', async () => {
    const model = new Sequential([
      new Embedding(10, 2, { inputLength: 3, seed: 5 }),
      new LSTM(2, { seed: 6 }),
      new Dense(1, { seed: 7 }),
    ]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const x = { data: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
    await model.fit(x, [[0], [1]], { epochs: 1, verbose: 0 });
    expect(Array.from(model.predict(x).data)).toEqual(
      Array.from(
        model.predict([
          [1, 2, 3],
          [4, 5, 6],
        ]).data,
      ),
    );
  });

  it('refuses an index out of range or not an integer, naming it and its position', () => {
    const model = new Sequential([new Embedding(10, 2, { inputLength: 3, name: 'words' })]);
    expect(() =>
      model.predict([
        [1, 2, 3],
        [4, 10, 6],
      ]),
    ).toThrow('words: index 10 at sample 1, position [1] is outside [0, 10)');
    expect(() => model.predict([[1, -1, 3]])).toThrow(
      'words: index -1 at sample 0, position [1] is outside [0, 10)',
    );
    expect(() => model.predict([[1, 2, 2.5]])).toThrow(
      'words: index 2.5 at sample 0, position [2] is not an integer (inputs of shape [1, 3])',
    );
    expect(() => new Embedding(0, 2)).toThrow(/Embedding: inputDim must be a positive integer/);
    expect(() => new Embedding(3, 2, { mask_zero: true } as never)).toThrow(/did you mean 'maskZero'/);
  });
});
