import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as random from '../packages/ditto/src/random/index.js';
import { fillBits, streamWord } from '../packages/ditto/src/random/key.js';

const { bits, foldIn, key, KeyStream, split, threefry2x32, uniform, wordToUnitFloat } = random;

const hex = (words: ArrayLike<number>) => Array.from(words, (w) => w.toString(16).padStart(8, '0')).join(' ');

/** The float32 whose bit pattern is `word` (an independent, bit-cast route). */
function floatFromBits(word: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, word);
  return view.getFloat32(0);
}

/** The bit pattern of the float32 nearest to x. */
function bitsOfFloat(x: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return view.getUint32(0);
}

describe('threefry2x32 (Random123 known-answer vectors, threefry2x32_20)', () => {
  const out = new Uint32Array(2);
  it('counter and key all zero', () => {
    threefry2x32(0, 0, 0, 0, out, 0);
    expect(hex(out)).toBe('6b200159 99ba4efe');
  });
  it('counter and key all ones', () => {
    threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out, 0);
    expect(hex(out)).toBe('1cb996fc bb002be7');
  });
  it('pi digits: counter 243f6a88 85a308d3, key 13198a2e 03707344', () => {
    threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, out, 0);
    expect(hex(out)).toBe('c4923a9c 483df7a0');
  });
  it('writes at the given offset and nowhere else', () => {
    const wide = new Uint32Array(5).fill(7);
    threefry2x32(0, 0, 0, 0, wide, 2);
    expect(Array.from(wide)).toEqual([7, 7, 0x6b200159, 0x99ba4efe, 7]);
  });
});

describe('keys: published JAX values (jax ≥ 0.5, partitionable threefry)', () => {
  it('bits(key(0), 1) = [4070199207]', () => {
    expect(Array.from(bits(key(0), 1))).toEqual([4070199207]);
  });
  it('uniform(key(0), 1) = [0.947667], float32 bits 1064475214', () => {
    const u = uniform(key(0), 1);
    expect(bitsOfFloat(u[0])).toBe(1064475214);
    expect(u[0]).toBeCloseTo(0.947667, 6);
  });
  it('split(key(1), 3)', () => {
    expect(split(key(1), 3)).toEqual([
      [507451445, 1853169794],
      [1948878966, 4237131848],
      [2441914641, 3819641963],
    ]);
  });
  it('bits(key(0), 1) is the xor of the all-zero known-answer block', () => {
    expect(bits(key(0), 1)[0]).toBe((0x6b200159 ^ 0x99ba4efe) >>> 0);
  });
});

describe('key(seed)', () => {
  it('is [high word, low word] of the 64-bit seed', () => {
    expect(key(0)).toEqual([0, 0]);
    expect(key(42)).toEqual([0, 42]);
    expect(key(2 ** 32 + 5)).toEqual([1, 5]);
    expect(key(2 ** 53 - 1)).toEqual([2097151, 4294967295]);
    expect(key(2n ** 64n - 1n)).toEqual([4294967295, 4294967295]);
  });
  it('takes negative seeds in 64-bit two’s complement, numbers and bigints alike', () => {
    expect(key(-1)).toEqual([4294967295, 4294967295]);
    expect(key(-1n)).toEqual([4294967295, 4294967295]);
    expect(key(-(2n ** 63n))).toEqual([2147483648, 0]);
    expect(key(-(2 ** 53 - 1))).toEqual(key(-(2n ** 53n - 1n)));
    expect(key(-(2 ** 32))).toEqual([4294967295, 0]);
  });
  it('gives the same key for a number and the equal bigint', () => {
    for (const s of [0, 1, 42, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 123456789012345]) {
      expect(key(s)).toEqual(key(BigInt(s)));
    }
  });
  it('hashes strings: first 8 bytes (big-endian) of SHA-256 of the UTF-8 bytes', () => {
    for (const s of ['ditto', '', 'experiment-3', 'héllo wörld ✓']) {
      const digest = createHash('sha256').update(Buffer.from(s, 'utf8')).digest();
      expect(key(s)).toEqual([digest.readUInt32BE(0), digest.readUInt32BE(4)]);
    }
    // Python: int.from_bytes(hashlib.sha256(b'ditto').digest()[:8], 'big') split into two words.
    expect(key('ditto')).toEqual([1114361993, 3643461809]);
  });
  it('returns frozen keys', () => {
    const k = key(3);
    expect(Object.isFrozen(k)).toBe(true);
    expect(() => {
      (k as unknown as number[])[0] = 1;
    }).toThrow(TypeError);
    expect(split(k, 2).every((c) => Object.isFrozen(c))).toBe(true);
    expect(Object.isFrozen(foldIn(k, 1))).toBe(true);
  });
  it.each([
    [Number.NaN, 'NaN'],
    [1.5, '1.5'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [2 ** 53, '9007199254740992'],
    [-(2 ** 60), '-1152921504606847000'],
    [2n ** 64n, '18446744073709551616n'],
    [-(2n ** 63n) - 1n, '-9223372036854775809n'],
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'true'],
    [[1, 2], 'array'],
    [{ seed: 1 }, 'object'],
  ])('rejects %s, naming it', (seed, shown) => {
    expect(() => key(seed as never)).toThrow(Error);
    expect(() => key(seed as never)).toThrow(shown);
  });
});

