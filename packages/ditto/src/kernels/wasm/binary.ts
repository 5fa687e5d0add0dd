/**
 * Binary elementwise ops over [outer × inner]: operand[o·outerStride + i·innerStride] with
 * innerStride 0 (broadcast) or 1 (contiguous). Each op is defined once below, as one expression of
 * its two operand vectors; the module's jump tables follow BINARY_OP_ORDER.
 */
import type { BinaryOp } from '../../numeric/elementwise.js';
import { BINARY_OP_ORDER } from '../op-codes.js';
import type { Lanes } from './lanes.js';
import { scratchAt } from './scratch.js';
import { partialStoreName } from './store.js';
import {
  block,
  br,
  brIf,
  call,
  func,
  get,
  i32,
  jumpTable,
  repeat,
  ret,
  select,
  set,
  tee,
  until,
  v128,
  type Wat,
  when,
} from './wat.js';

interface BinaryDefinition {
  /** The op on two vectors (lane by lane). */
  emit(t: Lanes, a: Wat, b: Wat): Wat;
  /** The expression reads each operand more than once, so operands must be locals. */
  reusesOperands: boolean;
}

/**
 * maximum / minimum follow the reference exactly: the canonical NaN if either is NaN, otherwise a
 * on ties (so maximum(−0, +0) = −0), which neither f32x4.max nor f32x4.pmax does.
 */
const select2 =
  (compare: 'ge' | 'le') =>
  (t: Lanes, a: Wat, b: Wat): Wat =>
    v128.bitselect(
      t.canonicalNaN,
      v128.bitselect(a, b, t.v[compare](a, b)),
      v128.or(t.v.ne(a, a), t.v.ne(b, b)),
    );

export const BINARY_DEFINITIONS: Record<BinaryOp, BinaryDefinition> = {
  add: { emit: (t, a, b) => t.v.add(a, b), reusesOperands: false },
  sub: { emit: (t, a, b) => t.v.sub(a, b), reusesOperands: false },
  mul: { emit: (t, a, b) => t.v.mul(a, b), reusesOperands: false },
  div: { emit: (t, a, b) => t.v.div(a, b), reusesOperands: false },
  maximum: { emit: select2('ge'), reusesOperands: true },
  minimum: { emit: select2('le'), reusesOperands: true },
};

/** `binop_<t>(op, a, b)`: one vector of any op (the row's last, partial vector). */
function binop(t: Lanes): Wat {
  const cases = BINARY_OP_ORDER.map((name) => ({
    label: name,
    body: [ret(BINARY_DEFINITIONS[name].emit(t, get('a'), get('b')))],
  }));
  return func({
    name: `binop_${t.scalar}`,
    params: { op: 'i32', a: 'v128', b: 'v128' },
    result: 'v128',
    body: [...jumpTable(get('op'), [...BINARY_OP_ORDER], cases), 'unreachable'],
  });
}

/**
 * One row: out[i] = a[i & aMask] op b[i & bMask] in byte offsets, where a mask of 0 pins a broadcast
 * operand to its splatted copy and −1 walks a contiguous one. Whole vectors run in one loop per op
 * (V8 does not inline wasm calls, so a call per vector would cost more than the op); the last
 * outputs go through binop and a partial store.
 */
function binaryRow(t: Lanes): Wat {
  const at = (base: string, mask: string, i: Wat) => v128.load(0, i32.add(get(base), i32.and(i, get(mask))));
  const loopFor = (name: BinaryOp): Wat[] => {
    const def = BINARY_DEFINITIONS[name];
    const body = def.reusesOperands
      ? [
          set('x', at('a', 'aMask', get('i'))),
          set('y', at('b', 'bMask', get('i'))),
          v128.store(0, i32.add(get('out'), get('i')), def.emit(t, get('x'), get('y'))),
        ]
      : [
          v128.store(
            0,
            i32.add(get('out'), get('i')),
            def.emit(t, at('a', 'aMask', get('i')), at('b', 'bMask', get('i'))),
          ),
        ];
    return [repeat('l', body, i32.ltU(tee('i', i32.add(get('i'), i32.const(16))), get('full'))), br('tail')];
  };
  const cases = BINARY_OP_ORDER.map((name) => ({ label: name, body: loopFor(name) }));
  return func({
    name: `binary_row_${t.scalar}`,
    params: { op: 'i32', a: 'i32', aMask: 'i32', b: 'i32', bMask: 'i32', out: 'i32', count: 'i32' },
    locals: { i: 'i32', full: 'i32', x: 'v128', y: 'v128' },
    body: [
      set('full', i32.shl(i32.and(get('count'), i32.const(-t.lanes)), i32.const(t.shift))),
      block('tail', brIf('tail', i32.eqz(get('full'))), ...jumpTable(get('op'), [...BINARY_OP_ORDER], cases)),
      when(i32.and(get('count'), i32.const(t.lanes - 1)), [
        call(
          partialStoreName(t),
          i32.add(get('out'), get('full')),
          call(`binop_${t.scalar}`, get('op'), at('a', 'aMask', get('full')), at('b', 'bMask', get('full'))),
          i32.and(get('count'), i32.const(t.lanes - 1)),
        ),
      ]),
    ],
  });
}

/**
 * `binary_<t>`: a broadcast operand (innerStride 0) is splatted once per outer row into scratch (a
 * at byte 0, b at byte 16) and read from there with mask 0.
 */
function binaryMain(t: Lanes): Wat {
  const operand = (name: 'a' | 'b', scratch: number): Wat[] => [
    set(`${name}p`, i32.add(get(name), i32.shl(i32.mul(get('o'), get(`${name}Outer`)), i32.const(t.shift)))),
    when(i32.eqz(get(`${name}Inner`)), [
      v128.store(0, scratchAt(scratch), t.splatLoad(get(`${name}p`))),
      set(`${name}p`, scratchAt(scratch)),
    ]),
  ];
  return func({
    name: `binary_${t.scalar}`,
    exportAs: `binary_${t.scalar}`,
    params: {
      op: 'i32',
      a: 'i32',
      aOuter: 'i32',
      aInner: 'i32',
      b: 'i32',
      bOuter: 'i32',
      bInner: 'i32',
      out: 'i32',
      outer: 'i32',
      inner: 'i32',
    },
    locals: { o: 'i32', ap: 'i32', bp: 'i32', aMask: 'i32', bMask: 'i32' },
    body: [
      set('aMask', select(i32.const(-1), i32.const(0), get('aInner'))),
      set('bMask', select(i32.const(-1), i32.const(0), get('bInner'))),
      until(
        'rows',
        i32.geS(get('o'), get('outer')),
        ...operand('a', 0),
        ...operand('b', 16),
        call(
          `binary_row_${t.scalar}`,
          get('op'),
          get('ap'),
          get('aMask'),
          get('bp'),
          get('bMask'),
          get('out'),
          get('inner'),
        ),
        set('out', i32.add(get('out'), i32.shl(get('inner'), i32.const(t.shift)))),
        set('o', i32.add(get('o'), i32.const(1))),
      ),
    ],
  });
}

export function binary(t: Lanes): Wat[] {
  return [binop(t), binaryRow(t), binaryMain(t)];
}
