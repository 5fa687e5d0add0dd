import type { ModelFileOptions } from '../io/format.js';
import type { Model } from '../models/model.js';
import { checkBoolean, checkNonEmptyString, checkOptions, describe, optionNames } from '../validate/index.js';
import type { Callback, TrainingModel } from './callback.js';

export interface ModelCheckpointOptions {
  /**
   * When to save: 'epoch', after every epoch (the default and, for now, the only choice: a file
   * written in the middle of an epoch could not resume bit for bit).
   */
  saveFreq?: 'epoch';
  /** Keep the training state in the file, so `fit` resumes bit for bit (default true). */
  trainingState?: boolean;
}

const MODEL_CHECKPOINT_OPTIONS = optionNames<ModelCheckpointOptions>({ saveFreq: true, trainingState: true });

/**
 * Saves the model during `fit`, as Keras's `ModelCheckpoint`: after every epoch to `path`, where
 * `{epoch}` is replaced by the epoch number counted from 1 (Keras's convention). Files are written atomically and, by default, hold the training state:
 * `loadModel(path)` then `fit(x, y, { epochs })` continues the run with the bits of an
 * uninterrupted one. Needs a file system for model files (Node: import from 'ditto-node').
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 10, callbacks: [new ModelCheckpoint('run.safetensors')] });
 * // after a crash, in a new process:
 * const resumed = await loadModel('run.safetensors');
 * await resumed.fit(x, y, { epochs: 10 }); // the remaining epochs
 * ```
 */
export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly saveFreq: 'epoch';
  private readonly fileOptions: ModelFileOptions;
  private model: Model | undefined;

  constructor(path: string, options: ModelCheckpointOptions = {}) {
    checkNonEmptyString('ModelCheckpoint', 'path', path);
    checkOptions('ModelCheckpoint', options, MODEL_CHECKPOINT_OPTIONS);
    const saveFreq = options.saveFreq ?? 'epoch';
    if (saveFreq !== 'epoch') {
      throw new RangeError(
        `ModelCheckpoint: saveFreq must be 'epoch' (a file written inside an epoch could not resume bit for bit), got ${describe(saveFreq)}`,
      );
    }
    if (options.trainingState !== undefined)
      checkBoolean('ModelCheckpoint', 'trainingState', options.trainingState);
    this.path = path;
    this.saveFreq = saveFreq;
    this.fileOptions = { trainingState: options.trainingState ?? true };
  }

  setModel(model: TrainingModel): void {
    const candidate = model as Partial<Model>;
    if (typeof candidate.save !== 'function') {
      throw new TypeError('ModelCheckpoint: the model being trained has no save(path) method');
    }
    this.model = model as Model;
  }

  async onEpochEnd(epoch: number): Promise<void> {
    await this.write(epoch);
  }

  /** The file for this epoch (0-based): `{epoch}` becomes epoch + 1. */
  fileFor(epoch: number): string {
    return this.path.replaceAll('{epoch}', String(epoch + 1));
  }

  private async write(epoch: number): Promise<void> {
    if (!this.model) throw new Error('ModelCheckpoint: fit did not give the callback its model');
    await this.model.save(this.fileFor(epoch), this.fileOptions);
  }
}
