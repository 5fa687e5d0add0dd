/**
 * Matmul, one definition for f32x4 and f64x2. out[i, j] = Σ_p op(a)[i, p]·op(b)[p, j] from +0 in
 * ascending p, each product and each sum rounded: the lanes of an accumulator are neighbouring
 * outputs j…j+L−1 of one row, so vectorising never reorders a sum (docs/wasm-backend.md).
 *
 * op(b) is first packed into panels of 32 bytes per row (8 float32 or 4 float64 columns), zero-padded
 * past n (`pack_b`). `matmul` then runs k in blocks; in each block, op(a) strip by strip of four rows,
 * each strip packed p-major into scratch once and multiplied by every panel with a register tile.
 */
import { EPILOGUE_BIAS, EPILOGUE_RELU } from '../op-codes.js';
import type { Lanes } from './lanes.js';
import { scratchAt } from './scratch.js';
import { partialStoreName } from './store.js';
import { FORWARD } from './unary.js';
import {
  br,
  brIf,
  call,
  choose,
  func,
  get,
  i8x16Shuffle,
  i32,
  i64,
  jumpTable,
  loop,
  repeat,
  set,
  until,
  v128,
  type Wat,
  when,
} from './wat.js';

/** relu by the unary kernel's definition (one vector formula, exact in float32). */
const reluOf = (t: Lanes, x: Wat): Wat => {
  const relu = FORWARD.relu;
  if (relu.kind !== 'plain') throw new Error('relu is expected to be a plain vector formula');
  return relu.emit(t, x, x, x);
};

/** Bytes of one packed panel row: two vectors. */
export const PANEL_ROW = 32;
/**
 * Rows of the main register tile: 4 × 8 float32 is eight accumulators, two b vectors, a splat and a
 * product, 12 of the 15 registers V8 allocates (5 or 6 rows measured slower: spills).
 */
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

/**
 * Steps of p per k block. The output tile is stored after each block and reloaded for the next (a
 * float32 partial sum continues its chain exactly), so a block's slice of a panel (K_BLOCK × 32
 * bytes) and the packed A strip stay in L1 however long k is.
 */
const K_BLOCK = 256;
/**
 * The packed op(a) strip (kernel scratch below heap_base): up to TILE_ROWS × K_BLOCK elements of up
 * to 8 bytes, p-major — element (r, p) of a strip of `rows` rows at (p·rows + r)·bytes.
 */
export const A_STRIP_AT = 8192;
export const A_STRIP_BYTES = TILE_ROWS * K_BLOCK * 8;

/** Accumulator local of tile row r, vector c. */
const acc = (r: number, c: number) => `c${r}${c}`;

/** i8x16.shuffle of a and b by element lanes of `size` bytes (lanes ≥ 16 / size come from b). */
const shuffleLanes = (size: number, lanes: number[], a: Wat, b: Wat): Wat =>
  i8x16Shuffle(
    lanes.flatMap((lane) => Array.from({ length: size }, (_, byte) => lane * size + byte)),
    a,
    b,
  );

/**
 * A 4-row strip of contiguous rows, L = lanes values of p at a time: one vector per row (v0 … v3 =
 * op(a)[i0 + r, p … p+L−1]), transposed by shuffles into L p-major groups of four. Bit moves only.
 */
function transposeFour(t: Lanes): Wat[] {
  const rows = [get('src'), i32.add(get('src'), get('aRowStride'))];
  rows.push(i32.add(get('src'), get('rowBytes2')), i32.add(get('src'), get('rowBytes3')));
  const out: Wat[] = rows.map((row, r) => set(`v${r}`, v128.load(0, row)));
  const v = (r: number) => get(`v${r}`);
  if (t.lanes === 4) {
    // (r0, r1) and (r2, r3) interleaved by halves, then the halves paired: a 4 × 4 transpose.
    out.push(
      set('w0', shuffleLanes(4, [0, 4, 1, 5], v(0), v(1))),
      set('w1', shuffleLanes(4, [2, 6, 3, 7], v(0), v(1))),
      set('w2', shuffleLanes(4, [0, 4, 1, 5], v(2), v(3))),
      set('w3', shuffleLanes(4, [2, 6, 3, 7], v(2), v(3))),
    );
    const pairs: [string, string, number[]][] = [
      ['w0', 'w2', [0, 1, 4, 5]],
      ['w0', 'w2', [2, 3, 6, 7]],
      ['w1', 'w3', [0, 1, 4, 5]],
      ['w1', 'w3', [2, 3, 6, 7]],
    ];
    pairs.forEach(([a, b, lanes], q) => {
      out.push(v128.store(16 * q, get('dst'), shuffleLanes(4, lanes, get(a), get(b))));
    });
  } else {
    // Two doubles per row: p is lane 0 of each row, p + 1 lane 1.
    for (let q = 0; q < 2; q++) {
      out.push(
        v128.store(32 * q, get('dst'), shuffleLanes(8, [q, q + 2], v(0), v(1))),
        v128.store(32 * q + 16, get('dst'), shuffleLanes(8, [q, q + 2], v(2), v(3))),
      );
    }
  }
  return out;
}

