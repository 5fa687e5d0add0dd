#!/usr/bin/env python3
"""Coefficients and reference data for ditto's deterministic elementary functions.

Three sub-commands (need python3 with mpmath; scipy is optional and only cross-checks):

  python3 scripts/gen-elementary-refs.py coeffs [--write]
      Fits every polynomial used by src/numeric/elementary.ts with mpmath at 50 digits
      (Chebyshev interpolation, i.e. near-minimax) and prints the coefficients as TypeScript
      literals together with the approximation error and the error measured when the polynomial
      is evaluated in double precision (Python floats are IEEE doubles) in the same order as
      elementary.ts evaluates it.  With --write, replaces the block between the GENERATED
      CONSTANTS markers in src/numeric/elementary.ts; re-running reproduces it bit for bit.

  python3 scripts/gen-elementary-refs.py ulps FILE
      Reads the float64 inputs and results written by
      `npx tsx scripts/measure-elementary.ts --dump FILE` and prints, per function, the largest error
      in ulps of the exact value (mpmath, 40 digits) and the fraction of correctly rounded results.

  python3 scripts/gen-elementary-refs.py refs
      Writes test/fixtures/elementary-erf.json: erf and erfinv reference values computed with
      mpmath at 40 digits and rounded once to double, for 10^4 float32 inputs each (stored as
      their 32-bit patterns) spread over the useful range, and for 2000 float64 inputs each
      (erfinv also much closer to +-1 than float32 can express).  Cross-checks them against math.erf and
      scipy.special.erfinv when available.
"""

import json
import math
import random
import struct
import subprocess
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


def estrin_q(c, r):
    """The exact evaluation order of elementary.ts's expm1Kernel polynomial (10 coefficients)."""
    r2 = r * r
    r4 = r2 * r2
    return c[0] + r * c[1] + r2 * (c[2] + r * c[3]) + r4 * (c[4] + r * c[5] + r2 * (c[6] + r * c[7]) + r4 * (c[8] + r * c[9]))


def estrin_t(c, z):
    """The exact evaluation order of elementary.ts's log polynomial T (7 coefficients)."""
    z2 = z * z
    return c[0] + z * c[1] + z2 * (c[2] + z * c[3]) + z2 * z2 * (c[4] + z * c[5] + z2 * c[6])


def lit(c):
    """A double as the shortest round-trip literal, exponent written as Biome formats it."""
    return repr(c).replace('e-0', 'e-').replace('e+', 'e')


def fill_lines(items, width=110):
    """Array items packed into lines of at most `width` columns, the way Biome formats numbers."""
    lines, line = [], ''
    for item in items:
        candidate = f'{line} {item},' if line else f'  {item},'
        if line and len(candidate) > width:
            lines.append(line)
            candidate = f'  {item},'
        line = candidate
    if line:
        lines.append(line)
    return lines


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


# Single-letter names are printed as scalar constants (Q0, Q1, ...) and evaluated in Estrin order;
# the others as arrays evaluated by Horner's rule.
EVALUATORS = {'Q': estrin_q, 'T': estrin_t}

