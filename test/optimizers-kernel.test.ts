/**
 * The fused Adam kernel (Backend.adamUpdate): the wasm kernel against the reference (js) kernel,
 * element by element with Object.is (−0 ≠ +0; NaN payloads are not part of the contract), over
 * awkward lengths, special values, AMSGrad and weight decay on and off; and AdamBase's use of the
 * kernel: it is called for float32 variables only, and changes no bit of a training.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { registerBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { instantiateKernels, wasmSimdSupported } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import { SMALL_WORK } from '../packages/ditto/src/kernels/registry.js';
import { Variable } from '../packages/ditto/src/layers/variable.js';
import { Adam } from '../packages/ditto/src/optimizers/adam.js';
import type { AdamBase } from '../packages/ditto/src/optimizers/adam-base.js';
import { AdamW } from '../packages/ditto/src/optimizers/adamw.js';
import { powerFor } from '../packages/ditto/src/optimizers/power.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { missing } from './helpers/requirements.js';

const fr = Math.fround;

/** splitmix32-style hash of (seed, index): a value source independent of ditto's generator. */
function hash(seed: number, index: number): number {
  let z = (Math.imul(seed, 0x9e3779b9) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** float32 special values: NaN, ±∞, ±0, subnormals, the extremes, values whose squares underflow. */
const SPECIALS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  1.401298464324817e-45,
  -5.877471754111438e-39,
  1.1754943508222875e-38,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  -1e-30,
  1e-25,
];

/** `count` float32 values sign·(1 + f)·2^e, e in [lo, hi], a `specialRate` share from SPECIALS. */
function values(count: number, seed: number, lo: number, hi: number, specialRate = 0, positive = false) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const h = hash(seed, i);
    if ((hash(seed ^ 0x5bd1e995, i) % 1000) / 1000 < specialRate) {
      const s = SPECIALS[h % SPECIALS.length];
      out[i] = positive && s < 0 ? -s : s;
    } else {
      const e = lo + (h % (hi - lo + 1));
      const sign = positive || h & 0x80000000 ? 1 : -1;
      out[i] = sign * (1 + (hash(seed + 7, i) % 1024) / 1024) * 2 ** e;
    }
  }
  return out;
}

/** The float32 scalars AdamBase passes for these hyper-parameters at step t (docs/optimizers.md). */
function scalars(o: { lr: number; beta1: number; beta2: number; eps: number; wd?: number }, t: number) {
  const lr = fr(o.lr);
  const p1 = powerFor('float32', o.beta1, t);
  const p2 = powerFor('float32', o.beta2, t);
  return {
    lr,
    wd: o.wd === undefined ? null : fr(o.wd),
    alpha: fr(fr(lr * fr(Math.sqrt(fr(1 - p2)))) / fr(1 - p1)),
    c1: fr(1 - o.beta1),
    c2: fr(1 - o.beta2),
    eps: fr(o.eps),
  };
}

interface State {
  w: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
  vHat: Float32Array | null;
}

function state(n: number, seed: number, specialRate: number, amsgrad: boolean): State {
  return {
    w: values(n, seed, -6, 2, specialRate),
    g: values(n, seed + 1, -12, 3, specialRate),
    m: values(n, seed + 2, -14, 0, specialRate),
    // v and vHat are running averages of squares: non-negative apart from the specials.
    v: values(n, seed + 3, -24, 2, specialRate, true),
    vHat: amsgrad ? values(n, seed + 4, -24, 2, specialRate, true) : null,
  };
}

function copy(s: State): State {
  return { w: s.w.slice(), g: s.g.slice(), m: s.m.slice(), v: s.v.slice(), vHat: s.vHat?.slice() ?? null };
}

function run(backend: Backend, s: State, k: ReturnType<typeof scalars>): void {
  const kernel = backend.adamUpdate;
  if (!kernel) throw new Error(`${backend.name} has no adamUpdate`);
  kernel(s.w, s.g, s.m, s.v, s.vHat, k.lr, k.wd, k.alpha, k.c1, k.c2, k.eps);
}

