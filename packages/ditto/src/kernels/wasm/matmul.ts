/**
 * Matmul, one definition for f32x4 and f64x2. out[i, j] = Σ_p op(a)[i, p]·op(b)[p, j] from +0 in
 * ascending p, each product and each sum rounded: the lanes of an accumulator are neighbouring
 * outputs j…j+L−1 of one row, so vectorising never reorders a sum (docs/wasm-backend.md).
 *
 * op(b) is first packed into panels of 32 bytes per row (8 float32 or 4 float64 columns), zero-padded
 * past n; op(a) is read one scalar at a time through its two strides.
 */
import type { Lanes } from './lanes.js';
import { partialStoreName } from './store.js';
import { call, choose, func, get, i32, i64, repeat, set, until, v128, type Wat, when } from './wat.js';

/** Bytes of one packed panel row: two vectors. */
const PANEL_ROW = 32;
/** Rows of the main register tile. */
const TILE_ROWS = 4;

/** `pack_b_<t>`: op(b)[p, j] = src[p·rowStride + j·colStride] into panels at dst. */
export function packB(t: Lanes): Wat {
  const columns = PANEL_ROW / t.bytes;
  const int = t.int === 'i32' ? i32 : i64;
  return func({
    name: `pack_b_${t.scalar}`,
    exportAs: `pack_b_${t.scalar}`,
    params: { src: 'i32', rowStride: 'i32', colStride: 'i32', dst: 'i32', k: 'i32', n: 'i32' },
    locals: { j0: 'i32', p: 'i32', c: 'i32', row: 'i32' },
    body: [
      set('rowStride', i32.shl(get('rowStride'), i32.const(t.shift))),
      set('colStride', i32.shl(get('colStride'), i32.const(t.shift))),
      until(
        'panels',
        i32.geS(get('j0'), get('n')),
        set('p', i32.const(0)),
        until(
          'rows',
          i32.geS(get('p'), get('k')),
          // row = address of op(b)[p, j0]
          set(
            'row',
            i32.add(
              get('src'),
              i32.add(i32.mul(get('p'), get('rowStride')), i32.mul(get('j0'), get('colStride'))),
            ),
          ),
          when(
            i32.and(
              i32.eq(get('colStride'), i32.const(t.bytes)),
              i32.leS(i32.add(get('j0'), i32.const(columns)), get('n')),
            ),
            [
              v128.store(0, get('dst'), v128.load(0, get('row'))),
              v128.store(16, get('dst'), v128.load(16, get('row'))),
            ],
            [
              // Bit copies through integers, so the panel holds exactly the input's bits.
              set('c', i32.const(0)),
              repeat(
                'cols',
                [
                  int.store(
                    0,
                    i32.add(get('dst'), i32.shl(get('c'), i32.const(t.shift))),
                    choose(
                      t.int,
                      i32.ltS(i32.add(get('j0'), get('c')), get('n')),
                      int.load(0, i32.add(get('row'), i32.mul(get('c'), get('colStride')))),
                      int.const(0),
                    ),
                  ),
                  set('c', i32.add(get('c'), i32.const(1))),
                ],
                i32.ltS(get('c'), i32.const(columns)),
              ),
            ],
          ),
          set('dst', i32.add(get('dst'), i32.const(PANEL_ROW))),
          set('p', i32.add(get('p'), i32.const(1))),
        ),
        set('j0', i32.add(get('j0'), i32.const(columns))),
      ),
    ],
  });
}

/** Accumulator local of tile row r, vector c. */
const acc = (r: number, c: number) => `c${r}${c}`;

/**
 * The rows × (two vectors) tile: a = &op(a)[i0, 0]; aRowBytes / aColBytes step to the next row /
 * next p; cols = outputs of each row that exist (stores stop there). Accumulators start as +0
 * (locals are zero-initialised).
 */
