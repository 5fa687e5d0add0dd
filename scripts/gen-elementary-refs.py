#!/usr/bin/env python3
"""Coefficients and reference data for ditto's deterministic elementary functions.

Two sub-commands (needs python3 with mpmath; scipy is optional and only cross-checks):

  python3 scripts/gen-elementary-refs.py coeffs
      Fits every polynomial used by src/numeric/elementary.ts with mpmath at 50 digits
      (Chebyshev interpolation, i.e. near-minimax) and prints the coefficients as TypeScript
      literals together with the approximation error and the error measured when the polynomial
      is evaluated in double precision (Python floats are IEEE doubles).  The printed literals
      are the ones pasted into elementary.ts; re-running reproduces them bit for bit.

  python3 scripts/gen-elementary-refs.py refs
      Writes test/fixtures/elementary-erf.json: erf and erfinv reference values computed with
      mpmath at 40 digits and rounded once to double, for float32 inputs (stored as their 32-bit
      patterns) spread over the useful range.  Cross-checks them against math.erf and
      scipy.special.erfinv when available.
"""

import json
import math
import random
import struct
import sys

import mpmath as mp

mp.mp.dps = 50


def to_f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def f32_bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def bits_f32(b):
    return struct.unpack('<f', struct.pack('<I', b))[0]


def horner(coeffs, v):
    """Evaluate sum(coeffs[i] * v**i) by Horner's rule in double precision."""
    acc = 0.0
    for c in reversed(coeffs):
        acc = acc * v + c
    return acc


def fit(f, a, b, degree, center=0.0):
    """Coefficients (lowest degree first, rounded to double) of a degree-`degree` polynomial
    p(v) ~ f(center + v) for center + v in [a, b], by Chebyshev interpolation in mpmath."""
    a, b, c = mp.mpf(a), mp.mpf(b), mp.mpf(center)
    poly, err = mp.chebyfit(lambda v: f(c + v), [a - c, b - c], degree + 1, error=True)
    return [float(p) for p in reversed(poly)], err


# ---------------------------------------------------------------- the functions being fitted
LN2 = mp.log(2)
HALF_LN2 = float(LN2 / 2)


def expm1_q(r):
    """q(r) = (e^r - 1 - r) / r^2, so that expm1(r) = r + r^2 q(r)."""
    if abs(r) < mp.mpf(10) ** -20:
        return mp.mpf(1) / 2 + r / 6 + r * r / 24
    return (mp.expm1(r) - r) / (r * r)


def log_t(z):
    """T(z) with 2 atanh(s) = 2 s + s z T(z), z = s^2."""
    if z < mp.mpf(10) ** -30:
        return mp.mpf(2) / 3 + mp.mpf(2) * z / 5
    s = mp.sqrt(z)
    return (2 * mp.atanh(s) / s - 2) / z


def erf_p(t):
    """P(t) with erf(x) = x + x P(x^2)."""
    if t < mp.mpf(10) ** -30:
        return 2 / mp.sqrt(mp.pi) - 1 - 2 / mp.sqrt(mp.pi) * t / 3
    x = mp.sqrt(t)
    return mp.erf(x) / x - 1


def erfc_h(x):
    """h(x) = exp(x^2) erfc(x), so that erf(x) = 1 - exp(-x^2) h(x)."""
    return mp.exp(x * x) * mp.erfc(x)


def erfinv_w(w):
    """erfinv(a)/a as a function of w = -log(1 - a^2)."""
    a2 = -mp.expm1(-w)
    if a2 < mp.mpf(10) ** -40:
        return mp.sqrt(mp.pi) / 2 * (1 + mp.pi * a2 / 12)
    a = mp.sqrt(a2)
    return mp.erfinv(a) / a


def erfinv_s(s):
    """erfinv(a) as a function of s = sqrt(-log(1 - a^2))."""
    return mp.erfinv(mp.sqrt(-mp.expm1(-s * s)))


def one_plus(v):
    return 1 + v


def same(v):
    return v


# Each entry: name, function, interval [a, b], expansion centre, degree, a description of the
# variable, and the quantity whose relative error matters (erf = x (1 + P), so 1 + P for ERF_P).  Degrees were chosen as the smallest giving an approximation error below ~1e-17
# relative to the function's size on the interval (or below what the caller needs, see docs).
FITS = [
    ('EXPM1_Q', expm1_q, -HALF_LN2 * 1.0001, HALF_LN2 * 1.0001, 0.0, 9, 'r in [-ln2/2, ln2/2]', same),
    ('LOG_T', log_t, 0.0, 0.0295, 0.0, 6, 'z = s^2, s = f/(2+f) in [-0.1716, 0.1716]', same),
    ('ERF_P', erf_p, 0.0, 2.25, 0.0, 14, 't = x^2, |x| < 1.5', one_plus),
    ('ERF_H1', erfc_h, 1.5, 2.5, 2.0, 14, 'v = |x| - 2, |x| in [1.5, 2.5)', same),
    ('ERF_H2', erfc_h, 2.5, 4.0, 3.25, 13, 'v = |x| - 3.25, |x| in [2.5, 4)', same),
    ('ERF_H3', erfc_h, 4.0, 6.0, 5.0, 8, 'v = |x| - 5, |x| in [4, 6)', same),
    ('ERFINV_W', erfinv_w, 0.0, 6.25, 3.125, 24, 'v = w - 3.125, w = -log(1-a^2) < 6.25', same),
    ('ERFINV_S1', erfinv_s, 2.5, 4.0, 3.25, 18, 'v = sqrt(w) - 3.25, w in [6.25, 16)', same),
    ('ERFINV_S2', erfinv_s, 4.0, 6.1, 5.05, 17, 'v = sqrt(w) - 5.05, w in [16, 37.2]', same),
]


