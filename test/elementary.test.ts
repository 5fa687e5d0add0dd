import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  erf,
  erfinv,
  exp,
  expm1,
  log,
  log1p,
  sigmoid,
  softplus,
  tanh,
} from '../packages/ditto/src/numeric/elementary.js';
import { CASES, measure32, measure64, xorshift32 } from './elementary-cases.js';

const F32_MIN_SUB = 1.401298464324817e-45;

describe('elementary functions on ≥ 10^6 float32 inputs, against Math.fround(float64 reference)', () => {
  for (const c of CASES) {
    it(`${c.name}: within 1 float32 ulp everywhere`, () => {
      const inputs = c.inputs32();
      expect(inputs.length).toBeGreaterThanOrEqual(1_000_000);
      const r = measure32(c.f, c.ref, inputs);
      // More than a handful of mismatches would mean the double result is not within a few ulps.
      expect(r.notCorrectlyRounded, `worst input ${r.worstInput}`).toBeLessThanOrEqual(10);
      expect(r.maxUlp, `worst input ${r.worstInput}`).toBeLessThanOrEqual(1);
    });
    it(`${c.name}: float64 relative error ≤ 2e-15 on 10^5 double inputs`, () => {
      const r = measure64(c.f, c.ref, c.range64, 100_000, 12345);
      expect(r.maxRel, `worst input ${r.worstInput}`).toBeLessThanOrEqual(2e-15);
    });
  }
});

