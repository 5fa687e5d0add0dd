/**
 * Max pooling and its gradient — tensor/ops/pooling.ts's maxPool2d and maxPool2dBackward, on
 * channels-last [batch, height, width, channels] images with the window geometry as there
 * (kernel kh×kw, strides sh, sw, padding padTop/padLeft, outH×outW windows; dilation 1).
 *
 * Each window's valid positions are scanned (iy, ix) in row-major order, its first position as the
 * start; a value replaces the window's maximum when it is larger, or when it is the first NaN (the
 * reference's `beats`). Channels are independent lanes, so a window is done for a whole vector of
 * channels at once (then the last channels mod L one by one) — the same scan per channel, the same
 * bits: a maximum only copies values. The gradient zeroes dx, then adds each window's gradient to
 * the first position holding its maximum, windows in row-major (n, oy, ox) order and channels
 * ascending within a window (distinct positions), one rounded addition each, as the reference;
 * windows that cannot overlap write their positions whole instead (maxPool2dBackward says why that
 * is the same). A 2×2 window inside the image is scanned at fixed offsets from its first position.
 */
import type { Lanes } from './lanes.js';
import { func, get, i32, select, set, sx, until, v128, type Wat, when } from './wat.js';

const GEOMETRY = {
  batch: 'i32',
  height: 'i32',
  width: 'i32',
  channels: 'i32',
  kh: 'i32',
  kw: 'i32',
  sh: 'i32',
  sw: 'i32',
  padTop: 'i32',
  padLeft: 'i32',
  outH: 'i32',
  outW: 'i32',
} as const;

const LOCALS = {
  n: 'i32',
  oy: 'i32',
  ox: 'i32',
  top: 'i32',
  left: 'i32',
  y0: 'i32',
  y1: 'i32',
  x0: 'i32',
  x1: 'i32',
  iy: 'i32',
  ix: 'i32',
  image: 'i32',
  imageBytes: 'i32',
  pixelBytes: 'i32',
  vectorBytes: 'i32',
  first: 'i32',
  o: 'i32',
  cb: 'i32',
  at: 'i32',
  w: 'i32',
  quad: 'i32',
  rowBytes: 'i32',
  best: 'v128',
  v: 'v128',
  mask: 'v128',
  where: 'v128',
} as const;

const inc = (name: string, by: Wat): Wat => set(name, i32.add(get(name), by));
const max = (a: Wat, b: Wat): Wat => select(a, b, i32.gtS(a, b));
const min = (a: Wat, b: Wat): Wat => select(a, b, i32.ltS(a, b));

/** Byte offset (from x) of pixel (iy, ix) of the current image, plus the channel offset cb. */
const pixel = (iy: Wat, ix: Wat): Wat =>
  i32.add(
    get('image'),
    i32.add(i32.mul(i32.add(i32.mul(iy, get('width')), ix), get('pixelBytes')), get('cb')),
  );

/**
 * The windows in row-major (n, oy, ox) order; per window, `perWindow(chunk)` for each vector of
 * channels (cb stepping 16 bytes) and then each remaining channel (cb stepping one element).
 * Sets y0, y1, x0, x1 (the valid rows and columns), `first` (the offset of the window's first
 * valid pixel, without cb) and `o` (the byte offset of the window's outputs in an output image).
 */
