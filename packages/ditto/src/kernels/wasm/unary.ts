/**
 * Unary elementwise ops and their gradients. The contract evaluates each in float64 and rounds once
 * on store, so each op is defined once below, on f64x2, and float32 data is promoted (exact) in
 * chunks of 256 doubles, evaluated, and demoted (one round-to-nearest-even). Where the float64
 * formula is a selection, a sign change or one + − × ÷ √ of float32 values, its float32 rounding
 * equals the float32 operation, so the same definition is also instantiated on f32x4 and float32
 * data skips the promotion (`exactInF32`). Codes and order: src/kernels/op-codes.ts.
 */
import type { UnaryOp } from '../../numeric/elementwise.js';
import {
  FIRST_TRANSCENDENTAL,
  FIRST_TRANSCENDENTAL_GRADIENT,
  UNARY_CODES,
  UNARY_OP_ORDER,
} from '../op-codes.js';
import { callElementary, type Elementary, inliner } from './elementary.js';
import { INV_SQRT_2PI, INV_SQRT2, SELU_ALPHA, SELU_SCALE, SELU_SCALE_ALPHA } from './elementary-constants.js';
import { F32, F64, type Lanes } from './lanes.js';
import {
  block,
  br,
  call,
  func,
  get,
  global,
  i8x16Shuffle,
  i32,
  i64,
  i64x2,
  jumpTable,
  repeat,
  ret,
  select,
  set,
  sx,
  tee,
  until,
  type ValType,
  v128,
  type Wat,
  when,
} from './wat.js';

/** An op written with + − × ÷ √ and selections: one vector expression, for any element type. */
interface PlainDefinition {
  kind: 'plain';
  /** Forward: f(x) with `a` = splat(alpha); gradient: f′(x)·dy in the reference's order. */
  emit(t: Lanes, x: Wat, a: Wat, dy: Wat): Wat;
  /** The float32 rounding of the float64 formula is the formula on float32 (see above). */
  exactInF32: boolean;
}
/**
 * An op on the elementary functions (f64x2 only): statements that set `y` (forward) or `d`. `e`
 * calls an elementary function; an inline expansion is placed before the statements, so its
 * argument may use only x, a and dy.
 */
interface ElementaryDefinition {
  kind: 'elementary';
  emit(x: Wat, a: Wat, dy: Wat, e: Elementary): Wat[];
}
type Definition = PlainDefinition | ElementaryDefinition;

const plain = (exactInF32: boolean, emit: PlainDefinition['emit']): PlainDefinition => ({
  kind: 'plain',
  emit,
  exactInF32,
});
const elementary = (emit: ElementaryDefinition['emit']): ElementaryDefinition => ({
  kind: 'elementary',
  emit,
});

const f = F64.v;
const c = v128.f64x2;
const pick = v128.bitselect;
const notAll = (mask: Wat): Wat => i32.eqz(i64x2.allTrue(mask));
const zero = (t: Lanes) => t.constant(0);

