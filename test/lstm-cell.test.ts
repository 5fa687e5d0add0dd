/**
 * The fused LSTM cell (tensor/ops/lstm-cell.ts, kernels/wasm/lstm.ts) against what it replaces:
 * - the wasm kernels against the TypeScript reference kernels, bit for bit: units 1–9 and 33
 *   (whole vectors and partial ones), one to five rows, float32 and float64, pairs of activations
 *   covering every unary op, values with −0, ±∞, NaN and wide magnitudes;
 * - the op against the chain of ops it stands for (split, the activations, products, sums) in its
 *   values and in every gradient — two chained cells, gradients on h only, on c only, on both,
 *   seeds with −0 — on the js and wasm backends, float32 and float64;
 * - the LSTM layer fused against the same layer forced onto the chain (activations wrapped in a
 *   function of the user's own): the weights after training with masks, dropout and
 *   recurrentDropout, returnSequences, goBackwards, Bidirectional, and returnState with an
 *   initial state that takes a gradient;
 * - the op's gradients against float64 central finite differences.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { createLstmCellWasm } from '../packages/ditto/src/backend/wasm/lstm-cell.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Embedding } from '../packages/ditto/src/layers/embedding.js';
import { LSTM, type LSTMOptions } from '../packages/ditto/src/layers/recurrent/lstm.js';
import { Bidirectional } from '../packages/ditto/src/layers/wrappers/bidirectional.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import type { UnaryOp } from '../packages/ditto/src/numeric/elementwise.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { backward } from '../packages/ditto/src/tensor/autograd.js';
import type { DType } from '../packages/ditto/src/tensor/dtype.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import {
  type CellActivation,
  lstmCell,
  lstmCellKernel,
  lstmCellOutputBackwardKernel,
  lstmCellStateBackwardKernel,
} from '../packages/ditto/src/tensor/ops/lstm-cell.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setBackend('js');
});

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Values from a fixed hash: mostly in [−3, 3), some over wide magnitudes, NaN, ±0 and ±∞ sprinkled in. */
function values(ctor: Ctor, n: number, seed: number, specials = true): Float32Array | Float64Array {
  const x = new ctor(n);
  const special = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1 + seed * 7919, 0x9e3779b1) >>> 0;
    const u = h / 2 ** 32;
    if (specials && h % 29 === 0) x[i] = special[(h >>> 8) % special.length];
    else if (h % 5 === 0) x[i] = (u * 2 - 1) * 2 ** ((h % 61) - 30);
    else x[i] = u * 6 - 3;
  }
  return x;
}

const differences = (what: string, a: ArrayLike<number>, b: ArrayLike<number>): string[] => {
  const out: string[] = [];
  if (a.length !== b.length) out.push(`${what}: lengths ${a.length} and ${b.length}`);
  for (let i = 0; i < a.length && out.length < 3; i++)
    if (!Object.is(a[i], b[i])) out.push(`${what} #${i}: ${a[i]} and ${b[i]}`);
  return out;
};

const ALPHA = (op: UnaryOp): number => (op === 'leakyRelu' ? 0.2 : 1);

/** Activation pairs (gate, activation): the defaults, then every unary op at least once. */
const PAIRS: [UnaryOp, UnaryOp][] = [
  ['sigmoid', 'tanh'],
  ['hardSigmoid', 'relu'],
  ['tanh', 'linear'],
  ['swish', 'elu'],
  ['softsign', 'gelu'],
  ['exp', 'leakyRelu'],
  ['selu', 'softplus'],
  ['square', 'sigmoid'],
  ['abs', 'sqrt'],
  ['neg', 'log'],
];

