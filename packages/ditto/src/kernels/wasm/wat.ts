/**
 * A small builder of WebAssembly text: each function returns one S-expression, so a kernel is
 * written as TypeScript calls (loops and per-type variants are ordinary TypeScript) and the module
 * comes out as text for wabt. It knows nothing about kernels; `lanes.ts` adds the typed vector ops.
 *
 * Only instructions that exist in the fixed-width SIMD proposal can be named through it; relaxed
 * SIMD is refused again by the assembler (build-wasm.ts turns that feature off).
 */

/** A piece of WebAssembly text: one instruction (folded) or one declaration. */
export type Wat = string;
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

/** `(head arg arg …)`. */
export function sx(head: string, ...args: (Wat | number)[]): Wat {
  return args.length === 0 ? `(${head})` : `(${head} ${args.join(' ')})`;
}

/** An instruction taking folded operands: `op('f32x4.add')(a, b)`. */
const op =
  (name: string) =>
  (...args: Wat[]): Wat =>
    sx(name, ...args);

/** A memory instruction with an optional constant byte offset. */
const mem =
  (name: string) =>
  (address: Wat, ...rest: Wat[]): Wat =>
    sx(name, address, ...rest);
const memAt =
  (name: string) =>
  (offset: number, address: Wat, ...rest: Wat[]): Wat =>
    offset === 0 ? sx(name, address, ...rest) : sx(`${name} offset=${offset}`, address, ...rest);

// ---- locals, calls, control --------------------------------------------------------------------

export const get = (name: string): Wat => sx('local.get', `$${name}`);
export const set = (name: string, value: Wat): Wat => sx('local.set', `$${name}`, value);
export const tee = (name: string, value: Wat): Wat => sx('local.tee', `$${name}`, value);
export const global = (name: string): Wat => sx('global.get', `$${name}`);
export const call = (fn: string, ...args: Wat[]): Wat => sx('call', `$${fn}`, ...args);
export const ret = (value?: Wat): Wat => (value === undefined ? '(return)' : sx('return', value));
export const br = (label: string): Wat => sx('br', `$${label}`);
export const brIf = (label: string, condition: Wat): Wat => sx('br_if', `$${label}`, condition);
export const select = (ifTrue: Wat, ifFalse: Wat, condition: Wat): Wat =>
  sx('select', ifTrue, ifFalse, condition);
export const block = (label: string, ...body: Wat[]): Wat => sx('block', `$${label}`, ...body);
export const loop = (label: string, ...body: Wat[]): Wat => sx('loop', `$${label}`, ...body);

/** `if` without a result; `otherwise` adds an else arm. */
export function when(condition: Wat, then: Wat[], otherwise?: Wat[]): Wat {
  const arms = [sx('then', ...then)];
  if (otherwise) arms.push(sx('else', ...otherwise));
  return sx('if', condition, ...arms);
}

/** `if` with a result of `type`. */
export const choose = (type: ValType, condition: Wat, then: Wat, otherwise: Wat): Wat =>
  sx('if', `(result ${type})`, condition, sx('then', then), sx('else', otherwise));

/**
 * `while (!exit) body`: a loop that tests its exit condition first —
 * `(block $L_done (loop $L (br_if $L_done exit) body… (br $L)))`.
 */
export function until(label: string, exit: Wat, ...body: Wat[]): Wat {
  return block(`${label}_done`, loop(label, brIf(`${label}_done`, exit), ...body, br(label)));
}

/** `do body while (again)`: `(loop $L body… (br_if $L again))`. */
export const repeat = (label: string, body: Wat[], again: Wat): Wat =>
  loop(label, ...body, brIf(label, again));

/**
 * A jump table: `targets[index]` names the case to run (the last target is also the default);
 * `cases` are run in this order by falling out of nested blocks, the first case innermost. Each
 * case's body must end by leaving (return, br) unless falling into the next case is meant; the
 * last case's body is what follows the table.
 */
export function jumpTable(index: Wat, targets: string[], cases: { label: string; body: Wat[] }[]): Wat[] {
  let inner = sx('br_table', ...targets.map((t) => `$${t}`), index);
  for (let c = 0; c < cases.length - 1; c++)
    inner = [block(cases[c].label, inner), ...cases[c].body].join(' ');
  const last = cases[cases.length - 1];
  return [block(last.label, inner), ...last.body];
}