/** f(x), as numeric/elementwise.ts's unaryForward writes it. */
export const FORWARD: Record<UnaryOp, Definition> = {
  linear: plain(true, (_t, x) => x),
  neg: plain(true, (t, x) => t.v.neg(x)),
  abs: plain(true, (t, x) => t.v.abs(x)),
  square: plain(true, (t, x) => t.v.mul(x, x)),
  sqrt: plain(true, (t, x) => t.v.sqrt(x)),
  // x < 0 ? 0 : x (so −0 and NaN pass through)
  relu: plain(true, (t, x) => pick(zero(t), x, t.v.lt(x, zero(t)))),
  // x < 0 ? alpha·x : x — alpha is a double (0.2, say), so float32 data takes the float64 path
  leakyRelu: plain(false, (t, x, a) => pick(t.v.mul(a, x), x, t.v.lt(x, zero(t)))),
  // v = x / 6 + 0.5; v < 0 ? 0 : v > 1 ? 1 : v (NaN passes through)
  hardSigmoid: plain(false, (t, x) =>
    pick(
      t.constant(1),
      pick(zero(t), tee('v', t.v.add(t.v.div(x, t.constant(6)), t.constant(0.5))), t.v.lt(get('v'), zero(t))),
      t.v.gt(get('v'), t.constant(1)),
    ),
  ),
  // x / (1 + |x|)
  softsign: plain(false, (t, x) => t.v.div(x, t.v.add(t.constant(1), t.v.abs(x)))),
  log: elementary((x, _a, _dy, e) => [set('y', e('log', x))]),
  exp: elementary((x, _a, _dy, e) => [set('y', e('exp', x))]),
  // x > 0 ? x : alpha·expm1(x) (expm1 only when some lane needs it)
  elu: elementary((x, a, _dy, e) => [
    set('pos', f.gt(x, c(0))),
    set('y', x),
    when(notAll(get('pos')), [set('y', pick(x, f.mul(a, e('expm1', x)), get('pos')))]),
  ]),
  // x > 0 ? SCALE·x : SCALE·(ALPHA·expm1(x))
  selu: elementary((x, _a, _dy, e) => [
    set('pos', f.gt(x, c(0))),
    set('y', f.mul(c(SELU_SCALE), x)),
    when(notAll(get('pos')), [
      set('y', pick(get('y'), f.mul(c(SELU_SCALE), f.mul(c(SELU_ALPHA), e('expm1', x))), get('pos'))),
    ]),
  ]),
  sigmoid: elementary((x, _a, _dy, e) => [set('y', e('sigmoid', x))]),
  tanh: elementary((x, _a, _dy, e) => [set('y', e('tanh', x))]),
  softplus: elementary((x, _a, _dy, e) => [set('y', e('softplus', x))]),
  // x·sigmoid(x)
  swish: elementary((x, _a, _dy, e) => [set('y', f.mul(x, e('sigmoid', x)))]),
  // (0.5·x)·(1 + erf(x·INV_SQRT2))
  gelu: elementary((x, _a, _dy, e) => [
    set('y', f.mul(f.mul(c(0.5), x), f.add(c(1), e('erf', f.mul(x, c(INV_SQRT2)))))),
  ]),
};

