/**
 * Runs ONNX bytes in onnxruntime-web (its WebAssembly backend, one thread, in Node) and compares
 * with ditto's predict, for the ONNX export tests.
 */
import * as ort from 'onnxruntime-web';
import type { Model, Sequential } from '../../packages/ditto/src/index.js';
import { tensor } from '../../packages/ditto/src/index.js';
import { exportOnnx } from '../../packages/ditto-node/src/onnx/index.js';
import { testValues } from './test-values.js';

ort.env.wasm.numThreads = 1;

export async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  shape: readonly number[],
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x, [...shape]) };
    const result = await session.run(feeds);
    const out = result[session.outputNames[0]];
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

/**
 * Gives every weight distinct test values (biases and statistics included, so a wrong bias layout
 * or gate order shows); variances positive.
 */
export function randomizeWeights(model: Model, seed: number, scale = 0.5): void {
  model.variables.forEach((variable, i) => {
    const n = variable.value.size;
    const positive = /variance$/.test(variable.name);
    const values = positive ? testValues(n, seed + i, 0.5, 1.5) : testValues(n, seed + i, -scale, scale);
    variable.assign(values);
  });
}

/** float32 tolerance of the comparison: |onnx − ditto| ≤ ABSOLUTE + RELATIVE·|ditto|. */
export const ABSOLUTE = 1e-6;
export const RELATIVE = 1e-5;

/**
 * Exports the model, runs it in onnxruntime on x and on ditto's predict; returns the largest
 * error as a fraction of the tolerance (≤ 1 passes) and both outputs' shapes.
 */
export async function compareWithOnnx(
  model: Sequential,
  x: Float32Array,
  shape: readonly number[],
): Promise<{ worst: number; maxAbs: number; dittoShape: readonly number[]; onnxShape: readonly number[] }> {
  const ours = model.predict(tensor(x, [...shape]));
  const theirs = await runOnnx(exportOnnx(model), x, shape);
  if (theirs.data.length !== ours.size) {
    throw new Error(`onnx output has ${theirs.data.length} values, ditto's ${ours.size}`);
  }
  let worst = 0;
  let maxAbs = 0;
  for (let i = 0; i < ours.size; i++) {
    const diff = Math.abs(theirs.data[i] - ours.data[i]);
    if (!(diff <= Number.POSITIVE_INFINITY))
      return {
        worst: Number.POSITIVE_INFINITY,
        maxAbs: diff,
        dittoShape: ours.shape,
        onnxShape: theirs.dims,
      };
    maxAbs = Math.max(maxAbs, diff);
    worst = Math.max(worst, diff / (ABSOLUTE + RELATIVE * Math.abs(ours.data[i])));
  }
  return { worst, maxAbs, dittoShape: ours.shape, onnxShape: theirs.dims };
}
