/**
 * The fused LSTM cell — tensor/ops/lstm-cell.ts's three kernels, on rows of `units` values (z's
 * rows are four blocks i, f, c, o of `units` each); the products, the sum and the gradient's +0
 * are one IEEE operation per lane. The last vector of a row stores only the row's lanes
 * (store.ts), so rows never overlap; it may read past the row (into the next block or row, or the
 * buffer's slack), values that are never stored.
 *
 * Activations (`lstm_activate_<t>`) run over a block's run of a row, or the whole [rows × units]
 * state at once, with unary.ts's FORWARD definitions (float32 promoted, evaluated in float64 with
 * the elementary functions expanded inline, demoted), storing each float64 value in `aux` too.
 * Gradients of sigmoid, tanh and exp (`lstm_gradient_from_<t>`) read that value instead of
 * evaluating the function again (unary.ts's BACKWARD formulas with s = the stored double); the
 * other ops' gradients are `unary_backward_<t>` itself. Both work in place (dy and dx one run):
 * each reads a vector (or chunk) before it writes it.
 */
import { FROM_VALUE, type UnaryOp } from '../../numeric/elementwise.js';
import { UNARY_CODES, UNARY_OP_ORDER } from '../op-codes.js';
import { inliner } from './elementary.js';
import { F64, type Lanes } from './lanes.js';
import { partialStoreName } from './store.js';
import { demotePair, FORWARD, promoteHalf } from './unary.js';
import {
  call,
  func,
  get,
  i32,
  jumpTable,
  ret,
  set,
  until,
  type ValType,
  v128,
  type Wat,
  when,
} from './wat.js';

export const inc = (name: string, by: Wat): Wat => set(name, i32.add(get(name), by));
export const at = (base: string, ...offsets: Wat[]): Wat =>
  offsets.reduce((a, o) => i32.add(a, o), get(base));

/** Byte offsets: the start of block `k` (0 i, 1 f, 2 c, 3 o) of z's row, the vector jb in it, the state's. */
const zStart = (k: number): Wat[] => (k === 0 ? [get('zr')] : [get('zr'), i32.mul(get('ub'), i32.const(k))]);
const zBlock = (k: number): Wat[] => [...zStart(k), get('jb')];
const stateAt = (): Wat[] => [get('cr'), get('jb')];

export const PARAMS = {
  rows: 'i32',
  units: 'i32',
  gateOp: 'i32',
  gateAlpha: 'f64',
  actOp: 'i32',
  actAlpha: 'f64',
} as const;
const LOCALS = {
  b: 'i32',
  zr: 'i32',
  cr: 'i32',
  ar: 'i32',
  jb: 'i32',
  ub: 'i32',
  nb: 'i32',
  g: 'v128',
} as const;

/**
 * `body` for each row b, with zr / cr / ar its offsets in z / the state / aux's i-f-c rows, all in
 * bytes of the data's type (ub = the bytes of `units` elements).
 */
function rows(body: Wat[]): Wat[] {
  return [
    set('b', i32.const(0)),
    set('zr', i32.const(0)),
    set('cr', i32.const(0)),
    set('ar', i32.const(0)),
    until(
      'rows',
      i32.geS(get('b'), get('rows')),
      ...body,
      inc('b', i32.const(1)),
      inc('zr', i32.shl(get('ub'), i32.const(2))),
      inc('cr', get('ub')),
      inc('ar', i32.mul(get('ub'), i32.const(3))),
    ),
  ];
}

/** ub and nb (the bytes of a [rows × units] array), set first in every kernel. */
const sizes = (t: Lanes): Wat[] => [
  set('ub', i32.shl(get('units'), i32.const(t.shift))),
  set('nb', i32.mul(get('rows'), get('ub'))),
];

/**
 * `body(store)` for each vector of a run of `bytes` bytes (jb its byte offset): whole vectors with
 * plain stores, then the last partial one storing only its lanes.
 */
