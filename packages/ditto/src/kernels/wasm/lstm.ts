/**
 * The fused LSTM cell — tensor/ops/lstm-cell.ts's three kernels, on rows of `units` values (z's
 * rows are four blocks i, f, c, o of `units` each). The activations are the unary kernels
 * themselves (`unary_<t>` / `unary_backward_<t>` of unary.ts, called on each block's run of a row,
 * or on the whole [rows × units] state at once), so every op code they accept works here with its
 * exact bits; the products, the sum and the gradient's +0 are one IEEE operation per lane. The last
 * vector of a row stores only the row's lanes (store.ts), so rows never overlap; it may read past
 * the row (into the next block or row, or the buffer's slack), values that are never stored.
 *
 * A unary gradient is computed in place (dy and dx the same run): each of its paths reads a vector
 * (or a chunk) of x and dy before writing that part of dx.
 */
import type { Lanes } from './lanes.js';
import { partialStoreName } from './store.js';
import { call, func, get, i32, set, until, v128, type Wat, when } from './wat.js';

const inc = (name: string, by: Wat): Wat => set(name, i32.add(get(name), by));
const at = (base: string, ...offsets: Wat[]): Wat => offsets.reduce((a, o) => i32.add(a, o), get(base));

/** Byte offsets: the start of block `k` (0 i, 1 f, 2 c, 3 o) of z's row, the vector jb in it, the state's. */
const zStart = (k: number): Wat[] => (k === 0 ? [get('zr')] : [get('zr'), i32.mul(get('ub'), i32.const(k))]);
const zBlock = (k: number): Wat[] => [...zStart(k), get('jb')];
const stateAt = (): Wat[] => [get('cr'), get('jb')];

const PARAMS = {
  rows: 'i32',
  units: 'i32',
  gateOp: 'i32',
  gateAlpha: 'f64',
  actOp: 'i32',
  actAlpha: 'f64',
} as const;
const LOCALS = { b: 'i32', zr: 'i32', cr: 'i32', jb: 'i32', ub: 'i32', g: 'v128' } as const;

/** ub = the bytes of `units` elements; then `body` for each row b, with zr / cr its byte offsets in z / the state. */
function rows(body: Wat[]): Wat[] {
  return [
    set('b', i32.const(0)),
    set('zr', i32.const(0)),
    set('cr', i32.const(0)),
    until(
      'rows',
      i32.geS(get('b'), get('rows')),
      ...body,
      inc('b', i32.const(1)),
      inc('zr', i32.shl(get('ub'), i32.const(2))),
      inc('cr', get('ub')),
    ),
  ];
}

/**
 * `body(store)` for each vector of a run of `bytes` bytes (jb its byte offset): whole vectors with
 * plain stores, then the last partial one storing only its lanes.
 */