describe('split, foldIn, bits', () => {
  it('foldIn(k, d) is Threefry(k, (0, d)) and equals split(k, n)[d]', () => {
    const k = key(42);
    const keys = split(k, 50);
    for (let d = 0; d < 50; d++) expect(foldIn(k, d)).toEqual(keys[d]);
    // foldIn(key(0), 0) is the all-zero known-answer block.
    expect(foldIn(key(0), 0)).toEqual([0x6b200159, 0x99ba4efe]);
  });
  it('split defaults to two keys and accepts zero', () => {
    expect(split(key(5))).toHaveLength(2);
    expect(split(key(5), 0)).toEqual([]);
  });
  it('bits(k, n) is a prefix of bits(k, m) for n < m', () => {
    const long = bits(key(9), 1000);
    expect(Array.from(bits(key(9), 10))).toEqual(Array.from(long.subarray(0, 10)));
    expect(bits(key(9), 0)).toHaveLength(0);
  });
  it('counts words across the 2^32 boundary with a carry into the high counter word', () => {
    const k = key(77);
    const start = 2 ** 32 - 2;
    const out = new Uint32Array(4);
    fillBits(k, start, out);
    const block = new Uint32Array(2);
    const expected = [
      [0, 2 ** 32 - 2],
      [0, 2 ** 32 - 1],
      [1, 0],
      [1, 1],
    ].map(([hi, lo]) => {
      threefry2x32(k[0], k[1], hi, lo, block, 0);
      return (block[0] ^ block[1]) >>> 0;
    });
    expect(Array.from(out)).toEqual(expected);
    // One word at a time (streamWord), the same words, across the boundary and far beyond it.
    expect([0, 1, 2, 3].map((i) => streamWord(k[0], k[1], start + i))).toEqual(expected);
    const far = new Uint32Array(3);
    fillBits(k, 2 ** 40 + 5, far);
    expect([0, 1, 2].map((i) => streamWord(k[0], k[1], 2 ** 40 + 5 + i))).toEqual(Array.from(far));
    expect(streamWord(k[0], k[1], 7)).toBe(bits(k, 8)[7]);
  });
  it('rejects bad arguments, naming them', () => {
    expect(() => foldIn(key(0), -1)).toThrow('-1');
    expect(() => foldIn(key(0), 2 ** 32)).toThrow('4294967296');
    expect(() => foldIn(key(0), 1.5)).toThrow('1.5');
    expect(() => split(key(0), -1)).toThrow('-1');
    expect(() => split(key(0), 2.5)).toThrow('2.5');
    expect(() => bits(key(0), Number.NaN)).toThrow('NaN');
    expect(() => bits([1, 2, 3] as never, 1)).toThrow('array of length 3');
    expect(() => bits([1, -2] as never, 1)).toThrow('expected a key');
  });
});

describe('golden values for seed 42 (independent pure-Python reference)', () => {
  /*
   * Obtained with this pure-Python code (no numpy), written from the Random123 and JAX definitions:
   *
   *   M = 0xFFFFFFFF
   *   def rotl(x, r): return ((x << r) | (x >> (32 - r))) & M
   *   def threefry(k0, k1, x0, x1):
   *       ks = [k0, k1, k0 ^ k1 ^ 0x1BD11BDA]; rot = [[13, 15, 26, 6], [17, 29, 16, 24]]
   *       x0 = (x0 + ks[0]) & M; x1 = (x1 + ks[1]) & M
   *       for g in range(5):
   *           for r in rot[g % 2]:
   *               x0 = (x0 + x1) & M; x1 = rotl(x1, r) ^ x0
   *           x0 = (x0 + ks[(g + 1) % 3]) & M; x1 = (x1 + ks[(g + 2) % 3] + g + 1) & M
   *       return x0, x1
   *   def key(s): s %= 2**64; return (s >> 32, s & M)
   *   def split(k, n=2): return [threefry(*k, i >> 32, i & M) for i in range(n)]
   *   def fold_in(k, d): return threefry(*k, 0, d)
   *   def bits(k, n): return [a ^ b for a, b in split(k, n)]
   *   f32 = lambda x: struct.unpack('<f', struct.pack('<f', x))[0]
   *   def uniform(k, n, lo=0.0, hi=1.0):
   *       span = f32(hi - lo)
   *       return [max(lo, f32(f32(((w >> 9) * 2.0**-23) * span) + lo)) for w in bits(k, n)]
   *   # and the float32 bit patterns via struct.unpack('<I', struct.pack('<f', u))
   */
  const k = key(42);
  it('key, split, foldIn', () => {
    expect(k).toEqual([0, 42]);
    expect(split(k)).toEqual([
      [1832780943, 270669613],
      [64467757, 2916123636],
    ]);
    expect(foldIn(k, 7)).toEqual([2547012911, 1371500959]);
  });
  it('bits', () => {
    expect(Array.from(bits(k, 4))).toEqual([2098992034, 2919706841, 2646866425, 2409546199]);
    expect(Array.from(bits(key('ditto'), 3))).toEqual([1820552711, 2706235086, 2125468270]);
  });
  it('uniform in [0, 1) and in [-3, 5), as float32 bit patterns', () => {
    expect(Array.from(uniform(k, 4), bitsOfFloat)).toEqual([1056585764, 1059981104, 1058915320, 1057988288]);
    expect(Array.from(uniform(k, 4, { minval: -3, maxval: 5 }), bitsOfFloat)).toEqual([
      1063837840, 1075580512, 1073156064, 1069447936,
    ]);
  });
});