export function vectors(
  t: Lanes,
  bytes: Wat,
  body: (store: (address: Wat, value: Wat) => Wat) => Wat[],
): Wat[] {
  const full = (address: Wat, value: Wat) => v128.store(0, address, value);
  const partial = (address: Wat, value: Wat) =>
    call(partialStoreName(t), address, value, i32.shrS(i32.sub(bytes, get('jb')), i32.const(t.shift)));
  return [
    set('jb', i32.const(0)),
    until(
      'whole',
      i32.gtS(i32.add(get('jb'), i32.const(16)), bytes),
      ...body(full),
      inc('jb', i32.const(16)),
    ),
    when(i32.ltS(get('jb'), bytes), body(partial)),
  ];
}

export const load = (address: Wat): Wat => v128.load(0, address);

/** Bytes of aux (float64) per byte of data of type t: aux offsets are data offsets shifted by this. */
const auxShift = (t: Lanes): number => 3 - t.shift;

/** The elements left from byte offset `i` of a run of `bytes` (≥ L: a whole vector). */
const left = (t: Lanes): Wat => i32.shrS(i32.sub(get('bytes'), get('i')), i32.const(t.shift));

/**
 * `lstm_activate_<t>(op, src, dst, aux, count, alpha)`: dst[k] = f(src[k]) rounded, aux[k] = f(src[k])
 * as a double, for count elements; one loop per op (chosen by a jump table), f from FORWARD.
 */
function activate(t: Lanes): Wat {
  const f32 = t.lanes === 4;
  const locals: Record<string, ValType> = {
    bytes: 'i32',
    i: 'i32',
    vin: 'v128',
    // hardSigmoid's definition keeps its v in a local of that name
    v: 'v128',
    x: 'v128',
    y: 'v128',
    low: 'v128',
    a: 'v128',
    dy: 'v128',
    pos: 'v128',
    rest: 'i32',
  };
  /** f(x) into y, for the double(s) in x. */
  const evaluate = (op: UnaryOp): Wat[] => {
    const definition = FORWARD[op];
    if (definition.kind === 'plain') return [set('y', definition.emit(F64, get('x'), get('a'), ''))];
    const statements: Wat[] = [];
    const expansion = inliner(statements);
    const tail = definition.emit(get('x'), get('a'), get('dy'), expansion.e);
    for (const name of expansion.locals) locals[name] = 'v128';
    return [...statements, ...tail];
  };
  const auxAt = (half: number) =>
    i32.add(get('aux'), i32.add(i32.shl(get('i'), i32.const(auxShift(t))), i32.const(16 * half)));
  const dstAt = () => i32.add(get('dst'), get('i'));
  const store64 = partialStoreName(F64);
  const vector = (op: UnaryOp): Wat[] =>
    f32
      ? [
          set('vin', load(i32.add(get('src'), get('i')))),
          set('x', promoteHalf(get('vin'), 0)),
          ...evaluate(op),
          set('low', get('y')),
          set('x', promoteHalf(get('vin'), 1)),
          ...evaluate(op),
          set('rest', left(t)),
          when(
            i32.geS(get('rest'), i32.const(4)),
            [
              v128.store(0, auxAt(0), get('low')),
              v128.store(0, auxAt(1), get('y')),
              v128.store(0, dstAt(), demotePair(get('low'), get('y'))),
            ],
            [
              call(store64, auxAt(0), get('low'), get('rest')),
              call(store64, auxAt(1), get('y'), i32.sub(get('rest'), i32.const(2))),
              call(partialStoreName(t), dstAt(), demotePair(get('low'), get('y')), get('rest')),
            ],
          ),
        ]
      : [
          set('x', load(i32.add(get('src'), get('i')))),
          ...evaluate(op),
          set('rest', left(t)),
          when(
            i32.geS(get('rest'), i32.const(2)),
            [v128.store(0, auxAt(0), get('y')), v128.store(0, dstAt(), get('y'))],
            [call(store64, auxAt(0), get('y'), get('rest')), call(store64, dstAt(), get('y'), get('rest'))],
          ),
        ];
  const cases = UNARY_OP_ORDER.map((op) => ({
    label: op,
    body: [
      until('l', i32.geS(get('i'), get('bytes')), ...vector(op), set('i', i32.add(get('i'), i32.const(16)))),
      ret(),
    ],
  }));
  return func({
    name: `lstm_activate_${t.scalar}`,
    params: { op: 'i32', src: 'i32', dst: 'i32', aux: 'i32', count: 'i32', alpha: 'f64' },
    locals,
    body: [
      set('bytes', i32.shl(get('count'), i32.const(t.shift))),
      set('a', F64.v.splat(get('alpha'))),
      ...jumpTable(get('op'), [...UNARY_OP_ORDER], cases),
    ],
  });
}

