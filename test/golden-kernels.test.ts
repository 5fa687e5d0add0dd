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
  matmul: 'bfd939ed893a8730bb7d1b68aba507c18ef428e36a13ae3188e4fdbc30a011df',
  binary: 'bbda128d12c46a1ce84b06c697ebb65609aaa20521d6453079b189d8585fef22',
  'unary:linear': '5bc99bd8a037d9cf59150e7d27e3ed055fcdbf4eb606f75e528e56af1be9cf9d',
  'unary:neg': '14cb62a363cbbdad3720a102643b48e6a09ed824ed53c9567c45ec52cc9130a4',
  'unary:abs': 'd8be7deb88bdc8e98f1a7f2bee5407b158d282749f9c5334952f8fe86a57b89d',
  'unary:square': '6dcd0ff6c3ff8ace9d68bb50e87f84eec60b1ef328a96414aad561f89e5ff24b',
  'unary:sqrt': 'b4f4c884328a65062514e8168441954fa6ea32380ffc299055becb3ba084d4c1',
  'unary:exp': 'b55ea3cc6eec42231fea9d0a979020796292904b025d585b7bb18e182ae7c449',
  'unary:log': '12ed3a2f53979f267e322afcf441699a344af9f2e85bd1120e9e3c3e0b3584d6',
  'unary:relu': 'b383a13a03420777ab9f62916f1c80c34249748ee4e131bf0caa826155e3e498',
  'unary:leakyRelu': '7734b12f8f55cb1a49648c0e40a840d42618940036615c685c1364802462c84c',
  'unary:elu': 'b44188f26897360c0955cc6bb3c37ac96455a1609ca840d233efe75fb0c79bb5',
  'unary:selu': '385a0cf256ba960d0cc357f4f0a491dbec3ed9836b74f08b33678f0a2bd656c5',
  'unary:sigmoid': '75abec9a0068798233c87613c059cab31bb455f11ded040967a63492756686d4',
  'unary:hardSigmoid': '2f6f8ea1f453c5a91066b31c2be6a4307c2664c4891edbb2a1466371f97915c3',
  'unary:tanh': '9dfe8eacd7022cf48bd5ad051eca434639730e1de89adee5a164978b8568be40',
  'unary:softplus': '583953e0098ec2192b71ade3f82ce9f6ca5ca56b9c3e0f2ccaeb476dbf7526eb',
  'unary:softsign': 'f41da2379c5cdb13fa020c0c1194e8112793f1a7b4599642e67425882961c6fe',
  'unary:swish': 'f4537fd82627350de0c32d3517da37875a6872a678a7b50e03969d0da3d3f731',
  'unary:gelu': '1c50658d319adc84641a8a41c40d7c8660610375e7728a2d8924d6f466aa4a87',
  reduce: 'b01a4cbb8f70363aab01861c1e597878a2f9176cdac5ebd6a12b7957d5f321de',
  softmax: 'd49c93408b95e0c8bda3b41aac04c976beb98eb5ec199475bf75939f1d12f4df',
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
  'dense:7x19x5:linear': '0b979202f195ed1113f11247cc4caea9a133d50639cdea50236797a216d3f670',
  'dense:7x19x5:relu': 'a182696768fc01c8539a2c046e09d127e20baa659be16760fcb267dd70792049',
  'dense:9x1x10:linear': '91aba38c8b342617e1f4df543f364824596f2c1ebf23edb01c769ff24b2edb7e',
  'dense:16x33x12:tanh:noBias': 'c215400b06d6c8dce1e92b7b5b98eee9dc1d27b0846c94ebe1b92abfb5cd606b',
  'dense:4x8x3:sigmoid': 'cb4a76292980c27f9a9de6e482bf2f90eac7e226a1ceec084ab2a595478fd040',
  'dense:5x6x7:elu': 'a2202dea9b24f358c7e330cf88ada6dd3de919fe13d76d66c047b20666392064',
  'dense:3x4x6:leakyRelu': 'b493f2e9c2253396035f816940df17b1ec3809137566036fc524a806790acf99',
  adam: 'af1af779f2459c0f9f8299d005ade1f10b6449b52bafb6ee5b91bf15631cf704',
  'adam:weightDecay': '47c593baa4290dd18879c5828cdf8483634fe36342c7644204bccda36aedccfd',
  'adam:amsgrad': '9c54eb49bd842e34202ac974336a215929667628cde4fdc3a26bb6eb805a9c15',
  'adam:weightDecay:amsgrad': '7903906beb2cdd88142f0b4fb0437dabaa4b371a56dc5c6d25e3030333854359',
};

const GOLDEN_INITIALIZERS: Record<string, string> = {
  'init:constant': '2d5565fb483d8ea4525a7a9229677d1038ad34b6e22c8d5152e1d7f7b9817597',
  'init:glorotNormal': '8c01cce374b538341528da2a86cc95dbb2a11e5f5193f5017f61f3f105da6307',
  'init:glorotUniform': '5e86daad4aea38334bc990a81e2180f84778eba7588741acb07271baee82b305',
  'init:heNormal': '0712426f80beaf43b1e09abe686886c1314b84dd6de54dc782e33d179542259b',
  'init:heUniform': 'd22144cd96bf3e7d0ce9eb376dd2f8699406f784eb3e4f08f1c9cfdaf52e891a',
  'init:identity': 'd22318eacfd289902d1df1cfa38240c6306fcf3ab1335f914feca54055b68ecb',
  'init:lecunNormal': '2cdcb71128754793d7e12ee1c9722a56effbbdb0b0e1eb646e5afdf87df3fba9',
  'init:lecunUniform': 'b51f121e78fad3d836693d726844d8b3155d7bfca513412639da301a73b8eaf4',
  'init:ones': 'd79a8a7580bd4a9920d57d15dd5ce71a91e6c615bb673f3864863d8d8c26af98',
  'init:orthogonal': '39be324199942db91cc6cb899498263a2eedde00ad28e99b1b6459ff6ea91582',
  'init:randomNormal': 'dd18b0a598092d70bcb45c7d470e927d905b8155f21ca2929897f1e69c96d0fb',
  'init:randomUniform': '1e55a14bedc6493880f4e5f08e0bed55888ffa3010afcc8e2f024309cec7a037',
  'init:truncatedNormal': '0a615c7496d7098e6098c27903ec92d9f90f09d65d6a3fe165243e0d90aaae0a',
  'init:varianceScaling': '2cdcb71128754793d7e12ee1c9722a56effbbdb0b0e1eb646e5afdf87df3fba9',
  'init:zeros': '2d5565fb483d8ea4525a7a9229677d1038ad34b6e22c8d5152e1d7f7b9817597',
};

const GOLDEN_DROPOUT_MASKS = '44feb40b44604eaf3ecabab413cc29051dfc8c0c965b3091086dc242749b1500';

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