describe('the wasm kernels give the reference kernels’ bits', () => {
  const wasm = createLstmCellWasm({ smallCallsOnReference: false });
  for (const ctor of [Float32Array, Float64Array]) {
    for (const [gateOp, actOp] of PAIRS) {
      it(`${ctor.name.replace('Array', '')} ${gateOp}/${actOp}, units 1–9 and 33, 1–5 rows`, () => {
        const problems: string[] = [];
        let seed = 1;
        for (const units of [1, 2, 3, 4, 5, 6, 7, 8, 9, 33]) {
          for (const rows of [1, 2, 5]) {
            const n = rows * units;
            const statics = [units, gateOp, ALPHA(gateOp), actOp, ALPHA(actOp)] as const;
            const z = values(ctor, 4 * n, seed++);
            const c = values(ctor, n, seed++);
            const run = (impl: 'wasm' | 'reference') => {
              const out = {
                cNext: new ctor(n).fill(9),
                h: new ctor(n).fill(9),
                dzo: new ctor(n).fill(9),
                dcPart: new ctor(n).fill(9),
                dz: new ctor(4 * n).fill(9),
                dc: new ctor(n).fill(9),
                aux: new Float64Array(5 * n).fill(9),
              };
              const forward = impl === 'wasm' ? wasm.forward : lstmCellKernel.reference;
              const outputBackward =
                impl === 'wasm' ? wasm.outputBackward : lstmCellOutputBackwardKernel.reference;
              const stateBackward =
                impl === 'wasm' ? wasm.stateBackward : lstmCellStateBackwardKernel.reference;
              forward(z, c, out.cNext, out.h, out.aux, ...statics);
              const gh = values(ctor, n, 1000 + seed);
              outputBackward(z, out.cNext, out.aux, gh, out.dzo, out.dcPart, ...statics);
              const gc = values(ctor, n, 2000 + seed);
              stateBackward(z, c, out.aux, gc, out.dzo, out.dz, out.dc, ...statics);
              return out;
            };
            const [w, r] = [run('wasm'), run('reference')];
            for (const key of Object.keys(w) as (keyof typeof w)[])
              problems.push(...differences(`${key} units ${units} rows ${rows}`, w[key], r[key]));
          }
        }
        expect(problems).toEqual([]);
      });
    }
  }
});