function tile(t: Lanes, rows: number): Wat {
  const L = t.lanes;
  const rowPtr = (r: number) => (r === 0 ? 'a' : `a${r}`);
  const multi = rows > 1;
  const locals: Record<string, 'i32' | 'v128'> = {};
  for (let r = 1; r < rows; r++) locals[rowPtr(r)] = 'i32';
  locals.end = 'i32';
  if (multi) Object.assign(locals, { b0: 'v128', b1: 'v128' });
  locals.s = 'v128';
  for (let r = 0; r < rows; r++) Object.assign(locals, { [acc(r, 0)]: 'v128', [acc(r, 1)]: 'v128' });
  const b = (c: number) => (multi ? get(`b${c}`) : v128.load(16 * c, get('panel')));
  const step: Wat[] = [];
  if (multi) step.push(set('b0', v128.load(0, get('panel'))), set('b1', v128.load(16, get('panel'))));
  for (let r = 0; r < rows; r++) {
    step.push(set('s', t.splatLoad(get(rowPtr(r)))));
    for (let c = 0; c < 2; c++) step.push(set(acc(r, c), t.v.add(get(acc(r, c)), t.v.mul(get('s'), b(c)))));
  }
  for (let r = 0; r < rows; r++) step.push(set(rowPtr(r), i32.add(get(rowPtr(r)), get('aColBytes'))));
  step.push(set('panel', i32.add(get('panel'), i32.const(PANEL_ROW))));
  const stores: Wat[] = [];
  const store = partialStoreName(t);
  for (let r = 0; r < rows; r++) {
    if (r > 0) stores.push(set('out', i32.add(get('out'), get('outRowBytes'))));
    stores.push(
      call(store, get('out'), get(acc(r, 0)), get('cols')),
      call(store, i32.add(get('out'), i32.const(16)), get(acc(r, 1)), i32.sub(get('cols'), i32.const(L))),
    );
  }
  const setup: Wat[] = [];
  for (let r = 1; r < rows; r++) setup.push(set(rowPtr(r), i32.add(get(rowPtr(r - 1)), get('aRowBytes'))));
  return func({
    name: tileName(t, rows),
    params: multi
      ? {
          a: 'i32',
          aRowBytes: 'i32',
          aColBytes: 'i32',
          panel: 'i32',
          k: 'i32',
          out: 'i32',
          outRowBytes: 'i32',
          cols: 'i32',
        }
      : { a: 'i32', aColBytes: 'i32', panel: 'i32', k: 'i32', out: 'i32', cols: 'i32' },
    locals,
    body: [
      ...setup,
      set('end', i32.add(get('panel'), i32.shl(get('k'), i32.const(5)))),
      until('p', i32.geU(get('panel'), get('end')), ...step),
      ...stores,
    ],
  });
}

const tileName = (t: Lanes, rows: number) => `mm_${t.scalar}_${rows}x${2 * t.lanes}`;

/**
 * `matmul_<t>`: out[m×n] (contiguous) = op(a) · panels, op(a)[i, p] = a[i·aRowStride + p·aColStride].
 * Panel by panel, so one panel (k × 32 bytes) stays in cache while all rows of a stream past.
 */
function matmulMain(t: Lanes): Wat {
  const columns = PANEL_ROW / t.bytes;
  const aRow = (i: Wat) => i32.add(get('a'), i32.mul(i, get('aRowStride')));
  const outRow = (i: Wat) => i32.add(get('outCol'), i32.mul(i, get('outRowBytes')));
  const left = i32.sub(get('n'), get('j0'));
  return func({
    name: `matmul_${t.scalar}`,
    exportAs: `matmul_${t.scalar}`,
    params: {
      a: 'i32',
      aRowStride: 'i32',
      aColStride: 'i32',
      panels: 'i32',
      out: 'i32',
      m: 'i32',
      k: 'i32',
      n: 'i32',
    },
    locals: { j0: 'i32', i: 'i32', panel: 'i32', outRowBytes: 'i32', outCol: 'i32' },
    body: [
      set('aRowStride', i32.shl(get('aRowStride'), i32.const(t.shift))),
      set('aColStride', i32.shl(get('aColStride'), i32.const(t.shift))),
      set('outRowBytes', i32.shl(get('n'), i32.const(t.shift))),
      until(
        'columns',
        i32.geS(get('j0'), get('n')),
        // panel j0 / columns starts at (j0 / columns)·k·32 = j0·k·bytes
        set('panel', i32.add(get('panels'), i32.shl(i32.mul(get('j0'), get('k')), i32.const(t.shift)))),
        set('outCol', i32.add(get('out'), i32.shl(get('j0'), i32.const(t.shift)))),
        set('i', i32.const(0)),
        until(
          'quads',
          i32.gtS(i32.add(get('i'), i32.const(TILE_ROWS)), get('m')),
          call(
            tileName(t, TILE_ROWS),
            aRow(get('i')),
            get('aRowStride'),
            get('aColStride'),
            get('panel'),
            get('k'),
            outRow(get('i')),
            get('outRowBytes'),
            left,
          ),
          set('i', i32.add(get('i'), i32.const(TILE_ROWS))),
        ),
        until(
          'singles',
          i32.geS(get('i'), get('m')),
          call(
            tileName(t, 1),
            aRow(get('i')),
            get('aColStride'),
            get('panel'),
            get('k'),
            outRow(get('i')),
            left,
          ),
          set('i', i32.add(get('i'), i32.const(1))),
        ),
        set('j0', i32.add(get('j0'), i32.const(columns))),
      ),
    ],
  });
}

/** Every function of the matmul kernel for one element type. */
export function matmul(t: Lanes): Wat[] {
  return [packB(t), tile(t, TILE_ROWS), tile(t, 1), matmulMain(t)];
}
