/**
 * The fused GRU cell (tensor/ops/gru-cell.ts, kernels/wasm/gru.ts) against what it replaces:
 * - the wasm kernels against the TypeScript reference kernels, bit for bit: units 1–9 and 33, one to
 *   five rows, float32 and float64, pairs of activations covering every unary op, values with −0,
 *   ±∞, NaN and wide magnitudes; and on arrays in the wasm backend's memory (in place, nothing
 *   outside the outputs written, nothing sent to the reference);
 * - the op against the chain of ops it stands for (GRU.step's resetAfter branch), values and
 *   gradients of two chained cells (the second's ĥ reading the first's h, h also in the loss), seeds
 *   with −0, on the js and wasm backends, float32 and float64;
 * - the GRU layer fused against the same layer forced onto the chain (activations wrapped in a
 *   function of the user's own): masks, dropout and recurrentDropout, returnSequences, goBackwards,
 *   Bidirectional;
 * - the op's gradients against float64 central finite differences.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { createGruCellWasm } from '../packages/ditto/src/backend/wasm/gru-cell.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Embedding } from '../packages/ditto/src/layers/embedding.js';
import { GRU, type GRUOptions } from '../packages/ditto/src/layers/recurrent/gru.js';
import { Bidirectional } from '../packages/ditto/src/layers/wrappers/bidirectional.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import type { UnaryOp } from '../packages/ditto/src/numeric/elementwise.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { backward } from '../packages/ditto/src/tensor/autograd.js';
import type { DType } from '../packages/ditto/src/tensor/dtype.js';
import { gruCell, gruCellBackwardKernel, gruCellKernel } from '../packages/ditto/src/tensor/ops/gru-cell.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import type { CellActivation } from '../packages/ditto/src/tensor/ops/lstm-cell.js';
import { scalar, Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setBackend('js');
});

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type Data = Float32Array | Float64Array;

function values(ctor: Ctor, n: number, seed: number, specials = true): Data {
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

interface Kernels {
  forward: typeof gruCellKernel.reference;
  backward: typeof gruCellBackwardKernel.reference;
}
const reference: Kernels = {
  forward: (...a) => gruCellKernel.reference(...a),
  backward: (...a) => gruCellBackwardKernel.reference(...a),
};

/** Forward then backward on `arrays` (xp, inner, h, hNext, pre, aux, g, dxp, dinner, dh). */
function runBoth(k: Kernels, a: Data[], statics: readonly [number, UnaryOp, number, UnaryOp, number]): void {
  k.forward(a[0], a[1], a[2], a[3], a[4], a[5] as Float64Array, ...statics);
  k.backward(a[1], a[2], a[4], a[5] as Float64Array, a[6], a[7], a[8], a[9], ...statics);
}

/** The arrays' element types and lengths for rows × units, and which are outputs. */
const specs = (ctor: Ctor, n: number): [Ctor, number][] => [
  [ctor, 3 * n],
  [ctor, 3 * n],
  [ctor, n],
  [ctor, n],
  [ctor, 3 * n],
  [Float64Array, 3 * n],
  [ctor, n],
  [ctor, 3 * n],
  [ctor, 3 * n],
  [ctor, n],
];
const OUTPUTS = new Set([3, 4, 5, 7, 8, 9]);

describe('the wasm kernels give the reference kernels’ bits', () => {
  const wasm = createGruCellWasm({ smallCallsOnReference: false });
  for (const ctor of [Float32Array, Float64Array]) {
    for (const [gateOp, actOp] of PAIRS) {
      it(`${ctor.name.replace('Array', '')} ${gateOp}/${actOp}, units 1–9 and 33, 1–5 rows`, () => {
        const problems: string[] = [];
        let seed = 1;
        for (const units of [1, 2, 3, 4, 5, 6, 7, 8, 9, 33]) {
          for (const rows of [1, 2, 5]) {
            const n = rows * units;
            const statics = [units, gateOp, ALPHA(gateOp), actOp, ALPHA(actOp)] as const;
            const inputs = specs(ctor, n).map(([k, len], i) =>
              OUTPUTS.has(i) ? new k(len).fill(9) : values(k, len, seed++),
            );
            const [w, r] = [inputs.map((x) => x.slice()), inputs.map((x) => x.slice())];
            runBoth(wasm, w, statics);
            runBoth(reference, r, statics);
            w.forEach((x, i) => {
              problems.push(...differences(`array ${i} units ${units} rows ${rows}`, x, r[i]));
            });
          }
        }
        expect(problems).toEqual([]);
      });
    }
  }
});

