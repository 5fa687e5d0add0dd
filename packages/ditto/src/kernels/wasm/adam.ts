/**
 * Adam / AdamW update of a float32 variable, in place (Backend.adamUpdate, docs/optimizers.md). Per
 * element, every operation rounded to float32 — which each f32x4 operation is:
 *   [decay]    w′ = w − (w·wd)·lr              (otherwise w′ = w)
 *              m = m + (g − m)·c1;  v = v + (g·g − v)·c2
 *   [amsgrad]  vHat = max(vHat, v), the v used below
 *              w = w′ − (m·α) / (√v + ε)
 * f32x4.max has Math.max's rules: NaN if either operand is NaN, max(−0, +0) = +0. Lanes are four
 * independent elements, so nothing is reordered.
 */
import { F32 } from './lanes.js';
import { partialStoreName } from './store.js';
import { call, func, get, global, i32, repeat, ret, set, tee, v128, type Wat, when } from './wat.js';

const v = F32.v;
const SCALARS = ['lr', 'wd', 'alpha', 'c1', 'c2', 'eps'] as const;
const BUFFERS = ['w', 'g', 'm', 'v', 'vHat'] as const;
const PARAMS_AFTER_BUFFERS = {
  lr: 'f32',
  wd: 'f32',
  decay: 'i32',
  alpha: 'f32',
  c1: 'f32',
  c2: 'f32',
  eps: 'f32',
  amsgrad: 'i32',
} as const;

/** The update over `bytes` (a multiple of 16) of each buffer, in whole vectors. */
function adamVectors(): Wat {
  const at = (base: string) => i32.add(get(base), get('i'));
  const locals: Record<string, 'i32' | 'v128'> = { i: 'i32' };
  for (const s of SCALARS) locals[`${s}v`] = 'v128';
  Object.assign(locals, { gi: 'v128', wi: 'v128', mi: 'v128', vi: 'v128' });
  return func({
    name: 'adam_f32_vectors',
    params: {
      ...Object.fromEntries(BUFFERS.map((b) => [b, 'i32' as const])),
      bytes: 'i32',
      ...PARAMS_AFTER_BUFFERS,
    },
    locals,
    body: [
      when(i32.leS(get('bytes'), i32.const(0)), [ret()]),
      ...SCALARS.map((s) => set(`${s}v`, v.splat(get(s)))),
      repeat(
        'l',
        [
          set('gi', v128.load(0, at('g'))),
          set('wi', v128.load(0, at('w'))),
          when(get('decay'), [set('wi', v.sub(get('wi'), v.mul(v.mul(get('wi'), get('wdv')), get('lrv'))))]),
          set('mi', v128.load(0, at('m'))),
          set('mi', v.add(get('mi'), v.mul(v.sub(get('gi'), get('mi')), get('c1v')))),
          set('vi', v128.load(0, at('v'))),
          set('vi', v.add(get('vi'), v.mul(v.sub(v.mul(get('gi'), get('gi')), get('vi')), get('c2v')))),
          v128.store(0, at('m'), get('mi')),
          v128.store(0, at('v'), get('vi')),
          when(get('amsgrad'), [
            set('vi', v.max(v128.load(0, at('vHat')), get('vi'))),
            v128.store(0, at('vHat'), get('vi')),
          ]),
          v128.store(
            0,
            at('w'),
            v.sub(get('wi'), v.div(v.mul(get('mi'), get('alphav')), v.add(v.sqrt(get('vi')), get('epsv')))),
          ),
        ],
        i32.ltU(tee('i', i32.add(get('i'), i32.const(16))), get('bytes')),
      ),
    ],
  });
}

/**
 * `adam_f32`: w, m, v (and vHat when amsgrad is 1) updated in place from g, n elements each; decay 0
 * skips the weight decay. The last n mod 4 elements run on copies in the scratch chunk (read one
 * whole vector past each buffer's last full one, within the host's slack) and are stored back lane
 * by lane, so nothing is written past an output's end.
 */
function adam(): Wat {
  const settings = Object.keys(PARAMS_AFTER_BUFFERS).map((p) => get(p));
  const scratch = (k: number) => (k === 0 ? get('s') : i32.add(get('s'), i32.const(16 * k)));
  const tail = (b: (typeof BUFFERS)[number]) => i32.add(get(b), get('full'));
  const restore = (b: (typeof BUFFERS)[number]) =>
    call(partialStoreName(F32), tail(b), v128.load(16 * BUFFERS.indexOf(b), get('s')), get('rest'));
  return func({
    name: 'adam_f32',
    exportAs: 'adam_f32',
    params: {
      ...Object.fromEntries(BUFFERS.map((b) => [b, 'i32' as const])),
      n: 'i32',
      ...PARAMS_AFTER_BUFFERS,
    },
    locals: { full: 'i32', rest: 'i32', s: 'i32' },
    body: [
      set('full', i32.shl(i32.and(get('n'), i32.const(-4)), i32.const(2))),
      call('adam_f32_vectors', ...BUFFERS.map((b) => get(b)), get('full'), ...settings),
      set('rest', i32.and(get('n'), i32.const(3))),
      when(i32.eqz(get('rest')), [ret()]),
      // scratch layout: w, g, m, v, vHat, one vector each
      set('s', global('chunk_x')),
      ...BUFFERS.slice(0, 4).map((b, k) => v128.store(16 * k, get('s'), v128.load(0, tail(b)))),
      when(get('amsgrad'), [v128.store(64, get('s'), v128.load(0, tail('vHat')))]),
      call('adam_f32_vectors', ...BUFFERS.map((_, k) => scratch(k)), i32.const(16), ...settings),
      restore('w'),
      restore('m'),
      restore('v'),
      when(get('amsgrad'), [restore('vHat')]),
    ],
  });
}

export function adamKernels(): Wat[] {
  return [adamVectors(), adam()];
}