/** f′(x)·dy, as numeric/elementwise.ts's unaryBackward writes it. */
export const BACKWARD: Record<UnaryOp, Definition> = {
  linear: plain(true, (_t, _x, _a, dy) => dy),
  neg: plain(true, (t, _x, _a, dy) => t.v.neg(dy)),
  // x > 0 ? dy : x < 0 ? −dy : 0
  abs: plain(true, (t, x, _a, dy) =>
    pick(dy, pick(t.v.neg(dy), zero(t), t.v.lt(x, zero(t))), t.v.gt(x, zero(t))),
  ),
  // 2·x·dy, i.e. (2·x)·dy
  square: plain(false, (t, x, _a, dy) => t.v.mul(t.v.mul(t.constant(2), x), dy)),
  // dy / (2·√x)
  sqrt: plain(false, (t, x, _a, dy) => t.v.div(dy, t.v.mul(t.constant(2), t.v.sqrt(x)))),
  // x > 0 ? dy : 0
  relu: plain(true, (t, x, _a, dy) => pick(dy, zero(t), t.v.gt(x, zero(t)))),
  // x < 0 ? alpha·dy : dy
  leakyRelu: plain(false, (t, x, a, dy) => pick(t.v.mul(a, dy), dy, t.v.lt(x, zero(t)))),
  // −3 < x < 3 ? dy / 6 : 0 (one division)
  hardSigmoid: plain(true, (t, x, _a, dy) =>
    pick(t.v.div(dy, t.constant(6)), zero(t), v128.and(t.v.gt(x, t.constant(-3)), t.v.lt(x, t.constant(3)))),
  ),
  // d = 1 + |x|; dy / (d·d)
  softsign: plain(false, (t, x, _a, dy) =>
    t.v.div(dy, t.v.mul(tee('d', t.v.add(t.constant(1), t.v.abs(x))), get('d'))),
  ),
  // dy / x
  log: plain(true, (t, x, _a, dy) => t.v.div(dy, x)),
  // exp(x)·dy
  exp: elementary((x, _a, dy, e) => [set('d', f.mul(e('exp', x), dy))]),
  // x > 0 ? dy : (alpha·exp(x))·dy
  elu: elementary((x, a, dy, e) => [
    set('pos', f.gt(x, c(0))),
    set('d', dy),
    when(notAll(get('pos')), [set('d', pick(dy, f.mul(f.mul(a, e('exp', x)), dy), get('pos')))]),
  ]),
  // x > 0 ? SCALE·dy : ((SCALE·ALPHA)·exp(x))·dy
  selu: elementary((x, _a, dy, e) => [
    set('pos', f.gt(x, c(0))),
    set('d', f.mul(c(SELU_SCALE), dy)),
    when(notAll(get('pos')), [
      set('d', pick(get('d'), f.mul(f.mul(c(SELU_SCALE_ALPHA), e('exp', x)), dy), get('pos'))),
    ]),
  ]),
  // s = sigmoid(x); (s·(1 − s))·dy
  sigmoid: elementary((x, _a, dy, e) => [
    set('s', e('sigmoid', x)),
    set('d', f.mul(f.mul(get('s'), f.sub(c(1), get('s'))), dy)),
  ]),
  // t = tanh(x); (1 − t·t)·dy
  tanh: elementary((x, _a, dy, e) => [
    set('s', e('tanh', x)),
    set('d', f.mul(f.sub(c(1), f.mul(get('s'), get('s'))), dy)),
  ]),
  // sigmoid(x)·dy
  softplus: elementary((x, _a, dy, e) => [set('d', f.mul(e('sigmoid', x), dy))]),
  // s = sigmoid(x); (s + (x·s)·(1 − s))·dy
  swish: elementary((x, _a, dy, e) => [
    set('s', e('sigmoid', x)),
    set('d', f.mul(f.add(get('s'), f.mul(f.mul(x, get('s')), f.sub(c(1), get('s')))), dy)),
  ]),
  // ((0.5·(1 + erf(x·INV_SQRT2))) + (x·exp((−0.5·x)·x))·INV_SQRT_2PI)·dy
  gelu: elementary((x, _a, dy, e) => [
    set(
      'd',
      f.mul(
        f.add(
          f.mul(c(0.5), f.add(c(1), e('erf', f.mul(x, c(INV_SQRT2))))),
          f.mul(f.mul(x, e('exp', f.mul(f.mul(c(-0.5), x), x))), c(INV_SQRT_2PI)),
        ),
        dy,
      ),
    ),
  ]),
};

/** The ops of `table` in code order, checked against the op-code table's split. */
function split(table: Record<UnaryOp, Definition>, firstElementary: number) {
  const plainOps: UnaryOp[] = [];
  const elementaryOps: UnaryOp[] = [];
  UNARY_OP_ORDER.forEach((op, code) => {
    const kind = table[op].kind;
    if ((kind === 'plain') !== code < firstElementary)
      throw new Error(`unary op ${op} (code ${code}) is ${kind}: the op-code table's order does not match`);
    (kind === 'plain' ? plainOps : elementaryOps).push(op);
  });
  return { plainOps, elementaryOps };
}
const forwardOps = split(FORWARD, FIRST_TRANSCENDENTAL);
const backwardOps = split(BACKWARD, FIRST_TRANSCENDENTAL_GRADIENT);
const asPlain = (d: Definition): PlainDefinition => {
  if (d.kind !== 'plain') throw new Error('not a plain op');
  return d;
};

/** Whole vectors of `bytes` at offset i: `do { body } while ((i += 16) < bytes)`. */
const vectors = (body: Wat[]): Wat =>
  repeat('l', body, i32.ltU(tee('i', i32.add(get('i'), i32.const(16))), get('bytes')));
const at = (base: string) => i32.add(get(base), get('i'));