/**
 * Packs op(a)[i0 … i0+rows−1, pc … pc+kLen−1] (from aStrip) into the strip at A_STRIP_AT, so the
 * tiles read it through one pointer with constant offsets whatever a's strides. When a column of
 * op(a) is contiguous (aRowStride = one element: a transposed a) each p copies rows·bytes bytes at
 * once; when a row is (aColStride = one element) a 4-row strip is transposed a vector at a time;
 * otherwise element by element. Bit copies, so the strip holds the input's bits.
 */
function packStrip(t: Lanes, rows: number): Wat[] {
  const int = t.int === 'i32' ? i32 : i64;
  const total = rows * t.bytes;
  /** Copies of one p's contiguous rows·bytes bytes, `ahead` p further on. */
  const chunks = (ahead: number): Wat[] => {
    const out: Wat[] = [];
    const src = ahead === 0 ? get('src') : i32.add(get('src'), i32.mul(get('aColStride'), i32.const(ahead)));
    for (let at = 0; at < total; ) {
      const size = total - at >= 16 ? 16 : total - at >= 8 ? 8 : 4;
      const copy = size === 16 ? v128 : size === 8 ? i64 : i32;
      out.push(copy.store(ahead * total + at, get('dst'), copy.load(at, src)));
      at += size;
    }
    return out;
  };
  const scalars: Wat[] = [];
  for (let r = 0; r < rows; r++) {
    const from = r === 0 ? get('src') : i32.add(get('src'), i32.mul(i32.const(r), get('aRowStride')));
    scalars.push(int.store(r * t.bytes, get('dst'), int.load(0, from)));
  }
  const loop = (label: string, exit: Wat, body: Wat[], steps: number) =>
    until(
      label,
      exit,
      ...body,
      set('src', i32.add(get('src'), i32.mul(get('aColStride'), i32.const(steps)))),
      set('dst', i32.add(get('dst'), i32.const(steps * total))),
    );
  const done = i32.geU(get('dst'), get('dstEnd'));
  const otherwise: Wat[] = [];
  if (rows === TILE_ROWS) {
    // Whole vectors of p first, then the last kLen mod L element by element.
    const groups = loop(
      'pack_rows',
      i32.gtU(i32.add(get('dst'), i32.const(t.lanes * total)), get('dstEnd')),
      transposeFour(t),
      t.lanes,
    );
    const rowStrides = [
      set('rowBytes2', i32.shl(get('aRowStride'), i32.const(1))),
      set('rowBytes3', i32.add(get('rowBytes2'), get('aRowStride'))),
    ];
    otherwise.push(
      when(i32.eq(get('aColStride'), i32.const(t.bytes)), [...rowStrides, groups]),
      loop('pack', done, scalars, 1),
    );
  } else {
    otherwise.push(loop('pack', done, scalars, 1));
  }
  return [
    set('src', get('aStrip')),
    set('dst', scratchAt(A_STRIP_AT)),
    set('dstEnd', i32.add(scratchAt(A_STRIP_AT), i32.mul(get('kLen'), i32.const(total)))),
    when(
      i32.eq(get('aRowStride'), i32.const(t.bytes)),
      [
        // Four p per iteration (the loop's own overhead is most of a copy's cost), then one by one.
        loop(
          'pack_columns',
          i32.gtU(i32.add(get('dst'), i32.const(4 * total)), get('dstEnd')),
          [0, 1, 2, 3].flatMap(chunks),
          4,
        ),
        loop('pack', done, chunks(0), 1),
      ],
      otherwise,
    ),
  ];
}

/**
 * Panels per tile, widest first, for a strip of `rows` rows: a 1- or 2-row tile over one panel has
 * only 2 or 4 accumulator chains and waits on the add latency, so short strips span two
 * consecutive panels (1 × 2 panels: 4 accumulators, 2 × 2: 8), one-panel tiles taking a last odd
 * panel. (1 × 4 panels, eight accumulators, measured no faster than one panel under V8; 3 rows
 * × 2 panels would need 12 accumulators.)
 */
