/**
 * End-to-end hashes pinned from main before the one-engine redesign (issue 10): the weights,
 * predictions and per-epoch history of the three cross-runtime workloads, on every backend and
 * training path this runtime offers. The cross-runtime test shows that runtimes agree with each
 * other; these pins show that a change moving every runtime alike moves no bit either. A deliberate
 * change of numerics re-pins them in one commit, with a changelog entry.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { PINNED_WORKLOAD_HASHES } from './cross-runtime/pins.js';
import { type RuntimeReport, runWorkloads, WORKLOAD_NAMES } from './cross-runtime/workloads.js';
import { tutorialFloat64Hashes } from './helpers/tutorial-float64.js';

// One set of pins, shared with the cross-runtime test (which holds every runtime to them).
const PINNED = PINNED_WORKLOAD_HASHES;

let report: RuntimeReport;
beforeAll(async () => {
  report = await runWorkloads();
});

describe('pinned end-to-end hashes', () => {
  it('both backends took part', () => {
    expect(Object.keys(report.backends)).toEqual(expect.arrayContaining(['js', 'wasm']));
  });

  for (const workload of WORKLOAD_NAMES) {
    it(`${workload}: weights, predictions and history equal the pins on every backend and path`, () => {
      for (const [variant, results] of Object.entries(report.backends)) {
        const { weights, predictions, history } = results[workload];
        expect({ variant, weights, predictions, history }).toEqual({ variant, ...PINNED[workload] });
      }
    });
  }

  it('fitTutorial({ seed: 1 }) gives the pinned tutorial weights', () => {
    expect(report.fitTutorialHash).toBe(PINNED.tutorial.weights);
  });
});

/** The tutorial in float64, pinned from main before the one-engine redesign. */
const PINNED_TUTORIAL_FLOAT64 = {
  weights: '3330d1304672d2537597db357083af8138d3f166b9b0a80cb787ba03a00ae264',
  predictions: '4d15ccf660e96d19e4d3b335fc8c1e393a57d5e62de82964cf9a6c5f2afb9a0f',
  loss: '8995215cdb673c015513f9690cf541b24bbda3741b6b63d38cff8f8272a13fca',
} as const;

describe('pinned float64 tutorial', () => {
  for (const backend of ['js', 'wasm']) {
    it(`${backend}: the float64 tutorial's weights, predictions and losses equal the pins`, async () => {
      registerWasmBackend();
      const previous = getBackend().name;
      setBackend(backend);
      try {
        expect(await tutorialFloat64Hashes()).toEqual(PINNED_TUTORIAL_FLOAT64);
      } finally {
        setBackend(previous);
      }
    });
  }
});
