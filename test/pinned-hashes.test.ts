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
import { type RuntimeReport, runWorkloads, WORKLOAD_NAMES } from './cross-runtime/workloads.js';
import { tutorialFloat64Hashes } from './helpers/tutorial-float64.js';

const PINNED = {
  tutorial: {
    weights: '3046c89176ce27fb61171b4c87f8af4c498fc2655844445cec4a9ee11b3ab644',
    predictions: 'dc5e50da2b68efb54ceb4331bba1afc2301d50eef09953b4baa46ddc5ce04fa6',
    history: 'ef66dec6a75573f16cd9a9ccc49bac1c494927949aede7ebacc8b4ff03ddeeff',
  },
  softmax: {
    weights: '19bb68c6badd4bb7822dc0e8d45666c0bd2ed0e44b77519a03871fc21e744a47',
    predictions: '40c5df3854f6166ac8ec0a3de0b2079ff9e959cdc17fd1ed6472c956637f2781',
    history: 'c20751ce29325776b88061d1f4a61272135825ebc839691de1622cb8c6addcd0',
  },
  dropout: {
    weights: 'd1a314fcaebe3a96a1ca4af8c515a7fc799cc4f6aa6a984cc2d5cab3152d0f8b',
    predictions: 'f0baacb395e8a40328d66e632b2ac957f27c6d9949d8626dab93185895510b8b',
    history: '1d53fd5af95ff38c594fdef16980b656039929734e12928559dd49bc5bdf1e6a',
  },
} as const;

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
  weights: 'cd22dbe2beb39dea9df97ef22e5d059341ce7f2b5e38f8fb896dd112c41708ca',
  predictions: 'a55d4affb9865324b7d78ada5188e2a6fa22c0ebe767ed04f0869f1253000f9a',
  loss: '5e48291228de53f93b9cfae587598daa02cd9a405605882b6b98f20699a25787',
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