# Each entry: name, function, interval [a, b], expansion centre, degree, a description of the
# variable, and the quantity whose relative error matters (erf = x (1 + P), so 1 + P for ERF_P).  Degrees were chosen as the smallest giving an approximation error below ~1e-17
# relative to the function's size on the interval (or below what the caller needs, see docs).
FITS = [
    ('Q', expm1_q, -HALF_LN2 * 1.0001, HALF_LN2 * 1.0001, 0.0, 9, 'r in [-ln2/2, ln2/2]', same),
    ('T', log_t, 0.0, 0.0295, 0.0, 6, 'z = s^2, s = f/(2+f) in [-0.1716, 0.1716]', same),
    ('ERF_P', erf_p, 0.0, 2.25, 0.0, 14, 't = x^2, |x| < 1.5', one_plus),
    ('ERF_H1', erfc_h, 1.5, 2.5, 2.0, 14, 'v = |x| - 2, |x| in [1.5, 2.5)', same),
    ('ERF_H2', erfc_h, 2.5, 4.0, 3.25, 13, 'v = |x| - 3.25, |x| in [2.5, 4)', same),
    ('ERF_H3', erfc_h, 4.0, 6.0, 5.0, 8, 'v = |x| - 5, |x| in [4, 6)', same),
    ('ERFINV_W', erfinv_w, 0.0, 6.25, 3.125, 24, 'v = w - 3.125, w = -log(1-a^2) < 6.25', same),
    ('ERFINV_S1', erfinv_s, 2.5, 4.0, 3.25, 18, 'v = sqrt(w) - 3.25, w in [6.25, 16)', same),
    ('ERFINV_S2', erfinv_s, 4.0, 6.1, 5.05, 17, 'v = sqrt(w) - 5.05, w in [16, 37.2]', same),
]


def cmd_coeffs(write):
    rng = random.Random(1)
    out = []
    for name, f, a, b, center, degree, what, norm in FITS:
        coeffs, err = fit(f, a, b, degree, center)
        evaluate = EVALUATORS.get(name, horner)
        # Error of the double-precision evaluation, relative to |g|, on random points.
        worst = 0.0
        for _ in range(3000):
            x = rng.uniform(a, b)
            ref = f(mp.mpf(x))
            got = evaluate(coeffs, x - center)
            worst = max(worst, float(abs((got - ref) / norm(ref))))
        scale = max(abs(norm(f(mp.mpf(a) + mp.mpf(10) ** -25))), abs(norm(f(mp.mpf(b)))))
        g = '1 + f' if norm is one_plus else 'f'
        out.append(f'// {name}: {what}; degree {degree}. Fit error {mp.nstr(err / scale, 3)} relative to max |g|,')
        out.append(f'// |p - f| / |g| <= {worst:.3g} evaluated in double on 3000 random points (g = {g}).')
        if name in EVALUATORS:
            for i, c in enumerate(coeffs):
                out.append(f'const {name}{i} = {lit(c)};')
        else:
            out.append(f'const {name} = [')
            out.extend(fill_lines([lit(c) for c in coeffs]))
            out.append('];')
        out.append('')
    ln2 = float(LN2)
    (bits,) = struct.unpack('<Q', struct.pack('<d', ln2))
    hi = struct.unpack('<d', struct.pack('<Q', bits & ~((1 << 21) - 1)))[0]
    lo = float(LN2 - hi)
    out.append(f'const LN2_HI = {lit(hi)}; // ln 2 with its 21 lowest mantissa bits cleared: k * LN2_HI is exact')
    out.append(f'const LN2_LO = {lit(lo)}; // ln 2 - LN2_HI rounded to double')
    out.append(f'const INV_LN2 = {lit(float(1 / LN2))};')
    text = '\n'.join(out) + '\n'
    if not write:
        print(text, end='')
        return
    path = 'packages/ditto/src/numeric/elementary.ts'
    src = open(path).read()
    begin = src.index('// BEGIN GENERATED CONSTANTS')
    end = src.index('// END GENERATED CONSTANTS')
    begin = src.index('\n', begin) + 1
    with open(path, 'w') as fh:
        fh.write(src[:begin] + text + src[end:])
    print(f'updated the generated constants in {path}')


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
    ys = set(y for y in spread_f32(rng, 8000, 0.0, 1.0) if y < 1)
    while len(ys) < 10000:  # 1 - m 2^-24 for m up to 2^16: as close to 1 as float32 allows
        ys.add(to_f32(1 - rng.randint(1, 1 << 16) * 2.0**-24))
    ys = sorted(ys)
    ys = [y if i % 2 == 0 else -y for i, y in enumerate(ys)]
    erfinv_ref = [float(mp.erfinv(mp.mpf(y))) for y in ys]
    try:
        from scipy.special import erfinv as sp_erfinv

        worst_scipy = max(
            abs(float(sp_erfinv(y)) - r) / max(abs(r), 1e-300) for y, r in zip(ys, erfinv_ref)
        )
    except ImportError:
        worst_scipy = None
    # float64 inputs (stored as exact decimal literals): erf over [-6.5, 6.5] and tiny magnitudes;
    # erfinv over (-1, 1) and 1 - 2^-u for u in [1, 53], closer to 1 than any float32 below 1.
    xs64 = [rng.uniform(-6.5, 6.5) for _ in range(1500)] + [
        rng.choice((-1, 1)) * 10 ** rng.uniform(-300, 0) for _ in range(500)
    ]
    ys64 = [rng.uniform(-1, 1) for _ in range(1000)] + [
        rng.choice((-1, 1)) * (1 - 2 ** -rng.uniform(1, 53)) for _ in range(1000)
    ]
    ys64 = [y for y in ys64 if abs(y) < 1]
    data = {
        'about': 'erf/erfinv references: mpmath at 40 digits rounded to double; inputs are float32 bit patterns. '
        'Generated by scripts/gen-elementary-refs.py refs',
        'maxRelDiffMathErf': worst_libm,
        'maxRelDiffScipyErfinv': worst_scipy,
        'erf': {'x32': [f32_bits(x) for x in xs], 'ref': erf_ref},
        'erfinv': {'x32': [f32_bits(y) for y in ys], 'ref': erfinv_ref},
        'erf64': {'x': xs64, 'ref': [float(mp.erf(mp.mpf(x))) for x in xs64]},
        'erfinv64': {'x': ys64, 'ref': [float(mp.erfinv(mp.mpf(y))) for y in ys64]},
    }
    with open(path, 'w') as fh:
        json.dump(data, fh, separators=(',', ':'))
        fh.write('\n')
    # The repository's formatter owns the layout of JSON files (`biome check` runs in CI).
    subprocess.run(['npx', 'biome', 'format', '--write', path], check=True, capture_output=True)
    print(f'wrote {path}: {len(xs)} + {len(xs64)} erf points, {len(ys)} + {len(ys64)} erfinv points')
    print(f'max relative difference math.erf vs mpmath: {worst_libm:.3g}')
    print(f'max relative difference scipy.special.erfinv vs mpmath: {worst_scipy}')


