/**
 * Unfold (im2col) and fold — tensor/ops/conv.ts's unfold2d and fold2d, the convolution's patches
 * and their adjoint, channels-last, with the geometry of window.ts's geometryArgs (batch, height,
 * width, channels, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW).
 *
 * Both walk the patches in row-major (n, oy, ox, ky, kx, c) order, as the reference: a kernel row
 * whose pixels are all inside the image with no dilation is one contiguous run of kw·C elements,
 * otherwise each pixel is its own run of C elements. A run is done in whole vectors, then the last
 * elements one by one. unfold copies each run (zeros where the window lies in the padding), and a
 * patch whose kernel rows all lie inside the image in one tighter loop (unfoldWholePatch); fold
 * zeroes dx and adds each run back onto the image with one rounded addition per element — the
 * elements of a run are distinct positions, so every position receives its additions in the
 * reference's order, and the bits are the reference's.
 */
import type { Lanes } from './lanes.js';
import { func, get, i32, set, until, v128, type Wat, when } from './wat.js';

const GEOMETRY = {
  batch: 'i32',
  height: 'i32',
  width: 'i32',
  channels: 'i32',
  kh: 'i32',
  kw: 'i32',
  sh: 'i32',
  sw: 'i32',
  dh: 'i32',
  dw: 'i32',
  padTop: 'i32',
  padLeft: 'i32',
  outH: 'i32',
  outW: 'i32',
} as const;

const LOCALS = {
  n: 'i32',
  oy: 'i32',
  ox: 'i32',
  ky: 'i32',
  kx: 'i32',
  iy: 'i32',
  ix: 'i32',
  left: 'i32',
  contiguous: 'i32',
  image: 'i32',
  imageBytes: 'i32',
  pixelBytes: 'i32',
  runBytes: 'i32',
  p: 'i32',
  pixel: 'i32',
  j: 'i32',
  len: 'i32',
  top: 'i32',
  rowsInside: 'i32',
  rowBytes: 'i32',
  patchBytes: 'i32',
  span: 'i32',
  xEnd: 'i32',
  patchesEnd: 'i32',
} as const;

const inc = (name: string, by: Wat): Wat => set(name, i32.add(get(name), by));

/** For j over `len` bytes: whole vectors, then one element at a time. */
function acrossRun(t: Lanes, vector: Wat[], scalar: Wat[]): Wat[] {
  return [
    set('j', i32.const(0)),
    until(
      'vectors',
      i32.gtS(i32.add(get('j'), i32.const(16)), get('len')),
      ...vector,
      inc('j', i32.const(16)),
    ),
    until('scalars', i32.geS(get('j'), get('len')), ...scalar, inc('j', i32.const(t.bytes))),
  ];
}

const at = (base: string): Wat => i32.add(get(base), get('j'));

/** patches[p … p + len) = x[pixel … pixel + len). */
const copyRun = (t: Lanes): Wat[] =>
  acrossRun(
    t,
    [v128.store(0, at('p'), v128.load(0, at('pixel')))],
    [t.s.store(0, at('p'), t.s.load(at('pixel')))],
  );

/** patches[p … p + len) = 0. */
const zeroRun = (t: Lanes): Wat[] =>
  acrossRun(t, [v128.store(0, at('p'), t.constant(0))], [t.s.store(0, at('p'), t.s.const(0))]);

/** dx[pixel … pixel + len) += patches[p … p + len). */
const addRun = (t: Lanes): Wat[] =>
  acrossRun(
    t,
    [v128.store(0, at('pixel'), t.v.add(v128.load(0, at('pixel')), v128.load(0, at('p'))))],
    [t.s.store(0, at('pixel'), t.s.add(t.s.load(at('pixel')), t.s.load(at('p'))))],
  );

/** The byte address of pixel (iy, ix) of the current image. */
const pixelAt = (ix: Wat): Wat =>
  i32.add(get('image'), i32.mul(i32.add(i32.mul(get('iy'), get('width')), ix), get('pixelBytes')));

/** The byte address of the patch's first pixel (its top kernel row at its left edge). */
const patchStart = (): Wat =>
  i32.add(get('image'), i32.mul(i32.add(i32.mul(get('top'), get('width')), get('left')), get('pixelBytes')));

