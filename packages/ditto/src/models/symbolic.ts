/**
 * The functional API's symbolic tensors: `Input({ shape })` makes one, `layer.apply(symbolic)`
 * builds the layer for its shape and records a node whose output is a new symbolic tensor. A
 * symbolic tensor holds no values — only the sample shape, the dtype and the node that makes it —
 * so a graph of them is what `new Model({ inputs, outputs })` runs.
 */
import { Layer } from '../layers/layer.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import {
  checkArray,
  checkNonEmptyString,
  checkObject,
  checkOneOf,
  checkOptions,
  describe,
  optionNames,
} from '../validate/index.js';

/** One application of a layer (or an Input): what it was applied to. */
export interface GraphNode {
  /** The layer applied; undefined for an Input. */
  readonly layer: Layer | undefined;
  /** The symbolic tensors it was applied to, in order. */
  readonly inputs: readonly SymbolicTensor[];
  /** Whether the layer received a list (a merge layer) rather than one tensor. */
  readonly listInput: boolean;
}

/**
 * A placeholder for a batch in the functional API: a sample shape (without the batch axis), a
 * dtype and the node that produces it.
 */
export class SymbolicTensor {
  constructor(
    /** The sample shape (without the batch axis). */
    readonly shape: readonly number[],
    readonly dtype: DType,
    /** The node that makes this tensor. */
    readonly node: GraphNode,
    /** The Input's name, or the name of the layer that makes it. */
    readonly name: string,
  ) {}

  /** Records `layer` applied to these inputs (called by `Layer.apply`). */
  applyLayer(layer: Layer, inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    return applyLayer(layer, inputs);
  }
}

function shapesText(shapes: readonly number[] | ReadonlyArray<readonly number[]>, list: boolean): string {
  return list
    ? (shapes as ReadonlyArray<readonly number[]>).map((s) => formatShape(s)).join(' and ')
    : formatShape(shapes as readonly number[]);
}

/** Builds the layer for the inputs' shapes and returns the symbolic tensor of its output. */
export function applyLayer(layer: Layer, inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
  if (!(layer instanceof Layer)) throw new TypeError(`apply: expected a layer, got ${describe(layer)}`);
  const list = Array.isArray(inputs);
  const given: readonly unknown[] = list ? (inputs as readonly unknown[]) : [inputs];
  given.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      throw new TypeError(
        `${layer.name}.apply: ${list ? `inputs[${i}]` : 'the input'} must be a symbolic tensor (from Input(…) or another layer's apply), got ${describe(t)}; ` +
          'to compute on values, call the model (predict) or the layer (call)',
      );
    }
  });
  const symbols = given as readonly SymbolicTensor[];
  if (list && symbols.length === 0) throw new TypeError(`${layer.name}.apply: the list of inputs is empty`);
  const shapes = list ? symbols.map((t) => t.shape) : symbols[0].shape;
  let shape: number[];
  try {
    // A shared layer is built once: a second application checks the shape it was built for.
    layer.build(shapes as readonly number[]);
    shape = layer.computeOutputShape(shapes as readonly number[]);
  } catch (error) {
    const message = (error as Error).message;
    const where = `${layer.name} (${layer.constructor.name}) applied to inputs of shape ${shapesText(shapes, list)}`;
    const Kind = (error as Error).constructor as new (message: string) => Error;
    throw new Kind(
      message.startsWith(layer.name)
        ? `${where}: ${message.slice(layer.name.length).replace(/^: /, '')}`
        : `${where}: ${message}`,
    );
  }
  const node: GraphNode = { layer, inputs: symbols, listInput: list };
  return new SymbolicTensor(shape, symbols[0].dtype, node, layer.name);
}

export interface InputOptions {
  /** The sample shape, without the batch axis (Keras's `shape`). */
  shape: readonly number[];
  /** The input's name: the key of named inputs in fit/predict (default 'input_layer', 'input_layer_1', …). */
  name?: string;
  /** The type the input's data is read as (default float32). */
  dtype?: DType;
}

const INPUT_OPTIONS = optionNames<InputOptions>({ shape: true, name: true, dtype: true });
let inputCount = 0;

/**
 * The start of a functional model: a symbolic tensor for samples of this shape.
 *
 * @example
 * ```ts
 * const a = Input({ shape: [4], name: 'a' });
 * const b = Input({ shape: [3], name: 'b' });
 * const h = new Dense(8, { activation: 'relu' }).apply(new Concatenate().apply([a, b]));
 * const model = new Model({ inputs: [a, b], outputs: new Dense(1).apply(h) });
 * ```
 */
export function Input(options: InputOptions): SymbolicTensor {
  checkObject('Input', 'options', options);
  checkOptions('Input', options, INPUT_OPTIONS);
  checkArray('Input', 'shape', options.shape);
  options.shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1) {
      throw new RangeError(`Input: shape[${i}] must be a positive integer, got ${describe(d)}`);
    }
  });
  if (options.name !== undefined) checkNonEmptyString('Input', 'name', options.name);
  if (options.dtype !== undefined) checkOneOf('Input', 'dtype', options.dtype, ['float32', 'float64']);
  const name = options.name ?? (inputCount === 0 ? 'input_layer' : `input_layer_${inputCount}`);
  inputCount++;
  return new SymbolicTensor(
    [...options.shape],
    options.dtype ?? 'float32',
    { layer: undefined, inputs: [], listInput: false },
    name,
  );
}
