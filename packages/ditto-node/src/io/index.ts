export { nodeModelFileSystem, registerNodeModelFiles, saveModel, writeFileAtomic } from './model-file.js';
export { loadTfjsLayers, saveTfjsLayers } from './tfjs-files.js';
