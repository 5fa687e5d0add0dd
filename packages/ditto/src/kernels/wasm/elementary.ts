/**
 * ditto's elementary functions on f64x2 — src/numeric/elementary.ts operation for operation
 * (docs/elementary-functions.md is the specification). Every + − × ÷ is the same IEEE double
 * operation on the same operands in the same order (a + b + c is (a + b) + c, as JavaScript
 * associates it); Math.floor is f64x2.floor; nothing is fused or reassociated. A branch on the
 * argument's range becomes a lane mask: each lane computes what its branch computes and bitselect
 * keeps exactly the reference's value, so lanes never mix. docs/wasm-backend.md gives the argument
 * for each step written differently from the reference (scaleByPow2, powers of two from exponent
 * bits, log's m, exp's clamp) — each gives the same double in every case.
 *
 * V8 does not inline wasm calls (a call costs about ten vector operations, live v128 values are
 * spilled around it), so the expm1 kernel and the powers of two are TypeScript functions that
 * expand inline where they are used; a wasm function is called only on rare paths.
 */
import {
  ERF_H1,
  ERF_H2,
  ERF_H3,
  ERF_P,
  EXP_OVERFLOW,
  EXP_UNDERFLOW,
  HALF_LN2,
  INV_LN2,
  LN2_HI,
  LN2_LO,
  MAGIC,
  MIN_NORMAL,
  Q,
  T,
  TWO_54,
} from './elementary-constants.js';
import { F64 } from './lanes.js';
import {
  block,
  br,
  call,
  func,
  get,
  i8x16Shuffle,
  i32,
  i64x2,
  jumpTable,
  ret,
  set,
  sx,
  until,
  v128,
  type Wat,
  when,
} from './wat.js';

const f = F64.v;
const c = v128.f64x2;
const pmin = (a: Wat, b: Wat): Wat => sx('f64x2.pmin', a, b);
const pmax = (a: Wat, b: Wat): Wat => sx('f64x2.pmax', a, b);
const floor = (a: Wat): Wat => sx('f64x2.floor', a);
const pick = v128.bitselect;

/** 2^j for integral doubles j in [−1022, 1023], from the exponent bits of MAGIC + j. */
const pow2 = (j: Wat): Wat => i64x2.shl(f.add(j, c(MAGIC)), i32.const(52));

/** expm1Kernel(r) = r + r²·q, q = ((Q0 + r·Q1) + r²·(Q2 + r·Q3)) + r⁴·(((Q4 + r·Q5) + r²·(Q6 + r·Q7)) + r⁴·(Q8 + r·Q9)). */
function expm1Kernel(r: Wat, r2: Wat, r4: Wat): Wat {
  const pair = (i: number) => f.add(c(Q[i]), f.mul(r, c(Q[i + 1])));
  return f.add(
    r,
    f.mul(
      r2,
      f.add(
        f.add(pair(0), f.mul(r2, pair(2))),
        f.mul(r4, f.add(f.add(pair(4), f.mul(r2, pair(6))), f.mul(r4, pair(8)))),
      ),
    ),
  );
}

/**
 * scaleByPow2(y, k): y·2^k rounded once for y ∈ [0.7, 1.5], integral −1075 ≤ k ≤ 1024, as
 * (y·2^k1)·2^(k−k1) with k1 = floor(k/2): both factors are normal powers of two, y·2^k1 is exact.
 */
const scaleByPow2 = (y: Wat, k: Wat, k1: Wat): Wat => f.mul(f.mul(y, pow2(k1)), pow2(f.sub(k, k1)));

/** k = floor(x·INV_LN2 + 0.5). */
const reduceK = (x: Wat): Wat => floor(f.add(f.mul(x, c(INV_LN2)), c(0.5)));