/** One loop per op, chosen by a jump table (a forward op on whole vectors of `t`). */
function forwardLoops(t: Lanes, ops: UnaryOp[], after: Wat): Wat[] {
  return jumpTable(
    get('op'),
    ops,
    ops.map((op) => ({
      label: op,
      body: [
        vectors([
          set('x', v128.load(0, at('src'))),
          v128.store(0, at('dst'), asPlain(FORWARD[op]).emit(t, get('x'), get('a'), '')),
        ]),
        after,
      ],
    })),
  );
}

/** `unary_apply`: dst[i] = f(src[i]) for count doubles in whole f64x2 vectors (an odd count reads and writes one more). */
function unaryApply(): Wat {
  return func({
    name: 'unary_apply',
    params: { op: 'i32', src: 'i32', dst: 'i32', count: 'i32', alpha: 'f64' },
    locals: { i: 'i32', bytes: 'i32', x: 'v128', a: 'v128', v: 'v128' },
    body: [
      set('bytes', i32.shl(get('count'), i32.const(3))),
      when(i32.leS(get('count'), i32.const(0)), [ret()]),
      when(i32.geU(get('op'), i32.const(FIRST_TRANSCENDENTAL)), [
        call('unary_elementary', get('op'), get('src'), get('dst'), get('bytes'), get('alpha')),
        ret(),
      ]),
      set('a', F64.v.splat(get('alpha'))),
      ...forwardLoops(F64, forwardOps.plainOps, ret()),
    ],
  });
}

/** `unary_backward_apply`: dx[i] = f′(x[i])·dy[i], same whole-vector rule; one loop, a table per vector. */
function unaryBackwardApply(): Wat {
  const ops = backwardOps.plainOps;
  return func({
    name: 'unary_backward_apply',
    params: { op: 'i32', xs: 'i32', dys: 'i32', dst: 'i32', count: 'i32', alpha: 'f64' },
    locals: { i: 'i32', bytes: 'i32', x: 'v128', dy: 'v128', d: 'v128', a: 'v128' },
    body: [
      set('bytes', i32.shl(get('count'), i32.const(3))),
      when(i32.leS(get('count'), i32.const(0)), [ret()]),
      when(i32.geU(get('op'), i32.const(FIRST_TRANSCENDENTAL_GRADIENT)), [
        call(
          'unary_backward_elementary',
          get('op'),
          get('xs'),
          get('dys'),
          get('dst'),
          get('bytes'),
          get('alpha'),
        ),
        ret(),
      ]),
      set('a', F64.v.splat(get('alpha'))),
      vectors([
        set('x', v128.load(0, at('xs'))),
        set('dy', v128.load(0, at('dys'))),
        block(
          'store',
          ...jumpTable(
            get('op'),
            ops,
            ops.map((op, k) => ({
              label: op,
              body: [
                set('d', asPlain(BACKWARD[op]).emit(F64, get('x'), get('a'), get('dy'))),
                ...(k < ops.length - 1 ? [br('store')] : []),
              ],
            })),
          ),
        ),
        v128.store(0, at('dst'), get('d')),
      ]),
    ],
  });
}