const tileWidths = (rows: number): number[] => (rows <= 2 ? [2, 1] : [1]);

/** Bytes of q panels: q·panelBytes (the panels are consecutive). */
const panelsBytes = (q: number): Wat =>
  q === 1 ? get('panelBytes') : i32.mul(get('panelBytes'), i32.const(q));

/** Address of panel q of the tile. */
const panelAt = (q: number): Wat => (q === 0 ? get('panel') : i32.add(get('panel'), panelsBytes(q)));

/** The splat of row r's op(a) value: one register shared by all rows when the tile is one panel wide. */
const splat = (r: number, panels: number) => (panels === 1 ? 's' : `s${r}`);

/**
 * One rows × (panels × two vectors) tile over the current k block: the accumulators start as +0 in
 * the first block and as the stored partial sums after it; kLen steps of p, each one splat per row
 * from the packed strip; the stores of the last panel stop at the row's last column (the tile's
 * other panels are whole). Each output is still one chain in ascending p. (Unrolling the p loop was
 * slower: V8 hoists all the unrolled loads to the top of the body and spills accumulators.)
 */
function tile(t: Lanes, rows: number, panels: number, withEpilogue: boolean): Wat[] {
  const L = t.lanes;
  const step: Wat[] = [];
  for (let q = 0; q < panels; q++) {
    step.push(set('b0', v128.load(0, panelAt(q))), set('b1', v128.load(16, panelAt(q))));
    for (let r = 0; r < rows; r++) {
      if (q === 0) step.push(set(splat(r, panels), t.splatLoad(get('ap'), r * t.bytes)));
      for (let c = 0; c < 2; c++) {
        const sum = acc(r, 2 * q + c);
        step.push(set(sum, t.v.add(get(sum), t.v.mul(get(splat(r, panels)), get(`b${c}`)))));
      }
    }
  }
  const overRows = (each: (r: number) => Wat[], start: Wat = get('outTile')): Wat[] => {
    const out: Wat[] = [set('o', start)];
    for (let r = 0; r < rows; r++) {
      if (r > 0) out.push(set('o', i32.add(get('o'), get('outRowBytes'))));
      out.push(...each(r));
    }
    return out;
  };
  const vectors = Array.from({ length: 2 * panels }, (_, c) => c);
  const last = 2 * (panels - 1);
  const zero = v128.i32x4(0);
  const store = partialStoreName(t);
  const wholeStores = (r: number, upTo: number) =>
    vectors.slice(0, upTo).map((c) => v128.store(16 * c, get('o'), get(acc(r, c))));
  const lastCols = panels === 1 ? get('cols') : i32.sub(get('cols'), i32.const(L * last));
  /** The tile's stores from `start` (a row's last panel stopping at its last column). */
  const stores = (start?: Wat): Wat =>
    when(
      i32.geS(lastCols, i32.const(2 * L)),
      overRows((r) => wholeStores(r, 2 * panels), start),
      overRows(
        (r) => [
          ...wholeStores(r, last),
          call(
            store,
            last === 0 ? get('o') : i32.add(get('o'), i32.const(16 * last)),
            get(acc(r, last)),
            lastCols,
          ),
          call(
            store,
            i32.add(get('o'), i32.const(16 * last + 16)),
            get(acc(r, last + 1)),
            i32.sub(lastCols, i32.const(L)),
          ),
        ],
        start,
      ),
    );
  const everyAcc = (update: (value: Wat) => Wat): Wat[] =>
    Array.from({ length: rows }, (_, r) => vectors.map((c) => set(acc(r, c), update(get(acc(r, c)))))).flat();
  // The epilogue (last k block only): z = sum + bias[j], one rounded addition as the binary add's;
  // y = relu(z) by the unary kernel's own vector formula, stored `yDelta` bytes after z.
  const biasAdd: Wat[] = vectors.flatMap((c) => [
    set('bv', v128.load(16 * c, get('biasAt'))),
    ...Array.from({ length: rows }, (_, r) => set(acc(r, c), t.v.add(get(acc(r, c)), get('bv')))),
  ]);
  const epilogueRelu = withEpilogue
    ? [
        when(i32.and(get('epilogue'), i32.const(EPILOGUE_RELU)), [
          ...everyAcc((x) => reluOf(t, x)),
          stores(i32.add(get('outTile'), get('yDelta'))),
        ]),
      ]
    : [];
  return [
    when(
      get('first'),
      Array.from({ length: rows }, (_, r) => vectors.map((c) => set(acc(r, c), zero))).flat(),
      overRows((r) => vectors.map((c) => set(acc(r, c), v128.load(16 * c, get('o'))))),
    ),
    set('ap', scratchAt(A_STRIP_AT)),
    set('end', i32.add(get('panel'), i32.shl(get('kLen'), i32.const(5)))),
    until(
      'p',
      i32.geU(get('panel'), get('end')),
      ...step,
      set('ap', i32.add(get('ap'), i32.const(rows * t.bytes))),
      set('panel', i32.add(get('panel'), i32.const(PANEL_ROW))),
    ),
    ...(withEpilogue ? [when(i32.and(get('epilogue'), i32.const(EPILOGUE_BIAS)), biasAdd)] : []),
    stores(),
    ...epilogueRelu,
  ];
}

