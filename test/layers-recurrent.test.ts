/**
 * SimpleRNN, LSTM, GRU, Bidirectional and TimeDistributed: gradients of every weight and of the
 * inputs against central finite differences in float64, Keras's semantics (defaults, masks,
 * goBackwards, dropout masks per sequence), bad input, and a pinned hash of a seeded LSTM training.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import type { Layer } from '../packages/ditto/src/layers/layer.js';
import { GRU } from '../packages/ditto/src/layers/recurrent/gru.js';
import { LSTM } from '../packages/ditto/src/layers/recurrent/lstm.js';
import { SimpleRNN } from '../packages/ditto/src/layers/recurrent/simple-rnn.js';
import { Bidirectional } from '../packages/ditto/src/layers/wrappers/bidirectional.js';
import { TimeDistributed } from '../packages/ditto/src/layers/wrappers/time-distributed.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { noGrad } from '../packages/ditto/src/tensor/autograd.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { seededLstmTraining } from './helpers/seeded-lstm.js';
import { testValues } from './helpers/test-values.js';

const B = 2;
const T = 3;
const F = 2;

/** Builds a float64 layer and spreads its weights over [−0.8, 0.8) (biases too, so every path matters). */
function built<L extends Layer>(layer: L, inputShape: readonly number[]): L {
  layer.build(inputShape);
  layer.variables.forEach((v, i) => {
    v.assign(testValues(v.value.size, 40 + i, -0.8, 0.8));
  });
  return layer;
}

const f64 = { dtype: 'float64' as const, seed: 1 };

describe('gradients agree with central finite differences in float64', () => {
  const cases: Array<[string, () => Layer]> = [
    ['SimpleRNN', () => new SimpleRNN(3, f64)],
    [
      'SimpleRNN returnSequences goBackwards',
      () => new SimpleRNN(3, { ...f64, returnSequences: true, goBackwards: true }),
    ],
    ['LSTM', () => new LSTM(3, f64)],
    ['LSTM returnSequences', () => new LSTM(3, { ...f64, returnSequences: true })],
    ['GRU resetAfter', () => new GRU(3, f64)],
    ['GRU resetAfter false', () => new GRU(3, { ...f64, resetAfter: false })],
    [
      'Bidirectional LSTM concat',
      () => new Bidirectional(new LSTM(2, { ...f64, returnSequences: true }), f64),
    ],
    ['Bidirectional GRU ave', () => new Bidirectional(new GRU(2, f64), { ...f64, mergeMode: 'ave' })],
    ['TimeDistributed Dense', () => new TimeDistributed(new Dense(2, { ...f64, activation: 'tanh' }), f64)],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const layer = built(make(), [T, F]);
      const x = param([B, T, F], 7, -1, 1);
      checkGradients(() => layer.call(x, { training: false }), [x, ...layer.variables.map((v) => v.value)]);
    });
  }
  it('LSTM under a mask (masked steps carry the state)', () => {
    const layer = built(new LSTM(3, { ...f64, returnSequences: true }), [T, F]);
    const x = param([B, T, F], 8, -1, 1);
    const mask = tensor(
      [
        [1, 0, 1],
        [1, 1, 0],
      ],
      undefined,
      'float64',
    );
    checkGradients(
      () => layer.call(x, { training: false, mask }),
      [x, ...layer.variables.map((v) => v.value)],
    );
  });
  it("LSTM with dropout and recurrentDropout (one call's masks held fixed)", () => {
    const layer = built(new LSTM(3, { ...f64, dropout: 0.3, recurrentDropout: 0.3 }), [T, F]);
    const x = param([B, T, F], 9, -1, 1);
    // Each training call draws the next call's masks; rewinding the call counter holds them fixed.
    const rewind = () => {
      layer.callCount = 0;
    };
    rewind();
    const first = noGrad(() => layer.call(x, { training: true }));
    const second = noGrad(() => layer.call(x, { training: true }));
    expect(Array.from(second.data)).not.toEqual(Array.from(first.data));
    const inference = noGrad(() => layer.call(x, { training: false }));
    expect(Array.from(first.data)).not.toEqual(Array.from(inference.data));
    checkGradients(() => {
      rewind();
      return layer.call(x, { training: true });
    }, [x, ...layer.variables.map((v) => v.value)]);
  });
});