describe('uniform', () => {
  it('maps a word to JAX’s float: bit pattern (w >>> 9) | 0x3f800000, minus 1', () => {
    const words = [0, 1, 0x1ff, 0x200, 0x7fffffff, 0x80000000, 0xfffffe00, 0xffffffff, 4070199207];
    for (const w of Array.from(bits(key(11), 1000)).concat(words)) {
      expect(wordToUnitFloat(w)).toBe(Math.fround(floatFromBits((w >>> 9) | 0x3f800000) - 1));
    }
    expect(wordToUnitFloat(0xffffffff)).toBe(1 - 2 ** -23);
  });
  it('stays in [minval, maxval) and follows the words of bits', () => {
    const u = uniform(key(3), 10000, { minval: -2, maxval: 0.5 });
    const w = bits(key(3), 10000);
    for (let i = 0; i < u.length; i++) {
      expect(u[i] >= -2 && u[i] < 0.5).toBe(true);
      // Without intermediate float32 rounding the value would be within an ulp or two of this.
      expect(Math.abs(u[i] - (-2 + 2.5 * wordToUnitFloat(w[i])))).toBeLessThan(1e-6);
    }
  });
  it('rejects bad bounds', () => {
    expect(() => uniform(key(0), 3, { minval: 1, maxval: 0 })).toThrow('minval');
    expect(() => uniform(key(0), 3, { maxval: Number.POSITIVE_INFINITY })).toThrow('Infinity');
    expect(() => uniform(key(0), 3, { minval: -3e38, maxval: 3e38 })).toThrow('finite');
    expect(() => uniform(key(0), -1)).toThrow('-1');
  });
});

describe('KeyStream', () => {
  it('hands out exactly the words of bits(key, n), whatever the block size', () => {
    const expected = bits(key(8), 20000);
    for (const firstBlock of [1, 3, 64, 5000]) {
      const stream = new KeyStream(key(8), firstBlock);
      const got = new Uint32Array(20000);
      for (let i = 0; i < got.length; i++) got[i] = stream.next();
      expect(got).toEqual(expected);
      expect(stream.position).toBe(20000);
    }
  });
  it('starts at position 0 with the first word of bits', () => {
    const stream = new KeyStream(key(0));
    expect(stream.position).toBe(0);
    expect(stream.next()).toBe(4070199207);
  });
});

describe('independence', () => {
  it('different seeds, split keys and fold-in data give different keys', () => {
    const seen = new Set<string>();
    const add = (k: readonly [number, number]) => seen.add(`${k[0]},${k[1]}`);
    for (let s = 0; s < 100; s++) add(key(s));
    for (const k of split(key(0), 1000)) add(k);
    for (let d = 0; d < 1000; d++) add(foldIn(key(1), d));
    expect(seen.size).toBe(2100);
  });
  it('streams of neighbouring keys are uncorrelated and share no words', () => {
    const n = 100_000;
    const a = uniform(foldIn(key(0), 0), n);
    const b = uniform(foldIn(key(0), 1), n);
    const c = uniform(key(1), n);
    const corr = (x: Float32Array, y: Float32Array) => {
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
        sxy += x[i] * y[i];
        sxx += x[i] * x[i];
        syy += y[i] * y[i];
      }
      return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    };
    // Standard error of a correlation of independent streams is 1/√n ≈ 0.0032; allow 5 of them.
    expect(Math.abs(corr(a, b))).toBeLessThan(0.016);
    expect(Math.abs(corr(a, c))).toBeLessThan(0.016);
    const wa = bits(key(0), 1000);
    const wb = bits(key(1), 1000);
    let same = 0;
    for (let i = 0; i < 1000; i++) if (wa[i] === wb[i]) same++;
    expect(same).toBe(0);
  });
});