/**
 * The tiles of a strip of `rows` rows (packed at A_STRIP_AT) against every panel, in the current k
 * block: tiles of each width in turn while at least that many panels are left (the last of them
 * possibly partial).
 */
function panelsLoop(t: Lanes, rows: number, withEpilogue: boolean): Wat[] {
  const columns = PANEL_ROW / t.bytes;
  return [
    ...tileWidths(rows).map((panels) =>
      until(
        `panels${panels}`,
        i32.leS(get('cols'), i32.const((panels - 1) * columns)),
        set('panel', get('panelStart')),
        ...tile(t, rows, panels, withEpilogue),
        set('panelStart', i32.add(get('panelStart'), panelsBytes(panels))),
        set('outTile', i32.add(get('outTile'), i32.const(panels * PANEL_ROW))),
        ...(withEpilogue ? [set('biasAt', i32.add(get('biasAt'), i32.const(panels * PANEL_ROW)))] : []),
        set('cols', i32.sub(get('cols'), i32.const(panels * columns))),
      ),
    ),
  ];
}

const stripName = (t: Lanes, rows: number, withEpilogue: boolean) =>
  `mm_${t.scalar}_strip${rows}${withEpilogue ? '_epilogue' : ''}`;

/**
 * `mm_<t>_strip<rows>`: panelsLoop as a function of its own. V8 allocates registers per function;
 * inside the large matmul function its allocator rotated the accumulators through moves every step.
 * The `_epilogue` variants (matmul_epilogue_<t>) are separate functions, so the plain product's
 * code is unchanged by the epilogue's extra parameters and branches (measured: with them shared, the
 * 7744×32×144 product lost up to 12 %).
 */
function stripFunction(t: Lanes, rows: number, withEpilogue: boolean): Wat {
  const locals: Record<string, 'i32' | 'v128'> = { panel: 'i32', end: 'i32', o: 'i32', ap: 'i32' };
  Object.assign(locals, { b0: 'v128', b1: 'v128', s: 'v128' });
  if (withEpilogue) locals.bv = 'v128';
  const widest = tileWidths(rows)[0];
  for (let r = 0; r < rows; r++) {
    if (widest > 1) locals[splat(r, widest)] = 'v128';
    for (let c = 0; c < 2 * widest; c++) locals[acc(r, c)] = 'v128';
  }
  const params: Record<string, 'i32'> = {
    panelStart: 'i32',
    panelBytes: 'i32',
    outTile: 'i32',
    outRowBytes: 'i32',
    cols: 'i32',
    kLen: 'i32',
    first: 'i32',
  };
  if (withEpilogue) Object.assign(params, { epilogue: 'i32', biasAt: 'i32', yDelta: 'i32' });
  return func({
    name: stripName(t, rows, withEpilogue),
    params,
    locals,
    body: panelsLoop(t, rows, withEpilogue),
  });
}

/** The strip of `rows` rows at aStrip, packed, against every panel, in the current k block. */
function strip(t: Lanes, rows: number, withEpilogue: boolean): Wat[] {
  const epilogueArgs = withEpilogue ? [get('blockEpilogue'), get('bias'), get('yDelta')] : [];
  return [
    ...packStrip(t, rows),
    call(
      stripName(t, rows, withEpilogue),
      i32.add(get('panels'), i32.shl(get('pc'), i32.const(5))),
      get('panelBytes'),
      get('outStrip'),
      get('outRowBytes'),
      get('n'),
      get('kLen'),
      get('first'),
      ...epilogueArgs,
    ),
  ];
}

/**
 * `matmul_<t>`: out[m×n] = op(a) · panels, op(a)[i, p] = a[i·aRowStride + p·aColStride], out[i, j] at
 * i·outRowStride + j (outRowStride n: contiguous; larger: a block of columns of a wider matrix).
 * k in blocks of K_BLOCK; in each block, strip by strip of TILE_ROWS rows (the last strip
 * shorter, with a tile of its own height), each strip packed once and then multiplied by every
 * panel in one call (not one call per tile: with k as small as a 3×3 convolution's 9, a
 * call costs about as much as the tile's arithmetic).
 */