describe('in place: arrays in the wasm backend’s memory', () => {
  const backend = createWasmBackend({ smallCallsOnReference: false });
  const kernels = createGruCellWasm({ smallCallsOnReference: false, instance: backend.instance });
  const big = new Float64Array(1 << 17);
  backend.unary('relu', big, big.slice(), 0);
  for (const ctor of [Float32Array, Float64Array]) {
    for (const [gateOp, actOp] of [PAIRS[0], PAIRS[1]]) {
      for (const pattern of [0b1111111111, 0, 0b1010110011, 0b0101001100]) {
        it(`${ctor.name.replace('Array', '')} ${gateOp}/${actOp}, residency ${pattern.toString(2)}`, () => {
          const [rows, units] = [5, 7];
          const statics = [units, gateOp, ALPHA(gateOp), actOp, ALPHA(actOp)] as const;
          const list = specs(ctor, rows * units);
          const slots = list.map(([k, len]) => Math.ceil((len * k.BYTES_PER_ELEMENT) / 8) * 8);
          const bytes = slots.reduce((a, b) => a + b, 0) + 64;
          const region = backend.programArena?.(bytes);
          if (!region) throw new Error('no region');
          const memory = new Uint8Array(region.buffer(), region.offset, bytes);
          memory.fill(0xa7);
          let offset = 0;
          const placed = list.map(([k, len], i) => {
            const array =
              ((pattern >>> i) & 1) === 1 ? new k(region.buffer(), region.offset + offset, len) : new k(len);
            offset += slots[i];
            array.set(OUTPUTS.has(i) ? new k(len).fill(9) : values(k, len, 300 + i));
            return array;
          });
          const before = memory.slice();
          const expected = placed.map((x) => x.slice());
          runBoth(reference, expected, statics);
          let fallbacks = 0;
          const definitions = [gruCellKernel, gruCellBackwardKernel];
          const saved = definitions.map((d) => d.reference);
          definitions.forEach((d, k) => {
            (d as { reference: unknown }).reference = (...args: never[]) => {
              fallbacks++;
              (saved[k] as (...a: never[]) => void)(...args);
            };
          });
          try {
            runBoth(kernels, placed, statics);
          } finally {
            definitions.forEach((d, k) => {
              (d as { reference: unknown }).reference = saved[k];
            });
          }
          expect(fallbacks).toBe(0);
          const problems: string[] = [];
          placed.forEach((x, i) => {
            problems.push(...differences(`array ${i}`, x, expected[i]));
          });
          const written = new Uint8Array(bytes);
          offset = 0;
          list.forEach(([k, len], i) => {
            if (((pattern >>> i) & 1) === 1 && OUTPUTS.has(i))
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

/** GRU.step's resetAfter chain after its matmuls. */
function chain(xp: Tensor, inner: Tensor, h: Tensor, gate: CellActivation, act: CellActivation): Tensor {
  const sigma = (x: Tensor) => ops.unary(gate.op, x, gate.alpha);
  const [xz, xr, xh] = ops.split(xp, 3, 1);
  const [rz, rr, rh] = ops.split(inner, 3, 1);
  const z = sigma(ops.add(xz, rz));
  const r = sigma(ops.add(xr, rr));
  const hh = ops.unary(act.op, ops.add(xh, ops.mul(r, rh)), act.alpha);
  const one = scalar(1, z.dtype);
  return ops.add(ops.mul(z, h), ops.mul(ops.sub(one, z), hh));
}
type Cell = typeof chain;

const leaf = (data: Data, shape: number[], dtype: DType): Tensor => {
  const t = new Tensor(dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data), shape);
  t.requiresGrad = true;
  return t;
};

describe('the op gives the chain’s values and gradients', () => {
  const B = 3;
  const U = 5;
  for (const backend of ['js', 'wasm']) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [gateOp, actOp] of PAIRS.slice(0, 4)) {
        it(`${backend} ${dtype} ${gateOp}/${actOp}, two cells`, () => {
          setBackend(backend);
          const ctor = dtype === 'float32' ? Float32Array : Float64Array;
          const pair: [CellActivation, CellActivation] = [
            { op: gateOp, alpha: ALPHA(gateOp) },
            { op: actOp, alpha: ALPHA(actOp) },
          ];
          const w = [0, 1].map((k) => {
            const data = values(ctor, B * U, 50 + k, false);
            for (let i = k; i < data.length; i += 4) data[i] = i % 8 < 4 ? -0 : 0;
            return new Tensor(data, [B, U]);
          });
          const run = (cell: Cell) => {
            const inputs = {
              xp1: leaf(values(ctor, B * 3 * U, 1, false), [B, 3 * U], dtype),
              xp2: leaf(values(ctor, B * 3 * U, 2, false), [B, 3 * U], dtype),
              h0: leaf(values(ctor, B * U, 3, false), [B, U], dtype),
              u: leaf(values(ctor, U * 3 * U, 4, false), [U, 3 * U], dtype),
            };
            const h1 = cell(inputs.xp1, ops.matmul(inputs.h0, inputs.u), inputs.h0, ...pair);
            const h2 = cell(inputs.xp2, ops.matmul(h1, inputs.u), h1, ...pair);
            // h1 has three gradients: the second cell's blend, its ĥ matmul and the loss
            backward(ops.sum(ops.add(ops.mul(h1, w[0]), ops.mul(h2, w[1]))));
            return { outputs: { h1, h2 }, inputs };
          };
          const fused = run(gruCell);
          const unfused = run(chain);
          const problems: string[] = [];
          for (const key of ['h1', 'h2'] as const)
            problems.push(...differences(key, fused.outputs[key].data, unfused.outputs[key].data));
          for (const key of ['xp1', 'xp2', 'h0', 'u'] as const) {
            const [a, b] = [fused.inputs[key].grad, unfused.inputs[key].grad];
            expect(a === null, `gradient of ${key}`).toBe(b === null);
            if (a && b) problems.push(...differences(`d${key}`, a.data, b.data));
          }
          expect(problems).toEqual([]);
        });
      }
    }
  }
});

describe('the GRU layer fused gives the bits of the chain', () => {
  const chained: GRUOptions = {
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
  const cases: Array<{ name: string; build: (o: GRUOptions) => Sequential; x: Tensor; batchSize?: number }> =
    [
      {
        name: 'dropout and recurrentDropout',
        build: (o) =>
          new Sequential([
            new GRU(5, { ...o, inputShape: [T, 2], dropout: 0.2, recurrentDropout: 0.3 }),
            new Dense(1),
          ]),
        x: series,
      },
      {
        name: 'Embedding maskZero → GRU returnSequences → GRU goBackwards',
        build: (o) =>
          new Sequential([
            new Embedding(6, 3, { inputLength: T, maskZero: true }),
            new GRU(4, { ...o, returnSequences: true }),
            new GRU(3, { ...o, goBackwards: true }),
            new Dense(1),
          ]),
        x: indices,
      },
      {
        name: 'GRU(40), batches of 12 (the cell in wasm)',
        build: (o) => new Sequential([new GRU(40, { ...o, inputShape: [T, 2] }), new Dense(1)]),
        x: series,
        batchSize: 12,
      },
      {
        name: 'Bidirectional',
        build: (o) =>
          new Sequential([new Bidirectional(new GRU(3, o), { inputShape: [T, 2] }), new Dense(1)]),
        x: series,
      },
    ];
  for (const backend of ['js', 'wasm']) {
    for (const c of cases) {
      it(`${c.name} (${backend})`, async () => {
        setBackend(backend);
        const train = async (o: GRUOptions) => {
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
});

describe('the op’s gradients agree with central finite differences in float64', () => {
  for (const [gateOp, actOp] of PAIRS.slice(0, 4)) {
    it(`${gateOp}/${actOp}`, () => {
      const pair: [CellActivation, CellActivation] = [
        { op: gateOp, alpha: ALPHA(gateOp) },
        { op: actOp, alpha: ALPHA(actOp) },
      ];
      const xp = param([2, 9], 81, -1.5, 1.5);
      const h0 = param([2, 3], 82, -1, 1);
      const u = param([3, 9], 84, -0.8, 0.8);
      checkGradients(() => {
        const h1 = gruCell(xp, ops.matmul(h0, u), h0, ...pair);
        return ops.concat([h1, gruCell(xp, ops.matmul(h1, u), h1, ...pair)], 1);
      }, [xp, h0, u]);
    });
  }
});