/** f′(x)·dy from s = f(x) (the stored double), as unary.ts's BACKWARD writes it. */
const FROM_VALUE_GRADIENT: Record<string, (s: Wat, dy: Wat) => Wat> = {
  sigmoid: (s, dy) => F64.v.mul(F64.v.mul(s, F64.v.sub(F64.constant(1), s)), dy),
  tanh: (s, dy) => F64.v.mul(F64.v.sub(F64.constant(1), F64.v.mul(s, s)), dy),
  exp: (s, dy) => F64.v.mul(s, dy),
};

/**
 * `lstm_gradient_from_<t>(op, aux, d, count)`: d[k] = f′·d[k] in place for the FROM_VALUE ops, with
 * f(x) read from aux; nothing for other ops.
 */
function gradientFrom(t: Lanes): Wat {
  const f32 = t.lanes === 4;
  const auxAt = (half: number) =>
    i32.add(get('aux'), i32.add(i32.shl(get('i'), i32.const(auxShift(t))), i32.const(16 * half)));
  const dAt = () => i32.add(get('d'), get('i'));
  const vector = (op: UnaryOp): Wat[] => {
    const formula = FROM_VALUE_GRADIENT[op];
    const result = f32
      ? demotePair(
          formula(load(auxAt(0)), promoteHalf(get('v'), 0)),
          formula(load(auxAt(1)), promoteHalf(get('v'), 1)),
        )
      : formula(load(auxAt(0)), get('v'));
    return [
      set('v', load(dAt())),
      set('v', result),
      set('rest', left(t)),
      when(
        i32.geS(get('rest'), i32.const(t.lanes)),
        [v128.store(0, dAt(), get('v'))],
        [call(partialStoreName(t), dAt(), get('v'), get('rest'))],
      ),
    ];
  };
  const targets = UNARY_OP_ORDER.map((op) => (FROM_VALUE.includes(op) ? op : 'other'));
  const cases: { label: string; body: Wat[] }[] = FROM_VALUE.map((op) => ({
    label: op,
    body: [
      until('l', i32.geS(get('i'), get('bytes')), ...vector(op), set('i', i32.add(get('i'), i32.const(16)))),
      ret(),
    ],
  }));
  cases.push({ label: 'other', body: [] });
  return func({
    name: `lstm_gradient_from_${t.scalar}`,
    params: { op: 'i32', aux: 'i32', d: 'i32', count: 'i32' },
    locals: { bytes: 'i32', i: 'i32', v: 'v128', rest: 'i32' },
    body: [
      set('bytes', i32.shl(get('count'), i32.const(t.shift))),
      ...jumpTable(get('op'), [...targets, 'other'], cases),
    ],
  });
}

export const activateCall = (
  t: Lanes,
  op: string,
  alpha: string,
  src: Wat,
  dst: Wat,
  aux: Wat,
  count: Wat,
): Wat => call(`lstm_activate_${t.scalar}`, get(op), src, dst, aux, count, get(alpha));

/** d = f′(x)·d in place for a run: from aux for the FROM_VALUE ops, else unary_backward_<t>. */
export function gradientCall(t: Lanes, op: string, alpha: string, x: Wat, aux: Wat, d: Wat, count: Wat): Wat {
  const fromValue = FROM_VALUE.map((o) => i32.eq(get(op), i32.const(UNARY_CODES[o]))).reduce((a, b) =>
    i32.or(a, b),
  );
  return when(
    fromValue,
    [call(`lstm_gradient_from_${t.scalar}`, get(op), aux, d, count)],
    [call(`unary_backward_${t.scalar}`, get(op), x, d, d, count, get(alpha))],
  );
}