def cmd_ulps(path):
    mp.mp.dps = 40
    exact = {
        'exp': mp.exp,
        'expm1': mp.expm1,
        'log': mp.log,
        'log1p': mp.log1p,
        'tanh': mp.tanh,
        'sigmoid': lambda x: 1 / (1 + mp.exp(-x)),
        'softplus': lambda x: mp.log1p(mp.exp(x)),
        'erf': mp.erf,
        'erfinv': mp.erfinv,
    }
    data = json.load(open(path))
    print('| function | float64 inputs | max error (double ulps) | correctly rounded |')
    print('| --- | ---: | ---: | ---: |')
    for name, d in data.items():
        worst, exact_count = 0.0, 0
        for x, y in zip(d['x'], d['y']):
            t = exact[name](mp.mpf(x))
            ulp = math.ulp(float(t))
            worst = max(worst, float(abs(mp.mpf(y) - t) / ulp))
            exact_count += y == float(t)
        print(f'| {name} | {len(d["x"]):,} | {worst:.2f} | {100 * exact_count / len(d["x"]):.1f} % |')


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'coeffs':
        cmd_coeffs('--write' in sys.argv)
    elif cmd == 'ulps':
        cmd_ulps(sys.argv[2])
    elif cmd == 'refs':
        cmd_refs(sys.argv[2] if len(sys.argv) > 2 else 'test/fixtures/elementary-erf.json')
    else:
        print(__doc__)
        sys.exit(2)
