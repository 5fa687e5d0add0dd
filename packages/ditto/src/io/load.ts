/** `loadModel`: a model from a file's bytes, or from a path through the registered file system. */
import type { Model } from '../models/model.js';
import type { Sequential } from '../models/sequential.js';
import { modelFromBytes } from './decode.js';
import { modelFileSystem } from './file-system.js';

/**
 * Loads a ditto model file (verified before use): from its bytes anywhere, or from a path where a
 * file system is registered (Node, through 'ditto-node'). Sequential or functional, as saved; the
 * type parameter says which the caller expects (Sequential unless given).
 *
 * @throws ModelFileError naming what is wrong with the file (which tensor, which field).
 * @example
 * ```ts
 * const model = await loadModel('model.safetensors'); // Node
 * const same = await loadModel(model.toBytes());      // anywhere
 * const graph = await loadModel<Model>('two-heads.safetensors'); // a functional model's file
 * ```
 */
export async function loadModel<M extends Model = Sequential>(source: string | Uint8Array): Promise<M> {
  if (typeof source === 'string') return modelFromBytes<M>(await modelFileSystem('loadModel').read(source));
  if (source instanceof Uint8Array) return modelFromBytes<M>(source);
  throw new TypeError(`loadModel: expected a path or a Uint8Array of a model file, got ${typeof source}`);
}
