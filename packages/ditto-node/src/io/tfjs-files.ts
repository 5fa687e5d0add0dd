/**
 * TensorFlow.js Layers models on disk: `saveTfjsLayers` writes the `model.json` and
 * `group1-shard1of1.bin` that `tf.loadLayersModel` reads; `loadTfjsLayers` reads such a directory
 * (saved by tf.js, by ditto or converted from Keras, with any number of shards) into a ditto model.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  fromTfjsLayers,
  type Model,
  TFJS_WEIGHTS_FILE,
  type TfjsModelSource,
  tfjsModelJson,
  toTfjsLayers,
} from 'ditto';
import { writeFileAtomic } from './model-file.js';

/**
 * Writes the model in the TensorFlow.js Layers format into `directory` (created if missing):
 * `model.json` and `group1-shard1of1.bin`, each written atomically.
 *
 * @throws TypeError naming the layer, and the option or class, that tf.js cannot hold.
 * @example
 * ```ts
 * await saveTfjsLayers(model, 'web/model'); // then in a page: await tf.loadLayersModel('model/model.json')
 * ```
 */
export async function saveTfjsLayers(model: Model, directory: string): Promise<void> {
  const artifacts = toTfjsLayers(model);
  await mkdir(directory, { recursive: true });
  await writeFileAtomic(join(directory, TFJS_WEIGHTS_FILE), new Uint8Array(artifacts.weightData));
  const json = `${JSON.stringify(tfjsModelJson(artifacts), null, 1)}\n`;
  await writeFileAtomic(join(directory, 'model.json'), new TextEncoder().encode(json));
}

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new Error(`loadTfjsLayers: cannot read ${what} '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Reads a TensorFlow.js Layers model (`model.json` and the weight shards it lists, beside it).
 *
 * @throws ModelFileError naming the layer and class (or option, or weight) ditto cannot take.
 * @example
 * ```ts
 * const model = await loadTfjsLayers('converted/model.json');
 * model.predict(x);
 * ```
 */
export async function loadTfjsLayers(path: string): Promise<Model> {
  const text = new TextDecoder().decode(await readBytes(path, 'model.json'));
  let json: TfjsModelSource;
  try {
    json = JSON.parse(text) as TfjsModelSource;
  } catch (error) {
    throw new Error(`loadTfjsLayers: '${path}' is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const groups = Array.isArray(json.weightsManifest) ? json.weightsManifest : [];
  const shards: Uint8Array[] = [];
  for (const group of groups) {
    for (const shard of group.paths) shards.push(await readBytes(join(dirname(path), shard), 'weight shard'));
  }
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of shards) {
    weightData.set(s, at);
    at += s.length;
  }
  return fromTfjsLayers({
    modelTopology: json.modelTopology,
    weightsManifest: json.weightsManifest,
    weightData,
  });
}
