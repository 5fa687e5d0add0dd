/**
 * Bit-level access to IEEE-754 doubles through typed-array views sharing one 8-byte buffer.
 *
 * Used by ditto's deterministic elementary functions to split a double into its exponent and
 * mantissa and to build exact powers of two. Works on little- and big-endian hosts: the position of
 * the high 32-bit word is detected once at load time.
 */

const buffer = new ArrayBuffer(8);
const f64 = new Float64Array(buffer);
const u32 = new Uint32Array(buffer);

f64[0] = 1; // 0x3FF00000_00000000: the high word is the non-zero one
/** Index of the high (sign, exponent, top mantissa bits) 32-bit word in a `Uint32Array` view of a double. */
export const HI = u32[1] === 0x3ff00000 ? 1 : 0;
/** Index of the low 32-bit word. */
export const LO = 1 - HI;

/**
 * High 32 bits of a double (sign, 11 exponent bits, top 20 mantissa bits), as an unsigned integer.
 *
 * @example
 * ```ts
 * highWord(1); // 0x3ff00000
 * ```
 */
export function highWord(x: number): number {
  f64[0] = x;
  return u32[HI];
}

/**
 * Low 32 bits of a double's mantissa, as an unsigned integer.
 *
 * @example
 * ```ts
 * lowWord(1); // 0
 * ```
 */
export function lowWord(x: number): number {
  f64[0] = x;
  return u32[LO];
}

/**
 * The double whose high and low 32-bit words are `hi` and `lo`.
 *
 * @example
 * ```ts
 * fromWords(0x3ff00000, 0); // 1
 * ```
 */
export function fromWords(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0];
}

/**
 * Exactly 2^k for an integer k, built from bits: normal powers for −1022 ≤ k ≤ 1023, subnormal
 * powers for −1074 ≤ k < −1022, `Infinity` above and `0` below that range.
 *
 * @example
 * ```ts
 * pow2i(10); // 1024
 * pow2i(-1074); // 5e-324 (Number.MIN_VALUE)
 * ```
 */
export function pow2i(k: number): number {
  if (k > 1023) return Number.POSITIVE_INFINITY;
  if (k >= -1022) {
    u32[HI] = (k + 1023) << 20;
    u32[LO] = 0;
    return f64[0];
  }
  if (k < -1074) return 0;
  // Subnormal: the single set mantissa bit sits (k + 1074) places above the lowest.
  const bit = k + 1074;
  if (bit >= 32) {
    u32[HI] = 1 << (bit - 32);
    u32[LO] = 0;
  } else {
    u32[HI] = 0;
    u32[LO] = (1 << bit) >>> 0;
  }
  return f64[0];
}