/** A faster way to do a whole patch, when it `applies` (in place of the walk's kernel rows). */
interface WholePatch {
  /** Run before `applies` is tested (sets `pixel` to the patch's first pixel). */
  setup: Wat[];
  applies: Wat;
  body: Wat[];
}

/**
 * The kh kernel rows of a whole patch, `vector` applied at each 16-byte step j of a run (`at`
 * offsets by j): unfold copies, fold adds back; p and pixel advance a run and an image row.
 */
function wholeRows(vector: Wat): Wat[] {
  return [
    set('ky', i32.const(0)),
    until(
      'wholeRows',
      i32.geS(get('ky'), get('kh')),
      set('j', i32.const(0)),
      until('wholeVectors', i32.geS(get('j'), get('runBytes')), vector, inc('j', i32.const(16))),
      inc('p', get('runBytes')),
      inc('pixel', get('rowBytes')),
      inc('ky', i32.const(1)),
    ),
  ];
}

/**
 * Unfold's whole patch, when all its kh kernel rows lie inside the image and are contiguous: kh
 * runs copied as whole vectors with none of the walk's per-run tests. A run shorter than a vector
 * multiple (a 1-channel 3-wide row is 12 bytes) is copied as whole vectors anyway: the bytes past
 * it land in the next run or the next patch, which the walk writes afterwards (ascending p, every
 * byte), so the patches end the same. It applies only when those extra bytes stay inside the
 * patches and the loads inside x (`patchesEnd`, `xEnd`, `span`: the last row's reach).
 */
function unfoldWholePatch(): WholePatch {
  return {
    setup: [set('pixel', patchStart())],
    applies: i32.and(
      i32.and(get('contiguous'), get('rowsInside')),
      i32.and(
        i32.leU(i32.add(get('p'), i32.add(get('patchBytes'), i32.const(16))), get('patchesEnd')),
        i32.leU(i32.add(get('pixel'), get('span')), get('xEnd')),
      ),
    ),
    body: wholeRows(v128.store(0, at('p'), v128.load(0, at('pixel')))),
  };
}

/**
 * Fold's whole patch, when all its kernel rows lie inside the image and are contiguous, and a run
 * is whole vectors (kw·C elements a multiple of 16 bytes): kh runs added back vector by vector —
 * the same additions in the same order as the walk's, with none of its per-run tests.
 */
function foldWholePatch(t: Lanes): WholePatch {
  return {
    setup: [set('pixel', patchStart())],
    applies: i32.and(
      i32.and(get('contiguous'), get('rowsInside')),
      i32.eqz(i32.and(get('runBytes'), i32.const(15))),
    ),
    body: wholeRows(v128.store(0, at('pixel'), t.v.add(v128.load(0, at('pixel')), v128.load(0, at('p'))))),
  };
}

/**
 * One position's kernel rows: `inside` for a run at `pixel` of `len` bytes inside the image,
 * `outside` for a run in the padding (p is the run's address in the patches; both leave p to the
 * walk).
 */
function kernelRowsOf(inside: Wat[], outside: Wat[]): Wat[] {
  return [
    set('ky', i32.const(0)),
    until(
      'kernelRows',
      i32.geS(get('ky'), get('kh')),
      set(
        'iy',
        i32.add(i32.sub(i32.mul(get('oy'), get('sh')), get('padTop')), i32.mul(get('ky'), get('dh'))),
      ),
      when(
        i32.or(i32.ltS(get('iy'), i32.const(0)), i32.geS(get('iy'), get('height'))),
        [set('len', get('runBytes')), ...outside, inc('p', get('runBytes'))],
        [
          when(
            get('contiguous'),
            [
              set('pixel', pixelAt(get('left'))),
              set('len', get('runBytes')),
              ...inside,
              inc('p', get('runBytes')),
            ],
            [
              set('len', get('pixelBytes')),
              set('kx', i32.const(0)),
              until(
                'kernelColumns',
                i32.geS(get('kx'), get('kw')),
                set('ix', i32.add(get('left'), i32.mul(get('kx'), get('dw')))),
                when(
                  i32.and(i32.geS(get('ix'), i32.const(0)), i32.ltS(get('ix'), get('width'))),
                  [set('pixel', pixelAt(get('ix'))), ...inside],
                  outside.length > 0 ? outside : undefined,
                ),
                inc('p', get('pixelBytes')),
                inc('kx', i32.const(1)),
              ),
            ],
          ),
        ],
      ),
      inc('ky', i32.const(1)),
    ),
  ];
}

