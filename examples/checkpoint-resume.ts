/**
 * Checkpoint, crash, resume — and reach the same bits as a run that was never interrupted.
 *
 * A small network with Dropout trains for 10 shuffled epochs. One process trains it with a
 * ModelCheckpoint (saved after every epoch, with the training state) and is killed (SIGKILL) after
 * epoch 4; a new process loads the checkpoint and trains the remaining 6 epochs. Its final weights
 * hash equals that of the same training run in one go.
 *
 * Run: node --conditions=ditto-source --import tsx examples/checkpoint-resume.ts
 * (modes used by the walkthrough and its test: `train <dir> [optimizers]`, `resume <dir> [optimizers]`)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dense, Dropout, loadModel, ModelCheckpoint, Sequential, setSeed } from 'ditto-node';

export const EPOCHS = 10;
/** The epochs the first process completes before it is killed. */
export const EPOCHS_BEFORE_KILL = 4;
export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'nadam'] as const;

/** 48 samples of y = 2·x₀ − x₁ + x₂/2 on a fixed grid (no random draws outside ditto). */
export function data(): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: 48 }, (_, i) => [(i % 8) / 8, (i % 5) / 5, (i % 3) / 3]);
  return { x, y: x.map(([a, b, c]) => [2 * a - b + c / 2]) };
}

/** The network, seeded: the same initial weights, dropout masks and shuffles in every process. */
export function buildModel(optimizer: string): Sequential {
  setSeed(2024);
  const model = new Sequential([
    new Dense(8, { inputDim: 3, activation: 'relu' }),
    new Dropout(0.25),
    new Dense(1),
  ]);
  model.compile({ loss: 'mse', optimizer, metrics: ['mae'] });
  return model;
}

const fitOptions = { epochs: EPOCHS, batchSize: 8, shuffle: true, verbose: 0 } as const;

/** Ten epochs in one go: the reference hash. */
export async function uninterrupted(optimizer: string): Promise<string> {
  const { x, y } = data();
  const model = buildModel(optimizer);
  await model.fit(x, y, fitOptions);
  return model.weightsHash();
}

export const checkpointPath = (dir: string, optimizer: string) => join(dir, `${optimizer}.safetensors`);

/**
 * Trains each optimizer's model with a checkpoint after every epoch and abandons it after epoch 4;
 * the last one is not abandoned but killed: the process dies with SIGKILL, as in a crash.
 */
async function trainUntilKilled(dir: string, optimizers: readonly string[]): Promise<void> {
  const { x, y } = data();
  for (const [i, optimizer] of optimizers.entries()) {
    const model = buildModel(optimizer);
    const last = i === optimizers.length - 1;
    const crash = {
      onEpochEnd(epoch: number) {
        if (epoch + 1 < EPOCHS_BEFORE_KILL) return;
        if (last) process.kill(process.pid, 'SIGKILL');
        model.stopTraining = true;
      },
    };
    const checkpoint = new ModelCheckpoint(checkpointPath(dir, optimizer), { saveFreq: 'epoch' });
    await model.fit(x, y, { ...fitOptions, callbacks: [checkpoint, crash] });
  }
}

/** Loads each checkpoint and trains the remaining epochs; returns the final hashes. */
export async function resume(dir: string, optimizers: readonly string[]): Promise<Record<string, string>> {
  const { x, y } = data();
  const hashes: Record<string, string> = {};
  for (const optimizer of optimizers) {
    const model = await loadModel(checkpointPath(dir, optimizer));
    await model.fit(x, y, fitOptions); // continues at the saved epoch (4) with the saved keys and slots
    hashes[optimizer] = model.weightsHash();
  }
  return hashes;
}

async function walkthrough(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const node = [...process.execArgv, self];
  const dir = mkdtempSync(join(tmpdir(), 'ditto-checkpoint-'));
  try {
    const killed = spawnSync(process.execPath, [...node, 'train', dir, 'adam'], { stdio: 'inherit' });
    console.log(
      `training process ended by ${killed.signal ?? `exit code ${killed.status}`} after epoch ${EPOCHS_BEFORE_KILL}`,
    );
    const resumed = JSON.parse(
      execFileSync(process.execPath, [...node, 'resume', dir, 'adam'], { encoding: 'utf8' }),
    );
    const reference = await uninterrupted('adam');
    console.log(`resumed in a new process: ${resumed.adam}`);
    console.log(`never interrupted:        ${reference}`);
    console.log(resumed.adam === reference ? 'the same bits' : 'DIFFERENT — a bug in ditto');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [mode, dir, list] = process.argv.slice(2);
  const optimizers = list ? list.split(',') : [...OPTIMIZERS];
  if (mode === 'train') await trainUntilKilled(dir, optimizers);
  else if (mode === 'resume') console.log(JSON.stringify(await resume(dir, optimizers)));
  else await walkthrough();
}
