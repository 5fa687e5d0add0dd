/**
 * The ONNX file itself: a ModelProto that onnx-proto decodes back (opset 17, IR version 8, the
 * symbolic batch axis, ditto's version and weights hash, the weights in ONNX's layouts), written
 * atomically by saveOnnx; and the refusals — a layer or activation without an ONNX form, a mask
 * ONNX cannot express, float64 weights, an unbuilt model, bad options, a missing onnx-proto —
 * each an error naming what was wrong.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { onnx as OnnxNamespace } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  Dense,
  Embedding,
  GroupNormalization,
  Layer,
  LSTM,
  ops,
  Sequential,
  type Tensor,
  tensor,
} from '../packages/ditto/src/index.js';
import {
  exportableLayerClasses,
  exportOnnx,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  saveOnnx,
} from '../packages/ditto-node/src/onnx/index.js';
import { randomizeWeights, runOnnx } from './helpers/onnx-runtime.js';
import { repoRoot } from './helpers/run-tsx.js';
import { testValues } from './helpers/test-values.js';

const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: typeof OnnxNamespace };

function denseModel(): Sequential {
  const model = new Sequential([new Dense(4, { inputDim: 3, activation: 'relu' }), new Dense(2)]);
  randomizeWeights(model, 21);
  return model;
}

describe('ONNX export: the file', () => {
  it('decodes as a ModelProto: opset 17, IR 8, symbolic batch, metadata, weights in ONNX layout', () => {
    const model = denseModel();
    const decoded = onnx.ModelProto.decode(exportOnnx(model));
    expect(Number(decoded.irVersion)).toBe(8);
    expect(ONNX_IR_VERSION).toBe(8);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(ONNX_OPSET).toBe(17);
    expect(decoded.producerName).toBe('ditto');
    expect(decoded.metadataProps).toEqual([
      expect.objectContaining({ key: 'ditto.weightsHash', value: model.weightsHash() }),
    ]);
    const graph = decoded.graph as OnnxNamespace.GraphProto;
    const dims = (info: OnnxNamespace.IValueInfoProto) =>
      info.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((i) => [i.name, i.type?.tensorType?.elemType, dims(i)])).toEqual([
      ['input', onnx.TensorProto.DataType.FLOAT, ['batch', 3]],
    ]);
    expect(graph.output.map((o) => [o.name, dims(o)])).toEqual([['output', ['batch', 2]]]);
    expect(graph.node.map((n) => n.opType)).toEqual(['MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Identity']);
    // Dense's kernel stays [in, out] (MatMul x·W), bit for bit as ditto holds it.
    const kernel = graph.initializer[0] as OnnxNamespace.TensorProto;
    expect(kernel.dims.map(Number)).toEqual([3, 4]);
    const raw = kernel.rawData;
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    expect(Array.from(values)).toEqual(Array.from(model.layers[0].variables[0].value.data));
  });

  it('names the input and output as asked; saveOnnx writes the same bytes', async () => {
    const model = denseModel();
    const bytes = exportOnnx(model, { inputName: 'features', outputName: 'scores' });
    const graph = onnx.ModelProto.decode(bytes).graph as OnnxNamespace.GraphProto;
    expect([graph.input[0].name, graph.output[0].name]).toEqual(['features', 'scores']);
    const directory = await mkdtemp(join(tmpdir(), 'ditto-onnx-'));
    try {
      const path = join(directory, 'model.onnx');
      await saveOnnx(model, path, { inputName: 'features', outputName: 'scores' });
      expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('a float64 model is refused, and exported with castToFloat32', async () => {
    const model = new Sequential([new Dense(3, { inputDim: 2, dtype: 'float64', activation: 'tanh' })]);
    randomizeWeights(model, 22);
    expect(() => exportOnnx(model)).toThrow(
      "exportOnnx: model 'sequential' stores float64 weights, and the export writes float32; pass { castToFloat32: true } to round them to float32",
    );
    const x = Float32Array.from(testValues(8, 23, -1, 1));
    const ours = model.predict(tensor(Float64Array.from(x), [4, 2]));
    const theirs = await runOnnx(exportOnnx(model, { castToFloat32: true }), x, [4, 2]);
    // float32 weights and arithmetic against float64: within float32 rounding of values below 1.
    for (let i = 0; i < ours.size; i++) expect(Math.abs(theirs.data[i] - ours.data[i])).toBeLessThan(1e-6);
  });
});

class Doubling extends Layer {
  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }
  call(inputs: Tensor): Tensor {
    return ops.add(inputs, inputs);
  }
}

class WiderDense extends Dense {}

describe('ONNX export: refusals', () => {
  it('a layer without an ONNX form, named with its class (a subclass included)', () => {
    const custom = new Sequential([new Dense(2, { inputDim: 2 }), new Doubling({ name: 'twice' })]);
    expect(() => exportOnnx(custom)).toThrow(
      /^exportOnnx: layer 'twice' of class Doubling has no ONNX export \(exportable: Dense, Activation, /,
    );
    const grouped = new Sequential([new GroupNormalization({ groups: 2, inputShape: [4], name: 'gn' })]);
    expect(() => exportOnnx(grouped)).toThrow(
      "exportOnnx: layer 'gn' of class GroupNormalization has no ONNX export",
    );
    const subclass = new Sequential([new WiderDense(2, { inputDim: 2, name: 'wide' })]);
    expect(() => exportOnnx(subclass)).toThrow("layer 'wide' of class WiderDense has no ONNX export");
  });

  it('an activation without an ONNX form', () => {
    const custom = new Sequential([
      new Dense(2, {
        inputDim: 2,
        name: 'd',
        activation: function cube(x: Tensor) {
          return ops.mul(x, ops.mul(x, x));
        },
      }),
    ]);
    expect(() => exportOnnx(custom)).toThrow(
      /^exportOnnx: layer 'd' \(Dense\) uses the activation 'cube', which has no ONNX form/,
    );
    const recurrent = new Sequential([new LSTM(2, { inputShape: [3, 2], activation: 'gelu', name: 'l' })]);
    expect(() => exportOnnx(recurrent)).toThrow(
      "exportOnnx: layer 'l' (LSTM) uses the activation 'gelu' inside its recurrence; ONNX's recurrent operators accept only linear, relu, leakyRelu, elu, sigmoid, hardSigmoid, tanh, softplus, softsign",
    );
  });

  it("a recurrent layer fed an Embedding's mask", () => {
    const masked = new Sequential([
      new Embedding(5, 2, { inputShape: [4], maskZero: true, name: 'words' }),
      new Dense(3),
      new LSTM(2, { name: 'reader' }),
    ]);
    expect(() => exportOnnx(masked)).toThrow(
      "exportOnnx: layer 'reader' (LSTM) would skip the steps masked by 'words' (maskZero: true); ONNX's recurrent operators cannot skip steps — export a model without maskZero",
    );
  });

  it('an unbuilt model and bad options', () => {
    expect(() => exportOnnx(new Sequential([new Dense(2)], { name: 'm' }))).toThrow(
      "exportOnnx: model 'm' is not built: give its first layer inputShape/inputDim, or call build, fit or predict first",
    );
    const model = denseModel();
    expect(() => exportOnnx(model, { inputname: 'x' } as never)).toThrow(
      'exportOnnx: unknown option "inputname" (options: inputName, outputName, castToFloat32)',
    );
    expect(() => exportOnnx(model, { outputName: '' })).toThrow(
      'exportOnnx: outputName must be a non-empty string, got ""',
    );
    expect(() => exportOnnx(model, { inputName: 'x', outputName: 'x' })).toThrow(
      "exportOnnx: inputName and outputName are both 'x'",
    );
    expect(() => exportOnnx({} as never)).toThrow(
      'exportOnnx: expected a model (a Sequential or a functional Model)',
    );
  });

  it('without onnx-proto, ditto-node still loads and exportOnnx says how to install it', async () => {
    const fixtures = join(repoRoot, 'test/fixtures/onnx-export');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--require',
        join(fixtures, 'hide-onnx-proto.cjs'),
        '--import',
        'tsx',
        join(fixtures, 'export-without-onnx-proto.ts'),
      ],
      { cwd: repoRoot },
    );
    expect(stdout).toBe(
      "predict works: 1x2\nerror: exportOnnx needs the package onnx-proto (an optional peer dependency of ditto-node): npm install onnx-proto (Cannot find module 'onnx-proto')\n",
    );
  });
});

describe('ONNX export: docs/exchange.md', () => {
  it('lists exactly the exportable layer classes, in the table order', () => {
    const docs = readFileSync(join(repoRoot, 'docs/exchange.md'), 'utf8');
    const block = /<!-- onnx-layers:start -->([\s\S]*?)<!-- onnx-layers:end -->/.exec(docs);
    const listed = [...(block?.[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(listed).toEqual(exportableLayerClasses());
  });
});
