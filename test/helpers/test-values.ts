/**
 * Test-only value source, independent of ditto's own generator (so a bug there cannot hide here):
 * splitmix32-style integer hashing of a counter, mapped to [lo, hi).
 */
export function testValues(count: number, seed: number, lo = -2, hi = 2): number[] {
  const out: number[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    out.push(lo + ((hi - lo) * z) / 2 ** 32);
  }
  return out;
}
