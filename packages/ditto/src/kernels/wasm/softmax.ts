/**
 * Softmax, log-softmax and their gradients over rows of `cols`, as the reference computes them.
 * Per row: max = the first maximum (a NaN replaces it; a scalar scan from −∞); e_j = exp(x_j − max)
 * across lanes, into out; sum = Σ e_j in ascending j from +0 (a scalar chain); then e_j / sum, or
 * (x_j − max) − log(sum). float32 rounds at every step where the reference's Math.fround does: the
 * elementary functions run in double on two elements at a time (one f64x2) and round once.
 */
import { type ELEMENTARY, elementaryName } from './elementary.js';
import type { Lanes } from './lanes.js';
import { partialStoreName } from './store.js';
import { call, func, get, i32, set, sx, until, v128, type Wat, when } from './wat.js';

/** Two elements as one vector (float32: the low half, upper lanes zero). */
const loadPair = (t: Lanes, address: Wat): Wat =>
  t.bytes === 4 ? v128.load64Zero(address) : v128.load(0, address);
/** Two elements' vector → f64x2 (exact), and back with one rounding. */
const pairToF64 = (t: Lanes, v: Wat): Wat => (t.bytes === 4 ? sx('f64x2.promote_low_f32x4', v) : v);
const pairFromF64 = (t: Lanes, v: Wat): Wat => (t.bytes === 4 ? sx('f32x4.demote_f64x2_zero', v) : v);
const scalarToF64 = (t: Lanes, v: Wat): Wat => (t.bytes === 4 ? sx('f64.promote_f32', v) : v);
const scalarFromF64 = (t: Lanes, v: Wat): Wat => (t.bytes === 4 ? sx('f32.demote_f64', v) : v);
/** Pair bytes. */
const pairBytes = (t: Lanes): number => 2 * t.bytes;

/** Stores the pair at address: both elements when `left` bytes remain for both, else the first. */
function storePair(t: Lanes, address: Wat, value: Wat, left: Wat): Wat {
  if (t.bytes === 8) return call(partialStoreName(t), address, value, i32.shrS(left, i32.const(3)));
  return when(
    i32.geS(left, i32.const(8)),
    [v128.storeLane(64, 0, 0, address, value)],
    [v128.storeLane(32, 0, 0, address, value)],
  );
}

/** The elementary function `name` of a pair's f64x2. */
const elementary = (name: keyof typeof ELEMENTARY, v: Wat): Wat => call(elementaryName(name), v);

const at = (base: string) => i32.add(get(base), get('j'));
const left = i32.sub(get('rowBytes'), get('j'));
const nextRow = (...names: string[]): Wat[] => [
  ...names.map((n) => set(n, i32.add(get(n), get('rowBytes')))),
  set('row', i32.add(get('row'), i32.const(1))),
];

/** acc = Σ_j term_j over the row, ascending j from +0, one rounded op at a time. */
function scalarSum(t: Lanes, term: Wat): Wat[] {
  return [
    set('acc', t.s.const(0)),
    set('j', i32.const(0)),
    until(
      'sum',
      i32.geS(get('j'), get('rowBytes')),
      set('acc', t.s.add(get('acc'), term)),
      set('j', i32.add(get('j'), i32.const(t.bytes))),
    ),
  ];
}

/** `for (j = 0; j < rowBytes; j += step) body` */
const acrossRow = (label: string, step: number, ...body: Wat[]): Wat[] => [
  set('j', i32.const(0)),
  until(label, i32.geS(get('j'), get('rowBytes')), ...body, set('j', i32.add(get('j'), i32.const(step)))),
];

