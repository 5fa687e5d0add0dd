/**
 * onnx-proto, loaded on first use: it is an optional peer dependency of ditto-node, so the rest
 * of the package works without it. `require` (not `import()`) keeps `exportOnnx` synchronous —
 * onnx-proto is a CommonJS module.
 */
import { createRequire } from 'node:module';
import type { onnx as OnnxNamespace } from 'onnx-proto';

export type Onnx = typeof OnnxNamespace;

let loaded: Onnx | undefined;

/** The `onnx` namespace of onnx-proto (ModelProto, TensorProto, …), or an error saying how to install it. */
export function loadOnnxProto(): Onnx {
  if (loaded) return loaded;
  try {
    const module = createRequire(import.meta.url)('onnx-proto') as { onnx: Onnx };
    loaded = module.onnx;
  } catch (error) {
    throw new Error(
      `exportOnnx needs the package onnx-proto (an optional peer dependency of ditto-node): npm install onnx-proto (${(error as Error).message})`,
      { cause: error },
    );
  }
  return loaded;
}
