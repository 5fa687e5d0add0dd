/**
 * Threefry2x32-20, the counter-based block function of Random123 (Salmon et al., SC'11) that JAX
 * uses: it enciphers a 64-bit counter (x0, x1) under a 64-bit key (k0, k1) in 20 rounds of add,
 * rotate and xor on 32-bit words, with a key injection after every fourth round.
 *
 * Everything here is 32-bit integer arithmetic, which every JavaScript engine (and WebAssembly)
 * performs identically. Words are kept as int32 (`| 0`) rather than uint32 (`>>> 0`) inside the
 * rounds: the bits are the same modulo 2^32, and int32 stays in the engines' small-integer
 * representation. They are stored as uint32 in the output array.
 *
 * @module
 */

/** Skein's key-schedule parity constant, as Random123 uses it for 32-bit words. */
const KS_PARITY = 0x1bd11bda;

/** Rotate a 32-bit word left by r bits (0 < r < 32). */
function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * Enciphers one counter block: writes the two output words of Threefry2x32-20 applied to
 * counter (x0, x1) under key (k0, k1) into `out[offset]` and `out[offset + 1]`.
 *
 * Arguments are 32-bit words (any integer is reduced modulo 2^32). Nothing is allocated, so the
 * function can run in tight loops.
 *
 * @example
 * ```ts
 * const out = new Uint32Array(2);
 * threefry2x32(0, 0, 0, 0, out, 0);
 * out[0].toString(16); // '6b200159'
 * out[1].toString(16); // '99ba4efe'
 * ```
 */
export function threefry2x32(
  k0: number,
  k1: number,
  x0: number,
  x1: number,
  out: Uint32Array,
  offset: number,
): void {
  k0 |= 0;
  k1 |= 0;
  const k2 = k0 ^ k1 ^ KS_PARITY;
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1) | 0;

  // Rounds 1–4, rotations 13 15 26 6; then inject key words (k1, k2) and round number 1.
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 1) | 0;

  // Rounds 5–8, rotations 17 29 16 24; inject (k2, k0) + 2.
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 17) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 16) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + k0 + 2) | 0;

  // Rounds 9–12; inject (k0, k1) + 3.
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1 + 3) | 0;

  // Rounds 13–16; inject (k1, k2) + 4.
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 17) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 16) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + k1) | 0;
  x1 = (x1 + k2 + 4) | 0;

  // Rounds 17–20; inject (k2, k0) + 5.
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 13) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 26) ^ x0;
  x0 = (x0 + x1) | 0;
  x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k2) | 0;
  x1 = (x1 + k0 + 5) | 0;

  out[offset] = x0;
  out[offset + 1] = x1;
}