/** The walk's byte sizes: a pixel, a contiguous kernel row, an image. */
const walkSizes = (t: Lanes): Wat[] => [
  set('pixelBytes', i32.shl(get('channels'), i32.const(t.shift))),
  set('runBytes', i32.mul(get('kw'), get('pixelBytes'))),
  set('imageBytes', i32.mul(i32.mul(get('height'), get('width')), get('pixelBytes'))),
];

/** Per output row oy: its top input row and whether all kernel rows lie inside the image. */
const rowValues = (): Wat[] => [
  set('top', i32.sub(i32.mul(get('oy'), get('sh')), get('padTop'))),
  set(
    'rowsInside',
    i32.and(
      i32.geS(get('top'), i32.const(0)),
      i32.ltS(i32.add(get('top'), i32.mul(i32.sub(get('kh'), i32.const(1)), get('dh'))), get('height')),
    ),
  ),
];

/** Per position: its left input column, whether a kernel row is contiguous, then the patch. */
function positionOf(kernelRows: Wat[], whole?: WholePatch): Wat[] {
  return [
    set('left', i32.sub(i32.mul(get('ox'), get('sw')), get('padLeft'))),
    set(
      'contiguous',
      i32.and(
        i32.eq(get('dw'), i32.const(1)),
        i32.and(i32.geS(get('left'), i32.const(0)), i32.leS(i32.add(get('left'), get('kw')), get('width'))),
      ),
    ),
    ...(whole === undefined ? kernelRows : [...whole.setup, when(whole.applies, whole.body, kernelRows)]),
  ];
}

/** The patch walk over every position, in row-major (n, oy, ox) order. */
function walk(t: Lanes, inside: Wat[], outside: Wat[], whole?: WholePatch): Wat[] {
  const kernelRows = kernelRowsOf(inside, outside);
  return [
    ...walkSizes(t),
    set('n', i32.const(0)),
    until(
      'images',
      i32.geS(get('n'), get('batch')),
      set('image', i32.add(get('x'), i32.mul(get('n'), get('imageBytes')))),
      set('oy', i32.const(0)),
      until(
        'rows',
        i32.geS(get('oy'), get('outH')),
        ...rowValues(),
        set('ox', i32.const(0)),
        until(
          'columns',
          i32.geS(get('ox'), get('outW')),
          ...positionOf(kernelRows, whole),
          inc('ox', i32.const(1)),
        ),
        inc('oy', i32.const(1)),
      ),
      inc('n', i32.const(1)),
    ),
  ];
}

/**
 * The patch walk over `count` positions from position `first` (row-major (n, oy, ox) numbering),
 * the same per-position code as {@link walk}: patch rows first … first + count − 1 of the whole walk.
 */
function walkRange(t: Lanes, inside: Wat[], outside: Wat[], whole?: WholePatch): Wat[] {
  const kernelRows = kernelRowsOf(inside, outside);
  return [
    ...walkSizes(t),
    set('perImage', i32.mul(get('outH'), get('outW'))),
    set('n', i32.divU(get('first'), get('perImage'))),
    set('rem', i32.sub(get('first'), i32.mul(get('n'), get('perImage')))),
    set('oy', i32.divU(get('rem'), get('outW'))),
    set('ox', i32.sub(get('rem'), i32.mul(get('oy'), get('outW')))),
    until(
      'positions',
      i32.leS(get('count'), i32.const(0)),
      set('image', i32.add(get('x'), i32.mul(get('n'), get('imageBytes')))),
      ...rowValues(),
      ...positionOf(kernelRows, whole),
      inc('ox', i32.const(1)),
      when(i32.geS(get('ox'), get('outW')), [
        set('ox', i32.const(0)),
        inc('oy', i32.const(1)),
        when(i32.geS(get('oy'), get('outH')), [set('oy', i32.const(0)), inc('n', i32.const(1))]),
      ]),
      inc('count', i32.const(-1)),
    ),
  ];
}

