/**
 * What an export walks: the model's inputs, its layer applications in run order and its outputs,
 * the same for a Sequential stack and a functional graph. Tensors are identified by keys (a
 * functional model's symbolic tensors; a Sequential's layers), named in ONNX only when emitted.
 */
import {
  Activation,
  Bidirectional,
  Dense,
  Dropout,
  Embedding,
  type Layer,
  type Model,
  RecurrentLayer,
  Sequential,
  TimeDistributed,
} from 'ditto';

export interface PlannedTensor {
  readonly key: object;
  /** Its name in the ONNX graph (inputs and outputs only). */
  readonly name: string;
  /** The sample shape (without the batch axis). */
  readonly shape: readonly number[];
}

export interface PlannedNode {
  readonly layer: Layer;
  readonly inputs: readonly object[];
  /** Whether the layer takes a list (a merge layer). */
  readonly listInput: boolean;
  readonly output: object;
}

export interface ExportPlan {
  readonly inputs: readonly PlannedTensor[];
  readonly nodes: readonly PlannedNode[];
  readonly outputs: readonly PlannedTensor[];
}

/** A Sequential stack: one input, each layer applied to the previous one's output. */
export function sequentialPlan(model: Sequential, inputName: string, outputName: string): ExportPlan {
  const input = { name: inputName };
  const nodes = model.layers.map((layer, i) => ({
    layer,
    inputs: [i === 0 ? input : model.layers[i - 1]],
    listInput: false,
    output: layer,
  }));
  const last = model.layers[model.layers.length - 1];
  return {
    inputs: [{ key: input, name: inputName, shape: model.layers[0].inputShape }],
    nodes,
    outputs: [{ key: last, name: outputName, shape: last.computeOutputShape(last.inputShape) }],
  };
}

/** A functional model: its Inputs and outputs keep their names (`inputNames`, `outputNames`). */
export function functionalPlan(model: Model): ExportPlan {
  const graph = model.functionalGraph;
  if (!graph) throw new Error(`exportOnnx: model '${model.name}' has no functional graph`);
  const tensor = (t: (typeof graph.inputs)[number]) => ({ key: t, name: t.name, shape: t.shape });
  const plan = {
    inputs: graph.inputs.map(tensor),
    nodes: graph.order.map((t) => ({
      layer: t.node.layer as Layer,
      inputs: t.node.inputs,
      listInput: t.node.listInput,
      output: t,
    })),
    outputs: graph.outputs.map(tensor),
  };
  const names = [...plan.inputs, ...plan.outputs].map((t) => t.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new Error(
      `exportOnnx: model '${model.name}' has two inputs or outputs named '${repeated}'; ONNX needs distinct names`,
    );
  }
  return plan;
}

export function planOf(model: Sequential | Model, inputName: string, outputName: string): ExportPlan {
  return model instanceof Sequential ? sequentialPlan(model, inputName, outputName) : functionalPlan(model);
}

const MASK_PASSING = [Dense, Dropout, Activation, TimeDistributed];

/**
 * Refuses a recurrent layer that would receive an Embedding's mask (maskZero): ditto skips the
 * masked steps wherever they are, which ONNX's recurrent operators cannot express. The mask
 * travels as ditto passes it (packages/ditto/src/layers/masking.ts): through Dense, Dropout (and
 * the noise layers), Activation and TimeDistributed, through recurrent layers that return
 * sequences, and no further; merge layers drop it.
 */
export function checkMasks(plan: ExportPlan): void {
  const source = new Map<object, Embedding>();
  for (const node of plan.nodes) {
    const { layer } = node;
    const incoming = node.listInput ? undefined : source.get(node.inputs[0]);
    if (incoming && (layer instanceof RecurrentLayer || layer instanceof Bidirectional)) {
      throw new Error(
        `exportOnnx: layer '${layer.name}' (${layer.constructor.name}) would skip the steps masked by '${incoming.name}' ` +
          `(maskZero: true); ONNX's recurrent operators cannot skip steps — export a model without maskZero`,
      );
    }
    const outgoing =
      layer instanceof Embedding
        ? layer.maskZero
          ? layer
          : undefined
        : MASK_PASSING.some((kind) => layer instanceof kind)
          ? incoming
          : undefined;
    if (outgoing) source.set(node.output, outgoing);
  }
}
