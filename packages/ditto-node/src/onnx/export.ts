/**
 * A trained ditto model as an ONNX ModelProto for inference: opset 17 (ONNX ≥ 1.12, onnxruntime
 * ≥ 1.12), IR version 8, float32 inputs [batch, …sample] and outputs, the batch axis symbolic.
 * Encoded by onnx-proto (protobufjs), never by hand.
 */
import { Model, Sequential, VERSION } from 'ditto';
import { writeFileAtomic } from '../io/model-file.js';
import type { EmitContext } from './emitters/context.js';
import { OnnxGraph } from './graph.js';
import { emitLayer, emitNode } from './layer-emitters.js';
import { checkMasks, planOf } from './plan.js';
import { loadOnnxProto, type Onnx } from './proto.js';

/** The operator set the export writes. */
export const ONNX_OPSET = 17;
/** The ONNX IR version the export writes (the one of opset 17). */
export const ONNX_IR_VERSION = 8;

export interface OnnxExportOptions {
  /** A Sequential model's input name in the graph (default 'input'; a functional model's Inputs keep theirs). */
  inputName?: string;
  /** A Sequential model's output name in the graph (default 'output'; a functional model's outputs keep their layers' names). */
  outputName?: string;
  /**
   * A float64 model is refused unless this is true: the export writes float32 (onnxruntime runs
   * few operators in double), so its weights are rounded to float32 (default false).
   */
  castToFloat32?: boolean;
}

const OPTION_NAMES = ['inputName', 'outputName', 'castToFloat32'];

function checkExportOptions(options: OnnxExportOptions): Required<OnnxExportOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`exportOnnx: options must be an object, got ${String(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new Error(`exportOnnx: unknown option "${name}" (options: ${OPTION_NAMES.join(', ')})`);
    }
  }
  const resolved = {
    inputName: options.inputName ?? 'input',
    outputName: options.outputName ?? 'output',
    castToFloat32: options.castToFloat32 ?? false,
  };
  for (const name of ['inputName', 'outputName'] as const) {
    if (typeof resolved[name] !== 'string' || resolved[name] === '') {
      throw new TypeError(
        `exportOnnx: ${name} must be a non-empty string, got ${JSON.stringify(resolved[name])}`,
      );
    }
  }
  if (resolved.inputName === resolved.outputName) {
    throw new Error(`exportOnnx: inputName and outputName are both '${resolved.inputName}'`);
  }
  if (typeof resolved.castToFloat32 !== 'boolean') {
    throw new TypeError(
      `exportOnnx: castToFloat32 must be a boolean, got ${JSON.stringify(resolved.castToFloat32)}`,
    );
  }
  return resolved;
}

function valueInfo(proto: Onnx, name: string, sampleShape: readonly number[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: proto.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, ...sampleShape.map((d) => ({ dimValue: d }))] },
      },
    },
  };
}

/**
 * The model as ONNX bytes (a serialised ModelProto), for inference in onnxruntime or any ONNX
 * runtime. A Sequential model has one input and one output ('input', 'output' unless named); a
 * functional Model one per Input and per output, under their names. Every layer is exported at inference (Dropout and the noise layers vanish,
 * BatchNormalization uses its moving statistics); a layer without an ONNX form is an error naming
 * it. The file records ditto's version and the model's `weightsHash()` in its metadata.
 *
 * @example
 * ```ts
 * import { Dense, Sequential } from 'ditto';
 * import { exportOnnx } from 'ditto-node';
 * const model = new Sequential([new Dense(3, { inputDim: 4, activation: 'softmax' })]);
 * const bytes = exportOnnx(model); // then: await ort.InferenceSession.create(bytes)
 * ```
 */
export function exportOnnx(model: Sequential | Model, options: OnnxExportOptions = {}): Uint8Array {
  if (!(model instanceof Model)) {
    throw new TypeError('exportOnnx: expected a model (a Sequential or a functional Model)');
  }
  const settings = checkExportOptions(options);
  const functional = !(model instanceof Sequential);
  if (functional && (options.inputName !== undefined || options.outputName !== undefined)) {
    throw new Error(
      `exportOnnx: inputName and outputName name a Sequential model's tensors; functional model '${model.name}' keeps its own (${[...model.inputNames, ...model.outputNames].join(', ')})`,
    );
  }
  if (!model.built) {
    throw new Error(
      `exportOnnx: model '${model.name}' is not built: give its first layer inputShape/inputDim, or call build, fit or predict first`,
    );
  }
  const float64 = model.variables.some((v) => v.value.dtype === 'float64') || model.dtype === 'float64';
  if (float64 && !settings.castToFloat32) {
    throw new Error(
      `exportOnnx: model '${model.name}' stores float64 weights, and the export writes float32; ` +
        'pass { castToFloat32: true } to round them to float32',
    );
  }
  const plan = planOf(model, settings.inputName, settings.outputName);
  checkMasks(plan);
  const proto = loadOnnxProto();
  const graph = new OnnxGraph(proto);
  const context: EmitContext = { graph, emitLayer: (layer, input) => emitLayer(layer, input, context) };
  const values = new Map<object, string>(plan.inputs.map((input) => [input.key, input.name]));
  for (const node of plan.nodes) {
    const inputs = node.inputs.map((key) => values.get(key) as string);
    values.set(node.output, emitNode(node.layer, inputs, node.listInput, context));
  }
  // Each output gets its name through an Identity, even when the layers before are identities.
  for (const output of plan.outputs) {
    graph.nodes.push({
      name: `${output.name}_identity`,
      opType: 'Identity',
      input: [values.get(output.key) as string],
      output: [output.name],
    });
  }
  const message = proto.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'ditto',
    producerVersion: VERSION,
    docString: `ditto model '${model.name}', exported for inference`,
    metadataProps: [{ key: 'ditto.weightsHash', value: model.weightsHash() }],
    graph: {
      name: model.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: plan.inputs.map((t) => valueInfo(proto, t.name, t.shape)),
      output: plan.outputs.map((t) => valueInfo(proto, t.name, t.shape)),
    },
  });
  const encoded = proto.ModelProto.encode(message).finish();
  // protobufjs hands back a Buffer in Node; a plain Uint8Array view is what the signature promises.
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/**
 * Writes {@link exportOnnx}'s bytes to `path`, atomically (a temporary file, fsynced, renamed).
 *
 * @example
 * ```ts
 * await saveOnnx(model, 'model.onnx');
 * ```
 */
export async function saveOnnx(
  model: Sequential | Model,
  path: string,
  options: OnnxExportOptions = {},
): Promise<void> {
  await writeFileAtomic(path, exportOnnx(model, options));
}