/** The elementary ops over whole f64x2 vectors: one loop, a table per vector (codes from `first`). */
function elementaryLoop(name: string, backward: boolean): Wat {
  const table = backward ? BACKWARD : FORWARD;
  const ops = (backward ? backwardOps : forwardOps).elementaryOps;
  const first = backward ? FIRST_TRANSCENDENTAL_GRADIENT : FIRST_TRANSCENDENTAL;
  const out = backward ? 'd' : 'y';
  const cases = ops.map((op, k) => {
    const d = table[op];
    if (d.kind !== 'elementary') throw new Error(`${op} is not elementary`);
    return {
      label: op,
      body: [
        ...d.emit(get('x'), get('a'), get('dy'), callElementary),
        ...(k < ops.length - 1 ? [br('store')] : []),
      ],
    };
  });
  const loads = backward
    ? [set('x', v128.load(0, at('xs'))), set('dy', v128.load(0, at('dys')))]
    : [set('x', v128.load(0, at('src')))];
  return func({
    name,
    params: backward
      ? { op: 'i32', xs: 'i32', dys: 'i32', dst: 'i32', bytes: 'i32', alpha: 'f64' }
      : { op: 'i32', src: 'i32', dst: 'i32', bytes: 'i32', alpha: 'f64' },
    locals: backward
      ? { i: 'i32', x: 'v128', dy: 'v128', d: 'v128', s: 'v128', a: 'v128', pos: 'v128' }
      : { i: 'i32', x: 'v128', y: 'v128', a: 'v128', pos: 'v128' },
    body: [
      set('a', F64.v.splat(get('alpha'))),
      vectors([
        ...loads,
        block('store', ...jumpTable(i32.sub(get('op'), i32.const(first)), ops, cases)),
        v128.store(0, at('dst'), get(out)),
      ]),
    ],
  });
}

/** count float32 at src → doubles at dst, two at a time (load64_zero + promote: no shuffles). */
function promoteChunk(): Wat {
  return func({
    name: 'promote_chunk',
    params: { src: 'i32', dst: 'i32', count: 'i32' },
    body: [
      until(
        'next',
        i32.leS(get('count'), i32.const(0)),
        v128.store(0, get('dst'), sx('f64x2.promote_low_f32x4', v128.load64Zero(get('src')))),
        set('src', i32.add(get('src'), i32.const(8))),
        set('dst', i32.add(get('dst'), i32.const(16))),
        set('count', i32.sub(get('count'), i32.const(2))),
      ),
    ],
  });
}

/** count doubles at src → float32 at dst, each rounded once; stores stop at count. */
function demoteChunk(): Wat {
  return func({
    name: 'demote_chunk',
    params: { src: 'i32', dst: 'i32', count: 'i32' },
    locals: { v: 'v128' },
    body: [
      until(
        'next',
        i32.leS(get('count'), i32.const(0)),
        // demote gives [r0, r1, 0, 0]: store two lanes, or one for an odd last element
        set('v', sx('f32x4.demote_f64x2_zero', v128.load(0, get('src')))),
        when(
          i32.geS(get('count'), i32.const(2)),
          [v128.storeLane(64, 0, 0, get('dst'), get('v'))],
          [v128.storeLane(32, 0, 0, get('dst'), get('v'))],
        ),
        set('src', i32.add(get('src'), i32.const(16))),
        set('dst', i32.add(get('dst'), i32.const(8))),
        set('count', i32.sub(get('count'), i32.const(2))),
      ),
    ],
  });
}

/** The exact float32 forward ops must be codes 0…k (unary_f32 tests `op ≤ k`). */
const exactForward = forwardOps.plainOps.filter((op) => asPlain(FORWARD[op]).exactInF32);
exactForward.forEach((op, code) => {
  if (UNARY_CODES[op] !== code)
    throw new Error(`float32-exact forward ops must come first in the op-code table (${op})`);
});
const exactBackward = backwardOps.plainOps.filter((op) => asPlain(BACKWARD[op]).exactInF32);

/** Forward on f32x4 for the exact ops; `bytes` is a positive multiple of 16. */
function unaryExactF32(): Wat {
  return func({
    name: 'unary_exact_f32',
    params: { op: 'i32', src: 'i32', dst: 'i32', bytes: 'i32' },
    locals: { i: 'i32', x: 'v128', a: 'v128', v: 'v128' },
    body: forwardLoops(F32, exactForward, ret()),
  });
}

