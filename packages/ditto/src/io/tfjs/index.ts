/** Exchange with the TensorFlow.js Layers format (model.json + weights): export and import. */
export {
  TFJS_WEIGHTS_FILE,
  type TfjsArtifacts,
  type TfjsWeightSpec,
  tfjsModelJson,
  toTfjsLayers,
} from './export.js';
export { fromTfjsLayers, type TfjsModelSource, type TfjsWeightEntry } from './import.js';
export { TFJS_LAYER_CLASSES } from './layers.js';
export { EXCHANGED_ACTIVATIONS } from './values.js';
