/**
 * broadcastCopy (engine/kernels.ts) copies block by block when x holds a long enough run of
 * trailing axes contiguously, and walks element by element otherwise. Both must give exactly
 * out[i₀, …] = x[Σ i_d·strides[d]]: checked here against that formula, evaluated index by index,
 * for broadcasts (stride-0 axes anywhere, size-1 axes), transposes and mixtures, in float32 and
 * float64, with NaN payloads, −0 and infinities among the values.
 */
import { describe, expect, it } from 'vitest';
import { broadcastCopy } from '../packages/ditto/src/engine/kernels.js';

/** The copy by its definition: each output index's source offset from the strides. */
function byDefinition(x: Float32Array | Float64Array, strides: number[], target: number[]): number[] {
  const size = target.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let o = 0; o < size; o++) {
    let rest = o;
    let src = 0;
    for (let d = target.length - 1; d >= 0; d--) {
      src += (rest % target[d]) * strides[d];
      rest = Math.floor(rest / target[d]);
    }
    out.push(x[src]);
  }
  return out;
}

/** Row-major strides of `shape`, 0 where `broadcast` marks an axis (its source size is 1). */
function stridesOf(shape: number[], broadcast: boolean[]): { strides: number[]; sourceSize: number } {
  const strides = new Array<number>(shape.length).fill(0);
  let size = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (broadcast[d]) continue;
    strides[d] = size;
    size *= shape[d];
  }
  return { strides, sourceSize: size };
}

function values(
  ctor: Float32ArrayConstructor | Float64ArrayConstructor,
  n: number,
): Float32Array | Float64Array {
  const x = new ctor(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 37) % 101) - 50 + i / 7;
  const specials = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let k = 0; k < specials.length && k < n; k++) x[(k * 13) % n] = specials[k];
  return x;
}

const BROADCASTS: [number[], boolean[]][] = [
  [
    [128, 100, 64],
    [false, true, false],
  ], // a mean's gradient over the steps (GlobalAveragePooling1D)
  [
    [3, 5, 17],
    [false, true, false],
  ],
  [
    [4, 6, 32],
    [true, false, false],
  ],
  [
    [2, 3, 4, 20],
    [false, true, true, false],
  ],
  [
    [7, 1, 40],
    [false, false, false],
  ], // a size-1 axis inside the run
  [
    [5, 9, 16],
    [false, false, true],
  ], // the last axis broadcast: runs of 1, the element walk
  [
    [6, 100],
    [true, false],
  ],
  [
    [100, 33],
    [false, true],
  ],
  [
    [128, 10],
    [false, true],
  ], // a loss's per-sample sum spread over the classes (two axes, short rows)
  [
    [9, 3],
    [true, false],
  ],
];

describe('broadcastCopy equals the copy by its definition', () => {
  for (const ctor of [Float32Array, Float64Array]) {
    for (const [target, broadcast] of BROADCASTS) {
      it(`${ctor.name}: ${target.join('×')}, broadcast axes ${broadcast.map(Number).join('')}`, () => {
        const { strides, sourceSize } = stridesOf(target, broadcast);
        const x = values(ctor, sourceSize);
        const out = new ctor(target.reduce((a, b) => a * b, 1)).fill(99);
        broadcastCopy.reference(x, out, strides, target);
        expect(Array.from(out)).toEqual(byDefinition(x, strides, target));
      });
    }

    it(`${ctor.name}: transposes (permuted strides) and a broadcast inside a transposed layout`, () => {
      const cases: [number[], number[]][] = [
        [
          [20, 30],
          [1, 20],
        ],
        [
          [4, 5, 32],
          [160, 1, 5],
        ],
        [
          [32, 4, 16],
          [16, 0, 1],
        ],
        [
          [3, 16, 18],
          [1, 54, 3],
        ],
      ];
      for (const [target, strides] of cases) {
        const span = target.reduce((s, t, d) => s + (t - 1) * strides[d], 1);
        const x = values(ctor, span);
        const out = new ctor(target.reduce((a, b) => a * b, 1));
        broadcastCopy.reference(x, out, strides, target);
        expect(Array.from(out), target.join('×')).toEqual(byDefinition(x, strides, target));
      }
    });
  }
});