/** Horner's rule, highest coefficient first: acc = acc·v + c[i] (the reference's poly). */
function horner(name: string, coefficients: readonly number[]): Wat {
  const body: Wat[] = [set('acc', c(coefficients[coefficients.length - 1]))];
  for (let i = coefficients.length - 2; i > 0; i--)
    body.push(set('acc', f.add(f.mul(get('acc'), get('v')), c(coefficients[i]))));
  body.push(f.add(f.mul(get('acc'), get('v')), c(coefficients[0])));
  return func({ name, params: { v: 'v128' }, result: 'v128', locals: { acc: 'v128' }, body });
}

/** The functions, by the name the module's kernels call them with. */
export const ELEMENTARY = {
  exp: 'exp_v',
  expm1: 'expm1_v',
  log: 'log_v',
  log1p: 'log1p_v',
  tanh: 'tanh_v',
  sigmoid: 'sigmoid_v',
  softplus: 'softplus_v',
  erf: 'erf_v',
} as const;
export type ElementaryName = keyof typeof ELEMENTARY;
export const elementaryName = (name: ElementaryName): string => ELEMENTARY[name];
/** The order of `elementary_f64`'s function codes. */
export const ELEMENTARY_ORDER: readonly ElementaryName[] = [
  'exp',
  'expm1',
  'log',
  'log1p',
  'tanh',
  'sigmoid',
  'softplus',
  'erf',
];

const x = get('x');
const v1 = (fn: string, params: Record<string, 'v128'>, locals: Record<string, 'v128'>, body: Wat[]): Wat =>
  func({ name: fn, params, result: 'v128', locals, body });

function scalePow2Function(): Wat {
  return v1('scale_pow2', { y: 'v128', k: 'v128' }, { k1: 'v128' }, [
    set('k1', floor(f.mul(get('k'), c(0.5)))),
    scaleByPow2(get('y'), get('k'), get('k1')),
  ]);
}

/**
 * Calls an elementary function on one f64x2: a wasm call (`call`), or its body expanded in place
 * where it is used ({@link inliner}). Either gives the same operations on the same values.
 */
export type Elementary = (name: ElementaryName, arg: Wat) => Wat;
/** The plain wasm call of `name`. */
export const callElementary: Elementary = (name, arg) => call(ELEMENTARY[name], arg);

/**
 * A function whose body can be expanded inline: it pushes its statements (over locals named by
 * `n`, its argument in `n('x')`) onto `out` in program order and returns its value's expression.
 * `e` is how it calls the functions it is built on; an expansion pushes statements as `e` is
 * called, so a statement that calls `e` is pushed alone, after the ones before it.
 */
interface Inlinable {
  locals: readonly string[];
  body(n: (local: string) => string, out: Wat[], e: Elementary): Wat;
}

/**
 * exp(x): k = floor(x·INV_LN2 + 0.5), r = (x − k·LN2_HI) − k·LN2_LO, scaleByPow2(1 + expm1Kernel(r), k).
 * The range checks are a clamp of x to [EXP_UNDERFLOW, EXP_OVERFLOW]: the algorithm itself gives +∞
 * and 0 there; pmax / pmin let NaN through and the algorithm keeps it NaN.
 */
const EXP: Inlinable = {
  locals: ['k', 'r', 'r2', 'r4', 'k1', 'y'],
  body(n, out) {
    const g = (l: string) => get(n(l));
    out.push(
      set(n('x'), pmin(pmax(g('x'), c(EXP_UNDERFLOW)), c(EXP_OVERFLOW))),
      set(n('k'), reduceK(g('x'))),
      set(n('r'), f.sub(f.sub(g('x'), f.mul(g('k'), c(LN2_HI))), f.mul(g('k'), c(LN2_LO)))),
      set(n('r2'), f.mul(g('r'), g('r'))),
      set(n('r4'), f.mul(g('r2'), g('r2'))),
      set(n('y'), f.add(c(1), expm1Kernel(g('r'), g('r2'), g('r4')))),
      set(n('k1'), floor(f.mul(g('k'), c(0.5)))),
    );
    return scaleByPow2(g('y'), g('k'), g('k1'));
  },
};

