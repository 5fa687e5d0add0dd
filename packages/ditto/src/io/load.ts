/** `loadModel`: a model from a file's bytes, or from a path through the registered file system. */
import type { Sequential } from '../models/sequential.js';
import { modelFromBytes } from './decode.js';
import { modelFileSystem } from './file-system.js';

/**
 * Loads a ditto model file (verified before use): from its bytes anywhere, or from a path where a
 * file system is registered (Node, through 'ditto-node').
 *
 * @throws ModelFileError naming what is wrong with the file (which tensor, which field).
 * @example
 * ```ts
 * const model = await loadModel('model.safetensors'); // Node
 * const same = await loadModel(model.toBytes());      // anywhere
 * ```
 */
export async function loadModel(source: string | Uint8Array): Promise<Sequential> {
  if (typeof source === 'string') return modelFromBytes(await modelFileSystem('loadModel').read(source));
  if (source instanceof Uint8Array) return modelFromBytes(source);
  throw new TypeError(`loadModel: expected a path or a Uint8Array of a model file, got ${typeof source}`);
}