function vectors(t: Lanes, bytes: Wat, body: (store: (address: Wat, value: Wat) => Wat) => Wat[]): Wat[] {
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

const load = (address: Wat): Wat => v128.load(0, address);
const unaryCall = (t: Lanes, op: string, alpha: string, src: Wat, dst: Wat, count: Wat): Wat =>
  call(`unary_${t.scalar}`, get(op), src, dst, count, get(alpha));
const gradientCall = (t: Lanes, op: string, alpha: string, x: Wat, d: Wat, count: Wat): Wat =>
  call(`unary_backward_${t.scalar}`, get(op), x, d, d, count, get(alpha));

/** `lstm_cell_<t>(z, c, gates, cNext, actC, h, …)`: gates = [σ(zi) σ(zf) act(zc) σ(zo)], c' = σ(zf)·c + σ(zi)·act(zc), act(c'), h' = σ(zo)·act(c'). */
function forward(t: Lanes): Wat {
  const twoUnits = i32.shl(get('units'), i32.const(1));
  return func({
    name: `lstm_cell_${t.scalar}`,
    exportAs: `lstm_cell_${t.scalar}`,
    params: { z: 'i32', c: 'i32', gates: 'i32', cNext: 'i32', actC: 'i32', h: 'i32', ...PARAMS },
    locals: LOCALS,
    body: [
      set('ub', i32.shl(get('units'), i32.const(t.shift))),
      ...rows([
        unaryCall(t, 'gateOp', 'gateAlpha', at('z', get('zr')), at('gates', get('zr')), twoUnits),
        unaryCall(t, 'actOp', 'actAlpha', at('z', ...zStart(2)), at('gates', ...zStart(2)), get('units')),
        unaryCall(t, 'gateOp', 'gateAlpha', at('z', ...zStart(3)), at('gates', ...zStart(3)), get('units')),
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
      unaryCall(t, 'actOp', 'actAlpha', get('cNext'), get('actC'), i32.mul(get('rows'), get('units'))),
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

/** `lstm_cell_output_backward_<t>(z, gates, cNext, actC, gh, dzo, dcPart, …)`: dzo = σ′(zo)·(gh·act(c')), dcPart = act′(c')·(gh·σ(zo)). */
function outputBackward(t: Lanes): Wat {
  return func({
    name: `lstm_cell_output_backward_${t.scalar}`,
    exportAs: `lstm_cell_output_backward_${t.scalar}`,
    params: {
      z: 'i32',
      gates: 'i32',
      cNext: 'i32',
      actC: 'i32',
      gh: 'i32',
      dzo: 'i32',
      dcPart: 'i32',
      ...PARAMS,
    },
    locals: LOCALS,
    body: [
      set('ub', i32.shl(get('units'), i32.const(t.shift))),
      ...rows([
        ...vectors(t, get('ub'), (store) => [
          set('g', load(at('gh', ...stateAt()))),
          store(at('dzo', ...stateAt()), t.v.mul(get('g'), load(at('actC', ...stateAt())))),
          store(at('dcPart', ...stateAt()), t.v.mul(get('g'), load(at('gates', ...zBlock(3))))),
        ]),
        gradientCall(t, 'gateOp', 'gateAlpha', at('z', ...zStart(3)), at('dzo', get('cr')), get('units')),
      ]),
      gradientCall(t, 'actOp', 'actAlpha', get('cNext'), get('dcPart'), i32.mul(get('rows'), get('units'))),
    ],
  });
}

/** `lstm_cell_state_backward_<t>(z, c, gates, gc, dzo, dz, dc, …)`: dz = [σ′(zi)·(gc·act(zc)) σ′(zf)·(gc·c) act′(zc)·(gc·σ(zi)) dzo] + 0, dc = gc·σ(zf). */
function stateBackward(t: Lanes): Wat {
  const twoUnits = i32.shl(get('units'), i32.const(1));
  const zero = t.constant(0);
  return func({
    name: `lstm_cell_state_backward_${t.scalar}`,
    exportAs: `lstm_cell_state_backward_${t.scalar}`,
    params: { z: 'i32', c: 'i32', gates: 'i32', gc: 'i32', dzo: 'i32', dz: 'i32', dc: 'i32', ...PARAMS },
    locals: LOCALS,
    body: [
      set('ub', i32.shl(get('units'), i32.const(t.shift))),
      ...rows([
        ...vectors(t, get('ub'), (store) => [
          set('g', load(at('gc', ...stateAt()))),
          store(at('dz', ...zBlock(0)), t.v.mul(get('g'), load(at('gates', ...zBlock(2))))),
          store(at('dz', ...zBlock(1)), t.v.mul(get('g'), load(at('c', ...stateAt())))),
          store(at('dz', ...zBlock(2)), t.v.mul(get('g'), load(at('gates', ...zBlock(0))))),
          store(at('dz', ...zBlock(3)), t.v.add(load(at('dzo', ...stateAt())), zero)),
          store(at('dc', ...stateAt()), t.v.mul(get('g'), load(at('gates', ...zBlock(1))))),
        ]),
        gradientCall(t, 'gateOp', 'gateAlpha', at('z', get('zr')), at('dz', get('zr')), twoUnits),
        gradientCall(t, 'actOp', 'actAlpha', at('z', ...zStart(2)), at('dz', ...zStart(2)), get('units')),
        // + 0 on the i, f and c blocks (−0 → +0, as the chain's sum of padded pieces)
        ...vectors(t, i32.mul(get('ub'), i32.const(3)), (store) => [
          store(at('dz', get('zr'), get('jb')), t.v.add(load(at('dz', get('zr'), get('jb'))), zero)),
        ]),
      ]),
    ],
  });
}

export function lstmKernels(t: Lanes): Wat[] {
  return [forward(t), outputBackward(t), stateBackward(t)];
}
