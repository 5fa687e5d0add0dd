/**
 * The committed module bytes (src/backend/wasm/kernels.wasm.ts) must be exactly what the kernel
 * definitions (src/kernels/wasm/) generate and wabt assembles, and the generated text must stay
 * within the determinism rules: fixed-width SIMD only, nothing relaxed, no fused multiply-add.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assemble,
  EXPORTS_PATH,
  loadWabt,
  OUTPUT_PATH,
  renderBytesModule,
  renderExportsModule,
} from '../packages/ditto/scripts/build-wasm.js';
import { kernelBytes, sharedKernelBytes } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import { BINARY_OP_ORDER, UNARY_CODES, UNARY_OP_ORDER } from '../packages/ditto/src/kernels/op-codes.js';
import * as constantsModule from '../packages/ditto/src/kernels/wasm/elementary-constants.js';
import {
  kernelExports,
  kernelModuleText,
  MAX_SCRATCH_SLOTS,
  SHARED_MEMORY_MAX_PAGES,
} from '../packages/ditto/src/kernels/wasm/module.js';
import { SCRATCH_BYTES } from '../packages/ditto/src/kernels/wasm/scratch.js';
import { UNARY_OPS } from '../packages/ditto/src/numeric/elementwise.js';
import { missing } from './helpers/requirements.js';

const wat = kernelModuleText();
/** The port's constants by name (a plain record, looked up by the reference's names below). */
const constants: Record<string, unknown> = { ...constantsModule };
const numericDir = resolve(import.meta.dirname, '../packages/ditto/src/numeric');
// The assembler is a dev dependency; without it (e.g. a production install) these checks are skipped,
// except under CI, where its absence fails.
const wabt = await loadWabt();
const noWabt = missing('wabt', wabt !== undefined, 'npm ci (wabt is a dev dependency)');

describe('wasm kernel source', () => {
  it('uses no relaxed-SIMD or fused multiply-add instruction', () => {
    const code = wat.replace(/;;.*$/gm, ''); // comments may name what is avoided
    expect(code).not.toMatch(/relaxed|madd|nmadd|fma/);
  });

  it('the op-code table lists every op exactly once', () => {
    expect([...UNARY_OP_ORDER].sort()).toEqual([...UNARY_OPS].sort());
    expect(new Set(UNARY_OP_ORDER).size).toBe(UNARY_OP_ORDER.length);
    expect([...BINARY_OP_ORDER].sort()).toEqual(['add', 'div', 'maximum', 'minimum', 'mul', 'sub']);
  });

  it('decodes to a valid module', () => {
    expect(WebAssembly.validate(kernelBytes())).toBe(true);
  });

  it('kernel-exports.ts declares exactly the functions the module exports, with their arity', () => {
    expect(readFileSync(EXPORTS_PATH, 'utf8')).toBe(renderExportsModule(kernelExports(wat)));
    const module = new WebAssembly.Module(kernelBytes());
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
    const declared = kernelExports(wat);
    expect(declared.map((e) => e.name).sort()).toEqual(functions.map((e) => e.name).sort());
    const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MEMORY_MAX_PAGES });
    const instance = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, unknown>;
    for (const e of declared) expect((instance[e.name] as () => void).length, e.name).toBe(e.params.length);
    // Every kernel has both element types, except the float32-only Adam and the float64 test hook.
    const names = declared.map((e) => e.name);
    for (const name of names.filter((n) => n.endsWith('_f32') && n !== 'adam_f32'))
      expect(names, name).toContain(name.replace(/_f32$/, '_f64'));
  });
});