describe('in place: arrays in the wasm backend’s memory (a replaying program’s region)', () => {
  // The backend's own instance, as register.ts wires it; the region filled with a pattern, the
  // arrays packed 8-byte aligned with no slack (as the engine's planner packs them).
  const backend = createWasmBackend({ smallCallsOnReference: false });
  const kernels = createLstmCellWasm({ smallCallsOnReference: false, instance: backend.instance });
  const big = new Float64Array(1 << 17);
  backend.unary('relu', big, big.slice(), 0);
  for (const ctor of [Float32Array, Float64Array]) {
    for (const [gateOp, actOp] of [PAIRS[0], PAIRS[1]]) {
      for (const pattern of [0b1111111111111, 0, 0b1010110011010, 0b0101001100101]) {
        it(`${ctor.name.replace('Array', '')} ${gateOp}/${actOp}, residency ${pattern.toString(2)}`, () => {
          const [rows, units] = [5, 7];
          const n = rows * units;
          const statics = [units, gateOp, ALPHA(gateOp), actOp, ALPHA(actOp)] as const;
          // z c cNext h aux | gh dzo dcPart | gc dz dc
          const specs: [Ctor, number][] = [
            [ctor, 4 * n],
            [ctor, n],
            [ctor, n],
            [ctor, n],
            [Float64Array, 5 * n],
            [ctor, n],
            [ctor, n],
            [ctor, n],
            [ctor, n],
            [ctor, 4 * n],
            [ctor, n],
          ];
          const outputs = new Set([2, 3, 4, 6, 7, 9, 10]);
          const slots = specs.map(([k, len]) => Math.ceil((len * k.BYTES_PER_ELEMENT) / 8) * 8);
          const bytes = slots.reduce((a, b) => a + b, 0) + 64;
          const region = backend.programArena?.(bytes);
          if (!region) throw new Error('no region');
          const memory = new Uint8Array(region.buffer(), region.offset, bytes);
          memory.fill(0xa7);
          let offset = 0;
          const placed = specs.map(([k, len], i) => {
            const resident = ((pattern >>> i) & 1) === 1;
            const array = resident ? new k(region.buffer(), region.offset + offset, len) : new k(len);
            offset += slots[i];
            array.set(outputs.has(i) ? new k(len).fill(9) : values(k, len, 300 + i));
            return array;
          });
          const before = memory.slice();
          const expected = specs.map(([k, len], i) =>
            outputs.has(i) ? new k(len).fill(9) : placed[i].slice(),
          );
          const run = (impl: 'wasm' | 'reference', a: (Float32Array | Float64Array)[]) => {
            const forward = impl === 'wasm' ? kernels.forward : lstmCellKernel.reference;
            const outputBackward =
              impl === 'wasm' ? kernels.outputBackward : lstmCellOutputBackwardKernel.reference;
            const stateBackward =
              impl === 'wasm' ? kernels.stateBackward : lstmCellStateBackwardKernel.reference;
            const aux = a[4] as Float64Array;
            forward(a[0], a[1], a[2], a[3], aux, ...statics);
            outputBackward(a[0], a[2], aux, a[5], a[6], a[7], ...statics);
            stateBackward(a[0], a[1], aux, a[8], a[6], a[9], a[10], ...statics);
          };
          run('reference', expected);
          // Every call in wasm: count the wrapper's falls back to the reference kernels.
          let fallbacks = 0;
          const definitions = [lstmCellKernel, lstmCellOutputBackwardKernel, lstmCellStateBackwardKernel];
          const saved = definitions.map((d) => d.reference);
          definitions.forEach((d, k) => {
            (d as { reference: unknown }).reference = (...args: never[]) => {
              fallbacks++;
              (saved[k] as (...a: never[]) => void)(...args);
            };
          });
          try {
            run('wasm', placed);
          } finally {
            definitions.forEach((d, k) => {
              (d as { reference: unknown }).reference = saved[k];
            });
          }
          expect(fallbacks).toBe(0);
          const problems: string[] = [];
          placed.forEach((array, i) => {
            problems.push(...differences(`array ${i}`, array, expected[i]));
          });
          const written = new Uint8Array(bytes);
          offset = 0;
          specs.forEach(([k, len], i) => {
            if (((pattern >>> i) & 1) === 1 && outputs.has(i))
              written.fill(1, offset, offset + len * k.BYTES_PER_ELEMENT);
            offset += slots[i];
          });
          const now = new Uint8Array(region.buffer(), region.offset, bytes);
          for (let b = 0; b < bytes; b++) {
            if (!written[b] && now[b] !== before[b]) {
              problems.push(`byte ${b} of the region changed outside the outputs`);
              break;
            }
          }
          expect(problems).toEqual([]);
        });
      }
    }
  }
});

interface Cells {
  h1: Tensor;
  c1: Tensor;
  h2: Tensor;
  c2: Tensor;
}

/** The cell as LSTM.step wrote it before the fused op: split, activations, products and sums. */
function chain(z: Tensor, c: Tensor, gate: CellActivation, act: CellActivation): [Tensor, Tensor] {
  const sigma = (x: Tensor) => ops.unary(gate.op, x, gate.alpha);
  const f = (x: Tensor) => ops.unary(act.op, x, act.alpha);
  const [zi, zf, zc, zo] = ops.split(z, 4, 1);
  const cNext = ops.add(ops.mul(sigma(zf), c), ops.mul(sigma(zi), f(zc)));
  const hNext = ops.mul(sigma(zo), f(cNext));
  return [hNext, cNext];
}

type Cell = typeof chain;

/** Two cells, the second's z reading the first's h (as the layer's next step does). */
function twoCells(
  cell: Cell,
  z1: Tensor,
  c0: Tensor,
  z2: Tensor,
  u: Tensor,
  pair: [CellActivation, CellActivation],
): Cells {
  const [h1, c1] = cell(z1, c0, ...pair);
  const [h2, c2] = cell(ops.add(z2, ops.matmul(h1, u)), c1, ...pair);
  return { h1, c1, h2, c2 };
}