/** Gradients on f32x4 for the exact ops; returns 0, doing nothing, for the other ops. */
function unaryBackwardExactF32(): Wat {
  const targets = UNARY_OP_ORDER.slice(0, UNARY_CODES[exactBackward[exactBackward.length - 1]] + 1).map(
    (op) => (exactBackward.includes(op) ? op : 'inexact'),
  );
  const cases: { label: string; body: Wat[] }[] = exactBackward.map((op) => ({
    label: op,
    body: [
      vectors([
        set('x', v128.load(0, at('xs'))),
        set('dy', v128.load(0, at('dys'))),
        v128.store(0, at('dst'), asPlain(BACKWARD[op]).emit(F32, get('x'), get('a'), get('dy'))),
      ]),
      ret(i32.const(1)),
    ],
  }));
  cases.push({ label: 'inexact', body: [i32.const(0)] });
  return func({
    name: 'unary_backward_exact_f32',
    params: { op: 'i32', xs: 'i32', dys: 'i32', dst: 'i32', bytes: 'i32' },
    result: 'i32',
    locals: { i: 'i32', x: 'v128', dy: 'v128', d: 'v128', a: 'v128' },
    body: jumpTable(get('op'), [...targets, 'inexact'], cases),
  });
}

/**
 * The ops whose float32 data run on whole f32x4 vectors directly: each vector's two halves are
 * promoted (exact), evaluated with the elementary functions expanded inline, demoted (one rounding
 * each) and stored together — no scratch chunks, no wasm calls per vector. The LSTM's and GRU's
 * gates spend most of a step here.
 */
export const INLINE_F32: readonly UnaryOp[] = ['exp', 'sigmoid', 'tanh', 'swish'];

/** The low (0) or high (1) two float32 lanes of `v` as f64x2. */
export const promoteHalf = (v: Wat, half: 0 | 1): Wat =>
  sx(
    'f64x2.promote_low_f32x4',
    half === 0 ? v : i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15], v, v),
  );
/** [demote(lo), demote(hi)] as one f32x4. */
export const demotePair = (lo: Wat, hi: Wat): Wat =>
  i8x16Shuffle(
    [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],
    sx('f32x4.demote_f64x2_zero', lo),
    sx('f32x4.demote_f64x2_zero', hi),
  );

/**
 * `unary_inline_f32` / `unary_backward_inline_f32`: the ops of INLINE_F32 on `bytes` (a positive
 * multiple of 16) of float32; returns 0, doing nothing, for the other ops.
 */
function unaryInlineF32(backward: boolean): Wat {
  const table = backward ? BACKWARD : FORWARD;
  const result = backward ? 'd' : 'y';
  const locals: Record<string, ValType> = {
    i: 'i32',
    v: 'v128',
    dyv: 'v128',
    low: 'v128',
    x: 'v128',
    dy: 'v128',
    a: 'v128',
    [result]: 'v128',
    s: 'v128',
    pos: 'v128',
  };
  /** One half: x (and dy) promoted, then the op's statements with its functions expanded. */
  const half = (op: UnaryOp, h: 0 | 1): Wat[] => {
    const definition = table[op];
    if (definition.kind !== 'elementary') throw new Error(`${op} is not an elementary op`);
    const body: Wat[] = [set('x', promoteHalf(get('v'), h))];
    if (backward) body.push(set('dy', promoteHalf(get('dyv'), h)));
    const expansion = inliner(body);
    const statements = definition.emit(get('x'), get('a'), get('dy'), expansion.e);
    for (const name of expansion.locals) locals[name] = 'v128';
    return [...body, ...statements];
  };
  const src = backward ? 'xs' : 'src';
  const targets = UNARY_OP_ORDER.slice(0, Math.max(...INLINE_F32.map((op) => UNARY_CODES[op])) + 1).map(
    (op) => (INLINE_F32.includes(op) ? op : 'other'),
  );
  const cases: { label: string; body: Wat[] }[] = INLINE_F32.map((op) => ({
    label: op,
    body: [
      vectors([
        set('v', v128.load(0, at(src))),
        ...(backward ? [set('dyv', v128.load(0, at('dys')))] : []),
        ...half(op, 0),
        set('low', get(result)),
        ...half(op, 1),
        v128.store(0, at('dst'), demotePair(get('low'), get(result))),
      ]),
      ret(i32.const(1)),
    ],
  }));
  cases.push({ label: 'other', body: [i32.const(0)] });
  const body = [set('a', F64.v.splat(get('alpha'))), ...jumpTable(get('op'), [...targets, 'other'], cases)];
  return func({
    name: backward ? 'unary_backward_inline_f32' : 'unary_inline_f32',
    params: backward
      ? { op: 'i32', xs: 'i32', dys: 'i32', dst: 'i32', bytes: 'i32', alpha: 'f64' }
      : { op: 'i32', src: 'i32', dst: 'i32', bytes: 'i32', alpha: 'f64' },
    result: 'i32',
    locals,
    body,
  });
}