describe('one module for one thread and for threads over a shared memory', () => {
  it('imports its memory unshared with a maximum; the shared form differs in that one flag', () => {
    expect(wat).toContain(`(import "env" "memory" (memory $memory 1 ${SHARED_MEMORY_MAX_PAGES}))`);
    expect(wat).toContain(`(global $heap_base (export "heap_base") (mut i32) (i32.const ${SCRATCH_BYTES}))`);
    // The one-flag difference itself: backend-wasm-resident.test.ts. Each form takes only its memory.
    const plain = kernelBytes();
    const shared = sharedKernelBytes();
    const ordinary = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MEMORY_MAX_PAGES });
    const sharedMemory = new WebAssembly.Memory({
      initial: 1,
      maximum: SHARED_MEMORY_MAX_PAGES,
      shared: true,
    });
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(plain), { env: { memory: sharedMemory } }),
    ).toThrow();
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory: ordinary } }),
    ).toThrow();
  });

  it('places the scratch of each instance over one shared memory in its own slot', () => {
    const module = new WebAssembly.Module(sharedKernelBytes());
    const memory = new WebAssembly.Memory({ initial: 17, maximum: SHARED_MEMORY_MAX_PAGES, shared: true });
    const instance = () =>
      new WebAssembly.Instance(module, { env: { memory } }).exports as Record<
        string,
        (...a: number[]) => void
      >;
    // A float32 tanh of 5 elements takes its fifth through the promoted chunk (scratch at slot + 1024).
    const [a, b] = [instance(), instance()];
    a.set_scratch_base(0);
    b.set_scratch_base(SCRATCH_BYTES);
    const f = new Float32Array(memory.buffer);
    const x = SCRATCH_BYTES * MAX_SCRATCH_SLOTS;
    f.set([0.5, -1, 2, 3, -0.25], x / 4);
    b.unary_f32(UNARY_CODES.tanh, x, x + 64, 5, 0);
    // The chunk of b's slot holds the fifth element's tanh in double; a's slot was not touched.
    const d = new Float64Array(memory.buffer);
    expect(d[(SCRATCH_BYTES + 1024) / 8]).toBeCloseTo(Math.tanh(-0.25), 12);
    expect(d[1024 / 8]).toBe(0);
  });
});

describe.skipIf(noWabt)('wasm kernel build (wabt)', () => {
  it('the committed kernels.wasm.ts is what the kernel definitions generate', () => {
    const bytes = assemble(wabt!, wat);
    expect(Buffer.from(kernelBytes()).equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(OUTPUT_PATH, 'utf8')).toBe(renderBytesModule(bytes));
  });

  it('refuses relaxed SIMD at assembly time', () => {
    const relaxed =
      '(module (func (param v128 v128 v128) (result v128)' +
      ' (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))';
    expect(() => assemble(wabt!, relaxed)).toThrow();
  });
});

/** f64 literals of WebAssembly text: decimal, or inf / nan, as JavaScript numbers. */
function watNumber(literal: string): number {
  if (/^[+-]?inf$/.test(literal)) return literal.startsWith('-') ? -Infinity : Infinity;
  return Number(literal);
}

/** Every f64 literal (f64.const x and v128.const f64x2 x y) in a piece of WebAssembly text. */
function f64Literals(text: string): string[] {
  const code = text.replace(/;;.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/\(f64\.const\s+([^\s()]+)\)/g)) out.push(m[1]);
  for (const m of code.matchAll(/\(v128\.const f64x2\s+([^\s()]+)\s+([^\s()]+)\)/g)) out.push(m[1], m[2]);
  return out;
}

/** The text of one function of the generated module (one function per line). */
function watFunction(name: string): string {
  const line = wat.split('\n').find((l) => l.trimStart().startsWith(`(func $${name} `));
  if (!line) throw new Error(`no function $${name}`);
  return line;
}

/** `const NAME = literal` and `const NAME = [literals]` of a TypeScript source, as numbers. */
function tsConstants(path: string): Map<string, number | number[]> {
  const source = readFileSync(path, 'utf8');
  const out = new Map<string, number | number[]>();
  for (const m of source.matchAll(/^const ([A-Z][A-Z0-9_]*) = (-?[0-9][0-9.e+-]*);/gm))
    out.set(m[1], Number(m[2]));
  for (const m of source.matchAll(/^const ([A-Z][A-Z0-9_]*) = \[([^\]]*)\];/gm)) {
    out.set(
      m[1],
      m[2]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number),
    );
  }
  return out;
}