const leaf = (data: Float32Array | Float64Array, shape: number[], dtype: DType): Tensor => {
  const t = new Tensor(dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data), shape);
  t.requiresGrad = true;
  return t;
};

describe('the op gives the chain’s values and gradients', () => {
  const B = 3;
  const U = 5;
  const seeds: Array<[string, (cells: Cells, w: Tensor[]) => Tensor]> = [
    [
      'h and c of both cells',
      (s, w) => ops.sum(ops.add(ops.add(ops.mul(s.h1, w[0]), ops.mul(s.h2, w[1])), ops.mul(s.c2, w[2]))),
    ],
    ['the last h only', (s, w) => ops.sum(ops.mul(s.h2, w[1]))],
    ['the last c only', (s, w) => ops.sum(ops.mul(s.c2, w[2]))],
  ];
  for (const backend of ['js', 'wasm']) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [gateOp, actOp] of PAIRS.slice(0, 4)) {
        for (const [name, loss] of seeds) {
          it(`${backend} ${dtype} ${gateOp}/${actOp}, gradient from ${name}`, () => {
            setBackend(backend);
            const ctor = dtype === 'float32' ? Float32Array : Float64Array;
            const pair: [CellActivation, CellActivation] = [
              { op: gateOp, alpha: ALPHA(gateOp) },
              { op: actOp, alpha: ALPHA(actOp) },
            ];
            // Weights of the loss with zeros and −0 (so −0 gradients arrive), no NaN or ∞.
            const w = [0, 1, 2].map((k) => {
              const data = values(ctor, B * U, 50 + k, false);
              for (let i = k; i < data.length; i += 4) data[i] = i % 8 < 4 ? -0 : 0;
              return new Tensor(data, [B, U]);
            });
            const run = (cell: Cell) => {
              const inputs = {
                z1: leaf(values(ctor, B * 4 * U, 1, false), [B, 4 * U], dtype),
                c0: leaf(values(ctor, B * U, 2, false), [B, U], dtype),
                z2: leaf(values(ctor, B * 4 * U, 3, false), [B, 4 * U], dtype),
                u: leaf(values(ctor, U * 4 * U, 4, false), [U, 4 * U], dtype),
              };
              const cells = twoCells(cell, inputs.z1, inputs.c0, inputs.z2, inputs.u, pair);
              backward(loss(cells, w));
              return { cells, inputs };
            };
            const fused = run(lstmCell);
            const unfused = run(chain);
            const problems: string[] = [];
            for (const key of ['h1', 'c1', 'h2', 'c2'] as const)
              problems.push(...differences(key, fused.cells[key].data, unfused.cells[key].data));
            for (const key of ['z1', 'c0', 'z2', 'u'] as const) {
              const [a, b] = [fused.inputs[key].grad, unfused.inputs[key].grad];
              expect(a === null, `gradient of ${key}`).toBe(b === null);
              if (a && b) problems.push(...differences(`d${key}`, a.data, b.data));
            }
            expect(problems).toEqual([]);
          });
        }
      }
    }
  }
});