function windows(t: Lanes, vector: Wat[], scalar: Wat[]): Wat[] {
  return [
    set('pixelBytes', i32.shl(get('channels'), i32.const(t.shift))),
    set('vectorBytes', i32.and(get('pixelBytes'), i32.const(-16))),
    set('rowBytes', i32.mul(get('width'), get('pixelBytes'))),
    set('quad', i32.and(i32.eq(get('kh'), i32.const(2)), i32.eq(get('kw'), i32.const(2)))),
    set('imageBytes', i32.mul(i32.mul(get('height'), get('width')), get('pixelBytes'))),
    set('o', i32.const(0)),
    set('n', i32.const(0)),
    until(
      'images',
      i32.geS(get('n'), get('batch')),
      set('image', i32.mul(get('n'), get('imageBytes'))),
      set('oy', i32.const(0)),
      until(
        'rows',
        i32.geS(get('oy'), get('outH')),
        set('top', i32.sub(i32.mul(get('oy'), get('sh')), get('padTop'))),
        set('y0', max(get('top'), i32.const(0))),
        set('y1', min(i32.add(get('top'), get('kh')), get('height'))),
        set('ox', i32.const(0)),
        until(
          'columns',
          i32.geS(get('ox'), get('outW')),
          set('left', i32.sub(i32.mul(get('ox'), get('sw')), get('padLeft'))),
          set('x0', max(get('left'), i32.const(0))),
          set('x1', min(i32.add(get('left'), get('kw')), get('width'))),
          set('cb', i32.const(0)),
          until('vectors', i32.geS(get('cb'), get('vectorBytes')), ...vector, inc('cb', i32.const(16))),
          until('scalars', i32.geS(get('cb'), get('pixelBytes')), ...scalar, inc('cb', i32.const(t.bytes))),
          inc('o', get('pixelBytes')),
          inc('ox', i32.const(1)),
        ),
        inc('oy', i32.const(1)),
      ),
      inc('n', i32.const(1)),
    ),
  ];
}

/** The window's valid positions after its first, row-major, with `at` = the offset of each (with cb). */
function scan(body: Wat[]): Wat[] {
  return [
    set('iy', get('y0')),
    until(
      'scanRows',
      i32.geS(get('iy'), get('y1')),
      set('ix', select(i32.add(get('x0'), i32.const(1)), get('x0'), i32.eq(get('iy'), get('y0')))),
      until(
        'scanColumns',
        i32.geS(get('ix'), get('x1')),
        set('at', pixel(get('iy'), get('ix'))),
        ...body,
        inc('ix', i32.const(1)),
      ),
      inc('iy', i32.const(1)),
    ),
  ];
}

/** Lanes where v beats best: v > best, or v is NaN and best is not. */
const beatsVector = (t: Lanes, v: Wat, best: Wat): Wat =>
  v128.or(t.v.gt(v, best), v128.and(t.v.ne(v, v), t.v.eq(best, best)));
const beatsScalar = (t: Lanes, v: Wat, best: Wat): Wat =>
  i32.or(t.s.gt(v, best), i32.and(t.s.ne(v, v), sx(`${t.scalar}.eq`, best, best)));

const xAt = (offset: Wat): Wat => i32.add(get('x'), offset);
const firstAt = (): Wat => pixel(get('y0'), get('x0'));

/**
 * Whether the window is 2×2 with all four positions inside the image — the common MaxPooling2D —
 * done with its positions at fixed offsets from the first (no address arithmetic per position).
 */
const fullQuad = (): Wat =>
  i32.and(
    get('quad'),
    i32.and(
      i32.eq(i32.sub(get('y1'), get('y0')), i32.const(2)),
      i32.eq(i32.sub(get('x1'), get('x0')), i32.const(2)),
    ),
  );

/** The byte offsets of a full 2×2 window's positions from its first, in scan (row-major) order. */
const quadOffsets = (): Wat[] => [
  i32.const(0),
  get('pixelBytes'),
  get('rowBytes'),
  i32.add(get('rowBytes'), get('pixelBytes')),
];

/**
 * The scan of a full 2×2 window for a vector of channels at `first`: `best` its maximum and `where`
 * the index (0–3, in every 32-bit part of a lane) of the position that holds it first — the same
 * comparisons in the same order as the general scan.
 */
function quadScan(t: Lanes): Wat[] {
  const offsets = quadOffsets();
  return [
    set('best', v128.load(0, xAt(get('first')))),
    set('where', v128.i32x4(0)),
    ...[1, 2, 3].flatMap((k) => [
      set('v', v128.load(0, xAt(i32.add(get('first'), offsets[k])))),
      set('mask', beatsVector(t, get('v'), get('best'))),
      set('best', v128.bitselect(get('v'), get('best'), get('mask'))),
      set('where', v128.bitselect(v128.i32x4(k), get('where'), get('mask'))),
    ]),
  ];
}

