/**
 * Row gather and scatter-add — the Embedding's forward and backward, as tensor/ops/shape-ops.ts's
 * gatherRows and scatterAddRows define them: out[i, :] = x[idx[i], :]; dx = 0, then
 * dx[idx[i], :] += g[i, :] for ascending i (one rounded addition per element, the reference's
 * order). Rows of `width` elements: whole vectors, then the last width mod L elements one by one
 * (nothing is stored past a row). Indices are int32 and in range (the host checks them).
 */
import type { Lanes } from './lanes.js';
import { func, get, i32, set, until, v128, type Wat } from './wat.js';

/** `for (j = 0; j < vectorBytes; j += 16) vector(j); for (; j < rowBytes; j += bytes) scalar(j)`. */
function acrossRow(t: Lanes, vector: Wat[], scalar: Wat[]): Wat[] {
  return [
    set('j', i32.const(0)),
    until(
      'vectors',
      i32.geS(get('j'), get('vectorBytes')),
      ...vector,
      set('j', i32.add(get('j'), i32.const(16))),
    ),
    until(
      'scalars',
      i32.geS(get('j'), get('rowBytes')),
      ...scalar,
      set('j', i32.add(get('j'), i32.const(t.bytes))),
    ),
  ];
}

const at = (base: string) => i32.add(get(base), get('j'));
/** Byte offset of row idx[i] in a table of rowBytes rows. */
const rowOf = (table: string) =>
  i32.add(
    get(table),
    i32.mul(i32.load(0, i32.add(get('idx'), i32.shl(get('i'), i32.const(2)))), get('rowBytes')),
  );

const LOCALS = { i: 'i32', j: 'i32', rowBytes: 'i32', vectorBytes: 'i32', src: 'i32', dst: 'i32' } as const;
const rowSizes = (t: Lanes): Wat[] => [
  set('rowBytes', i32.shl(get('width'), i32.const(t.shift))),
  set('vectorBytes', i32.and(get('rowBytes'), i32.const(-16))),
];

/** `gather_rows_<t>(x, idx, out, count, width)`. */
function gatherRows(t: Lanes): Wat {
  return func({
    name: `gather_rows_${t.scalar}`,
    exportAs: `gather_rows_${t.scalar}`,
    params: { x: 'i32', idx: 'i32', out: 'i32', count: 'i32', width: 'i32' },
    locals: LOCALS,
    body: [
      ...rowSizes(t),
      set('dst', get('out')),
      until(
        'rows',
        i32.geS(get('i'), get('count')),
        set('src', rowOf('x')),
        ...acrossRow(
          t,
          [v128.store(0, at('dst'), v128.load(0, at('src')))],
          [t.s.store(0, at('dst'), t.s.load(at('src')))],
        ),
        set('dst', i32.add(get('dst'), get('rowBytes'))),
        set('i', i32.add(get('i'), i32.const(1))),
      ),
    ],
  });
}

/** `scatter_add_rows_<t>(g, idx, dx, count, width, rows)`: dx has `rows` rows. */
function scatterAddRows(t: Lanes): Wat {
  const zero = t.constant(0);
  return func({
    name: `scatter_add_rows_${t.scalar}`,
    exportAs: `scatter_add_rows_${t.scalar}`,
    params: { g: 'i32', idx: 'i32', dx: 'i32', count: 'i32', width: 'i32', rows: 'i32' },
    locals: LOCALS,
    body: [
      ...rowSizes(t),
      // dx = 0 (+0 everywhere, as fill(0)), row by row
      set('dst', get('dx')),
      until(
        'zero',
        i32.geS(get('i'), get('rows')),
        ...acrossRow(t, [v128.store(0, at('dst'), zero)], [t.s.store(0, at('dst'), t.s.const(0))]),
        set('dst', i32.add(get('dst'), get('rowBytes'))),
        set('i', i32.add(get('i'), i32.const(1))),
      ),
      set('i', i32.const(0)),
      set('src', get('g')),
      until(
        'rows',
        i32.geS(get('i'), get('count')),
        set('dst', rowOf('dx')),
        ...acrossRow(
          t,
          [v128.store(0, at('dst'), t.v.add(v128.load(0, at('dst')), v128.load(0, at('src'))))],
          [t.s.store(0, at('dst'), t.s.add(t.s.load(at('dst')), t.s.load(at('src'))))],
        ),
        set('src', i32.add(get('src'), get('rowBytes'))),
        set('i', i32.add(get('i'), i32.const(1))),
      ),
    ],
  });
}

export function rowKernels(t: Lanes): Wat[] {
  return [gatherRows(t), scatterAddRows(t)];
}
