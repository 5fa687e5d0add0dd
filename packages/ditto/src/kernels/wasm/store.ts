/** Partial stores: the last vector of a row may hold fewer than L outputs. */
import type { Lanes } from './lanes.js';
import { func, get, i32, ret, v128, type Wat, when } from './wat.js';

export const partialStoreName = (t: Lanes): string => `store_${t.shape}`;

/** `store_<shape>(p, v, count)`: stores the first min(count, L) lanes of v at p (none when count ≤ 0). */
export function partialStore(t: Lanes): Wat {
  const body: Wat[] = [
    when(i32.geS(get('count'), i32.const(t.lanes)), [v128.store(0, get('p'), get('v')), ret()]),
    when(i32.leS(get('count'), i32.const(0)), [ret()]),
  ];
  for (let lane = 0; lane < t.lanes - 1; lane++) {
    if (lane > 0) body.push(when(i32.eq(get('count'), i32.const(lane)), [ret()]));
    body.push(t.storeLane(lane, lane * t.bytes, get('p'), get('v')));
  }
  return func({ name: partialStoreName(t), params: { p: 'i32', v: 'v128', count: 'i32' }, body });
}
