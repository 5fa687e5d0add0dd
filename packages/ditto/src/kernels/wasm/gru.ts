/**
 * The fused GRU cell (resetAfter) — tensor/ops/gru-cell.ts's two kernels, on rows of `units`
 * (x̂, ĥ, pre and aux rows are three blocks z, r, h). Built like lstm.ts, whose pieces it uses:
 * the activations are `lstm_activate_<t>` over a block's run (their doubles into aux), the
 * gradients `lstm_gradient_from_<t>` or `unary_backward_<t>` in place, every product, sum and
 * the +0 of the padded pieces one IEEE operation per lane; a row's last vector stores only its
 * lanes.
 */
import type { Lanes } from './lanes.js';
import { activateCall, at, auxAt, gradientCall, inc, load, PARAMS, rounded, vectors } from './lstm.js';
import { func, get, i32, set, until, type Wat } from './wat.js';

const LOCALS = {
  b: 'i32',
  xr: 'i32',
  cr: 'i32',
  jb: 'i32',
  ub: 'i32',
  gv: 'v128',
  z: 'v128',
  d: 'v128',
} as const;

/** `body` for each row, xr / cr its byte offsets in the [rows × 3·units] and [rows × units] arrays. */
function rows(t: Lanes, body: Wat[]): Wat[] {
  return [
    set('ub', i32.shl(get('units'), i32.const(t.shift))),
    set('b', i32.const(0)),
    set('xr', i32.const(0)),
    set('cr', i32.const(0)),
    until(
      'rows',
      i32.geS(get('b'), get('rows')),
      ...body,
      inc('b', i32.const(1)),
      inc('xr', i32.mul(get('ub'), i32.const(3))),
      inc('cr', get('ub')),
    ),
  ];
}

/** Block k (0 z, 1 r, 2 h) of the row: its start, and the vector jb in it. */
const start = (k: number): Wat[] => (k === 0 ? [get('xr')] : [get('xr'), i32.mul(get('ub'), i32.const(k))]);
const block = (k: number): Wat[] => [...start(k), get('jb')];
const state = (): Wat[] => [get('cr'), get('jb')];

/**
 * `gru_cell_<t>(xp, inner, h, hNext, pre, aux, gates, …)`: pre = [x̂_z + ĥ_z, x̂_r + ĥ_r, x̂_h + r·ĥ_h],
 * aux their activations' doubles, `gates` scratch for the rounded z, r, h̃; h = z·h₋₁ + (1 − z)·h̃.
 */
function forward(t: Lanes): Wat {
  const one = t.constant(1);
  return func({
    name: `gru_cell_${t.scalar}`,
    exportAs: `gru_cell_${t.scalar}`,
    params: {
      xp: 'i32',
      inner: 'i32',
      h: 'i32',
      hNext: 'i32',
      pre: 'i32',
      aux: 'i32',
      gates: 'i32',
      ...PARAMS,
    },
    locals: LOCALS,
    body: rows(t, [
      ...vectors(t, i32.shl(get('ub'), i32.const(1)), (store) => [
        store(at('pre', ...block(0)), t.v.add(load(at('xp', ...block(0))), load(at('inner', ...block(0))))),
      ]),
      activateCall(
        t,
        'gateOp',
        'gateAlpha',
        at('pre', get('xr')),
        at('gates', get('xr')),
        auxAt(t, 'aux', get('xr')),
        i32.shl(get('units'), i32.const(1)),
      ),
      ...vectors(t, get('ub'), (store) => [
        store(
          at('pre', ...block(2)),
          t.v.add(
            load(at('xp', ...block(2))),
            t.v.mul(load(at('gates', ...block(1))), load(at('inner', ...block(2)))),
          ),
        ),
      ]),
      activateCall(
        t,
        'actOp',
        'actAlpha',
        at('pre', ...start(2)),
        at('gates', ...start(2)),
        auxAt(t, 'aux', ...start(2)),
        get('units'),
      ),
      ...vectors(t, get('ub'), (store) => [
        set('z', load(at('gates', ...block(0)))),
        store(
          at('hNext', ...state()),
          t.v.add(
            t.v.mul(get('z'), load(at('h', ...state()))),
            t.v.mul(t.v.sub(one, get('z')), load(at('gates', ...block(2)))),
          ),
        ),
      ]),
    ]),
  });
}

/** `gru_cell_backward_<t>(inner, h, pre, aux, g, dxp, dinner, dh, …)`: tensor/ops/gru-cell.ts's gruCellBackward. */
function backward(t: Lanes): Wat {
  const one = t.constant(1);
  const zero = t.constant(0);
  return func({
    name: `gru_cell_backward_${t.scalar}`,
    exportAs: `gru_cell_backward_${t.scalar}`,
    params: {
      inner: 'i32',
      h: 'i32',
      pre: 'i32',
      aux: 'i32',
      g: 'i32',
      dxp: 'i32',
      dinner: 'i32',
      dh: 'i32',
      ...PARAMS,
    },
    locals: LOCALS,
    body: rows(t, [
      ...vectors(t, get('ub'), (store) => [
        set('gv', load(at('g', ...state()))),
        set('z', rounded(t, auxAt(t, 'aux', ...block(0)))),
        store(at('dh', ...state()), t.v.mul(get('gv'), get('z'))),
        // dz = −(g·h̃) + g·h₋₁ (through 1 − z first, as autograd adds them); dh̃ = g·(1 − z)
        store(
          at('dxp', ...block(0)),
          t.v.add(
            t.v.neg(t.v.mul(get('gv'), rounded(t, auxAt(t, 'aux', ...block(2))))),
            t.v.mul(get('gv'), load(at('h', ...state()))),
          ),
        ),
        store(at('dxp', ...block(2)), t.v.mul(get('gv'), t.v.sub(one, get('z')))),
      ]),
      gradientCall(
        t,
        'gateOp',
        'gateAlpha',
        at('pre', get('xr')),
        auxAt(t, 'aux', get('xr')),
        at('dxp', get('xr')),
        get('units'),
      ),
      gradientCall(
        t,
        'actOp',
        'actAlpha',
        at('pre', ...start(2)),
        auxAt(t, 'aux', ...start(2)),
        at('dxp', ...start(2)),
        get('units'),
      ),
      ...vectors(t, get('ub'), (store) => [
        set('d', load(at('dxp', ...block(2)))),
        store(at('dxp', ...block(1)), t.v.mul(get('d'), load(at('inner', ...block(2))))),
        store(
          at('dinner', ...block(2)),
          t.v.add(t.v.mul(get('d'), rounded(t, auxAt(t, 'aux', ...block(1)))), zero),
        ),
      ]),
      gradientCall(
        t,
        'gateOp',
        'gateAlpha',
        at('pre', ...start(1)),
        auxAt(t, 'aux', ...start(1)),
        at('dxp', ...start(1)),
        get('units'),
      ),
      // + 0 on x̂'s three blocks, ĥ's z and r blocks the same values (ĥ's h block has its own above)
      ...vectors(t, i32.mul(get('ub'), i32.const(3)), (store) => [
        set('d', t.v.add(load(at('dxp', get('xr'), get('jb'))), zero)),
        store(at('dxp', get('xr'), get('jb')), get('d')),
      ]),
      ...vectors(t, i32.shl(get('ub'), i32.const(1)), (store) => [
        store(at('dinner', get('xr'), get('jb')), load(at('dxp', get('xr'), get('jb')))),
      ]),
    ]),
  });
}

export function gruKernels(t: Lanes): Wat[] {
  return [forward(t), backward(t)];
}