/**
 * expm1(x): |x| < HALF_LN2 → expm1Kernel(x); otherwise hi = x − k·LN2_HI, lo = k·LN2_LO, r = hi − lo,
 * c = (hi − r) − lo, u = expm1Kernel(r), uc = u + c·(1 + u); k > 56 → scaleByPow2(1 + uc, k), else
 * t = 2^k: (t − 1) + t·uc. x > EXP_OVERFLOW → +∞, x < −40 → −1, NaN and ±0 → x. One kernel
 * evaluation serves both branches: on x in the small lanes, on r in the others.
 */
const EXPM1: Inlinable = {
  locals: ['small', 'k', 'hi', 'lo', 'r', 'c', 'r2', 'r4', 'u', 'uc', 't', 'big', 'y'],
  body(n, out) {
    const g = (l: string) => get(n(l));
    const x = g('x');
    out.push(
      set(n('small'), f.lt(f.abs(x), c(HALF_LN2))),
      set(n('k'), reduceK(x)),
      set(n('hi'), f.sub(x, f.mul(g('k'), c(LN2_HI)))),
      set(n('lo'), f.mul(g('k'), c(LN2_LO))),
      set(n('r'), f.sub(g('hi'), g('lo'))),
      set(n('c'), f.sub(f.sub(g('hi'), g('r')), g('lo'))),
      set(n('r'), pick(x, g('r'), g('small'))),
      set(n('r2'), f.mul(g('r'), g('r'))),
      set(n('r4'), f.mul(g('r2'), g('r2'))),
      set(n('u'), expm1Kernel(g('r'), g('r2'), g('r4'))),
      set(n('uc'), f.add(g('u'), f.mul(g('c'), f.add(c(1), g('u'))))),
      // t = 2^k (exact for the −58 ≤ k ≤ 56 that use it)
      set(n('t'), pow2(g('k'))),
      set(n('y'), f.add(f.sub(g('t'), c(1)), f.mul(g('t'), g('uc')))),
      set(n('big'), f.gt(g('k'), c(56))),
      when(v128.anyTrue(g('big')), [
        set(n('y'), pick(call('scale_pow2', f.add(c(1), g('uc')), g('k')), g('y'), g('big'))),
      ]),
      set(n('y'), pick(g('u'), g('y'), g('small'))),
      set(n('y'), pick(c(Number.POSITIVE_INFINITY), g('y'), f.gt(x, c(EXP_OVERFLOW)))),
      set(n('y'), pick(c(-1), g('y'), f.lt(x, c(-40)))),
    );
    return pick(x, g('y'), v128.or(f.ne(x, x), f.eq(x, c(0))));
  },
};

/**
 * log(x): subnormal x → x·2^54 with k = −54; e = (hi >>> 20) − 1023 + ((hi & 0xfffff) > 0x6a09e) from
 * the high word; k += e; m = x·2^−e (e subtracted from the exponent field: exact), f = m − 1,
 * s = f/(2 + f), z = s², hfsq = (0.5·f)·f, z2 = z², T = ((T0 + z·T1) + z2·(T2 + z·T3)) + (z2·z2)·((T4 + z·T5) + z2·T6),
 * R = z·T, result k·LN2_HI − ((hfsq − (s·(hfsq + R) + k·LN2_LO)) − f). +∞ → +∞, ±0 → −∞, x < 0 or NaN → NaN.
 */