/** `unfold2d_<t>(x, patches, geometry…)`: every patch element written. */
function unfold2d(t: Lanes): Wat {
  return func({
    name: `unfold2d_${t.scalar}`,
    exportAs: `unfold2d_${t.scalar}`,
    params: { x: 'i32', patches: 'i32', ...GEOMETRY },
    locals: LOCALS,
    body: [
      set('p', get('patches')),
      // the whole-patch path's numbers (rowBytes: one kernel row down, dilation included)
      set(
        'rowBytes',
        i32.mul(i32.mul(get('dh'), get('width')), i32.shl(get('channels'), i32.const(t.shift))),
      ),
      set('patchBytes', i32.mul(get('kh'), i32.mul(get('kw'), i32.shl(get('channels'), i32.const(t.shift))))),
      set(
        'span',
        i32.add(
          i32.mul(i32.sub(get('kh'), i32.const(1)), get('rowBytes')),
          i32.and(
            i32.add(i32.mul(get('kw'), i32.shl(get('channels'), i32.const(t.shift))), i32.const(15)),
            i32.const(-16),
          ),
        ),
      ),
      set(
        'xEnd',
        i32.add(
          get('x'),
          i32.shl(
            i32.mul(i32.mul(get('batch'), get('height')), i32.mul(get('width'), get('channels'))),
            i32.const(t.shift),
          ),
        ),
      ),
      set(
        'patchesEnd',
        i32.add(
          get('patches'),
          i32.mul(i32.mul(i32.mul(get('batch'), get('outH')), get('outW')), get('patchBytes')),
        ),
      ),
      ...walk(t, copyRun(t), zeroRun(t), unfoldWholePatch()),
    ],
  });
}

/** `fold2d_<t>(patches, dx, geometry…)`: dx = 0, then every patch added back (dx is the walk's `x`). */
function fold2d(t: Lanes): Wat {
  return func({
    name: `fold2d_${t.scalar}`,
    exportAs: `fold2d_${t.scalar}`,
    params: { patches: 'i32', x: 'i32', ...GEOMETRY },
    locals: LOCALS,
    body: [
      // dx = 0 (+0 everywhere, as fill(0)), as one run from its start
      set(
        'len',
        i32.shl(
          i32.mul(i32.mul(get('batch'), get('height')), i32.mul(get('width'), get('channels'))),
          i32.const(t.shift),
        ),
      ),
      set('p', get('x')),
      ...zeroRun(t),
      set('p', get('patches')),
      set(
        'rowBytes',
        i32.mul(i32.mul(get('dh'), get('width')), i32.shl(get('channels'), i32.const(t.shift))),
      ),
      ...walk(t, addRun(t), [], foldWholePatch(t)),
    ],
  });
}

/**
 * `fold2d_rows_<t>(patches, dx, first, count, geometry…)`: patch rows first … first + count − 1
 * (patches holding just those rows) added onto dx, which is not zeroed — fold2d's additions for
 * those rows, in its order. Calls over ascending, adjacent ranges after zeroing dx are fold2d.
 */
function fold2dRows(t: Lanes): Wat {
  return func({
    name: `fold2d_rows_${t.scalar}`,
    exportAs: `fold2d_rows_${t.scalar}`,
    params: { patches: 'i32', x: 'i32', first: 'i32', count: 'i32', ...GEOMETRY },
    locals: { ...LOCALS, perImage: 'i32', rem: 'i32' },
    body: [
      set('p', get('patches')),
      set(
        'rowBytes',
        i32.mul(i32.mul(get('dh'), get('width')), i32.shl(get('channels'), i32.const(t.shift))),
      ),
      ...walkRange(t, addRun(t), [], foldWholePatch(t)),
    ],
  });
}

export function convKernels(t: Lanes): Wat[] {
  return [unfold2d(t), fold2d(t), fold2dRows(t)];
}
