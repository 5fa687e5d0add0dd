/**
 * An ONNX graph under construction: nodes in topological order (each layer appends its own after
 * its input's), weights as initializers, and names made unique per layer ("dense/MatMul",
 * "dense/MatMul_1"). The emitters build on this and never touch protobuf messages themselves.
 */
import type { onnx } from 'onnx-proto';
import type { Onnx } from './proto.js';

/** An attribute's value, tagged with its ONNX type. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly strings: readonly string[] };

/** The empty name marks an optional input or output left out (ONNX's convention). */
export const OMITTED = '';

export class OnnxGraph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly taken = new Map<string, number>();
  private readonly scalars = new Map<number, string>();
  private scope = '';

  constructor(private readonly proto: Onnx) {}

  /** ONNX's element types (for Cast's `to`). */
  get dataTypes(): typeof onnx.TensorProto.DataType {
    return this.proto.TensorProto.DataType;
  }

  /** Runs `build` with names prefixed by `scope` (a layer's name), and returns what it returns. */
  within<T>(scope: string, build: () => T): T {
    const outer = this.scope;
    this.scope = outer ? `${outer}/${scope}` : scope;
    try {
      return build();
    } finally {
      this.scope = outer;
    }
  }

  /** A name not used before, from `base` in the current scope. */
  fresh(base: string): string {
    const name = this.scope ? `${this.scope}/${base}` : base;
    const count = this.taken.get(name) ?? 0;
    this.taken.set(name, count + 1);
    return count === 0 ? name : `${name}_${count}`;
  }

  /** Appends a node with one output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.opWithOutputs(opType, inputs, 1, attributes)[0];
  }

  /**
   * Appends a node; `outputs` is how many outputs it has, or a list of booleans saying which of its
   * optional outputs to produce (the others get the omitted name). Returns every output's name.
   */
  opWithOutputs(
    opType: string,
    inputs: readonly string[],
    outputs: number | readonly boolean[],
    attributes: Record<string, AttributeValue> = {},
  ): string[] {
    const wanted = typeof outputs === 'number' ? new Array<boolean>(outputs).fill(true) : outputs;
    const names = wanted.map((used, i) =>
      used ? this.fresh(i === 0 ? opType : `${opType}_out${i}`) : OMITTED,
    );
    this.nodes.push({
      name: this.fresh(`${opType}_node`),
      opType,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([name, value]) => this.attribute(name, value)),
    });
    return names;
  }

  /** A float32 initializer (values rounded to float32, stored little-endian). */
  floats(base: string, values: ArrayLike<number>, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== values.length) {
      throw new Error(
        `exportOnnx: ${base} has ${values.length} values, but dims [${dims.join(', ')}] hold ${size}`,
      );
    }
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dataType: this.proto.TensorProto.DataType.FLOAT,
      dims: [...dims],
      rawData: bytes,
    });
    return name;
  }

  /** An int64 initializer (shapes, axes, indices of Reshape/Slice/Squeeze…). */
  int64s(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dataType: this.proto.TensorProto.DataType.INT64,
      dims: [values.length],
      int64Data: [...values],
    });
    return name;
  }

  /** A float32 scalar, shared by every node that uses the same value. */
  scalar(value: number): string {
    const known = this.scalars.get(value);
    if (known) return known;
    const outer = this.scope;
    this.scope = '';
    const name = this.floats(`scalar_${this.scalars.size}`, [value], []);
    this.scope = outer;
    this.scalars.set(value, name);
    return name;
  }

  private attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
    const type = this.proto.AttributeProto.AttributeType;
    if ('int' in value) return { name, type: type.INT, i: value.int };
    if ('ints' in value) return { name, type: type.INTS, ints: [...value.ints] };
    if ('float' in value) return { name, type: type.FLOAT, f: value.float };
    if ('floats' in value) return { name, type: type.FLOATS, floats: [...value.floats] };
    const encode = (s: string) => new TextEncoder().encode(s);
    if ('string' in value) return { name, type: type.STRING, s: encode(value.string) };
    return { name, type: type.STRINGS, strings: value.strings.map(encode) };
  }
}