describe('the LSTM layer fused gives the bits of the chain', () => {
  // A function of the user's own is not a unary op: the layer takes the chain for it.
  const chained: LSTMOptions = {
    recurrentActivation: (x) => ops.sigmoid(x),
    activation: (x) => ops.tanh(x),
  };
  const N = 12;
  const T = 4;
  const series = new Tensor(Float32Array.from(testValues(N * T * 2, 61, -1, 1)), [N, T, 2]);
  const target = new Tensor(Float32Array.from(testValues(N, 62, -1, 1)), [N, 1]);
  const indices = new Tensor(
    Float32Array.from(testValues(N * T, 63, 0, 6), (v, i) => (i % T < i % 3 ? 0 : Math.floor(v))),
    [N, T],
  );
  const cases: Array<{ name: string; build: (o: LSTMOptions) => Sequential; x: Tensor; batchSize?: number }> =
    [
      {
        name: 'dropout and recurrentDropout',
        build: (o) =>
          new Sequential([
            new LSTM(5, { ...o, inputShape: [T, 2], dropout: 0.2, recurrentDropout: 0.3 }),
            new Dense(1),
          ]),
        x: series,
      },
      {
        name: 'Embedding maskZero → LSTM returnSequences → LSTM goBackwards',
        build: (o) =>
          new Sequential([
            new Embedding(6, 3, { inputLength: T, maskZero: true }),
            new LSTM(4, { ...o, returnSequences: true }),
            new LSTM(3, { ...o, goBackwards: true }),
            new Dense(1),
          ]),
        x: indices,
      },
      {
        // 12 rows of 40 units: large enough for the engine to run the cell's calls in wasm
        name: 'LSTM(40), batches of 12',
        build: (o) => new Sequential([new LSTM(40, { ...o, inputShape: [T, 2] }), new Dense(1)]),
        x: series,
        batchSize: 12,
      },
      {
        name: 'Bidirectional',
        build: (o) =>
          new Sequential([new Bidirectional(new LSTM(3, o), { inputShape: [T, 2] }), new Dense(1)]),
        x: series,
      },
    ];
  for (const backend of ['js', 'wasm']) {
    for (const c of cases) {
      it(`${c.name} (${backend})`, async () => {
        setBackend(backend);
        const train = async (o: LSTMOptions) => {
          setSeed(5);
          const model = c.build(o);
          model.compile({ loss: 'mse', optimizer: 'adam' });
          await model.fit(c.x, target, { epochs: 3, batchSize: c.batchSize ?? 4, verbose: 0 });
          return { weights: model.weightsHash(), predictions: Array.from(model.predict(c.x).data) };
        };
        expect(await train({})).toEqual(await train(chained));
      });
    }
  }

  it('returnState with an initial state that takes a gradient (float64)', () => {
    const run = (o: LSTMOptions) => {
      setSeed(6);
      const lstm = new LSTM(3, { ...o, dtype: 'float64', returnState: true, returnSequences: true });
      lstm.build([T, 2]);
      const x = param([2, T, 2], 71, -1, 1);
      const h0 = param([2, 3], 72, -1, 1);
      const c0 = param([2, 3], 73, -1, 1);
      const [out, h, cLast] = lstm.callWithStates(x, { training: false, initialState: [h0, c0] });
      // c0 also feeds the loss directly: three gradients meet at it.
      backward(
        ops.add(ops.add(ops.sum(ops.mul(out, out)), ops.sum(ops.mul(h, cLast))), ops.sum(ops.mul(c0, cLast))),
      );
      return [x, h0, c0, ...lstm.variables.map((v) => v.value)].map((t) => Array.from(t.grad?.data ?? []));
    };
    expect(run({})).toEqual(run(chained));
  });
});

describe('the op’s gradients agree with central finite differences in float64', () => {
  for (const [gateOp, actOp] of PAIRS.slice(0, 4)) {
    it(`${gateOp}/${actOp}`, () => {
      const pair: [CellActivation, CellActivation] = [
        { op: gateOp, alpha: ALPHA(gateOp) },
        { op: actOp, alpha: ALPHA(actOp) },
      ];
      const z1 = param([2, 12], 81, -1.5, 1.5);
      const c0 = param([2, 3], 82, -1, 1);
      const z2 = param([2, 12], 83, -1.5, 1.5);
      const u = param([3, 12], 84, -0.8, 0.8);
      checkGradients(() => {
        const s = twoCells(lstmCell, z1, c0, z2, u, pair);
        return ops.concat([s.h1, s.h2, s.c2], 1);
      }, [z1, c0, z2, u]);
    });
  }
});