/** `max_pool2d_<t>(x, out, geometry…)`: every output written. */
function maxPool2d(t: Lanes): Wat {
  const out = () => i32.add(get('out'), i32.add(get('o'), get('cb')));
  return func({
    name: `max_pool2d_${t.scalar}`,
    exportAs: `max_pool2d_${t.scalar}`,
    params: { x: 'i32', out: 'i32', ...GEOMETRY },
    locals: { ...LOCALS, sv: t.scalar, sbest: t.scalar },
    body: windows(
      t,
      [
        when(
          fullQuad(),
          [set('first', firstAt()), ...quadScan(t)],
          [
            set('best', v128.load(0, xAt(firstAt()))),
            ...scan([
              set('v', v128.load(0, xAt(get('at')))),
              set('best', v128.bitselect(get('v'), get('best'), beatsVector(t, get('v'), get('best')))),
            ]),
          ],
        ),
        v128.store(0, out(), get('best')),
      ],
      [
        set('sbest', t.s.load(xAt(firstAt()))),
        ...scan([
          set('sv', t.s.load(xAt(get('at')))),
          set('sbest', select(get('sv'), get('sbest'), beatsScalar(t, get('sv'), get('sbest')))),
        ]),
        t.s.store(0, out(), get('sbest')),
      ],
    ),
  });
}

/** The offsets of a vector's lanes, from the offset of its first: at + [0, bytes, 2·bytes, …]. */
function laneOffsets(t: Lanes, at: Wat): Wat {
  return t.lanes === 4
    ? sx('i32x4.add', sx('i32x4.splat', at), sx('v128.const i32x4', 0, 4, 8, 12))
    : sx('i64x2.add', sx('i64x2.splat', sx('i64.extend_i32_u', at)), sx('v128.const i64x2', 0, 8));
}

function laneOffset(t: Lanes, lane: number, vector: Wat): Wat {
  return t.lanes === 4
    ? sx(`i32x4.extract_lane ${lane}`, vector)
    : sx('i32.wrap_i64', sx(`i64x2.extract_lane ${lane}`, vector));
}

/** dx[w] += g[o + cb + lane·bytes], w an offset from x's start (dx has x's layout). */
function addGradient(t: Lanes, lane: number): Wat {
  const dx = i32.add(get('dx'), get('w'));
  const g = i32.add(get('g'), i32.add(get('o'), i32.add(get('cb'), i32.const(lane * t.bytes))));
  return t.s.store(0, dx, t.s.add(t.s.load(dx), t.s.load(g)));
}

/** The window's valid positions, row-major, with `at` = the offset of each (with cb). */
function everyPosition(body: Wat[]): Wat[] {
  return [
    set('iy', get('y0')),
    until(
      'writeRows',
      i32.geS(get('iy'), get('y1')),
      set('ix', get('x0')),
      until(
        'writeColumns',
        i32.geS(get('ix'), get('x1')),
        set('at', pixel(get('iy'), get('ix'))),
        ...body,
        inc('ix', i32.const(1)),
      ),
      inc('iy', i32.const(1)),
    ),
  ];
}

/** Lanes of `where` (per-lane offsets, as laneOffsets makes them) equal to the offsets at `at`. */
const isWhere = (t: Lanes): Wat =>
  sx(t.lanes === 4 ? 'i32x4.eq' : 'i64x2.eq', laneOffsets(t, get('at')), get('where'));

/**
 * `max_pool2d_backward_<t>(x, g, dx, geometry…)`: dx = 0, then each window's gradient at its maximum.
 *
 * When windows cannot overlap (strides ≥ the window), a position gets at most one addition onto
 * +0, so each window writes all its positions at once: +0 + g where the maximum is (the reference's
 * one rounded addition: −0 becomes +0), +0 elsewhere — whole vectors, no scattered lane-by-lane
 * read-modify-write. dx is zeroed first only when some position lies in no window.
 */
