/**
 * Golden hashes: fixed inputs through every kernel, SHA-256 over the output bytes, pinned here.
 *
 * These are change detectors by design: any change to a kernel's numbers — an operation reordered,
 * a polynomial coefficient changed, a rounding added or dropped — changes a hash and fails this
 * test, so it cannot slip through review. When a change of numerics is deliberate, update the hash
 * in the same commit and say so in the commit message (DESIGN.md §1). Every registered backend must
 * produce the same pinned hashes.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import { UNARY_OPS } from '../packages/ditto/src/numeric/elementwise.js';
import { gatherRows, scatterAddRows } from '../packages/ditto/src/tensor/ops/shape-ops.js';
import {
  adamKernelHashes,
  denseKernelHashes,
  dropoutMaskHash,
  initializerHashes,
} from './helpers/engine-pins.js';
import { testValues } from './helpers/test-values.js';

const f32 = (n: number, seed: number, lo = -3, hi = 3) => Float32Array.from(testValues(n, seed, lo, hi));

/** Runs every kernel on fixed inputs and hashes each kernel's outputs. */
function kernelHashes(backend: Backend): Record<string, string> {
  const out: Record<string, string> = {};
  const [m, k, n] = [7, 19, 5];
  const matmuls: Float32Array[] = [];
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    const c = new Float32Array(m * n);
    backend.matmul(f32(m * k, 1), f32(k * n, 2), c, m, k, n, ta, tb);
    matmuls.push(c);
  }
  out.matmul = hashArrays(matmuls);

  const binaries: Float32Array[] = [];
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
    const o = new Float32Array(4 * 6);
    backend.binary(op, f32(24, 3), [6, 1], f32(6, 4, 0.5, 2), [0, 1], o, [4, 6]);
    binaries.push(o);
  }
  out.binary = hashArrays(binaries);

  const x = f32(257, 5, -6, 6);
  const positive = f32(257, 6, 0.01, 9);
  const dy = f32(257, 7);
  for (const op of UNARY_OPS) {
    const input = op === 'log' || op === 'sqrt' ? positive : x;
    const y = new Float32Array(257);
    const dx = new Float32Array(257);
    const alpha = op === 'leakyRelu' ? 0.2 : 1;
    backend.unary(op, input, y, alpha);
    backend.unaryBackward(op, input, dy, dx, alpha);
    out[`unary:${op}`] = hashArrays([y, dx]);
  }

  const sums = new Float32Array(3 * 5);
  const maxes = new Float32Array(3 * 5);
  backend.reduce('sum', f32(3 * 17 * 5, 8), sums, 3, 17, 5);
  backend.reduce('max', f32(3 * 17 * 5, 8), maxes, 3, 17, 5);
  out.reduce = hashArrays([sums, maxes]);

  const soft: Float32Array[] = [];
  for (const log of [false, true]) {
    const y = new Float32Array(6 * 10);
    const dx = new Float32Array(6 * 10);
    backend.softmax(f32(60, 9, -8, 8), y, 6, 10, log);
    backend.softmaxBackward(y, f32(60, 10), dx, 6, 10, log);
    soft.push(y, dx);
  }
  out.softmax = hashArrays(soft);
  return out;
}

