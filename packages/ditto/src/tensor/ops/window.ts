/**
 * Sliding-window geometry shared by convolution and pooling (channels-last, two spatial axes; a
 * 1-D window is the 2-D one with a height of 1). Keras/TensorFlow semantics:
 * - 'valid': out = floor((in − effective) / stride) + 1, no padding;
 * - 'same': out = ceil(in / stride), padding total = max((out − 1)·stride + effective − in, 0),
 *   split with the smaller half before (TensorFlow's rule);
 * where effective = (size − 1)·dilation + 1.
 */
import { formatShape, ShapeError } from '../shape.js';

/** How the borders are handled: no padding, or zero padding so that out = ceil(in / stride). */
export type Padding = 'valid' | 'same';

/** A window over [batch, height, width, channels]. */
export interface WindowGeometry {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  /** Rows of zero padding before the first input row. */
  readonly padTop: number;
  /** Columns of zero padding before the first input column. */
  readonly padLeft: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** The options of a window, per spatial axis ([height, width]). */
export interface WindowSpec {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: Padding;
}

function axis(
  where: string,
  input: number,
  size: number,
  stride: number,
  dilation: number,
  padding: Padding,
) {
  const effective = (size - 1) * dilation + 1;
  if (padding === 'valid') {
    if (effective > input) return undefined;
    return { out: Math.floor((input - effective) / stride) + 1, padBefore: 0 };
  }
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + effective - input, 0);
  if (!(out >= 1)) throw new ShapeError(`${where}: empty spatial axis`);
  return { out, padBefore: Math.floor(total / 2) };
}

/**
 * The geometry of a window over inputs of shape [batch, height, width, channels]. A window larger
 * than its input under 'valid' padding is an error naming `where` and both shapes.
 *
 * @example
 * ```ts
 * windowGeometry('conv2d', [8, 28, 28, 1], { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid' }).outHeight; // 26
 * ```
 */
export function windowGeometry(where: string, shape: readonly number[], spec: WindowSpec): WindowGeometry {
  if (shape.length !== 4) {
    throw new ShapeError(
      `${where}: expected inputs [batch, height, width, channels], got ${formatShape(shape)}`,
    );
  }
  const [batch, height, width, channels] = shape;
  const rows = axis(where, height, spec.kernel[0], spec.strides[0], spec.dilation[0], spec.padding);
  const cols = axis(where, width, spec.kernel[1], spec.strides[1], spec.dilation[1], spec.padding);
  if (!rows || !cols) {
    const effective = spec.kernel.map((k, i) => (k - 1) * spec.dilation[i] + 1);
    throw new ShapeError(
      `${where}: window ${formatShape(effective)} (kernel ${formatShape(spec.kernel)}, dilation ${formatShape(spec.dilation)}) ` +
        `is larger than its input ${formatShape([height, width])} (input shape ${formatShape(shape)}) with padding 'valid'`,
    );
  }
  return {
    batch,
    height,
    width,
    channels,
    kernelHeight: spec.kernel[0],
    kernelWidth: spec.kernel[1],
    strideHeight: spec.strides[0],
    strideWidth: spec.strides[1],
    dilationHeight: spec.dilation[0],
    dilationWidth: spec.dilation[1],
    padTop: rows.padBefore,
    padLeft: cols.padBefore,
    outHeight: rows.out,
    outWidth: cols.out,
  };
}

/** The geometry as the list of numbers a kernel takes (static arguments are numbers). */
export function geometryArgs(g: WindowGeometry): number[] {
  return [
    g.batch,
    g.height,
    g.width,
    g.channels,
    g.kernelHeight,
    g.kernelWidth,
    g.strideHeight,
    g.strideWidth,
    g.dilationHeight,
    g.dilationWidth,
    g.padTop,
    g.padLeft,
    g.outHeight,
    g.outWidth,
  ];
}
