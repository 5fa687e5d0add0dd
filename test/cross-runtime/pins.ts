/**
 * The end-to-end hashes of the workloads (seed 1), the same on every backend, training path
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
    weights: '79ad53816b733a61d59bcdea7fe5c3ba89d0650bf9939dadf0e4ac446da11edc',
    predictions: '76e99826d6a77915ddb6d6896014e3bf31729781e92da674acd8ea7f84b59e80',
    history: '9bab6b1464d8a95cb258258727dbd22abda9ee95752b67c0906218436ba1bfb1',
  },
  softmax: {
    weights: '5784eb1a894772dc7762a882e6d967d8950024ea97b5cc90be6f6b108e940efa',
    predictions: '6001d1bffb94daad14a0037e35e34b029526d6b39d8d9bcdf8df940154d43c63',
    history: 'c9a5cacd16c2eaa6c0e3cc4117d5aaabb53a0ba11251bd608c46d8f3d35910b6',
  },
  dropout: {
    weights: '96dd6553d595856ac3ea6da853a56f15a48035a8cb0810573ad115bd34ea4715',
    predictions: '4b30f2d78791716fabf957d3017460b2270f96779bfa78bb28ba8d23284bf7db',
    history: '96cec98aa75752edaf36c9ea64b7ca434293906e14f5e75a2e4dc0c76a629da9',
  },
  functional: {
    weights: 'ebd695fa0bafa7bb0047324789609262571514f8633edd99a07ff0785bfa7cc8',
    predictions: 'bd87b5ffabffc0564c5f0837c120667ad6c7f873fec3a64586216fccaee2b9a0',
    history: 'f39b63c9ad64d75b4f40e49a333f4179f3732661ded8ca5363b6cdb32a148724',
  },
  convolutional: {
    weights: '7e2db0c2055ae82e30b2ca42f0399c6d23e498409fdffcb811c71526f26aee44',
    predictions: '9f8389db7de6558d2e12d55884e4520dae6fe8731e6d95c4e658a8b66d8db827',
    history: 'fa7adb64e1b0a57786f102164aa119102a2ae912772553a0db20158c2bc37377',
  },
};