function logFunction(): Wat {
  const locals = ['sub', 'bits', 'e', 'k', 'f', 's', 'z', 'z2', 'hfsq', 't', 'y'];
  const z = get('z');
  const z2 = get('z2');
  const tPair = (i: number) => f.add(c(T[i]), f.mul(z, c(T[i + 1])));
  return v1('log_v', { x: 'v128' }, Object.fromEntries(locals.map((n) => [n, 'v128' as const])), [
    set('sub', f.lt(x, c(MIN_NORMAL))),
    set('bits', pick(f.mul(x, c(TWO_54)), x, get('sub'))),
    // i64x2.gt_s gives −1 where the mantissa exceeds √2's, so subtracting it adds 1
    set(
      'e',
      i64x2.sub(
        i64x2.sub(i64x2.shrU(get('bits'), i32.const(52)), v128.i64x2('1023')),
        i64x2.gtS(
          v128.and(i64x2.shrU(get('bits'), i32.const(32)), v128.i64x2('0xfffff')),
          v128.i64x2('0x6a09e'),
        ),
      ),
    ),
    // k = (sub ? −54 : 0) + e, exact integers in double (e's low words as i32 lanes 0 and 1)
    set(
      'k',
      f.add(
        pick(c(-54), c(0), get('sub')),
        sx(
          'f64x2.convert_low_i32x4_s',
          i8x16Shuffle([0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11], get('e'), get('e')),
        ),
      ),
    ),
    set('f', f.sub(i64x2.sub(get('bits'), i64x2.shl(get('e'), i32.const(52))), c(1))),
    set('s', f.div(get('f'), f.add(c(2), get('f')))),
    set('z', f.mul(get('s'), get('s'))),
    set('hfsq', f.mul(f.mul(c(0.5), get('f')), get('f'))),
    set('z2', f.mul(z, z)),
    set(
      't',
      f.add(f.add(tPair(0), f.mul(z2, tPair(2))), f.mul(f.mul(z2, z2), f.add(tPair(4), f.mul(z2, c(T[6]))))),
    ),
    set('t', f.mul(z, get('t'))),
    set(
      'y',
      f.sub(
        f.mul(get('k'), c(LN2_HI)),
        f.sub(
          f.sub(
            get('hfsq'),
            f.add(f.mul(get('s'), f.add(get('hfsq'), get('t'))), f.mul(get('k'), c(LN2_LO))),
          ),
          get('f'),
        ),
      ),
    ),
    set('y', pick(x, get('y'), f.eq(x, c(Number.POSITIVE_INFINITY)))),
    set('y', pick(c(Number.NEGATIVE_INFINITY), get('y'), f.eq(x, c(0)))),
    pick(F64.canonicalNaN, get('y'), v128.not(f.ge(x, c(0)))),
  ]);
}

/** log1p(x): u = 1 + x; u = 1 → x; c = (u − 1) − x; log(u) − c/u. +∞ → +∞, −1 → −∞, x < −1 or NaN → NaN. */
function log1pFunction(): Wat {
  const u = get('u');
  return v1('log1p_v', { x: 'v128' }, { u: 'v128', y: 'v128' }, [
    set('u', f.add(c(1), x)),
    set('y', f.sub(call('log_v', u), f.div(f.sub(f.sub(u, c(1)), x), u))),
    set('y', pick(x, get('y'), f.eq(u, c(1)))),
    set('y', pick(x, get('y'), f.eq(x, c(Number.POSITIVE_INFINITY)))),
    set('y', pick(c(Number.NEGATIVE_INFINITY), get('y'), f.eq(x, c(-1)))),
    pick(F64.canonicalNaN, get('y'), v128.not(f.ge(x, c(-1)))),
  ]);
}

/**
 * tanh(x): a = |x|; a < 0.55: t = expm1(−2·a), r = −t/(t + 2); a < 22: r = 1 − 2/(expm1(2·a) + 2);
 * else 1; x < 0 → −r; ±0 and NaN → x. One expm1 per lane: its argument is chosen per lane; one
 * division too: q = (low ? −t : 2)/(t + 2) is each branch's quotient, r = low ? q : 1 − q.
 */
const TANH: Inlinable = {
  locals: ['a', 'low', 't', 'q', 'r'],
  body(n, out, e) {
    const g = (l: string) => get(n(l));
    const x = g('x');
    const a = g('a');
    out.push(set(n('a'), f.abs(x)), set(n('low'), f.lt(a, c(0.55))));
    // pushed on its own: an expansion of e pushes its statements while the argument is built
    out.push(set(n('t'), e('expm1', pick(f.mul(c(-2), a), f.mul(c(2), a), g('low')))));
    out.push(
      set(n('q'), f.div(pick(f.neg(g('t')), c(2), g('low')), f.add(g('t'), c(2)))),
      set(n('r'), pick(g('q'), pick(f.sub(c(1), g('q')), c(1), f.lt(a, c(22))), g('low'))),
      set(n('r'), pick(f.neg(g('r')), g('r'), f.lt(x, c(0)))),
    );
    return pick(g('r'), x, f.gt(a, c(0)));
  },
};

