/**
 * The element types a kernel is generated for. A kernel is written once against {@link Lanes};
 * `F32` (f32x4) and `F64` (f64x2) instantiate it. Every vector op here is one IEEE operation per
 * lane (no fused or relaxed forms exist in this vocabulary), so a kernel keeps the reference's
 * operations exactly; lanes are always independent outputs.
 */
import { sx, v128, type Wat } from './wat.js';

const vop =
  (name: string) =>
  (...args: Wat[]): Wat =>
    sx(name, ...args);

export interface Lanes {
  /** Scalar type and export suffix: `f32` or `f64`. */
  readonly scalar: 'f32' | 'f64';
  /** Vector shape: `f32x4` or `f64x2`. */
  readonly shape: 'f32x4' | 'f64x2';
  /** Elements per vector. */
  readonly lanes: 4 | 2;
  /** Bytes per element, and its log2 (element index → byte offset). */
  readonly bytes: 4 | 8;
  readonly shift: 2 | 3;
  /** Integer type of the same width (bit copies). */
  readonly int: 'i32' | 'i64';
  /** Vector ops. */
  readonly v: VectorOps;
  /** Scalar ops. */
  readonly s: ScalarOps;
  /** One element, at `address + offset`, loaded into every lane. */
  splatLoad(address: Wat, offset?: number): Wat;
  /** A constant in every lane. */
  constant(x: number): Wat;
  /** The canonical NaN (Number.NaN's bits at this width) in every lane. */
  readonly canonicalNaN: Wat;
  /** Stores lane `lane` of `value` at `address + offset`. */
  storeLane(lane: number, offset: number, address: Wat, value: Wat): Wat;
}

export interface VectorOps {
  add(a: Wat, b: Wat): Wat;
  sub(a: Wat, b: Wat): Wat;
  mul(a: Wat, b: Wat): Wat;
  div(a: Wat, b: Wat): Wat;
  sqrt(a: Wat): Wat;
  neg(a: Wat): Wat;
  abs(a: Wat): Wat;
  max(a: Wat, b: Wat): Wat;
  eq(a: Wat, b: Wat): Wat;
  ne(a: Wat, b: Wat): Wat;
  lt(a: Wat, b: Wat): Wat;
  le(a: Wat, b: Wat): Wat;
  gt(a: Wat, b: Wat): Wat;
  ge(a: Wat, b: Wat): Wat;
  splat(a: Wat): Wat;
}

export interface ScalarOps {
  const(x: number): Wat;
  add(a: Wat, b: Wat): Wat;
  mul(a: Wat, b: Wat): Wat;
  gt(a: Wat, b: Wat): Wat;
  ne(a: Wat, b: Wat): Wat;
  load(address: Wat): Wat;
  store(offset: number, address: Wat, value: Wat): Wat;
}

function lanes(scalar: 'f32' | 'f64'): Lanes {
  const f32 = scalar === 'f32';
  const shape = f32 ? 'f32x4' : 'f64x2';
  const vector = (name: string) => vop(`${shape}.${name}`);
  const v: VectorOps = {
    add: vector('add'),
    sub: vector('sub'),
    mul: vector('mul'),
    div: vector('div'),
    sqrt: vector('sqrt'),
    neg: vector('neg'),
    abs: vector('abs'),
    max: vector('max'),
    eq: vector('eq'),
    ne: vector('ne'),
    lt: vector('lt'),
    le: vector('le'),
    gt: vector('gt'),
    ge: vector('ge'),
    splat: vector('splat'),
  };
  const s: ScalarOps = {
    const: (x) => sx(`${scalar}.const`, x === Number.NEGATIVE_INFINITY ? '-inf' : String(x)),
    add: vop(`${scalar}.add`),
    mul: vop(`${scalar}.mul`),
    gt: vop(`${scalar}.gt`),
    ne: vop(`${scalar}.ne`),
    load: vop(`${scalar}.load`),
    store: (offset, address, value) =>
      offset === 0
        ? sx(`${scalar}.store`, address, value)
        : sx(`${scalar}.store offset=${offset}`, address, value),
  };
  return {
    scalar,
    shape,
    lanes: f32 ? 4 : 2,
    bytes: f32 ? 4 : 8,
    shift: f32 ? 2 : 3,
    int: f32 ? 'i32' : 'i64',
    v,
    s,
    splatLoad: (address, offset = 0) => (f32 ? v128.load32Splat : v128.load64Splat)(offset, address),
    constant: f32 ? v128.f32x4 : v128.f64x2,
    canonicalNaN: f32 ? v128.i32x4(0x7fc00000) : v128.i64x2('0x7ff8000000000000'),
    storeLane: (lane, offset, address, value) => v128.storeLane(f32 ? 32 : 64, lane, offset, address, value),
  };
}

export const F32: Lanes = lanes('f32');
export const F64: Lanes = lanes('f64');
/** Both element types, in the order their kernels appear in the module. */
export const ELEMENT_TYPES: readonly Lanes[] = [F32, F64];