/** The first index where a and b differ by Object.is, or −1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function expectSameState(actual: State, expected: State, label: string): void {
  for (const key of ['w', 'g', 'm', 'v', 'vHat'] as const) {
    const a = actual[key];
    const e = expected[key];
    if (a === null || e === null) {
      expect(a, `${label} ${key}`).toBe(e);
      continue;
    }
    const i = firstDifference(a, e);
    expect(i, `${label} ${key}[${i}]: ${a[i]} vs ${e[i]}`).toBe(-1);
  }
}

/** IEEE maximum as Math.max defines it (NaN if either is NaN; +0 above −0), spelled out. */
function maxOf(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  if (a !== b) return a > b ? a : b;
  return Object.is(a, -0) ? b : a;
}

const HYPERS = [
  { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7 },
  { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7, wd: 0.004 },
  { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-4, wd: 0.1 },
  { lr: 3, beta1: 0, beta2: 0.5, eps: 0 }, // ε = 0: divisions by √0 give ±∞ or NaN
];
const LENGTHS = [1, 3, 4, 5, 7, 17, 31, 32, 1000, 100003];

const noWasmSimd = missing('WebAssembly SIMD', wasmSimdSupported(), 'a runtime with WebAssembly SIMD');
describe.skipIf(noWasmSimd)('wasm adamUpdate against the reference kernel', () => {
  const wasm = createWasmBackend({ smallCallsOnReference: false });
  const wasmDefault = createWasmBackend();

  it('gives the same bits at awkward lengths, with AMSGrad and weight decay on and off', () => {
    let cases = 0;
    for (const n of LENGTHS) {
      for (const [h, hypers] of HYPERS.entries()) {
        for (const amsgrad of [false, true]) {
          for (const specialRate of [0, 0.1]) {
            const seed = n * 31 + h * 7 + (amsgrad ? 3 : 0) + specialRate * 1000;
            const start = state(n, seed, specialRate, amsgrad);
            const expected = copy(start);
            const actual = copy(start);
            const viaDefault = copy(start);
            // Three steps in a row, so m, v and vHat written by the kernel feed the next step.
            for (const t of [1, 2, 50]) {
              const k = scalars(hypers, t);
              run(jsBackend, expected, k);
              run(wasm, actual, k);
              run(wasmDefault, viaDefault, k);
              const label = `n=${n} hypers#${h} amsgrad=${amsgrad} specials=${specialRate} t=${t}`;
              expectSameState(actual, expected, label);
              expectSameState(viaDefault, expected, `${label} (default thresholds)`);
            }
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(LENGTHS.length * HYPERS.length * 4);
  });

  it('changes the state (so the comparison has teeth) and the weight decay changes w', () => {
    const n = 1000;
    const start = state(n, 99, 0, false);
    const plain = copy(start);
    const decayed = copy(start);
    run(wasm, plain, scalars(HYPERS[0], 1));
    run(wasm, decayed, scalars(HYPERS[1], 1));
    expect(firstDifference(plain.w, start.w)).not.toBe(-1);
    expect(firstDifference(plain.m, start.m)).not.toBe(-1);
    expect(firstDifference(plain.v, start.v)).not.toBe(-1);
    expect(firstDifference(plain.w, decayed.w)).not.toBe(-1);
  });

  it('follows the documented float32 sequence, written out here independently', () => {
    // docs/optimizers.md, each line one double operation rounded to float32.
    const n = 1001;
    const start = state(n, 5, 0.05, true);
    const k = scalars(HYPERS[2], 3);
    const actual = copy(start);
    run(wasm, actual, k);
    const wd = k.wd as number;
    for (let i = 0; i < n; i++) {
      const g = start.g[i];
      const w0 = fr(start.w[i] - fr(fr(start.w[i] * wd) * k.lr));
      const m = fr(start.m[i] + fr(fr(g - start.m[i]) * k.c1));
      const v = fr(start.v[i] + fr(fr(fr(g * g) - start.v[i]) * k.c2));
      const vHatOld = (start.vHat as Float32Array)[i];
      const vHat = maxOf(vHatOld, v);
      const w = fr(w0 - fr(fr(m * k.alpha) / fr(fr(Math.sqrt(vHat)) + k.eps)));
      expect(Object.is(actual.m[i], m), `m[${i}]`).toBe(true);
      expect(Object.is(actual.v[i], v), `v[${i}]`).toBe(true);
      expect(Object.is((actual.vHat as Float32Array)[i], fr(vHat)), `vHat[${i}]`).toBe(true);
      expect(Object.is(actual.w[i], w), `w[${i}]`).toBe(true);
    }
  });

  it('takes max(−0, +0) as +0 and lets NaN win, as Math.max does', () => {
    const n = 8;
    const s: State = {
      w: new Float32Array(n).fill(1),
      g: new Float32Array(n),
      m: new Float32Array(n),
      // With g = 0 and c2 = −0.5 the new v is v + (+0 − v)·(−0.5): −0 stays −0 (−0 + −0), +0 stays +0.
      v: new Float32Array([0, -0, -0, 0, Number.NaN, 0, 4, 0]),
      vHat: new Float32Array([-0, 0, -0, Number.NaN, 0, 2, 1, 0]),
    };
    run(wasm, s, { lr: 1, wd: null, alpha: 1, c1: 0.5, c2: -0.5, eps: 1 });
    expect(Object.is(s.v[1], -0)).toBe(true);
    const vHat = s.vHat as Float32Array;
    expect(Object.is(vHat[0], 0)).toBe(true); // max(−0, +0)
    expect(Object.is(vHat[1], 0)).toBe(true); // max(+0, −0)
    expect(Object.is(vHat[2], -0)).toBe(true); // max(−0, −0)
    expect(vHat[3]).toBeNaN(); // max(NaN, +0)
    expect(vHat[4]).toBeNaN(); // max(+0, NaN)
    expect(Array.from(vHat.subarray(5))).toEqual([2, 6, 0]);
  });

  it('stores nothing past the end of an output (the last n mod 4 elements)', () => {
    const k = instantiateKernels();
    const base = k.heap_base.value as number;
    const f32 = new Float32Array(k.memory.buffer);
    for (const n of [1, 2, 3, 5, 6, 7]) {
      // Five buffers of n elements, each followed by 32 bytes (8 floats) of sentinels.
      const stride = n + 8;
      const at = (b: number) => base + b * stride * 4;
      for (let b = 0; b < 5; b++) {
        f32.set(values(n, 40 + b, -4, 0, 0, b >= 3), at(b) / 4);
        f32.fill(-12345, at(b) / 4 + n, at(b) / 4 + stride);
      }
      k.adam_f32(at(0), at(1), at(2), at(3), at(4), n, 0.5, 0.25, 1, 0.125, 0.1, 0.01, 1e-3, 1);
      for (let b = 0; b < 5; b++) {
        const tail = Array.from(f32.subarray(at(b) / 4 + n, at(b) / 4 + stride));
        expect(tail, `n=${n} buffer ${b}`).toEqual(new Array(8).fill(-12345));
      }
      // and the n elements themselves were written
      expect(f32[at(0) / 4 + n - 1]).not.toBe(values(n, 40, -4, 0)[n - 1]);
    }
  });

  it('runs scalars that are not float32 values on the reference (they would be rounded in wasm)', () => {
    const start = state(1000, 8, 0, false);
    const k = { lr: 0.001, wd: null, alpha: 0.1, c1: 0.1, c2: 0.001, eps: 1e-7 }; // doubles
    const expected = copy(start);
    const actual = copy(start);
    run(jsBackend, expected, k);
    run(wasm, actual, k);
    expectSameState(actual, expected, 'double scalars');
  });
});

describe('AdamBase on the backend kernel', () => {
  afterEach(() => setBackend('js'));

  /** A backend that is the reference plus a counting (and optionally sabotaged) adamUpdate. */
  function spyBackend(name: string, sabotage: boolean): { backend: Backend; calls: () => number } {
    let calls = 0;
    const reference = jsBackend.adamUpdate as NonNullable<Backend['adamUpdate']>;
    const backend: Backend = {
      ...jsBackend,
      name,
      adamUpdate(w, ...rest) {
        calls++;
        reference(w, ...rest);
        if (sabotage) w[0] = fr(w[0] + 1);
      },
    };
    registerBackend(backend);
    return { backend, calls: () => calls };
  }

  function train(make: () => AdamBase, dtype: 'float32' | 'float64', gradDtype = dtype) {
    // Large enough that the update goes to the backend: smaller ones run on the reference
    // (backendForWork: same bits, no copies into wasm memory).
    const n = Math.ceil(SMALL_WORK / 16) + 3;
    const start = Array.from(values(n, 3, -3, 1));
    const data = dtype === 'float32' ? Float32Array.from(start) : Float64Array.from(start);
    const variable = new Variable('w', new Tensor(data, [n]));
    const optimizer = make();
    for (let step = 1; step <= 5; step++) {
      const g = Array.from(values(n, 10 + step, -10, 0)).map((x, i) => x * (1 + i * 1e-9));
      const grad = gradDtype === 'float32' ? Float32Array.from(g) : Float64Array.from(g);
      optimizer.applyGradients([{ variable, grad }]);
    }
    const slots = optimizer.getSlots(variable);
    return [variable.value.data, slots?.momentum, slots?.velocity, slots?.velocity_hat].map((x) =>
      Array.from(x ?? []),
    );
  }

  const OPTIMIZERS: Array<[string, () => AdamBase]> = [
    ['adam', () => new Adam({ learningRate: 0.01 })],
    ['adamw', () => new AdamW()],
    ['amsgrad', () => new Adam({ amsgrad: true, learningRate: 0.05 })],
  ];

  it('calls the kernel for float32 variables with float32 gradients, and its result is what counts', () => {
    for (const [label, make] of OPTIMIZERS) {
      setBackend('js');
      const reference = train(make, 'float32');
      const spy = spyBackend(`spy-${label}`, false);
      setBackend(spy.backend.name);
      expect(train(make, 'float32'), label).toEqual(reference);
      expect(spy.calls(), label).toBe(5);
      const broken = spyBackend(`broken-${label}`, true);
      setBackend(broken.backend.name);
      expect(train(make, 'float32'), label).not.toEqual(reference);
    }
  });

  it('keeps its own loop for float64 variables; rounds float64 gradients of float32 variables for the kernel', () => {
    for (const [label, make] of OPTIMIZERS) {
      // A sabotaging spy: were the kernel used for float64 variables, the results would show it.
      const spy = spyBackend(`spy64-${label}`, true);
      const honest = spyBackend(`honest64-${label}`, false);
      setBackend('js');
      const reference64 = train(make, 'float64');
      // A float64 gradient is rounded to float32 first (docs/optimizers.md): as a float32 gradient.
      const rounded = train(make, 'float32');
      setBackend(spy.backend.name);
      expect(train(make, 'float64'), label).toEqual(reference64);
      expect(spy.calls(), label).toBe(0);
      setBackend(honest.backend.name);
      expect(train(make, 'float32', 'float64'), label).toEqual(rounded);
      expect(honest.calls(), label).toBeGreaterThan(0);
    }
  });

  it.skipIf(noWasmSimd)('trains to the same bits on the wasm kernel as on the reference', () => {
    const wasm = createWasmBackend({ smallCallsOnReference: false });
    registerBackend({ ...wasm, name: 'wasm-adam-test' });
    for (const [label, make] of OPTIMIZERS) {
      setBackend('js');
      const reference = train(make, 'float32');
      setBackend('wasm-adam-test');
      expect(train(make, 'float32'), label).toEqual(reference);
    }
  });
});