/**
 * sigmoid(x): x ≥ 0 → 1/(1 + exp(−x)); else e = exp(x), e/(1 + e). One exp: its argument per lane;
 * one division: (x ≥ 0 ? 1 : e)/(1 + e).
 */
const SIGMOID: Inlinable = {
  locals: ['pos', 'e'],
  body(n, out, e) {
    const g = (l: string) => get(n(l));
    const x = g('x');
    out.push(set(n('pos'), f.ge(x, c(0))));
    out.push(set(n('e'), e('exp', pick(f.neg(x), x, g('pos')))));
    return f.div(pick(c(1), g('e'), g('pos')), f.add(c(1), g('e')));
  },
};

/** The functions that expand inline; the others are always called. */
const INLINABLE: Partial<Record<ElementaryName, Inlinable>> = {
  exp: EXP,
  expm1: EXPM1,
  tanh: TANH,
  sigmoid: SIGMOID,
};

/**
 * Expands inlinable elementary functions into `out` (V8 does not inline wasm calls, and the
 * elementwise loops spend more on a call than on a short polynomial); each expansion gets fresh
 * local names, all listed in `locals` (v128) for the enclosing function. Others are called.
 */
export function inliner(out: Wat[]): { e: Elementary; locals: string[] } {
  const locals: string[] = [];
  let count = 0;
  const e: Elementary = (name, arg) => {
    const definition = INLINABLE[name];
    if (!definition) return callElementary(name, arg);
    const prefix = `${name}${count++}_`;
    const n = (local: string) => prefix + local;
    locals.push(n('x'), ...definition.locals.map(n));
    out.push(set(n('x'), arg));
    return definition.body(n, out, e);
  };
  return { e, locals };
}

/** The wasm function of an inlinable definition (the functions it uses expanded inside it). */
function inlinableFunction(name: ElementaryName): Wat {
  const definition = INLINABLE[name];
  if (!definition) throw new Error(`${name} is not inlinable`);
  const body: Wat[] = [];
  const inner = inliner(body);
  const value = definition.body((local) => local, body, inner.e);
  const locals = [...definition.locals, ...inner.locals];
  return v1(ELEMENTARY[name], { x: 'v128' }, Object.fromEntries(locals.map((l) => [l, 'v128' as const])), [
    ...body,
    value,
  ]);
}

/** softplus(x): x > 0 → x + log1p(exp(−x)); else log1p(exp(x)). */
function softplusFunction(): Wat {
  return v1('softplus_v', { x: 'v128' }, { pos: 'v128', l: 'v128' }, [
    set('pos', f.gt(x, c(0))),
    set('l', call('log1p_v', call('exp_v', pick(f.neg(x), x, get('pos'))))),
    pick(f.add(x, get('l')), get('l'), get('pos')),
  ]);
}

/**
 * erf(x): a = |x|; a < 1.5 → x + x·P(x·x); !(a < 6) → NaN ? x : ±1; else h = H1(a − 2) (a < 2.5),
 * H2(a − 3.25) (a < 4), H3(a − 5); r = 1 − exp(−a·a)·h; x < 0 → −r. A polynomial is evaluated only
 * when some lane needs it (its value in the other lane is unused).
 */
