import { describe, expect, it } from 'vitest';
import { runTsx } from './helpers/run-tsx.js';

describe('the default backend', () => {
  it('the package entry selects WebAssembly SIMD where the runtime has it, with the same bits as js', async () => {
    const out = JSON.parse(await runTsx('test/fixtures/default-backend.ts'));
    expect(out).toEqual({ chosen: 'wasm', same: true });
  });
});