describe('the constants of the elementary functions in the kernel module', () => {
  const elementary = tsConstants(resolve(numericDir, 'elementary.ts'));
  const elementwise = tsConstants(resolve(numericDir, 'elementwise.ts'));
  const num = (map: Map<string, number | number[]>, name: string): number => {
    const v = map.get(name);
    if (typeof v !== 'number') throw new Error(`no scalar constant ${name}`);
    return v;
  };
  const arr = (name: string): number[] => {
    const v = elementary.get(name);
    if (!Array.isArray(v)) throw new Error(`no array constant ${name}`);
    return v;
  };

  it.skipIf(noWabt)('wabt reads every f64 literal of the kernels as JavaScript does', async () => {
    const literals = [...new Set(f64Literals(wat))];
    expect(literals.length).toBeGreaterThan(60);
    const globals = literals.map((l, i) => `(global (export "g${i}") f64 (f64.const ${l}))`).join('\n');
    const module = new WebAssembly.Module(assemble(wabt!, `(module ${globals})`) as Uint8Array<ArrayBuffer>);
    const exports = new WebAssembly.Instance(module, {}).exports as Record<string, WebAssembly.Global>;
    literals.forEach((l, i) => {
      expect(Object.is(exports[`g${i}`].value, watNumber(l)), `literal ${l}`).toBe(true);
    });
  });

  it('exp and expm1 use Q0…Q9 in the reference order, log uses T0…T6', () => {
    const q = Array.from({ length: 10 }, (_, i) => num(elementary, `Q${i}`));
    // each coefficient appears once per f64x2 (two equal lanes): keep every other literal
    for (const name of ['exp_v', 'expm1_v']) {
      const literals = f64Literals(watFunction(name)).map(watNumber);
      expect(
        literals.filter((v, i) => i % 2 === 0 && q.includes(v)),
        name,
      ).toEqual(q);
    }
    const t = Array.from({ length: 7 }, (_, i) => num(elementary, `T${i}`));
    const log = f64Literals(watFunction('log_v')).map(watNumber);
    expect(log.filter((v, i) => i % 2 === 0 && t.includes(v))).toEqual(t);
  });

  it('the erf polynomials are ERF_P, ERF_H1, ERF_H2, ERF_H3, highest coefficient first', () => {
    for (const name of ['ERF_P', 'ERF_H1', 'ERF_H2', 'ERF_H3']) {
      const body = f64Literals(watFunction(`poly_${name.toLowerCase()}`)).map(watNumber);
      expect(
        body.filter((_, i) => i % 2 === 0),
        name,
      ).toEqual([...arr(name)].reverse());
    }
  });

  it('elementary-constants.ts repeats the reference constants exactly', () => {
    expect(constants.Q).toEqual(Array.from({ length: 10 }, (_, i) => num(elementary, `Q${i}`)));
    expect(constants.T).toEqual(Array.from({ length: 7 }, (_, i) => num(elementary, `T${i}`)));
    for (const name of ['ERF_P', 'ERF_H1', 'ERF_H2', 'ERF_H3'] as const)
      expect(constants[name], name).toEqual(arr(name));
    for (const name of [
      'LN2_HI',
      'LN2_LO',
      'INV_LN2',
      'HALF_LN2',
      'EXP_OVERFLOW',
      'EXP_UNDERFLOW',
      'TWO_54',
      'MIN_NORMAL',
    ] as const)
      expect(Object.is(constants[name], num(elementary, name)), name).toBe(true);
    for (const name of ['SELU_ALPHA', 'SELU_SCALE', 'INV_SQRT2', 'INV_SQRT_2PI'] as const)
      expect(Object.is(constants[name], num(elementwise, name)), name).toBe(true);
    // 1.5·2^52 + 1023, the exponent-bits trick for powers of two
    expect(constants.MAGIC).toBe(1.5 * 2 ** 52 + 1023);
  });

  it('the other constants are the reference values', () => {
    const all = new Set(f64Literals(wat).map(watNumber));
    for (const name of [
      'LN2_HI',
      'LN2_LO',
      'INV_LN2',
      'HALF_LN2',
      'EXP_OVERFLOW',
      'EXP_UNDERFLOW',
      'TWO_54',
      'MIN_NORMAL',
    ]) {
      expect(all.has(num(elementary, name)), name).toBe(true);
    }
    for (const name of ['SELU_ALPHA', 'SELU_SCALE', 'INV_SQRT2', 'INV_SQRT_2PI']) {
      expect(all.has(num(elementwise, name)), name).toBe(true);
    }
    // selu's gradient multiplies by SELU_SCALE·SELU_ALPHA, which the reference computes in double.
    expect(all.has(num(elementwise, 'SELU_SCALE') * num(elementwise, 'SELU_ALPHA'))).toBe(true);
  });
});
