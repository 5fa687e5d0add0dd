/**
 * The end-to-end hashes of the three workloads (seed 1), the same on every backend, training path
 * and runtime — pinned from main before the one-engine redesign (issue 10). The cross-runtime test
 * holds every runtime's report to them (test/pinned-hashes.test.ts checks the same values in process).
 * A deliberate change of numerics re-pins them in one commit, with a changelog entry.
 */
import type { WorkloadName } from './workloads.js';

export interface PinnedHashes {
  weights: string;
  predictions: string;
  history: string;
}

export const PINNED_WORKLOAD_HASHES: Readonly<Record<WorkloadName, PinnedHashes>> = {
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
};
