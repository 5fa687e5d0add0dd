import { describe, expect, it } from 'vitest';
import { canonicalBytes, hashArrays } from '../packages/ditto/src/hash/fingerprint.js';

describe('fingerprints', () => {
  it('SHA-256 of no bytes is the published empty-message digest', () => {
    expect(hashArrays([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('writes IEEE-754 little-endian bytes', () => {
    expect(Array.from(canonicalBytes(new Float32Array([1, -2])))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(Array.from(canonicalBytes(new Float64Array([1])))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('maps every NaN payload to one canonical NaN, and keeps -0 distinct from +0', () => {
    const payloads = new Float32Array(
      new Uint32Array([0x7fc00000, 0x7fc00001, 0xffc00000, 0x7f800001]).buffer,
    );
    const hashes = Array.from(payloads, (v) => hashArrays([Float32Array.of(v)]));
    expect(new Set(hashes).size).toBe(1);
    expect(Array.from(canonicalBytes(Float64Array.of(Number.NaN)))).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x7f]);
    expect(hashArrays([Float32Array.of(-0)])).not.toBe(hashArrays([Float32Array.of(0)]));
  });
});