/**
 * aux's layout (tensor/ops/lstm-cell.ts's auxLayout), as byte addresses from an offset in bytes of
 * the data's type: its doubles sit at 8 / bytes times that offset. `base` is the aux pointer the
 * kernel got: the whole aux (forward), its i-f-c part (state backward) or its o-act part (output
 * backward).
 */
export const auxAt = (t: Lanes, base: string, ...offsets: Wat[]): Wat =>
  i32.add(
    get(base),
    i32.shl(
      offsets.reduce((a, o) => i32.add(a, o)),
      i32.const(auxShift(t)),
    ),
  );
/** Block k of row b's i-f-c part (+ jb when `vector`). */
const ifcAt = (t: Lanes, base: string, k: number, vector = true): Wat =>
  auxAt(t, base, get('ar'), i32.mul(get('ub'), i32.const(k)), ...(vector ? [get('jb')] : []));
/** The o gate's part ([rows × units], `skip` bytes in: 3·nb in the whole aux, 0 in the o-act part). */
const oAt = (t: Lanes, base: string, skip: Wat, vector = true): Wat =>
  auxAt(t, base, skip, get('cr'), ...(vector ? [get('jb')] : []));
/** act(c')'s part, `skip` bytes in (4·nb in the whole aux, nb in the o-act part). */
const actAt = (t: Lanes, base: string, skip: Wat): Wat => auxAt(t, base, skip, get('cr'), get('jb'));

/** The vector of rounded values of the doubles at `address` (the gate's value as the chain held it). */
export const rounded = (t: Lanes, address: Wat): Wat =>
  t.lanes === 4 ? demotePair(load(address), load(i32.add(address, i32.const(16)))) : load(address);

const nb = (k: number): Wat => i32.mul(get('nb'), i32.const(k));

/**
 * `lstm_cell_<t>(z, c, gates, cNext, actC, h, aux, …)`: aux = the doubles of σ(zi), σ(zf), act(zc),
 * σ(zo), act(c'); c' = σ(zf)·c + σ(zi)·act(zc), h' = σ(zo)·act(c'). `gates` (z's layout) and `actC`
 * are scratch for the rounded values.
 */
function forward(t: Lanes): Wat {
  const twoUnits = i32.shl(get('units'), i32.const(1));
  return func({
    name: `lstm_cell_${t.scalar}`,
    exportAs: `lstm_cell_${t.scalar}`,
    params: { z: 'i32', c: 'i32', gates: 'i32', cNext: 'i32', actC: 'i32', h: 'i32', aux: 'i32', ...PARAMS },
    locals: LOCALS,
    body: [
      ...sizes(t),
      ...rows([
        activateCall(
          t,
          'gateOp',
          'gateAlpha',
          at('z', get('zr')),
          at('gates', get('zr')),
          ifcAt(t, 'aux', 0, false),
          twoUnits,
        ),
        activateCall(
          t,
          'actOp',
          'actAlpha',
          at('z', ...zStart(2)),
          at('gates', ...zStart(2)),
          ifcAt(t, 'aux', 2, false),
          get('units'),
        ),
        activateCall(
          t,
          'gateOp',
          'gateAlpha',
          at('z', ...zStart(3)),
          at('gates', ...zStart(3)),
          oAt(t, 'aux', nb(3), false),
          get('units'),
        ),
        ...vectors(t, get('ub'), (store) => [
          store(
            at('cNext', ...stateAt()),
            t.v.add(
              t.v.mul(load(at('gates', ...zBlock(1))), load(at('c', ...stateAt()))),
              t.v.mul(load(at('gates', ...zBlock(0))), load(at('gates', ...zBlock(2)))),
            ),
          ),
        ]),
      ]),
      activateCall(
        t,
        'actOp',
        'actAlpha',
        get('cNext'),
        get('actC'),
        auxAt(t, 'aux', nb(4)),
        i32.mul(get('rows'), get('units')),
      ),
      ...rows([
        ...vectors(t, get('ub'), (store) => [
          store(
            at('h', ...stateAt()),
            t.v.mul(load(at('gates', ...zBlock(3))), load(at('actC', ...stateAt()))),
          ),
        ]),
      ]),
    ],
  });
}