function matmulMain(t: Lanes, withEpilogue: boolean): Wat {
  const locals: Record<string, 'i32' | 'v128'> = {};
  for (const name of [
    'outRowBytes',
    'panelBytes',
    'pc',
    'kLen',
    'first',
    'i0',
    'height',
    'aStrip',
    'outStrip',
  ]) {
    locals[name] = 'i32';
  }
  if (withEpilogue) Object.assign(locals, { blockEpilogue: 'i32', yDelta: 'i32' });
  for (const name of ['src', 'dst', 'dstEnd', 'rowBytes2', 'rowBytes3']) locals[name] = 'i32';
  // The transposing pack's vectors.
  for (const name of ['v0', 'v1', 'v2', 'v3', 'w0', 'w1', 'w2', 'w3']) locals[name] = 'v128';
  // One case per strip height 1 … TILE_ROWS, chosen by br_table on height − 1.
  const cases = Array.from({ length: TILE_ROWS }, (_, index) => ({
    label: `rows${index + 1}`,
    body: [...strip(t, index + 1, withEpilogue), br('strip_done')],
  }));
  cases.push({ label: 'strip_done', body: [] });
  const rowsLeft = i32.sub(get('m'), get('i0'));
  const height = choose('i32', i32.gtS(rowsLeft, i32.const(TILE_ROWS)), i32.const(TILE_ROWS), rowsLeft);
  const params: Record<string, 'i32'> = {
    a: 'i32',
    aRowStride: 'i32',
    aColStride: 'i32',
    panels: 'i32',
    out: 'i32',
    outRowStride: 'i32',
    m: 'i32',
    k: 'i32',
    n: 'i32',
  };
  if (withEpilogue) Object.assign(params, { bias: 'i32', y: 'i32', epilogue: 'i32' });
  const name = withEpilogue ? `matmul_epilogue_${t.scalar}` : `matmul_${t.scalar}`;
  return func({
    name,
    exportAs: name,
    params,
    locals,
    body: [
      ...(withEpilogue ? [set('yDelta', i32.sub(get('y'), get('out')))] : []),
      set('aRowStride', i32.shl(get('aRowStride'), i32.const(t.shift))),
      set('aColStride', i32.shl(get('aColStride'), i32.const(t.shift))),
      set('outRowBytes', i32.shl(get('outRowStride'), i32.const(t.shift))),
      set('panelBytes', i32.shl(get('k'), i32.const(5))),
      // Blocks of k; one (empty) block when k = 0, so the outputs are still written (+0).
      loop(
        'blocks',
        set('kLen', i32.sub(get('k'), get('pc'))),
        when(i32.gtS(get('kLen'), i32.const(K_BLOCK)), [set('kLen', i32.const(K_BLOCK))]),
        set('first', i32.eqz(get('pc'))),
        // The epilogue runs on the outputs' final sums: in the last block only.
        ...(withEpilogue
          ? [
              set(
                'blockEpilogue',
                choose(
                  'i32',
                  i32.geS(i32.add(get('pc'), get('kLen')), get('k')),
                  get('epilogue'),
                  i32.const(0),
                ),
              ),
            ]
          : []),
        set('i0', i32.const(0)),
        until(
          'strips',
          i32.geS(get('i0'), get('m')),
          set(
            'aStrip',
            i32.add(
              get('a'),
              i32.add(i32.mul(get('i0'), get('aRowStride')), i32.mul(get('pc'), get('aColStride'))),
            ),
          ),
          set('outStrip', i32.add(get('out'), i32.mul(get('i0'), get('outRowBytes')))),
          set('height', height),
          ...jumpTable(
            i32.sub(get('height'), i32.const(1)),
            cases.slice(0, TILE_ROWS).map((c) => c.label),
            cases,
          ),
          set('i0', i32.add(get('i0'), get('height'))),
        ),
        set('pc', i32.add(get('pc'), i32.const(K_BLOCK))),
        brIf('blocks', i32.ltS(get('pc'), get('k'))),
      ),
    ],
  });
}

/** Every function of the matmul kernel for one element type. */
export function matmul(t: Lanes): Wat[] {
  const strips = [false, true].flatMap((withEpilogue) =>
    Array.from({ length: TILE_ROWS }, (_, r) => stripFunction(t, r + 1, withEpilogue)),
  );
  return [packB(t), ...strips, matmulMain(t, false), matmulMain(t, true)];
}
