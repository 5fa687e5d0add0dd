/** Model files: ditto's safetensors-based format, its reader and writer, and loadModel. */
export { type CompileConfig, compileFromConfig, compileToConfig } from './compile-config.js';
export { modelFromBytes, readModelFile, readModelFileHeader, readPreprocessing } from './decode.js';
export { modelToBytes } from './encode.js';
export { ModelFileError } from './errors.js';
export { type ModelFileSystem, modelFileSystem, setModelFileSystem } from './file-system.js';
export { MODEL_FILE_VERSION, type ModelFileHeader, type ModelFileOptions } from './format.js';
export {
  type LayerConfig,
  layerClassName,
  layerFromConfig,
  layerToConfig,
  SAVEABLE_LAYER_CLASSES,
} from './layer-config.js';
export { loadModel } from './load.js';
export type { SaveablePreprocessor } from './preprocessing.js';
export * from './tfjs/index.js';