def ts_literal(c):
    r = repr(c)
    return r


def cmd_coeffs():
    rng = random.Random(1)
    for name, f, a, b, center, degree, what, norm in FITS:
        coeffs, err = fit(f, a, b, degree, center)
        # Error of the double-precision evaluation, relative to |f|, on random points.
        worst = 0.0
        for _ in range(3000):
            x = rng.uniform(a, b)
            ref = f(mp.mpf(x))
            got = horner(coeffs, x - center)
            worst = max(worst, float(abs((got - ref) / norm(ref))))
        scale = max(abs(norm(f(mp.mpf(a) + mp.mpf(10) ** -25))), abs(norm(f(mp.mpf(b)))))
        print(f'// {name}: {what}; degree {degree}; g = {"1 + f" if norm is one_plus else "f"}; fit error {mp.nstr(err / scale, 3)} (relative to max |g|),')
        print(f'// max |p - f| / |g| with p evaluated in double, 3000 random points: {worst:.3g}')
        print(f'const {name} = [')
        for c in coeffs:
            print(f'  {ts_literal(c)},')
        print('];')
        print()
    ln2 = float(LN2)
    (bits,) = struct.unpack('<Q', struct.pack('<d', ln2))
    hi = struct.unpack('<d', struct.pack('<Q', bits & ~((1 << 21) - 1)))[0]
    lo = float(LN2 - hi)
    print(f'const LN2_HI = {hi!r}; // ln 2 with its 21 lowest mantissa bits cleared: k * LN2_HI is exact')
    print(f'const LN2_LO = {lo!r}; // ln 2 - LN2_HI rounded to double')
    print(f'const INV_LN2 = {float(1 / LN2)!r};')
    print(f'const TWO_OVER_SQRT_PI_MINUS_1 = {float(2 / mp.sqrt(mp.pi) - 1)!r};')


# ---------------------------------------------------------------- reference data
def spread_f32(rng, n, lo, hi):
    """n float32 values in [lo, hi] (lo >= 0): half uniform in value, half uniform in bit pattern."""
    out = set()
    blo, bhi = f32_bits(to_f32(max(lo, 1e-45))), f32_bits(to_f32(hi))
    while len(out) < n // 2:
        out.add(to_f32(rng.uniform(lo, hi)))
    while len(out) < n:
        out.add(bits_f32(rng.randint(blo, bhi)))
    return sorted(out)


def cmd_refs(path):
    rng = random.Random(20240611)
    mp.mp.dps = 40
    # erf: both signs, from subnormal to the saturation point (erf rounds to 1 in float32 near 3.92).
    xs = spread_f32(rng, 10000, 0.0, 6.5)
    xs = [x if i % 2 == 0 else -x for i, x in enumerate(xs)]
    erf_ref = [float(mp.erf(mp.mpf(x))) for x in xs]
    worst_libm = max(abs(math.erf(x) - r) / max(abs(r), 1e-300) for x, r in zip(xs, erf_ref))
    # erfinv: float32 inputs in (-1, 1), dense near 0 (bit-uniform) and near +-1.
    ys = set(spread_f32(rng, 8000, 0.0, 1.0))
    k = 1.0
    for _ in range(2000):  # values 1 - m 2^-24 .. approach 1 as closely as float32 allows
        ys.add(to_f32(1 - rng.randint(1, 1 << 16) * 2.0**-24))
    ys = sorted(y for y in ys if y < 1)
    ys = [y if i % 2 == 0 else -y for i, y in enumerate(ys)]
    erfinv_ref = [float(mp.erfinv(mp.mpf(y))) for y in ys]
    try:
        from scipy.special import erfinv as sp_erfinv

        worst_scipy = max(
            abs(float(sp_erfinv(y)) - r) / max(abs(r), 1e-300) for y, r in zip(ys, erfinv_ref)
        )
    except ImportError:
        worst_scipy = None
    data = {
        'about': 'erf/erfinv references: mpmath at 40 digits rounded to double; inputs are float32 bit patterns. '
        'Generated by scripts/gen-elementary-refs.py refs',
        'maxRelDiffMathErf': worst_libm,
        'maxRelDiffScipyErfinv': worst_scipy,
        'erf': {'x32': [f32_bits(x) for x in xs], 'ref': erf_ref},
        'erfinv': {'x32': [f32_bits(y) for y in ys], 'ref': erfinv_ref},
    }
    with open(path, 'w') as fh:
        json.dump(data, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'wrote {path}: {len(xs)} erf points, {len(ys)} erfinv points')
    print(f'max relative difference math.erf vs mpmath: {worst_libm:.3g}')
    print(f'max relative difference scipy.special.erfinv vs mpmath: {worst_scipy}')


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'coeffs':
        cmd_coeffs()
    elif cmd == 'refs':
        cmd_refs(sys.argv[2] if len(sys.argv) > 2 else 'test/fixtures/elementary-erf.json')
    else:
        print(__doc__)
        sys.exit(2)