/** `lstm_cell_output_backward_<t>(z, cNext, aux, gh, dzo, dcPart, …)`, aux the o-act part: dzo = σ′(zo)·(gh·act(c')), dcPart = act′(c')·(gh·σ(zo)). */
function outputBackward(t: Lanes): Wat {
  return func({
    name: `lstm_cell_output_backward_${t.scalar}`,
    exportAs: `lstm_cell_output_backward_${t.scalar}`,
    params: { z: 'i32', cNext: 'i32', aux: 'i32', gh: 'i32', dzo: 'i32', dcPart: 'i32', ...PARAMS },
    locals: LOCALS,
    body: [
      ...sizes(t),
      ...rows([
        ...vectors(t, get('ub'), (store) => [
          set('g', load(at('gh', ...stateAt()))),
          store(at('dzo', ...stateAt()), t.v.mul(get('g'), rounded(t, actAt(t, 'aux', get('nb'))))),
          store(at('dcPart', ...stateAt()), t.v.mul(get('g'), rounded(t, oAt(t, 'aux', i32.const(0))))),
        ]),
        gradientCall(
          t,
          'gateOp',
          'gateAlpha',
          at('z', ...zStart(3)),
          oAt(t, 'aux', i32.const(0), false),
          at('dzo', get('cr')),
          get('units'),
        ),
      ]),
      gradientCall(
        t,
        'actOp',
        'actAlpha',
        get('cNext'),
        auxAt(t, 'aux', get('nb')),
        get('dcPart'),
        i32.mul(get('rows'), get('units')),
      ),
    ],
  });
}

/** `lstm_cell_state_backward_<t>(z, c, aux, gc, dzo, dz, dc, …)`, aux the i-f-c part: dz = [σ′(zi)·(gc·act(zc)) σ′(zf)·(gc·c) act′(zc)·(gc·σ(zi)) dzo] + 0, dc = gc·σ(zf). */
function stateBackward(t: Lanes): Wat {
  const twoUnits = i32.shl(get('units'), i32.const(1));
  const zero = t.constant(0);
  return func({
    name: `lstm_cell_state_backward_${t.scalar}`,
    exportAs: `lstm_cell_state_backward_${t.scalar}`,
    params: { z: 'i32', c: 'i32', aux: 'i32', gc: 'i32', dzo: 'i32', dz: 'i32', dc: 'i32', ...PARAMS },
    locals: LOCALS,
    body: [
      ...sizes(t),
      ...rows([
        ...vectors(t, get('ub'), (store) => [
          set('g', load(at('gc', ...stateAt()))),
          store(at('dz', ...zBlock(0)), t.v.mul(get('g'), rounded(t, ifcAt(t, 'aux', 2)))),
          store(at('dz', ...zBlock(1)), t.v.mul(get('g'), load(at('c', ...stateAt())))),
          store(at('dz', ...zBlock(2)), t.v.mul(get('g'), rounded(t, ifcAt(t, 'aux', 0)))),
          store(at('dz', ...zBlock(3)), t.v.add(load(at('dzo', ...stateAt())), zero)),
          store(at('dc', ...stateAt()), t.v.mul(get('g'), rounded(t, ifcAt(t, 'aux', 1)))),
        ]),
        gradientCall(
          t,
          'gateOp',
          'gateAlpha',
          at('z', get('zr')),
          ifcAt(t, 'aux', 0, false),
          at('dz', get('zr')),
          twoUnits,
        ),
        gradientCall(
          t,
          'actOp',
          'actAlpha',
          at('z', ...zStart(2)),
          ifcAt(t, 'aux', 2, false),
          at('dz', ...zStart(2)),
          get('units'),
        ),
        // + 0 on the i, f and c blocks (−0 → +0, as the chain's sum of padded pieces)
        ...vectors(t, i32.mul(get('ub'), i32.const(3)), (store) => [
          store(at('dz', get('zr'), get('jb')), t.v.add(load(at('dz', get('zr'), get('jb'))), zero)),
        ]),
      ]),
    ],
  });
}

export function lstmKernels(t: Lanes): Wat[] {
  return [activate(t), gradientFrom(t), forward(t), outputBackward(t), stateBackward(t)];
}
