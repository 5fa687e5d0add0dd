import { describe, expect, it } from 'vitest';
import { fromWords, highWord, lowWord, pow2i } from '../packages/ditto/src/numeric/bits.js';
import {
  float32Bits,
  float32FromBits,
  nextAfter32,
  ulpDistance32,
} from '../packages/ditto/src/numeric/ulp.js';
import { xorshift32 } from './elementary-cases.js';

const MIN_SUB = 1.401298464324817e-45;
const MAX = 3.4028234663852886e38;

describe('float32 ulp helpers', () => {
  it('float32Bits gives the IEEE-754 single bit patterns', () => {
    expect(float32Bits(1)).toBe(0x3f800000);
    expect(float32Bits(-2)).toBe(0xc0000000);
    expect(float32Bits(0)).toBe(0);
    expect(float32Bits(-0)).toBe(0x80000000);
    expect(float32Bits(Number.POSITIVE_INFINITY)).toBe(0x7f800000);
    expect(float32Bits(MIN_SUB)).toBe(1);
    expect(float32Bits(MAX)).toBe(0x7f7fffff);
    expect(float32Bits(0.1)).toBe(0x3dcccccd); // 0.1 rounds to 0x3dcccccd
    expect(float32FromBits(0x3f800001)).toBe(1 + 2 ** -23);
  });

  it('ulpDistance32 counts float32 steps, treating ±0 as equal and NaN specially', () => {
    expect(ulpDistance32(1, 1)).toBe(0);
    expect(ulpDistance32(1, 1 + 2 ** -23)).toBe(1);
    expect(ulpDistance32(1 + 2 ** -23, 1)).toBe(1);
    expect(ulpDistance32(1, 2)).toBe(2 ** 23);
    expect(ulpDistance32(1 - 2 ** -24, 1 + 2 ** -23)).toBe(2); // across a binade boundary
    expect(ulpDistance32(0, -0)).toBe(0);
    expect(ulpDistance32(MIN_SUB, -MIN_SUB)).toBe(2);
    expect(ulpDistance32(MAX, Number.POSITIVE_INFINITY)).toBe(1);
    expect(ulpDistance32(-1, 1)).toBe(2 * 0x3f800000);
    expect(ulpDistance32(Number.NaN, Number.NaN)).toBe(0);
    expect(ulpDistance32(Number.NaN, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(ulpDistance32(0, Number.NaN)).toBe(Number.POSITIVE_INFINITY);
  });

  it('nextAfter32 steps to the adjacent float32 with nothing in between', () => {
    const next = xorshift32(17);
    for (let i = 0; i < 20_000; i++) {
      const x = float32FromBits(next() % 0x7f800000) * (next() & 1 ? -1 : 1);
      const up = nextAfter32(x, Number.POSITIVE_INFINITY);
      const down = nextAfter32(x, Number.NEGATIVE_INFINITY);
      expect(up).toBeGreaterThan(x);
      expect(down).toBeLessThan(x);
      // the double midpoint is exact and lies strictly between two adjacent float32 values only
      expect([x, up]).toContain(Math.fround((x + up) / 2));
      expect([x, down]).toContain(Math.fround((x + down) / 2));
      expect(nextAfter32(up, Number.NEGATIVE_INFINITY)).toBe(x);
      expect(ulpDistance32(x, up)).toBe(1);
    }
  });

  it('nextAfter32 edge cases', () => {
    expect(nextAfter32(1, 2)).toBe(1 + 2 ** -23);
    expect(nextAfter32(1, 0)).toBe(1 - 2 ** -24);
    expect(nextAfter32(0, 1)).toBe(MIN_SUB);
    expect(nextAfter32(-0, 1)).toBe(MIN_SUB);
    expect(nextAfter32(0, -1)).toBe(-MIN_SUB);
    expect(Object.is(nextAfter32(-MIN_SUB, 1), -0)).toBe(true);
    expect(Object.is(nextAfter32(MIN_SUB, -1), 0)).toBe(true);
    expect(nextAfter32(MAX, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(nextAfter32(Number.POSITIVE_INFINITY, 0)).toBe(MAX);
    expect(nextAfter32(-MAX, Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(nextAfter32(3, 3)).toBe(3);
    expect(nextAfter32(Number.NaN, 1)).toBeNaN();
    expect(nextAfter32(1, Number.NaN)).toBeNaN();
  });
});

describe('double bit helpers (src/numeric/bits.ts)', () => {
  it('reads and writes the high and low words', () => {
    expect(highWord(1)).toBe(0x3ff00000);
    expect(lowWord(1)).toBe(0);
    expect(highWord(-2)).toBe(0xc0000000);
    expect(fromWords(0x400921fb, 0x54442d18)).toBe(3.141592653589793);
    expect(lowWord(3.141592653589793)).toBe(0x54442d18);
    expect(fromWords(0, 1)).toBe(5e-324);
  });

  it('pow2i(k) is exactly 2^k from the subnormal range to overflow', () => {
    let p = 1;
    for (let k = 0; k <= 1023; k++, p *= 2) expect(pow2i(k)).toBe(p);
    p = 1;
    for (let k = 0; k >= -1074; k--, p /= 2) expect(pow2i(k)).toBe(p); // halving is exact down to 2^-1074
    expect(pow2i(1024)).toBe(Number.POSITIVE_INFINITY);
    expect(pow2i(-1075)).toBe(0);
  });
});
