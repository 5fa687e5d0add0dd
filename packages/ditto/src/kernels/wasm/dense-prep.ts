/**
 * The fused Dense backward's first pass, before the weight gradient's product: dz = f′(z)·dy, db
 * = Σ_i dz and op(b) = dz packed into matmul panels, in one sweep over the rows instead of three
 * (unary backward, column sum, pack_b). Each is the separate kernel's own operation: relu′ by the
 * unary kernel's vector formula (unary.ts BACKWARD), db from +0 adding rows in ascending i as
 * reduce_sum does, the panels a bit copy of dz — so the bits are theirs.
 *
 * `dense_backward_prep_<t>(z, dy, dz, db, panels, m, n, flags)`: dz and z are [m×n], db [n], the
 * panels as pack_b_<t> lays out a [m×n] op(b) (PANEL_ROW bytes per row and panel). n must be a
 * whole number of panels (n·bytes a multiple of PANEL_ROW): the host checks, and otherwise runs the
 * three kernels.
 */
import { PREP_DB, PREP_RELU, PREP_STORE_DZ } from '../op-codes.js';
import type { Lanes } from './lanes.js';
import { PANEL_ROW } from './matmul.js';
import { BACKWARD } from './unary.js';
import { func, get, i32, set, until, v128, type Wat, when } from './wat.js';

const inc = (name: string, by: Wat): Wat => set(name, i32.add(get(name), by));
const flag = (bit: number): Wat => i32.and(get('flags'), i32.const(bit));

/** relu′(z)·dy by the unary kernel's definition (exact in float32). */
function reluBackward(t: Lanes, z: Wat, dy: Wat): Wat {
  const relu = BACKWARD.relu;
  if (relu.kind !== 'plain') throw new Error('relu′ is expected to be a plain vector formula');
  return relu.emit(t, z, z, dy);
}

function densePrep(t: Lanes): Wat {
  /** One vector at `at` bytes into the current panel row: dz from dy (and z), stored where asked. */
  const vector = (at: number, v: string): Wat[] => [
    set(v, v128.load(at, i32.add(get('dy'), get('j')))),
    when(flag(PREP_RELU), [set(v, reluBackward(t, v128.load(at, i32.add(get('z'), get('j'))), get(v)))]),
    when(flag(PREP_STORE_DZ), [v128.store(at, i32.add(get('dz'), get('j')), get(v))]),
    when(flag(PREP_DB), [
      v128.store(
        at,
        i32.add(get('db'), get('jRow')),
        t.v.add(v128.load(at, i32.add(get('db'), get('jRow'))), get(v)),
      ),
    ]),
    v128.store(at, get('panel'), get(v)),
  ];
  return func({
    name: `dense_backward_prep_${t.scalar}`,
    exportAs: `dense_backward_prep_${t.scalar}`,
    params: { z: 'i32', dy: 'i32', dz: 'i32', db: 'i32', panels: 'i32', m: 'i32', n: 'i32', flags: 'i32' },
    locals: {
      rowBytes: 'i32',
      panelBytes: 'i32',
      i: 'i32',
      j: 'i32',
      jRow: 'i32',
      rowEnd: 'i32',
      panel: 'i32',
      v0: 'v128',
      v1: 'v128',
    },
    body: [
      set('rowBytes', i32.shl(get('n'), i32.const(t.shift))),
      set('panelBytes', i32.mul(get('m'), i32.const(PANEL_ROW))),
      // db = +0, then each row added in ascending i (reduce_sum's order).
      when(flag(PREP_DB), [
        until(
          'zeroDb',
          i32.geS(get('jRow'), get('rowBytes')),
          v128.store(0, i32.add(get('db'), get('jRow')), t.constant(0)),
          inc('jRow', i32.const(16)),
        ),
      ]),
      // j: the byte offset of the row's element in z, dy and dz (i·rowBytes + jRow).
      until(
        'rows',
        i32.geS(get('i'), get('m')),
        set('jRow', i32.const(0)),
        set('rowEnd', i32.add(get('j'), get('rowBytes'))),
        set('panel', i32.add(get('panels'), i32.mul(get('i'), i32.const(PANEL_ROW)))),
        until(
          'panelRows',
          i32.geS(get('j'), get('rowEnd')),
          ...vector(0, 'v0'),
          ...vector(16, 'v1'),
          inc('j', i32.const(PANEL_ROW)),
          inc('jRow', i32.const(PANEL_ROW)),
          inc('panel', get('panelBytes')),
        ),
        inc('i', i32.const(1)),
      ),
    ],
  });
}

export function densePrepKernels(t: Lanes): Wat[] {
  return [densePrep(t)];
}
