/**
 * Model files on disk (`loadModel(path)` from 'ditto' reads through the file system registered here): atomic writes (a temporary file beside the target, written, fsynced, renamed
 * over it, then the directory fsynced), so a crash or a kill never leaves a half-written model.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ModelFileOptions, type ModelFileSystem, type Sequential, setModelFileSystem } from 'ditto';

/** Writes bytes to path atomically: readers see the old file or the new one, never a part. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => {});
    throw new Error(`saving '${path}': ${(error as Error).message}`, { cause: error });
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw new Error(`saving '${path}': ${(error as Error).message}`, { cause: error });
  }
  // The rename is durable once the directory entry is (not every platform can open a directory).
  const directory = await open(dirname(path), 'r').catch(() => undefined);
  if (directory) {
    await directory.sync().catch(() => {});
    await directory.close();
  }
}

/** Node's file system for model files: atomic writes, whole-file reads with errors naming the path. */
export const nodeModelFileSystem: ModelFileSystem = {
  write: writeFileAtomic,
  async read(path: string): Promise<Uint8Array> {
    try {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw new Error(`loadModel: cannot read '${path}': ${(error as Error).message}`, { cause: error });
    }
  },
};

/** Makes `model.save(path)`, `loadModel(path)` and `ModelCheckpoint` use Node's file system. */
export function registerNodeModelFiles(): void {
  setModelFileSystem(nodeModelFileSystem);
}

/**
 * Saves a model to a ditto model file, atomically (the same as `model.save(path)`).
 *
 * @example
 * ```ts
 * await saveModel(model, 'model.safetensors');
 * ```
 */
export async function saveModel(
  model: Sequential,
  path: string,
  options: ModelFileOptions = {},
): Promise<void> {
  await writeFileAtomic(path, model.toBytes(options));
}