/** Advances each named pointer by `bytes` bytes. */
const advance = (bytes: Wat, ...names: string[]): Wat[] => names.map((n) => set(n, i32.add(get(n), bytes)));

function unaryF32(): Wat {
  return func({
    name: 'unary_f32',
    exportAs: 'unary_f32',
    params: { op: 'i32', x: 'i32', out: 'i32', n: 'i32', alpha: 'f64' },
    locals: { c: 'i32', full: 'i32' },
    body: [
      // Exact ops: whole vectors directly; the last n mod 4 elements join the general path below.
      when(i32.and(i32.leU(get('op'), i32.const(exactForward.length - 1)), i32.geS(get('n'), i32.const(4))), [
        set('full', i32.shl(i32.and(get('n'), i32.const(-4)), i32.const(2))),
        call('unary_exact_f32', get('op'), get('x'), get('out'), get('full')),
        ...advance(get('full'), 'x', 'out'),
        set('n', i32.and(get('n'), i32.const(3))),
      ]),
      // INLINE_F32 ops: whole vectors directly, the rest as above.
      when(i32.geS(get('n'), i32.const(4)), [
        set('full', i32.shl(i32.and(get('n'), i32.const(-4)), i32.const(2))),
        when(call('unary_inline_f32', get('op'), get('x'), get('out'), get('full'), get('alpha')), [
          ...advance(get('full'), 'x', 'out'),
          set('n', i32.and(get('n'), i32.const(3))),
        ]),
      ]),
      until(
        'chunks',
        i32.leS(get('n'), i32.const(0)),
        set('c', select(i32.const(CHUNK), get('n'), i32.gtS(get('n'), i32.const(CHUNK)))),
        call('promote_chunk', get('x'), global('chunk_x'), get('c')),
        call('unary_apply', get('op'), global('chunk_x'), global('chunk_x'), get('c'), get('alpha')),
        call('demote_chunk', global('chunk_x'), get('out'), get('c')),
        ...advance(i32.const(CHUNK * 4), 'x', 'out'),
        set('n', i32.sub(get('n'), i32.const(CHUNK))),
      ),
    ],
  });
}

function unaryBackwardF32(): Wat {
  return func({
    name: 'unary_backward_f32',
    exportAs: 'unary_backward_f32',
    params: { op: 'i32', x: 'i32', dy: 'i32', dx: 'i32', n: 'i32', alpha: 'f64' },
    locals: { c: 'i32', full: 'i32' },
    body: [
      when(i32.geS(get('n'), i32.const(4)), [
        set('full', i32.shl(i32.and(get('n'), i32.const(-4)), i32.const(2))),
        when(call('unary_backward_exact_f32', get('op'), get('x'), get('dy'), get('dx'), get('full')), [
          ...advance(get('full'), 'x', 'dy', 'dx'),
          set('n', i32.and(get('n'), i32.const(3))),
        ]),
      ]),
      when(i32.geS(get('n'), i32.const(4)), [
        when(
          call(
            'unary_backward_inline_f32',
            get('op'),
            get('x'),
            get('dy'),
            get('dx'),
            get('full'),
            get('alpha'),
          ),
          [...advance(get('full'), 'x', 'dy', 'dx'), set('n', i32.and(get('n'), i32.const(3)))],
        ),
      ]),
      until(
        'chunks',
        i32.leS(get('n'), i32.const(0)),
        set('c', select(i32.const(CHUNK), get('n'), i32.gtS(get('n'), i32.const(CHUNK)))),
        call('promote_chunk', get('x'), global('chunk_x'), get('c')),
        call('promote_chunk', get('dy'), global('chunk_dy'), get('c')),
        call(
          'unary_backward_apply',
          get('op'),
          global('chunk_x'),
          global('chunk_dy'),
          global('chunk_x'),
          get('c'),
          get('alpha'),
        ),
        call('demote_chunk', global('chunk_x'), get('dx'), get('c')),
        ...advance(i32.const(CHUNK * 4), 'x', 'dy', 'dx'),
        set('n', i32.sub(get('n'), i32.const(CHUNK))),
      ),
    ],
  });
}

