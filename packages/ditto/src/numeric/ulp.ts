/**
 * float32 ulp helpers: bit patterns, ulp distances and neighbours of float32 values.
 *
 * Used by the accuracy tests of ditto's elementary functions and by any test that compares float32
 * results with a reference. Every argument is first rounded to float32 with `Math.fround`.
 */

const buffer = new ArrayBuffer(4);
const f32 = new Float32Array(buffer);
const u32 = new Uint32Array(buffer);

/**
 * The 32-bit pattern of `Math.fround(x)` as an unsigned integer.
 *
 * @example
 * ```ts
 * float32Bits(1); // 0x3f800000
 * float32Bits(-0); // 0x80000000
 * ```
 */
export function float32Bits(x: number): number {
  f32[0] = x;
  return u32[0];
}

/** The float32 whose bit pattern is `bits` (an unsigned 32-bit integer). */
export function float32FromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0];
}

/**
 * Maps a float32 to an integer that is monotonic in its value: consecutive float32 values map to
 * consecutive integers, +0 and −0 both map to 0, ±Infinity to ±0x7f800000. NaN is not mapped
 * meaningfully; callers check for it first.
 */
function ordered32(x: number): number {
  const bits = float32Bits(x);
  const magnitude = bits & 0x7fffffff;
  return bits >>> 31 ? -magnitude : magnitude;
}

function fromOrdered32(o: number): number {
  return o < 0 ? float32FromBits((0x80000000 | -o) >>> 0) : float32FromBits(o);
}

/**
 * Distance between `Math.fround(a)` and `Math.fround(b)` in float32 ulps: how many float32 values
 * lie between them, plus one (0 when equal; +0 and −0 are equal; the largest finite float32 and
 * Infinity are 1 apart). Two NaNs are at distance 0; a NaN and a number at distance Infinity.
 *
 * @example
 * ```ts
 * ulpDistance32(1, 1 + 2 ** -23); // 1
 * ulpDistance32(-Number.MIN_VALUE, 0); // 0 (both round to −0 / +0)
 * ulpDistance32(1.401298464324817e-45, -1.401298464324817e-45); // 2
 * ```
 */
export function ulpDistance32(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN && bNaN ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(ordered32(a) - ordered32(b));
}

/**
 * The float32 neighbour of `Math.fround(x)` in the direction of `toward` (like C's `nextafterf`):
 * the next larger float32 if `toward > x`, the next smaller if `toward < x`, and `toward` itself if
 * they are equal. NaN in either argument gives NaN. Stepping from ±0 gives ±(smallest subnormal),
 * stepping from ±(smallest subnormal) toward zero gives ±0;
 * stepping past the largest finite float32 gives ±Infinity.
 *
 * @example
 * ```ts
 * nextAfter32(1, Infinity); // 1.0000001192092896 (1 + 2^-23)
 * nextAfter32(0, -1); // -1.401298464324817e-45
 * ```
 */
export function nextAfter32(x: number, toward: number): number {
  const x32 = Math.fround(x);
  if (Number.isNaN(x32) || Number.isNaN(toward)) return Number.NaN;
  if (x32 === toward) return toward;
  const o = ordered32(x32);
  if (toward > x32) return o === -1 ? -0 : fromOrdered32(o + 1); // from −(smallest subnormal) to −0
  return o === 1 ? 0 : fromOrdered32(o - 1);
}