/** `softmax_<t>(x, out, rows, cols, log)`: softmax (log = 0) or log-softmax (log = 1). */
function softmax(t: Lanes): Wat {
  const vectorStore = (value: Wat): Wat =>
    call(partialStoreName(t), at('out'), value, i32.shrS(left, i32.const(t.shift)));
  return func({
    name: `softmax_${t.scalar}`,
    exportAs: `softmax_${t.scalar}`,
    params: { x: 'i32', out: 'i32', rows: 'i32', cols: 'i32', log: 'i32' },
    locals: {
      row: 'i32',
      j: 'i32',
      rowBytes: 'i32',
      max: t.scalar,
      v: t.scalar,
      acc: t.scalar,
      m: 'v128',
      s: 'v128',
    },
    body: [
      set('rowBytes', i32.shl(get('cols'), i32.const(t.shift))),
      until(
        'rows_loop',
        i32.geS(get('row'), get('rows')),
        set('max', t.s.const(Number.NEGATIVE_INFINITY)),
        ...acrossRow(
          'scan',
          t.bytes,
          set('v', t.s.load(at('x'))),
          when(i32.or(t.s.gt(get('v'), get('max')), t.s.ne(get('v'), get('v'))), [set('max', get('v'))]),
        ),
        set('m', t.v.splat(get('max'))),
        // e_j = exp(x_j − max), rounded once, two per f64x2
        ...acrossRow(
          'exps',
          pairBytes(t),
          storePair(
            t,
            at('out'),
            pairFromF64(t, elementary('exp', pairToF64(t, t.v.sub(loadPair(t, at('x')), get('m'))))),
            left,
          ),
        ),
        ...scalarSum(t, t.s.load(at('out'))),
        when(
          get('log'),
          [
            // (x_j − max) − round(log(sum))
            set('s', t.v.splat(scalarFromF64(t, call('log_scalar', scalarToF64(t, get('acc')))))),
            ...acrossRow(
              'logs',
              16,
              vectorStore(t.v.sub(t.v.sub(v128.load(0, at('x')), get('m')), get('s'))),
            ),
          ],
          [
            // e_j / sum
            set('s', t.v.splat(get('acc'))),
            ...acrossRow('divs', 16, vectorStore(t.v.div(v128.load(0, at('out')), get('s')))),
          ],
        ),
        ...nextRow('x', 'out'),
      ),
    ],
  });
}

/** `softmax_backward_<t>`: acc = Σ_j dy_j·y_j (scalar chain), then dx_j = y_j·(dy_j − acc) across lanes. */
function softmaxBackward(t: Lanes): Wat {
  return func({
    name: `softmax_backward_${t.scalar}`,
    exportAs: `softmax_backward_${t.scalar}`,
    params: { y: 'i32', dy: 'i32', dx: 'i32', rows: 'i32', cols: 'i32' },
    locals: { row: 'i32', j: 'i32', acc: t.scalar, s: 'v128', rowBytes: 'i32' },
    body: [
      set('rowBytes', i32.shl(get('cols'), i32.const(t.shift))),
      until(
        'rows_loop',
        i32.geS(get('row'), get('rows')),
        ...scalarSum(t, t.s.mul(t.s.load(at('dy')), t.s.load(at('y')))),
        set('s', t.v.splat(get('acc'))),
        ...acrossRow(
          'out',
          16,
          call(
            partialStoreName(t),
            at('dx'),
            t.v.mul(v128.load(0, at('y')), t.v.sub(v128.load(0, at('dy')), get('s'))),
            i32.shrS(left, i32.const(t.shift)),
          ),
        ),
        ...nextRow('y', 'dy', 'dx'),
      ),
    ],
  });
}

/** `log_softmax_backward_<t>`: acc = Σ_j dy_j (scalar chain), dx_j = dy_j − round(exp(y_j))·acc. */
function logSoftmaxBackward(t: Lanes): Wat {
  return func({
    name: `log_softmax_backward_${t.scalar}`,
    exportAs: `log_softmax_backward_${t.scalar}`,
    params: { y: 'i32', dy: 'i32', dx: 'i32', rows: 'i32', cols: 'i32' },
    locals: { row: 'i32', j: 'i32', acc: t.scalar, s: 'v128', rowBytes: 'i32' },
    body: [
      set('rowBytes', i32.shl(get('cols'), i32.const(t.shift))),
      until(
        'rows_loop',
        i32.geS(get('row'), get('rows')),
        ...scalarSum(t, t.s.load(at('dy'))),
        set('s', t.v.splat(get('acc'))),
        ...acrossRow(
          'out',
          pairBytes(t),
          storePair(
            t,
            at('dx'),
            t.v.sub(
              loadPair(t, at('dy')),
              t.v.mul(pairFromF64(t, elementary('exp', pairToF64(t, loadPair(t, at('y'))))), get('s')),
            ),
            left,
          ),
        ),
        ...nextRow('y', 'dy', 'dx'),
      ),
    ],
  });
}

export function softmaxKernels(t: Lanes): Wat[] {
  return [softmaxBackward(t), softmax(t), logSoftmaxBackward(t)];
}