// ---- numeric instructions ----------------------------------------------------------------------

const intOps = (t: 'i32' | 'i64') => ({
  const: (n: number | bigint | string): Wat => sx(`${t}.const`, String(n)),
  add: op(`${t}.add`),
  sub: op(`${t}.sub`),
  mul: op(`${t}.mul`),
  divU: op(`${t}.div_u`),
  and: op(`${t}.and`),
  or: op(`${t}.or`),
  shl: op(`${t}.shl`),
  shrS: op(`${t}.shr_s`),
  eq: op(`${t}.eq`),
  eqz: op(`${t}.eqz`),
  ltS: op(`${t}.lt_s`),
  ltU: op(`${t}.lt_u`),
  leS: op(`${t}.le_s`),
  leU: op(`${t}.le_u`),
  gtS: op(`${t}.gt_s`),
  gtU: op(`${t}.gt_u`),
  geS: op(`${t}.ge_s`),
  geU: op(`${t}.ge_u`),
  load: memAt(`${t}.load`),
  store: memAt(`${t}.store`),
});
export const i32 = intOps('i32');
export const i64 = intOps('i64');

/** A float literal as wabt reads it: JavaScript's shortest round-trip decimal, or ±inf. */
export function floatLiteral(x: number): string {
  if (Number.isNaN(x)) throw new Error('floatLiteral: NaN has no single literal; use bit patterns');
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

export const v128 = {
  load: memAt('v128.load'),
  store: memAt('v128.store'),
  load32Splat: memAt('v128.load32_splat'),
  load64Splat: memAt('v128.load64_splat'),
  load64Zero: mem('v128.load64_zero'),
  /** `v128.storeN_lane lane` at `address + offset`. */
  storeLane: (bits: 32 | 64, lane: number, offset: number, address: Wat, value: Wat): Wat =>
    sx(`v128.store${bits}_lane${offset === 0 ? '' : ` offset=${offset}`} ${lane}`, address, value),
  bitselect: op('v128.bitselect'),
  and: op('v128.and'),
  or: op('v128.or'),
  not: op('v128.not'),
  andnot: op('v128.andnot'),
  anyTrue: op('v128.any_true'),
  /** The same i32 in all four lanes (bit patterns). */
  i32x4: (bits: number): Wat => sx('v128.const i32x4', bits, bits, bits, bits),
  /** The same i64 in both lanes, written in hex (bit patterns). */
  i64x2: (hex: string): Wat => sx('v128.const i64x2', hex, hex),
  f32x4: (x: number): Wat => sx('v128.const f32x4', ...Array(4).fill(floatLiteral(x))),
  f64x2: (x: number): Wat => sx('v128.const f64x2', floatLiteral(x), floatLiteral(x)),
};

/** Integer lane ops the elementary functions use on f64x2 bit patterns. */
export const i64x2 = {
  shl: op('i64x2.shl'),
  shrU: op('i64x2.shr_u'),
  sub: op('i64x2.sub'),
  gtS: op('i64x2.gt_s'),
  allTrue: op('i64x2.all_true'),
};
export const i8x16Shuffle = (lanes: number[], a: Wat, b: Wat): Wat => sx('i8x16.shuffle', ...lanes, a, b);

// ---- declarations ------------------------------------------------------------------------------

export interface FuncSpec {
  name: string;
  /** Export name, if exported. */
  exportAs?: string;
  params?: Record<string, ValType>;
  result?: ValType;
  locals?: Record<string, ValType>;
  body: Wat[];
}

export function func(spec: FuncSpec): Wat {
  const head = [`$${spec.name}`];
  if (spec.exportAs) head.push(`(export "${spec.exportAs}")`);
  for (const [name, type] of Object.entries(spec.params ?? {})) head.push(`(param $${name} ${type})`);
  if (spec.result) head.push(`(result ${spec.result})`);
  for (const [name, type] of Object.entries(spec.locals ?? {})) head.push(`(local $${name} ${type})`);
  return sx('func', ...head, ...spec.body);
}