describe('special cases', () => {
  const same = (a: number, b: number) => expect(Object.is(a, b), `${a} vs ${b}`).toBe(true);

  it('exp', () => {
    same(exp(Number.NaN), Number.NaN);
    same(exp(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    same(exp(Number.NEGATIVE_INFINITY), 0);
    same(exp(0), 1);
    same(exp(-0), 1);
    same(exp(5e-324), 1);
    same(exp(-5e-324), 1);
    // double overflow: e^709.782712893384 ≈ 1.7976931348622732e308 is the last finite value
    expect(Number.isFinite(exp(709.782712893384))).toBe(true);
    expect(exp(709.782712893384) / 1.7976931348622732e308).toBeCloseTo(1, 14);
    same(exp(709.7827128933841), Number.POSITIVE_INFINITY);
    same(exp(710), Number.POSITIVE_INFINITY);
    // double underflow: subnormal results, then 0 (e^-745.13 ≈ 4.94e-324 = 2^-1074)
    same(exp(-745.13), 5e-324);
    same(exp(-746), 0);
    same(exp(-740), 4.2e-322); // e^-740 = 4.1995579896506e-322 (mpmath), rounded to the subnormal grid
    // float32 thresholds, located with mpmath: e^88.72283172607422 < (2 - 2^-24) 2^127 < e^88.72283935546875,
    // and e^-103.97207641601562 > 2^-150 > e^-103.97208404541016.
    same(Math.fround(exp(88.72283172607422)), 3.402798519021476e38); // mpmath, rounded to float32
    same(Math.fround(exp(88.72283935546875)), Number.POSITIVE_INFINITY);
    same(Math.fround(exp(-103.97207641601562)), F32_MIN_SUB);
    same(Math.fround(exp(-103.97208404541016)), 0);
  });

  it('expm1', () => {
    same(expm1(0), 0);
    same(expm1(-0), -0);
    same(expm1(Number.NaN), Number.NaN);
    same(expm1(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    same(expm1(Number.NEGATIVE_INFINITY), -1);
    same(expm1(-50), -1);
    same(expm1(5e-324), 5e-324);
    same(expm1(-5e-324), -5e-324);
    same(expm1(1e-300), 1e-300);
    same(expm1(710), Number.POSITIVE_INFINITY);
    same(Math.fround(expm1(88.72283935546875)), Number.POSITIVE_INFINITY);
  });

  it('log', () => {
    same(log(1), 0);
    same(log(0), Number.NEGATIVE_INFINITY);
    same(log(-0), Number.NEGATIVE_INFINITY);
    same(log(-1), Number.NaN);
    same(log(-5e-324), Number.NaN);
    same(log(Number.NEGATIVE_INFINITY), Number.NaN);
    same(log(Number.NaN), Number.NaN);
    same(log(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    // log(2^-1074) = -1074 ln 2 = -744.4400719213812..., log(max double) = 709.782712893384
    expect(log(5e-324) / -744.4400719213812).toBeCloseTo(1, 15);
    expect(log(Number.MAX_VALUE) / 709.782712893384).toBeCloseTo(1, 15);
    expect(log(2)).toBe(0.6931471805599453);
  });

  it('log1p', () => {
    same(log1p(0), 0);
    same(log1p(-0), -0);
    same(log1p(-1), Number.NEGATIVE_INFINITY);
    same(log1p(-1.5), Number.NaN);
    same(log1p(Number.NEGATIVE_INFINITY), Number.NaN);
    same(log1p(Number.NaN), Number.NaN);
    same(log1p(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    same(log1p(5e-324), 5e-324);
    same(log1p(-5e-324), -5e-324);
    same(log1p(1e-300), 1e-300);
    expect(log1p(Number.MAX_VALUE) / 709.782712893384).toBeCloseTo(1, 15);
  });

  it('tanh', () => {
    same(tanh(0), 0);
    same(tanh(-0), -0);
    same(tanh(Number.NaN), Number.NaN);
    same(tanh(Number.POSITIVE_INFINITY), 1);
    same(tanh(Number.NEGATIVE_INFINITY), -1);
    same(tanh(5e-324), 5e-324);
    same(tanh(-5e-324), -5e-324);
    same(tanh(1e-300), 1e-300);
    same(tanh(30), 1);
    const next = xorshift32(3);
    for (let i = 0; i < 1000; i++) {
      const x = (next() / 4294967296) * 30;
      same(tanh(-x), -tanh(x)); // odd by construction
    }
  });

  it('sigmoid', () => {
    same(sigmoid(0), 0.5);
    same(sigmoid(-0), 0.5);
    same(sigmoid(Number.NaN), Number.NaN);
    same(sigmoid(Number.POSITIVE_INFINITY), 1);
    same(sigmoid(Number.NEGATIVE_INFINITY), 0);
    same(sigmoid(800), 1);
    same(sigmoid(-800), 0);
    // far tail keeps full relative accuracy: sigmoid(-700) = e^-700 / (1 + e^-700)
    expect(sigmoid(-700) / 9.85967654375977e-305).toBeCloseTo(1, 14);
    same(Math.fround(sigmoid(-103.97208404541016)), 0);
    same(Math.fround(sigmoid(-103.97207641601562)), F32_MIN_SUB);
  });

  it('softplus', () => {
    expect(softplus(0)).toBe(0.6931471805599453);
    expect(softplus(-0)).toBe(0.6931471805599453);
    same(softplus(Number.NaN), Number.NaN);
    same(softplus(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
    same(softplus(Number.NEGATIVE_INFINITY), 0);
    same(softplus(1000), 1000);
    same(softplus(-1000), 0);
    expect(softplus(-700) / 9.85967654375977e-305).toBeCloseTo(1, 14);
    same(softplus(Number.MAX_VALUE), Number.MAX_VALUE);
  });

  it('erf', () => {
    same(erf(0), 0);
    same(erf(-0), -0);
    same(erf(Number.NaN), Number.NaN);
    same(erf(Number.POSITIVE_INFINITY), 1);
    same(erf(Number.NEGATIVE_INFINITY), -1);
    same(erf(6), 1);
    same(erf(-6), -1);
    same(erf(-1e-320), -1.1284e-320); // mpmath: -(2/√π) 1e-320 rounded to the subnormal grid
    same(erf(-1e-320), -erf(1e-320));
    const next = xorshift32(4);
    for (let i = 0; i < 1000; i++) {
      const x = (next() / 4294967296) * 7;
      same(erf(-x), -erf(x));
    }
  });

  it('erfinv', () => {
    same(erfinv(0), 0);
    same(erfinv(-0), -0);
    same(erfinv(1), Number.POSITIVE_INFINITY);
    same(erfinv(-1), Number.NEGATIVE_INFINITY);
    same(erfinv(1.0000001), Number.NaN);
    same(erfinv(-2), Number.NaN);
    same(erfinv(Number.POSITIVE_INFINITY), Number.NaN);
    same(erfinv(Number.NaN), Number.NaN);
    same(erfinv(5e-324), 5e-324); // erfinv(y) ≈ (√π/2) y rounds back to the smallest subnormal
    same(erfinv(-1e-300), -erfinv(1e-300));
    expect(erfinv(1e-300) / (0.886226925452758 * 1e-300)).toBeCloseTo(1, 15);
    // the largest double below 1: erfinv(1 - 2^-53) = 5.8635847487551676... (mpmath)
    expect(erfinv(1 - 2 ** -53) / 5.863584748755168).toBeCloseTo(1, 14);
  });
});

describe('erf and erfinv against mpmath references (test/fixtures/elementary-erf.json)', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/elementary-erf.json', import.meta.url), 'utf8'),
  );
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const fromBits = (b: number) => {
    u32[0] = b;
    return f32[0];
  };

  for (const [name, f, ulps, rel] of [
    ['erf', erf, 1, 4e-16],
    ['erfinv', erfinv, 1, 6e-16],
  ] as const) {
    it(`${name}: ≥ 10^4 float32 inputs within ${ulps} float32 ulp, float64 relative error ≤ ${rel}`, () => {
      const { x32, ref } = fixture[name] as { x32: number[]; ref: number[] };
      expect(x32.length).toBeGreaterThanOrEqual(10_000);
      let maxRel = 0;
      let mismatched = 0;
      for (let i = 0; i < x32.length; i++) {
        const x = fromBits(x32[i]);
        const y = f(x);
        const r = ref[i];
        if (Math.fround(y) !== Math.fround(r)) mismatched++;
        expect(Math.abs(Math.fround(y) - Math.fround(r)), `x = ${x}`).toBeLessThanOrEqual(
          ulps * ulpOf32(Math.fround(r)),
        );
        if (r !== 0) maxRel = Math.max(maxRel, Math.abs(y - r) / Math.abs(r));
      }
      expect(mismatched).toBeLessThanOrEqual(2);
      expect(maxRel).toBeLessThanOrEqual(rel);
    });
  }

  for (const [name, f, rel] of [
    ['erf64', erf, 4e-16],
    ['erfinv64', erfinv, 6e-16],
  ] as const) {
    it(`${name}: float64 inputs (erfinv up to 1 - 2^-53) within relative error ${rel}`, () => {
      const { x, ref } = fixture[name] as { x: number[]; ref: number[] };
      expect(x.length).toBeGreaterThanOrEqual(1900);
      for (let i = 0; i < x.length; i++) {
        const r = ref[i];
        // below the normal range only absolute accuracy on the subnormal grid is meaningful
        const tol = Math.max(rel * Math.abs(r), 5e-324);
        expect(Math.abs(f(x[i]) - r), `x = ${x[i]}`).toBeLessThanOrEqual(tol);
      }
    });
  }

  it('erfinv round-trips through erf: |erf(erfinv(y)) - y| ≤ 3e-16 for |y| < 1', () => {
    const next = xorshift32(9);
    for (let i = 0; i < 100_000; i++) {
      const y = (next() / 4294967296) * 2 - 1;
      expect(Math.abs(erf(erfinv(y)) - y), `y = ${y}`).toBeLessThanOrEqual(3e-16);
    }
  });
});

/** Spacing of float32 values just above |v| (v a float32). */
function ulpOf32(v: number): number {
  const a = Math.abs(v);
  if (a < 1.1754943508222875e-38) return F32_MIN_SUB;
  let p = 1;
  while (p * 2 <= a) p *= 2;
  while (p > a) p /= 2;
  return p * 2 ** -23;
}

describe('change detector: exact float64 outputs are pinned', () => {
  // Golden hashes of every function's float64 results on fixed inputs. Any change to an algorithm,
  // a constant or an evaluation order changes them; that is a change of ditto's numeric results,
  // which must be deliberate and documented (docs/elementary-functions.md, release notes). To
  // update after such a change, run this test, check that the accuracy tests above still pass,
  // and paste the new hashes printed in the failure message.
  const GOLDEN: Record<string, string> = {
    exp: '9f433b3517c413107a9638b26b55d5572a1693df3b5d71a2f31932ad0e5d8f9c',
    expm1: '856c403e2d689e80cd663a976de36e8ba79dad2b358599b2700bdbd6670cb11c',
    log: '4a77e88b8dea74daff5f687c0a1e7679659a1f9f542734ee1abf278f1686069d',
    log1p: 'd7663902b14477a541a312634b6b3b1896fed75032ca14ccf2db7512548614dc',
    tanh: 'e4fdc03c4a0d0ea9dd8c9dfc8e1436842b1039008a1cbb5b04649ee88146dc2b',
    sigmoid: '80d935abe5b2d0776c4568b1e28dd3c4b4597cd18c92537417a10a07d289568e',
    softplus: '5026be0986bd4dd38f8ca0bbdc63b174b534e591b873667af8ac333d853aba1e',
    erf: '1bb98e41bcfab01aa77b3ba2651b7877290eb551320c6d5b325ae71f52a99f78',
    erfinv: '3356ac5d03c777ff9afe429976ecf7187cdee5ae96d3c37e30b77429d0e6ef8c',
  };
  const fns: Record<string, (x: number) => number> = {
    exp,
    expm1,
    log,
    log1p,
    tanh,
    sigmoid,
    softplus,
    erf,
    erfinv,
  };

  function inputsFor(name: string): Float64Array {
    const next = xorshift32(0x5eed);
    const n = 4096;
    const out = new Float64Array(n + 8);
    const [lo, hi] =
      name === 'erfinv' ? [-1, 1] : name === 'log' ? [0, 50] : name === 'log1p' ? [-1, 50] : [-60, 60];
    for (let i = 0; i < n; i++) {
      const u = (next() + next() / 4294967296) / 4294967296;
      out[i] = lo + (hi - lo) * u;
    }
    out.set([0, -0, 1e-300, -1e-300, 0.5, -0.5, 1e-8, -1e-8], n);
    if (name !== 'erfinv') return out;
    // erfinv's outer branches are reached only within 1e-3 of ±1
    const tail = new Float64Array(54);
    for (let k = 1; k <= 53; k++) tail[k] = (k & 1 ? 1 : -1) * (1 - 2 ** -k);
    const both = new Float64Array(out.length + tail.length);
    both.set(out);
    both.set(tail, out.length);
    return both;
  }

  it('sha256 of the results (little-endian float64 bytes) matches the pinned hashes', () => {
    const actual: Record<string, string> = {};
    for (const name of Object.keys(GOLDEN)) {
      const xs = inputsFor(name);
      const bytes = new Uint8Array(xs.length * 8);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < xs.length; i++) view.setFloat64(i * 8, fns[name](xs[i]), true);
      actual[name] = bytesToHex(sha256(bytes));
    }
    expect(actual, `new hashes: ${JSON.stringify(actual, null, 2)}`).toEqual(GOLDEN);
  });
});