function maxPool2dBackward(t: Lanes): Wat {
  const lanes = Array.from({ length: t.lanes }, (_, lane) => lane);
  const gAt = (): Wat => i32.add(get('g'), i32.add(get('o'), get('cb')));
  const dxAt = (): Wat => i32.add(get('dx'), get('at'));
  return func({
    name: `max_pool2d_backward_${t.scalar}`,
    exportAs: `max_pool2d_backward_${t.scalar}`,
    params: { x: 'i32', g: 'i32', dx: 'i32', ...GEOMETRY },
    locals: {
      ...LOCALS,
      dxBytes: 'i32',
      beat: 'i32',
      disjoint: 'i32',
      sv: t.scalar,
      sbest: t.scalar,
      sum: 'v128',
    },
    body: [
      set('disjoint', i32.and(i32.geS(get('sh'), get('kh')), i32.geS(get('sw'), get('kw')))),
      // dx = 0 (+0 everywhere, as fill(0)): whole vectors, then the last elements one by one —
      // unless disjoint windows tile the image exactly (each position written below)
      set(
        'dxBytes',
        i32.shl(
          i32.mul(i32.mul(get('batch'), get('height')), i32.mul(get('width'), get('channels'))),
          i32.const(t.shift),
        ),
      ),
      when(
        i32.and(
          get('disjoint'),
          i32.and(
            i32.and(i32.eq(get('sh'), get('kh')), i32.eq(get('sw'), get('kw'))),
            i32.and(
              i32.and(i32.eqz(get('padTop')), i32.eqz(get('padLeft'))),
              i32.and(
                i32.eq(i32.mul(get('outH'), get('sh')), get('height')),
                i32.eq(i32.mul(get('outW'), get('sw')), get('width')),
              ),
            ),
          ),
        ),
        [set('at', get('dxBytes'))],
        [set('at', i32.const(0))],
      ),
      until(
        'zeroVectors',
        i32.gtS(i32.add(get('at'), i32.const(16)), get('dxBytes')),
        v128.store(0, i32.add(get('dx'), get('at')), t.constant(0)),
        inc('at', i32.const(16)),
      ),
      until(
        'zeroScalars',
        i32.geS(get('at'), get('dxBytes')),
        t.s.store(0, i32.add(get('dx'), get('at')), t.s.const(0)),
        inc('at', i32.const(t.bytes)),
      ),
      ...windows(
        t,
        [
          set('first', firstAt()),
          when(
            i32.and(get('disjoint'), fullQuad()),
            [
              ...quadScan(t),
              set('sum', t.v.add(t.constant(0), v128.load(0, gAt()))),
              ...quadOffsets().map((offset, k) =>
                v128.store(
                  0,
                  i32.add(get('dx'), i32.add(get('first'), offset)),
                  v128.and(get('sum'), sx('i32x4.eq', get('where'), v128.i32x4(k))),
                ),
              ),
            ],
            [
              set('best', v128.load(0, xAt(get('first')))),
              set('where', laneOffsets(t, get('first'))),
              ...scan([
                set('v', v128.load(0, xAt(get('at')))),
                set('mask', beatsVector(t, get('v'), get('best'))),
                set('best', v128.bitselect(get('v'), get('best'), get('mask'))),
                set('where', v128.bitselect(laneOffsets(t, get('at')), get('where'), get('mask'))),
              ]),
              when(
                get('disjoint'),
                [
                  set('sum', t.v.add(t.constant(0), v128.load(0, gAt()))),
                  ...everyPosition([v128.store(0, dxAt(), v128.and(get('sum'), isWhere(t)))]),
                ],
                lanes.flatMap((lane) => [set('w', laneOffset(t, lane, get('where'))), addGradient(t, lane)]),
              ),
            ],
          ),
        ],
        [
          set('w', firstAt()),
          set('sbest', t.s.load(xAt(get('w')))),
          ...scan([
            set('sv', t.s.load(xAt(get('at')))),
            set('beat', beatsScalar(t, get('sv'), get('sbest'))),
            set('w', select(get('at'), get('w'), get('beat'))),
            set('sbest', select(get('sv'), get('sbest'), get('beat'))),
          ]),
          when(
            get('disjoint'),
            everyPosition([
              t.s.store(
                0,
                dxAt(),
                select(t.s.add(t.s.const(0), t.s.load(gAt())), t.s.const(0), i32.eq(get('at'), get('w'))),
              ),
            ]),
            [addGradient(t, 0)],
          ),
        ],
      ),
    ],
  });
}

export function poolingKernels(t: Lanes): Wat[] {
  return [maxPool2d(t), maxPool2dBackward(t)];
}
