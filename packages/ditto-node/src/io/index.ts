export { nodeModelFileSystem, registerNodeModelFiles, saveModel, writeFileAtomic } from './model-file.js';
