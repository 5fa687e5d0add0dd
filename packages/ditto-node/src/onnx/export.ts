/**
 * A trained ditto model as an ONNX ModelProto for inference: opset 17 (ONNX ≥ 1.12, onnxruntime
 * ≥ 1.12), IR version 8, one float32 input [batch, …sample] and one float32 output, the batch axis
 * symbolic. Encoded by onnx-proto (protobufjs), never by hand.
 */
import {
  Activation,
  Bidirectional,
  Dense,
  Dropout,
  Embedding,
  Model,
  RecurrentLayer,
  Sequential,
  TimeDistributed,
  VERSION,
} from 'ditto';
import { writeFileAtomic } from '../io/model-file.js';
import type { EmitContext } from './emitters/context.js';
import { OnnxGraph } from './graph.js';
import { emitLayer } from './layer-emitters.js';
import { loadOnnxProto, type Onnx } from './proto.js';

/** The operator set the export writes. */
export const ONNX_OPSET = 17;
/** The ONNX IR version the export writes (the one of opset 17). */
export const ONNX_IR_VERSION = 8;

export interface OnnxExportOptions {
  /** The graph input's name (default 'input'). */
  inputName?: string;
  /** The graph output's name (default 'output'). */
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

/**
 * Refuses a recurrent layer that would receive an Embedding's mask (maskZero): ditto skips the
 * masked steps wherever they are, which ONNX's recurrent operators cannot express. The mask
 * travels as ditto passes it (packages/ditto/src/layers/masking.ts): through Dense, Dropout (and
 * the noise layers), Activation and TimeDistributed, through recurrent layers that return
 * sequences, and no further.
 */
function checkMasks(model: Sequential): void {
  let source: Embedding | undefined;
  for (const layer of model.layers) {
    if (source && (layer instanceof RecurrentLayer || layer instanceof Bidirectional)) {
      throw new Error(
        `exportOnnx: layer '${layer.name}' (${layer.constructor.name}) would skip the steps masked by '${source.name}' ` +
          `(maskZero: true); ONNX's recurrent operators cannot skip steps — export a model without maskZero`,
      );
    }
    if (layer instanceof Embedding) source = layer.maskZero ? layer : undefined;
    else if (!MASK_PASSING.some((kind) => layer instanceof kind)) source = undefined;
  }
}

const MASK_PASSING = [Dense, Dropout, Activation, TimeDistributed];

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
 * runtime. Every layer is exported at inference (Dropout and the noise layers vanish,
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
export function exportOnnx(model: Sequential, options: OnnxExportOptions = {}): Uint8Array {
  if (!(model instanceof Sequential)) {
    const given: unknown = model;
    const functional =
      given instanceof Model ? ` (model '${given.name}' is a functional Model, not exported yet)` : '';
    throw new TypeError(`exportOnnx: expected a Sequential model${functional}`);
  }
  const settings = checkExportOptions(options);
  if (!model.built) {
    throw new Error(
      `exportOnnx: model '${model.name}' is not built: give its first layer inputShape/inputDim, or call build, fit or predict first`,
    );
  }
  if (model.dtype === 'float64' && !settings.castToFloat32) {
    throw new Error(
      `exportOnnx: model '${model.name}' stores float64 weights, and the export writes float32; ` +
        'pass { castToFloat32: true } to round them to float32',
    );
  }
  checkMasks(model);
  const proto = loadOnnxProto();
  const graph = new OnnxGraph(proto);
  const context: EmitContext = { graph, emitLayer: (layer, input) => emitLayer(layer, input, context) };
  let tensor = settings.inputName;
  for (const layer of model.layers) tensor = emitLayer(layer, tensor, context);
  // One named output, even when every layer is an identity.
  graph.nodes.push({
    name: 'output_identity',
    opType: 'Identity',
    input: [tensor],
    output: [settings.outputName],
  });
  const last = model.layers[model.layers.length - 1];
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
      input: [valueInfo(proto, settings.inputName, model.layers[0].inputShape)],
      output: [valueInfo(proto, settings.outputName, last.computeOutputShape(last.inputShape))],
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
  model: Sequential,
  path: string,
  options: OnnxExportOptions = {},
): Promise<void> {
  await writeFileAtomic(path, exportOnnx(model, options));
}
