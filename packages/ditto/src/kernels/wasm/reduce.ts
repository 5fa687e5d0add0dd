/**
 * Reduce x viewed as [outer, axis, inner] along axis. Lanes run across `inner` (independent
 * outputs); each lane accumulates its own axis in ascending order from +0, as the reference does.
 * When inner = 1 there is nothing to vectorise across without reordering, so L rows are summed side
 * by side in scalar registers (independent dependency chains, each in the canonical order).
 */
import type { Lanes } from './lanes.js';
import { partialStoreName } from './store.js';
import { call, func, get, i32, ret, set, until, type ValType, v128, type Wat, when } from './wat.js';

/** The loop over [outer] blocks and the vectors of `inner`, around a per-vector body. */
function blocksAndLanes(t: Lanes, perVector: Wat[]): Wat {
  return until(
    'blocks',
    i32.geS(get('o'), get('outer')),
    set('i', i32.const(0)),
    until(
      'lanes',
      i32.geS(get('i'), get('inner')),
      ...perVector,
      call(
        partialStoreName(t),
        i32.add(get('out'), i32.shl(get('i'), i32.const(t.shift))),
        get('acc'),
        i32.sub(get('inner'), get('i')),
      ),
      set('i', i32.add(get('i'), i32.const(t.lanes))),
    ),
    set('x', i32.add(get('x'), get('blockBytes'))),
    set('out', i32.add(get('out'), get('rowBytes'))),
    set('o', i32.add(get('o'), i32.const(1))),
  );
}

/** Sums of `rows` whole rows (inner = 1) side by side: chain r reads row r of the group. */
function scalarRows(t: Lanes, rows: number): Wat[] {
  const ptr = (r: number) => (r === 0 ? 'p' : `r${r}`);
  const sum = (r: number) => `s${r}`;
  const body: Wat[] = [];
  for (let r = 0; r < rows; r++) body.push(set(sum(r), t.s.const(0)));
  body.push(set('p', get('x')));
  for (let r = 1; r < rows; r++) body.push(set(ptr(r), i32.add(get(ptr(r - 1)), get('blockBytes'))));
  body.push(set('end', rows > 1 ? get('r1') : i32.add(get('x'), get('blockBytes'))));
  const step: Wat[] = [];
  for (let r = 0; r < rows; r++) step.push(set(sum(r), t.s.add(get(sum(r)), t.s.load(get(ptr(r))))));
  for (let r = 0; r < rows; r++) step.push(set(ptr(r), i32.add(get(ptr(r)), i32.const(t.bytes))));
  body.push(until('sum', i32.geU(get('p'), get('end')), ...step));
  for (let r = 0; r < rows; r++) body.push(t.s.store(r * t.bytes, get('out'), get(sum(r))));
  body.push(
    set('out', i32.add(get('out'), i32.const(rows * t.bytes))),
    set('x', rows > 1 ? i32.add(get('x'), i32.mul(get('blockBytes'), i32.const(rows))) : get('end')),
    set('o', i32.add(get('o'), i32.const(rows))),
  );
  return body;
}

function reduceSum(t: Lanes): Wat {
  const R = t.lanes;
  const locals: Record<string, ValType> = {
    o: 'i32',
    i: 'i32',
    p: 'i32',
    end: 'i32',
    rowBytes: 'i32',
    acc: 'v128',
  };
  for (let r = 1; r < R; r++) locals[`r${r}`] = 'i32';
  locals.blockBytes = 'i32';
  for (let r = 0; r < R; r++) locals[`s${r}`] = t.scalar;
  return func({
    name: `reduce_sum_${t.scalar}`,
    exportAs: `reduce_sum_${t.scalar}`,
    params: { x: 'i32', out: 'i32', outer: 'i32', axis: 'i32', inner: 'i32' },
    locals,
    body: [
      set('rowBytes', i32.shl(get('inner'), i32.const(t.shift))),
      set('blockBytes', i32.mul(get('axis'), get('rowBytes'))),
      when(i32.eq(get('inner'), i32.const(1)), [
        until('groups', i32.gtS(i32.add(get('o'), i32.const(R)), get('outer')), ...scalarRows(t, R)),
        until('singles', i32.geS(get('o'), get('outer')), ...scalarRows(t, 1)),
        ret(),
      ]),
      blocksAndLanes(t, [
        set('acc', v128.i32x4(0)),
        set('p', i32.add(get('x'), i32.shl(get('i'), i32.const(t.shift)))),
        set('end', i32.add(get('p'), get('blockBytes'))),
        until(
          'sum',
          i32.geU(get('p'), get('end')),
          set('acc', t.v.add(get('acc'), v128.load(0, get('p')))),
          set('p', i32.add(get('p'), get('rowBytes'))),
        ),
      ]),
    ],
  });
}

/**
 * max: the first maximum along the axis; a NaN anywhere makes the result NaN. The reference replaces
 * best by v when v > best or v is NaN and stops at the first NaN, so its result is that NaN itself
 * (bits included): bitselect(v, best, gt(v, best) | (ne(v, v) & eq(best, best))) does the same lane by
 * lane. axis = 0 gives −Infinity.
 */
function reduceMax(t: Lanes): Wat {
  return func({
    name: `reduce_max_${t.scalar}`,
    exportAs: `reduce_max_${t.scalar}`,
    params: { x: 'i32', out: 'i32', outer: 'i32', axis: 'i32', inner: 'i32' },
    locals: {
      o: 'i32',
      i: 'i32',
      p: 'i32',
      end: 'i32',
      rowBytes: 'i32',
      blockBytes: 'i32',
      acc: 'v128',
      v: 'v128',
    },
    body: [
      set('rowBytes', i32.shl(get('inner'), i32.const(t.shift))),
      set('blockBytes', i32.mul(get('axis'), get('rowBytes'))),
      blocksAndLanes(t, [
        set('p', i32.add(get('x'), i32.shl(get('i'), i32.const(t.shift)))),
        set('end', i32.add(get('p'), get('blockBytes'))),
        when(
          i32.eqz(get('axis')),
          [set('acc', t.v.splat(t.s.const(Number.NEGATIVE_INFINITY)))],
          [set('acc', v128.load(0, get('p'))), set('p', i32.add(get('p'), get('rowBytes')))],
        ),
        until(
          'scan',
          i32.geU(get('p'), get('end')),
          set('v', v128.load(0, get('p'))),
          set(
            'acc',
            v128.bitselect(
              get('v'),
              get('acc'),
              v128.or(
                t.v.gt(get('v'), get('acc')),
                v128.and(t.v.ne(get('v'), get('v')), t.v.eq(get('acc'), get('acc'))),
              ),
            ),
          ),
          set('p', i32.add(get('p'), get('rowBytes'))),
        ),
      ]),
    ],
  });
}

export function reduce(t: Lanes): Wat[] {
  return [reduceSum(t), reduceMax(t)];
}
