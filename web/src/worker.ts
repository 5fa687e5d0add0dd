/**
 * A Web Worker that fits the tutorial network: the very `fitTutorial` the command line, the demo and
 * the tests run, so a seeded fit here has the same weights hash as in Node.
 */

import { setBackend } from '../../src/backend/registry.js';
import { registerWasmBackend } from '../../src/backend/wasm/register.js';
import type { Callback } from '../../src/callbacks/callback.js';
import { getSeed, restoreSeedState, seedWasDrawn } from '../../src/random/index.js';
import { repeatSeed } from '../../src/tutorial/repeat-seed.js';
import { fitTutorial, type TutorialOptions } from '../../src/tutorial/tutorial.js';
import type { FitJob, WorkerReply } from './protocol.js';

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<FitJob>) => void) | null;
  postMessage(message: WorkerReply): void;
};

let wasmAvailable: boolean | undefined;

function useBackend(name: 'js' | 'wasm'): string {
  if (name === 'wasm') {
    wasmAvailable ??= (() => {
      try {
        return registerWasmBackend();
      } catch {
        return false;
      }
    })();
    if (wasmAvailable) {
      setBackend('wasm');
      return 'wasm';
    }
  }
  setBackend('js');
  return 'js';
}

/** Streams each epoch's loss to the page, batched to at most one message per ~100 ms. */
function progressCallback(job: FitJob): Callback {
  let pending: number[] = [];
  let from = 0;
  let last = performance.now();
  return {
    onEpochEnd(epoch, logs) {
      if (pending.length === 0) from = epoch;
      pending.push(logs.loss);
      const now = performance.now();
      if (now - last >= 100 || epoch === job.epochs - 1) {
        scope.postMessage({ type: 'progress', runId: job.runId, repeat: job.repeat, from, losses: pending });
        pending = [];
        last = now;
      }
    },
  };
}

async function fitJob(job: FitJob): Promise<WorkerReply> {
  const backend = useBackend(job.backend);
  // `callbacks` reaches fit where fitTutorial forwards it (live curves); it never changes results.
  const options = {
    hiddenUnits: job.hiddenUnits,
    epochs: job.epochs,
    optimizer: job.optimizer,
    learningRate: job.learningRate,
    callbacks: [progressCallback(job)],
  } as TutorialOptions;
  if (job.experimentSeed !== undefined) {
    const seed = repeatSeed(BigInt(job.experimentSeed), job.repeat);
    const result = await fitTutorial({ ...options, seed });
    return {
      type: 'result',
      runId: job.runId,
      repeat: job.repeat,
      seed: String(seed),
      drawn: false,
      backend,
      ...result,
    };
  }
  // No seed: start from the unseeded state, as a fresh script would; ditto draws a seed from
  // crypto.getRandomValues and records it, so this run can be replayed too.
  restoreSeedState({ seed: undefined, drawn: false, counter: 0 });
  const result = await fitTutorial(options);
  const seed = String(getSeed());
  return {
    type: 'result',
    runId: job.runId,
    repeat: job.repeat,
    seed,
    drawn: seedWasDrawn(),
    backend,
    ...result,
  };
}

scope.onmessage = (event) => {
  const job = event.data;
  fitJob(job).then(
    (reply) => scope.postMessage(reply),
    (error: unknown) =>
      scope.postMessage({
        type: 'error',
        runId: job.runId,
        repeat: job.repeat,
        message: error instanceof Error ? error.message : String(error),
      }),
  );
};
