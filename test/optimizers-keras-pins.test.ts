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
  adamax: '0e57827255c89b6b88269a22224540af8bb597f7dc453948019482f0f7dbf7fb',
  adadelta: '65a803416d4547f0b5567a2158671ceb6268c390c411030aaab230c5bd34f9fb',
  lion: '785b8cb084ffb0bd9890c577c93730657e510353588a24f11e977b2cf35fe11f',
  ftrl: '57bf87159a3cf595455afbcc858b5261c3e125ffe91782325d9d324dc1d89aad',
  sgdGlobalClipnorm: 'fd04481c57cb7cfd58f2db6f2692638ef54b6ff518c69d6f49eb20df05098d77',
  conv1dGroupsCausal: '0948070a632d51443b11b581620fa461c1bbaa89e4a4a51abb3cf58cf071332c',
  conv2dGroups: 'edec2763e4f9a1ed518c0139a182271f5d81720b5da87111a87f5768b75914bb',
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
