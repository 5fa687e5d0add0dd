/**
 * A Web Worker that fits the tutorial network: the very `fitTutorial` the command line, the demo and
 * the tests run, with repeat i of experiment seed s trained with `repeatSeed(s, i)` as `ditto run`
 * does — so every run here has the same weights hash as in Node.
 */
import { setBackend } from '../../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../../packages/ditto/src/backend/wasm/register.js';
import type { Callback } from '../../packages/ditto/src/callbacks/callback.js';
import { Sequential } from '../../packages/ditto/src/models/sequential.js';
import { repeatSeed } from '../../packages/ditto/src/tutorial/repeat-seed.js';
import { fitTutorial } from '../../packages/ditto/src/tutorial/tutorial.js';
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
  const seed = repeatSeed(BigInt(job.experimentSeed), job.repeat);
  // The audit hook sees every fit in this worker (one at a time): live curves without touching
  // the fit itself — callbacks only observe, so the bits are those of fitTutorial anywhere else.
  const progress = progressCallback(job);
  Sequential.auditCallbacks.add(progress);
  try {
    const result = await fitTutorial({
      hiddenUnits: job.hiddenUnits,
      epochs: job.epochs,
      optimizer: job.optimizer,
      learningRate: job.learningRate,
      seed,
    });
    return { type: 'result', runId: job.runId, repeat: job.repeat, seed: String(seed), backend, ...result };
  } finally {
    Sequential.auditCallbacks.delete(progress);
  }
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
