/**
 * The committed module bytes (src/backend/wasm/kernels.wasm.ts) must be exactly what the source
 * (wasm/kernels.wat) assembles to, and the source must stay within the determinism rules: fixed-width
 * SIMD only, nothing relaxed, no fused multiply-add.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, loadWabt, OUTPUT_PATH, renderBytesModule, WAT_PATH } from '../scripts/build-wasm.js';
import { kernelBytes } from '../src/backend/wasm/wasm-module.js';

const wat = readFileSync(WAT_PATH, 'utf8');
// The assembler is a dev dependency; without it (e.g. a production install) these checks are skipped.
const wabt = await loadWabt();

describe('wasm kernel source', () => {
  it('uses no relaxed-SIMD or fused multiply-add instruction', () => {
    const code = wat.replace(/;;.*$/gm, ''); // comments may name what is avoided
    expect(code).not.toMatch(/relaxed|madd|nmadd|fma/);
  });

  it('decodes to a valid module', () => {
    expect(WebAssembly.validate(kernelBytes())).toBe(true);
  });
});

describe.skipIf(!wabt)('wasm kernel build (wabt)', () => {
  it('the committed kernels.wasm.ts is what wasm/kernels.wat assembles to', () => {
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