const GOLDEN: Record<string, string> = {
  matmul: 'aec774214b3943119051946f253677c0be37936d9a00c9d889ba4b3a6743cff2',
  binary: '94bac728689c2e497818b4f70c3b66f6392ee1681cd0b9dcb3707d5ddd046780',
  'unary:linear': 'ab9f25105188fa60e2652a3910496f7deaf46b8d8f305f253209889534d12152',
  'unary:neg': '5dcb5bc0b1efda7c1cc9ea5d7287eaad87417da3f84189dc25aeed53be8fee28',
  'unary:abs': 'caeef75b43edd625728ee496c6600b1386ee982eb0a8b944101f3e71e07b53b1',
  'unary:square': '5d75699a6ee31cf0bcfc124a2e6d41ae8bc7cbf3aa9360e4feb7acbe707f6bc9',
  'unary:sqrt': 'ad8f7e013a268e74a103dcaafbca43de7ebeb0703d8a0a2cf8451fb9ed37dce9',
  'unary:exp': 'dd3067c4076489ff6d09a6b5ac419a7312a1e4559820906268355884148b31a9',
  'unary:log': 'eda69ebac561d60f5d2ef2338a12833f6d5db6ee5a73011fc1bab55a0b459326',
  'unary:relu': '615ae97a72a44d3332887c36633ee68d038aaebb58eafec911ce13cdf3b75d06',
  'unary:leakyRelu': 'c12bd0a4279fb2fb19fec4cd3ffd0db0ee7ff5175982feedd7359c62ce5b4329',
  'unary:elu': '81ccfdc0d50db793a7914f252cb0173258ec396f9087476b72db9eaab2053d94',
  'unary:selu': '0a37d0ead13d4b97c7c1e0c239d6455ecdb4216e7a9c992324c35d7b22ee1bf8',
  'unary:sigmoid': 'c088ce508fb917d64a73a1581fced279c8fb3bea26b19515b135a4a700d15a90',
  'unary:hardSigmoid': '6b6891bce01bbf88da8e2a1f8d5207c870934e24f8718fe64d48571e7e01f0a3',
  'unary:tanh': 'c697588019f98486212c2def40a889c0fb205b2108c700aeb8581534bdf3b72b',
  'unary:softplus': '1a850cb351068f53c1298e3ff2cd1979addef6661b43afff04b00d83ee040a2b',
  'unary:softsign': 'd39e09ce59db142d7aaf5c6c05e675f61d5810c750377f2ec37b3c112b3b16c7',
  'unary:swish': 'eaeb1a676485fff06a46c2c27b0cbabaa25e0a7b4c619084b64da8921d9ad6ff',
  'unary:gelu': '2b96211d20bf9b51dcc4f59b2f050ef1fce1581bab54d0bdd0857a6234b80694',
  reduce: '133a106e76d706d1bc032c733e338fd409ad714026e811524fa5bc703ff9ba64',
  softmax: '29c77589b20e23ba107f2392a1a3561bbb5ec902f34d60e7a4a2413c7ac48e30',
};

describe('golden hashes of every kernel', () => {
  const js = kernelHashes(jsBackend);

  it('the TypeScript backend matches the pinned hashes', () => {
    expect(js).toEqual(GOLDEN);
  });

  it('the WebAssembly backend gives the same hashes', () => {
    expect(kernelHashes(createWasmBackend())).toEqual(js);
  });
});

/** Pinned from main before the one-engine redesign (issue 10): the engine must reproduce them. */
const GOLDEN_FUSED: Record<string, string> = {
  'dense:7x19x5:linear': 'e1936003ea6193db8edb9ca8a4b565e30559717d11316e539f5c1d5adf0de696',
  'dense:7x19x5:relu': 'dae5480fa6b154efc0f5cf9321a224e15783aee536388dc6acd3ebcbee7a19ad',
  'dense:9x1x10:linear': '9d06d76a7daa54b59c3623b7157a1c4d814f4c55f63c08a61a73962a2bf4d704',
  'dense:16x33x12:tanh:noBias': '5538851160110ab74b700aa054660cfdb0105006d3b78ce86986d17b81d7fc59',
  'dense:4x8x3:sigmoid': '2b369dad676cbef6734d65119527f27a3cbb950e4542a76a096a92d8507a12d9',
  'dense:5x6x7:elu': 'e83a5241c2f48934913ef47d92455618fdf8e29fc0707eb9a2efbacb547280bc',
  'dense:3x4x6:leakyRelu': 'e52d81d2edb6e73c30538059a1e52642b1d75cbdcb68b1d0a4ce49df30d64ed1',
  adam: '46b6a9d567eeb9458079b295786c30abb7690cbe34fe1a0702413022efeb1475',
  'adam:weightDecay': '3f37ad28c2c0193e18fdbabb3ccc0a48d9b2d8e2ec7148f4e54e106d9aff2ba4',
  'adam:amsgrad': '545288ba0dddff778f220888ce524ab634d6c556a88487e4b5c136d01e52ff3f',
  'adam:weightDecay:amsgrad': 'c120243bc1f5684ef155f835baeebaa184395144aca55e455bb72907ce5f122c',
};

