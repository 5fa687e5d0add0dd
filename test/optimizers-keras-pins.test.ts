/**
 * The H8 features' results are part of the contract: short float32 runs of Adamax, Adadelta, Lion,
 * Ftrl, globalClipnorm, grouped and causal convolutions with ActivityRegularization
 * (test/fixtures/optimizers-keras/hashes.ts) give the same hashes in this process and in a fresh
 * one, on the js and wasm backends, and the pinned ones — a change of any bit is visible here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { computeHashes } from './fixtures/optimizers-keras/hashes.js';
import { runTsx } from './helpers/run-tsx.js';

const PINNED: Record<string, string> = {
  adamax: 'f76260b47ec5f53284695d6f38fa2923606a7f566d928095cf172d2fdba95fe4',
  adadelta: '98167c89a0fc044be4bb30fc0d3e5c4b52dcd5a9c129ca68eb3954dfe84c0f4d',
  lion: '123228212122420e6c04fdcfaa3d1f6bfaa431ea5726fbb43671ee29ec7b2c3a',
  ftrl: 'd81bd036d060aec06419e7bc2557d5f1e5d1d19dbcbf4e67013f6f6a83f5820e',
  sgdGlobalClipnorm: 'a6f70304020378c352970999b81f877c64ee9c89f1ccdd02c8bb26693aa29ef6',
  conv1dGroupsCausal: 'a8194ee79c2d24d5a7973b04cee90e6eeb9e2b82fc6a87680aaa3a01a0e00b93',
  conv2dGroups: 'b8ada594d0ae23012dd8bc1a150c245e52e55dbf807f9a745e4bcc09b4b45188',
};

describe('H8 pins', () => {
  const initial = getBackend().name;
  afterEach(() => setBackend(initial));

  it('the same hashes in this process, in a fresh process, and as pinned', async () => {
    const here = await computeHashes();
    const there = JSON.parse(await runTsx('test/fixtures/optimizers-keras/hashes.ts')) as Record<
      string,
      string
    >;
    expect(there).toEqual(here);
    expect(here).toEqual(PINNED);
  }, 60_000);

  it('the same hashes on the js and the wasm backend', async () => {
    registerWasmBackend();
    setBackend('js');
    const js = await computeHashes();
    setBackend('wasm');
    expect(await computeHashes()).toEqual(js);
  });
});
