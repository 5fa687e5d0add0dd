/**
 * Checkpoint and resume across processes: 10 epochs in one go equal 4 epochs, a checkpoint, a
 * SIGKILL, a load in a new process and 6 more epochs — by weights hash, with Dropout, shuffling
 * and every optimizer (examples/checkpoint-resume.ts's modes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIMIZERS, uninterrupted } from '../examples/checkpoint-resume.js';
import { ModelCheckpoint } from '../packages/ditto/src/index.js';
import { runTsx } from './helpers/run-tsx.js';

const dir = mkdtempSync(join(tmpdir(), 'ditto-checkpoint-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The uninterrupted run's hash with Adam (pinned: a change of numbers shows here). */
const ADAM_HASH = 'fbac09310b678d4361b33695a22c8ae3c113fa10da7e04ea71520b559e3cdcdc';

describe('ModelCheckpoint + loadModel in a new process', () => {
  it('resumes every optimizer to the hash of the uninterrupted run', async () => {
    const list = OPTIMIZERS.join(',');
    const killed = await runTsx('examples/checkpoint-resume.ts', ['train', dir, list]).then(
      () => 'exited',
      (error: { signal?: string }) => error.signal,
    );
    expect(killed).toBe('SIGKILL');
    const resumed = JSON.parse(await runTsx('examples/checkpoint-resume.ts', ['resume', dir, list]));
    const reference: Record<string, string> = {};
    for (const optimizer of OPTIMIZERS) reference[optimizer] = await uninterrupted(optimizer);
    expect(reference.adam).toBe(ADAM_HASH);
    expect(new Set(Object.values(reference)).size).toBe(OPTIMIZERS.length);
    expect(resumed).toEqual(reference);
  }, 120_000);

  it('checks its options and names the epoch in the path', () => {
    expect(() => new ModelCheckpoint('')).toThrow(/path/);
    expect(() => new ModelCheckpoint('m.safetensors', { saveFreq: 5 as never })).toThrow(
      /saveFreq must be 'epoch'/,
    );
    expect(() => new ModelCheckpoint('m.safetensors', { every: 1 } as never)).toThrow(/every/);
    expect(new ModelCheckpoint('run-{epoch}.safetensors').fileFor(3)).toBe('run-4.safetensors');
  });
});