const GOLDEN_INITIALIZERS: Record<string, string> = {
  'init:constant': '269a7678fb3f4b5b460f207422780cab586e7fb598dc4e98489e253becfc75df',
  'init:glorotNormal': '78554484d7817d68e8ffb8b67b13699453a60a25073ea9b11e442f679ae39a6b',
  'init:glorotUniform': '0f2711988c434e4c4a05360004d54a08df0a5c5432b24ec22a705ccfc6f02412',
  'init:heNormal': '2b5adfcc1602de3e1c2328598c5cc48446fb55643258795b0411e2d32af389bc',
  'init:heUniform': '0b2f4fa9a75ee6c71d193ff131f141616f2da3c65eb777c272895e48ad89856b',
  'init:identity': '337bd848664ecf91c8b58184560aac34c9d172245ae1dba7598810d6d71b7fbf',
  'init:lecunNormal': 'd6af8232015db72f7ff61acc48793ce2b981c603919df361afc30de6c7e19600',
  'init:lecunUniform': 'f1bb3e8e75ed547b741227ed6b09e43739af0cc8a43f21d0e5ac20460e637e29',
  'init:ones': 'a8cf2e75ebfc17f8316c18ea51dcfeb95abb7381f3a830fd118479113e310600',
  'init:orthogonal': 'f8cd867dc3ff4403b7c0e96a13f357e4c6b9084ec56d52a0e95a898678aba155',
  'init:randomNormal': 'd982d6e6eb86eedda4be2330c36dc2a683eb1cc0fc0a5c3e78d92bc823273e73',
  'init:randomUniform': 'a9aaa4ab668ce42423cad57659c4b4b0ab0014db6bf6e17821c81d39fa3ca0c8',
  'init:truncatedNormal': '655486dc19156f0a68f5158a43c35bd6ab467ee296f5605b6381a6a9a781650f',
  'init:varianceScaling': 'd6af8232015db72f7ff61acc48793ce2b981c603919df361afc30de6c7e19600',
  'init:zeros': '269a7678fb3f4b5b460f207422780cab586e7fb598dc4e98489e253becfc75df',
};

const GOLDEN_DROPOUT_MASKS = '6eb76f998a47e08166ae2737d7f0d09dc13332ca95ccca158177b6f9a750c2d4';

describe('golden hashes of the fused kernels, initializers and dropout masks', () => {
  it("the TypeScript backend's fused Dense and Adam kernels match the pins", () => {
    expect({ ...denseKernelHashes(jsBackend), ...adamKernelHashes(jsBackend) }).toEqual(GOLDEN_FUSED);
  });

  it("the WebAssembly backend's fused Dense and Adam kernels match the pins", () => {
    const wasm = createWasmBackend();
    expect({ ...denseKernelHashes(wasm), ...adamKernelHashes(wasm) }).toEqual(GOLDEN_FUSED);
  });

  it('every initializer gives the pinned values on a fixed key and shape', () => {
    expect(initializerHashes()).toEqual(GOLDEN_INITIALIZERS);
  });

  it('a seeded Dropout layer draws the pinned masks', () => {
    expect(dropoutMaskHash()).toBe(GOLDEN_DROPOUT_MASKS);
  });
});

/** The row gather and scatter-add (the Embedding's kernels), pinned when the wasm versions came. */
const GOLDEN_ROWS = {
  gatherRows: '085d2915593adf71304ecd961044b5d6a872d279449d0218e2be699692cf1df0',
  scatterAddRows: 'c95924d6525e7477cb41bd704a812cc423c1cf9e03a821e34b27ccdca470bddf',
};

describe('golden hashes of the row kernels', () => {
  // 300 rows of 13 (three vectors and a scalar tail) from a 97-row table, every row repeated.
  const idx = Int32Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 97);
  const rowHashes = (
    gather: typeof gatherRows.reference,
    scatter: typeof scatterAddRows.reference,
  ): typeof GOLDEN_ROWS => {
    const out = new Float32Array(300 * 13);
    gather(f32(97 * 13, 21), idx, out, 13);
    const dx = new Float32Array(97 * 13);
    scatter(f32(300 * 13, 22), idx, dx, 13);
    return { gatherRows: hashArrays([out]), scatterAddRows: hashArrays([dx]) };
  };

  it('the reference kernels match the pins', () => {
    expect(rowHashes(gatherRows.reference, scatterAddRows.reference)).toEqual(GOLDEN_ROWS);
  });

  it("the WebAssembly backend's row kernels give the same hashes", () => {
    const wasm = createWasmBackend();
    expect(rowHashes(wasm.gatherRows, wasm.scatterAddRows)).toEqual(GOLDEN_ROWS);
  });
});
