export { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET, type OnnxExportOptions, saveOnnx } from './export.js';
export { exportableLayerClasses } from './layer-emitters.js';