/**
 * float64: in place for all whole vectors; an odd last element goes through the scratch chunk so
 * nothing is stored past the end of out.
 */
function unaryF64(backward: boolean): Wat {
  const name = backward ? 'unary_backward_f64' : 'unary_f64';
  const inputs = backward ? ['x', 'dy'] : ['x'];
  const output = backward ? 'dx' : 'out';
  const scratch = (input: string) => global(input === 'x' ? 'chunk_x' : 'chunk_dy');
  const apply = backward ? 'unary_backward_apply' : 'unary_apply';
  return func({
    name,
    exportAs: name,
    params: backward
      ? { op: 'i32', x: 'i32', dy: 'i32', dx: 'i32', n: 'i32', alpha: 'f64' }
      : { op: 'i32', x: 'i32', out: 'i32', n: 'i32', alpha: 'f64' },
    locals: { full: 'i32' },
    body: [
      set('full', i32.and(get('n'), i32.const(-2))),
      call(apply, get('op'), ...inputs.map((i) => get(i)), get(output), get('full'), get('alpha')),
      when(i32.and(get('n'), i32.const(1)), [
        set('full', i32.shl(get('full'), i32.const(3))),
        ...inputs.map((i) => v128.store(0, scratch(i), v128.load(0, i32.add(get(i), get('full'))))),
        call(apply, get('op'), ...inputs.map(scratch), global('chunk_x'), i32.const(1), get('alpha')),
        i64.store(0, i32.add(get(output), get('full')), i64.load(0, global('chunk_x'))),
      ]),
    ],
  });
}

/** Elements per promoted float32 chunk. */
export const CHUNK = 256;
/** Scratch offsets of the float32 chunks (256 doubles each, plus slack), below 8192 (module.ts: the layout). */
const CHUNK_X_AT = 1024;
const CHUNK_DY_AT = 4096;

/**
 * The scratch base and the chunks' addresses as mutable globals of each instance, all moved
 * together by `set_scratch_base` (scratch.ts: one slot per thread over a shared memory).
 */
export function scratchGlobals(): Wat[] {
  return [
    '(global $scratch_base (mut i32) (i32.const 0))',
    `(global $chunk_x (mut i32) (i32.const ${CHUNK_X_AT}))`,
    `(global $chunk_dy (mut i32) (i32.const ${CHUNK_DY_AT}))`,
    func({
      name: 'set_scratch_base',
      exportAs: 'set_scratch_base',
      params: { base: 'i32' },
      body: [
        sx('global.set', '$scratch_base', get('base')),
        sx('global.set', '$chunk_x', i32.add(get('base'), i32.const(CHUNK_X_AT))),
        sx('global.set', '$chunk_dy', i32.add(get('base'), i32.const(CHUNK_DY_AT))),
      ],
    }),
  ];
}

export function unaryKernels(): Wat[] {
  return [
    unaryApply(),
    unaryBackwardApply(),
    elementaryLoop('unary_elementary', false),
    elementaryLoop('unary_backward_elementary', true),
    promoteChunk(),
    demoteChunk(),
    unaryExactF32(),
    unaryBackwardExactF32(),
    unaryInlineF32(false),
    unaryInlineF32(true),
    unaryF32(),
    unaryBackwardF32(),
    unaryF64(false),
    unaryF64(true),
  ];
}