describe("Keras 3's definitions", () => {
  it('defaults: tanh/sigmoid, orthogonal recurrent kernel, zero bias with ones on the LSTM forget gate', () => {
    setSeed(3);
    const lstm = new LSTM(4);
    lstm.build([5, 2]);
    expect(lstm.kernel.shape).toEqual([2, 16]);
    expect(lstm.recurrentKernel.shape).toEqual([4, 16]);
    expect(Array.from(lstm.bias?.value.data ?? [])).toEqual([
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      1,
      ...new Array(8).fill(0),
    ]);
    // Orthogonal: UᵀU = I for the [4, 16] recurrent kernel's rows.
    const u = lstm.recurrentKernel.value;
    const gram = ops.matmul(u, u, { transposeB: true });
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) expect(gram.data[i * 4 + j]).toBeCloseTo(i === j ? 1 : 0, 5);
    expect(lstm.getConfig()).toMatchObject({
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      unitForgetBias: true,
    });
    const gru = new GRU(4);
    gru.build([5, 2]);
    expect(gru.bias?.shape).toEqual([2, 12]);
    expect(new GRU(4, { resetAfter: false }).getConfig().resetAfter).toBe(false);
  });

  it('a masked step is skipped: outputs equal those of the sequence without it', () => {
    const layer = built(new GRU(3, { ...f64, returnSequences: false }), [T, F]);
    const x = param([1, T, F], 11, -1, 1);
    const withMask = noGrad(() =>
      layer.call(x, { training: false, mask: tensor([[1, 0, 1]], undefined, 'float64') }),
    );
    const xs = ops.unstack(x, 1);
    const short = tensor(Float64Array.from([...xs[0].data, ...xs[2].data]), [1, 2, F], 'float64');
    const shorter = built(new GRU(3, { ...f64, returnSequences: false }), [2, F]);
    const without = noGrad(() => shorter.call(short, { training: false }));
    expect(Array.from(withMask.data)).toEqual(Array.from(without.data));
  });

  it('goBackwards reads the sequence from the end (and returns outputs in that order)', () => {
    const forward = built(new SimpleRNN(3, { ...f64, returnSequences: true }), [T, F]);
    const backward = built(new SimpleRNN(3, { ...f64, returnSequences: true, goBackwards: true }), [T, F]);
    const x = param([B, T, F], 12, -1, 1);
    const a = noGrad(() => forward.call(ops.reverse(x, 1), { training: false }));
    const b = noGrad(() => backward.call(x, { training: false }));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('Bidirectional concat = [forward, time-reversed backward]', () => {
    const bi = built(new Bidirectional(new LSTM(2, { ...f64, returnSequences: true }), f64), [T, F]);
    const x = param([B, T, F], 13, -1, 1);
    const y = noGrad(() => bi.call(x, { training: false }));
    const f = noGrad(() => bi.forwardLayer.call(x, { training: false }));
    const r = noGrad(() => ops.reverse(bi.backwardLayer.call(x, { training: false }), 1));
    expect(y.shape).toEqual([B, T, 4]);
    expect(Array.from(y.data)).toEqual(Array.from(ops.concat([f, r], -1).data));
    expect(bi.variables.map((v) => v.name)).toEqual([
      `${bi.forwardLayer.name}/kernel`,
      `${bi.forwardLayer.name}/recurrent_kernel`,
      `${bi.forwardLayer.name}/bias`,
      `${bi.backwardLayer.name}/kernel`,
      `${bi.backwardLayer.name}/recurrent_kernel`,
      `${bi.backwardLayer.name}/bias`,
    ]);
  });

  it('returnState gives [output, h, c] through callWithStates; initialState replaces the zeros', () => {
    const lstm = built(new LSTM(3, { ...f64, returnState: true }), [T, F]);
    const x = param([B, T, F], 14, -1, 1);
    const [out, h, c] = noGrad(() => lstm.callWithStates(x, { training: false }));
    expect(Array.from(out.data)).toEqual(Array.from(h.data));
    expect(c.shape).toEqual([B, 3]);
    const again = noGrad(() => lstm.callWithStates(x, { training: false, initialState: [h, c] }));
    expect(Array.from(again[0].data)).not.toEqual(Array.from(out.data));
    expect(() => lstm.call(x, { training: false })).toThrow(/returnState .* callWithStates/);
  });

  it('dropout masks are one per sequence: the same at every step, keyed by the layer and the call', () => {
    // With recurrent weights zero and no bias, h_t = tanh(x_t·W ⊙ ...) per step: a dropped input
    // feature is dropped at every timestep of that sequence.
    const layer = new SimpleRNN(1, {
      dtype: 'float64',
      seed: 5,
      dropout: 0.5,
      useBias: false,
      recurrentInitializer: 'zeros',
      kernelInitializer: 'ones',
      returnSequences: true,
    });
    layer.build([4, 6]);
    const x = tensor(
      Float64Array.from({ length: 3 * 4 * 6 }, (_, i) => (i % 6 === 0 ? 1 : 0)),
      [3, 4, 6],
      'float64',
    );
    // Only feature 0 is non-zero, so each output step is tanh(2·x₀) or 0: constant along time per row.
    const y = noGrad(() => layer.call(x, { training: true }));
    for (let b = 0; b < 3; b++) {
      const row = Array.from(y.data.subarray(b * 4, b * 4 + 4));
      expect(new Set(row).size).toBe(1);
    }
    const twin = new SimpleRNN(1, {
      dtype: 'float64',
      seed: 5,
      dropout: 0.5,
      useBias: false,
      recurrentInitializer: 'zeros',
      kernelInitializer: 'ones',
      returnSequences: true,
    });
    twin.build([4, 6]);
    expect(Array.from(noGrad(() => twin.call(x, { training: true })).data)).toEqual(Array.from(y.data));
    // Inference ignores dropout.
    expect(new Set(noGrad(() => layer.call(x, { training: false })).data).size).toBe(1);
  });
});

describe('bad input is refused before any work, naming the layer and the shapes', () => {
  const lstm = () => {
    const layer = new LSTM(2, { name: 'lstm_check' });
    layer.build([4, 3]);
    return layer;
  };
  it('wrong rank', () => {
    expect(() => lstm().call(tensor([[1, 2, 3]]), { training: false })).toThrow(
      'lstm_check: expected inputs of shape [batch, timesteps, features], got [1, 3]',
    );
    expect(() => new Sequential([new LSTM(2, { name: 'lstm_rank', inputShape: [3] })])).toThrow(
      'lstm_rank: expected inputs of shape [batch, timesteps, features], got [batch, 3]',
    );
  });
  it('wrong feature count', () => {
    expect(() => lstm().call(tensor(new Float32Array(8), [1, 4, 2]), { training: false })).toThrow(
      'lstm_check: expected inputs of shape [batch, timesteps, 3], got [1, 4, 2]',
    );
  });
  it('sequences of length 0', () => {
    expect(() => lstm().call(tensor(new Float32Array(0), [2, 0, 3]), { training: false })).toThrow(
      'lstm_check: sequences of length 0 (inputs of shape [2, 0, 3])',
    );
    expect(() => new Sequential([new GRU(2, { name: 'gru_empty', inputShape: [0, 3] })])).toThrow(
      /positive integers|length 0/,
    );
  });
  it('a mask of the wrong shape', () => {
    const x = tensor(new Float32Array(2 * 4 * 3), [2, 4, 3]);
    expect(() => lstm().call(x, { training: false, mask: tensor([[1, 1, 1]]) })).toThrow(
      'lstm_check: mask of shape [1, 3] does not fit inputs of shape [2, 4, 3] (expected [2, 4])',
    );
  });
  it('bad options', () => {
    expect(() => new LSTM(0)).toThrow(/LSTM: units must be a positive integer/);
    expect(() => new LSTM(2, { dropout: 1 })).toThrow(/dropout must be in \[0, 1\), got 1/);
    expect(() => new LSTM(2, { return_sequences: true } as never)).toThrow(
      /unknown option "return_sequences" \(did you mean 'returnSequences'\?\)/,
    );
    expect(() => new Bidirectional(new LSTM(2), { mergeMode: 'max' as never })).toThrow(
      /mergeMode must be one of concat, sum, mul, ave/,
    );
  });
});

/** Pinned from the first run of this test; a change of these bits is a change of numeric results. */
const LSTM_TRAINING_HASH = 'ba0133f4aad0b485f87f5d8b04545562eb386dd6b4d14a2f1ff6539aa6eedd96';

describe('seeded LSTM training', () => {
  for (const backend of ['js', 'wasm']) {
    it(`is pinned by hash on the ${backend} backend (3 epochs with dropout, recurrentDropout, shuffling)`, async () => {
      registerWasmBackend();
      const previous = getBackend().name;
      setBackend(backend);
      try {
        const run = await seededLstmTraining();
        expect(run.losses[2]).toBeLessThan(run.losses[0]);
        expect(run.weightsHash).toBe(LSTM_TRAINING_HASH);
      } finally {
        setBackend(previous);
      }
    });
  }
});