function erfFunction(): Wat {
  const a = get('a');
  const m = get('m');
  const piece = (poly: string, center: number, mask: Wat): Wat[] => [
    set('m', v128.and(get('mid'), mask)),
    when(v128.anyTrue(m), [set('h', pick(call(poly, f.sub(a, c(center))), get('h'), m))]),
  ];
  return v1(
    'erf_v',
    { x: 'v128' },
    { a: 'v128', small: 'v128', mid: 'v128', m: 'v128', h: 'v128', r: 'v128', y: 'v128' },
    [
      set('a', f.abs(x)),
      set('small', f.lt(a, c(1.5))),
      when(v128.anyTrue(get('small')), [set('y', f.add(x, f.mul(x, call('poly_erf_p', f.mul(x, x)))))]),
      when(i64x2.allTrue(get('small')), [ret(get('y'))]),
      // 1.5 ≤ a < 6
      set('mid', v128.andnot(f.lt(a, c(6)), get('small'))),
      when(v128.anyTrue(get('mid')), [
        ...piece('poly_erf_h3', 5, f.ge(a, c(4))),
        ...piece('poly_erf_h2', 3.25, v128.and(f.ge(a, c(2.5)), f.lt(a, c(4)))),
        ...piece('poly_erf_h1', 2, f.lt(a, c(2.5))),
        set('r', f.sub(c(1), f.mul(call('exp_v', f.mul(f.neg(a), a)), get('h')))),
        set('r', pick(f.neg(get('r')), get('r'), f.lt(x, c(0)))),
        set('y', pick(get('r'), get('y'), get('mid'))),
      ]),
      // !(a < 6): NaN → x, otherwise x > 0 ? 1 : −1
      pick(
        pick(x, pick(c(1), c(-1), f.gt(x, c(0))), f.ne(x, x)),
        get('y'),
        v128.not(v128.or(get('small'), f.lt(a, c(6)))),
      ),
    ],
  );
}

/**
 * `elementary_f64(fn, src, dst, count)`: dst[i] = f(src[i]) for count doubles in whole vectors (an
 * odd count reads and writes one more), f by its code in ELEMENTARY_ORDER. Not used by the backend:
 * the tests and benchmarks check each function on its own through it.
 */
function elementaryExport(): Wat {
  const cases = ELEMENTARY_ORDER.map((name, i) => ({
    label: name,
    body: [
      set('y', call(ELEMENTARY[name], get('x'))),
      ...(i < ELEMENTARY_ORDER.length - 1 ? [br('store')] : []),
    ],
  }));
  return func({
    name: 'elementary_f64',
    exportAs: 'elementary_f64',
    params: { fn: 'i32', src: 'i32', dst: 'i32', count: 'i32' },
    locals: { i: 'i32', bytes: 'i32', x: 'v128', y: 'v128' },
    body: [
      set('bytes', i32.shl(get('count'), i32.const(3))),
      until(
        'l',
        i32.geS(get('i'), get('bytes')),
        set('x', v128.load(0, i32.add(get('src'), get('i')))),
        block('store', ...jumpTable(get('fn'), [...ELEMENTARY_ORDER], cases)),
        v128.store(0, i32.add(get('dst'), get('i')), get('y')),
        set('i', i32.add(get('i'), i32.const(16))),
      ),
    ],
  });
}

/** log of one double (lane 0 of the vector function): softmax's log(sum). */
function logScalar(): Wat {
  return func({
    name: 'log_scalar',
    params: { v: 'f64' },
    result: 'f64',
    body: [sx('f64x2.extract_lane 0', call('log_v', sx('f64x2.splat', get('v'))))],
  });
}

/** Every function of this file, in module order. */
export function elementaryFunctions(): Wat[] {
  return [
    scalePow2Function(),
    inlinableFunction('exp'),
    inlinableFunction('expm1'),
    logFunction(),
    log1pFunction(),
    inlinableFunction('tanh'),
    inlinableFunction('sigmoid'),
    softplusFunction(),
    erfFunction(),
    horner('poly_erf_p', ERF_P),
    horner('poly_erf_h1', ERF_H1),
    horner('poly_erf_h2', ERF_H2),
    horner('poly_erf_h3', ERF_H3),
    elementaryExport(),
    logScalar(),
  ];
}
