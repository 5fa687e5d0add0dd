/**
 * Max and average pooling over windows of [batch, height, width, channels] (Keras semantics:
 * positions in the 'same' padding take no part — neither in a maximum nor in an average's count).
 *
 * Orders (docs/determinism.md, "Pooling"): a window is scanned (ky, kx) in row-major order; a
 * maximum's gradient goes to the first position holding the maximum in that scan; an average is
 * the ascending sum of its valid positions divided once by their count, and its gradient adds
 * g / count (rounded once) to each valid position; overlapping windows add onto zero in row-major
 * (n, oy, ox) order.
 */
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { record } from '../autograd.js';
import { allocate, type FloatArray } from '../dtype.js';
import { ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';
import { geometryArgs, type Padding, type WindowGeometry, windowGeometry } from './window.js';

type Visit = (out: number, count: number) => void;

/**
 * Calls `visit(outOffset, count)` per window (n, oy, ox) after collecting the input offsets
 * (channel 0's) of its `count` valid positions, in scan order, into `offsets`.
 */
function forEachWindow(geometry: readonly number[], offsets: Int32Array, visit: Visit): void {
  const [batch, height, width, channels, kh, kw, sh, sw, , , padTop, padLeft, outH, outW] = geometry;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * height * width * channels;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let count = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky;
          if (iy < 0 || iy >= height) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padLeft + kx;
            if (ix >= 0 && ix < width) offsets[count++] = image + (iy * width + ix) * channels;
          }
        }
        visit(o, count);
        o += channels;
      }
    }
  }
}

function windowOffsets(geometry: readonly number[]): Int32Array {
  return new Int32Array(geometry[4] * geometry[5]);
}

/** out[n, oy, ox, c] = the maximum of the window's valid positions. */
const maxPool2dKernel = defineKernel(
  'maxPool2d',
  (x: FloatArray, out: FloatArray, geometry: readonly number[]) => {
    const channels = geometry[3];
    const offsets = windowOffsets(geometry);
    forEachWindow(geometry, offsets, (o, count) => {
      for (let c = 0; c < channels; c++) {
        let best = x[offsets[0] + c];
        for (let i = 1; i < count; i++) {
          const v = x[offsets[i] + c];
          if (v > best || Number.isNaN(v)) best = v;
        }
        out[o + c] = best;
      }
    });
  },
);

/** dx = 0, then each window's gradient is added at the first position holding its maximum. */
const maxPool2dBackwardKernel = defineKernel(
  'maxPool2dBackward',
  (x: FloatArray, g: FloatArray, dx: FloatArray, geometry: readonly number[]) => {
    const channels = geometry[3];
    const offsets = windowOffsets(geometry);
    dx.fill(0);
    forEachWindow(geometry, offsets, (o, count) => {
      for (let c = 0; c < channels; c++) {
        let at = offsets[0] + c;
        let best = x[at];
        for (let i = 1; i < count; i++) {
          const v = x[offsets[i] + c];
          if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
            best = v;
            at = offsets[i] + c;
          }
        }
        dx[at] += g[o + c];
      }
    });
  },
);

/** out[n, oy, ox, c] = (ascending sum of the window's valid positions) / their count. */
const avgPool2dKernel = defineKernel(
  'avgPool2d',
  (x: FloatArray, out: FloatArray, geometry: readonly number[]) => {
    const channels = geometry[3];
    const offsets = windowOffsets(geometry);
    const float32 = out instanceof Float32Array;
    forEachWindow(geometry, offsets, (o, count) => {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        // Each partial sum rounded to the storage type, as a typed-array store would.
        for (let i = 0; i < count; i++)
          s = float32 ? Math.fround(s + x[offsets[i] + c]) : s + x[offsets[i] + c];
        out[o + c] = s / count;
      }
    });
  },
);

/** dx = 0, then g / count (rounded once) is added to each valid position of each window. */
const avgPool2dBackwardKernel = defineKernel(
  'avgPool2dBackward',
  (g: FloatArray, dx: FloatArray, geometry: readonly number[]) => {
    const channels = geometry[3];
    const offsets = windowOffsets(geometry);
    const float32 = dx instanceof Float32Array;
    dx.fill(0);
    forEachWindow(geometry, offsets, (o, count) => {
      for (let c = 0; c < channels; c++) {
        const share = float32 ? Math.fround(g[o + c] / count) : g[o + c] / count;
        for (let i = 0; i < count; i++) dx[offsets[i] + c] += share;
      }
    });
  },
);

/** Options of the pooling ops, per spatial axis [height, width]. */
export interface Pool2dOptions {
  /** The window, e.g. [2, 2]. */
  poolSize: readonly [number, number];
  /** Default: the pool size (Keras). */
  strides?: readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
}

function poolGeometry(where: string, x: Tensor, options: Pool2dOptions): WindowGeometry {
  return windowGeometry(where, x.shape, {
    kernel: options.poolSize,
    strides: options.strides ?? options.poolSize,
    dilation: [1, 1],
    padding: options.padding ?? 'valid',
  });
}

function outShape(g: WindowGeometry): number[] {
  return [g.batch, g.outHeight, g.outWidth, g.channels];
}

function pooled(x: Tensor, g: WindowGeometry, kernel: typeof maxPool2dKernel): Tensor {
  const out = allocate(x.dtype, g.batch * g.outHeight * g.outWidth * g.channels);
  callKernel(kernel, [x.data, out], 1, [geometryArgs(g)], {
    work: out.length * g.kernelHeight * g.kernelWidth,
  });
  return new Tensor(out, outShape(g));
}

/**
 * Maximum over windows of x [batch, height, width, channels]; the gradient goes to the first
 * maximum of each window (row-major scan).
 *
 * @example
 * ```ts
 * maxPool2d(tensor([1, 5, 3, 2], [1, 2, 2, 1]), { poolSize: [2, 2] }).toArray(); // [[[[5]]]]
 * ```
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry('maxPool2d', x, options);
  if (g.channels === 0) throw new ShapeError('maxPool2d: inputs have no channels');
  const out = pooled(x, g, maxPool2dKernel);
  return record(out, 'maxPool2d', [x], (grad) => {
    const dx = allocate(x.dtype, x.size);
    callKernel(maxPool2dBackwardKernel, [x.data, grad.data, dx], 2, [geometryArgs(g)], {
      work: grad.size * 4,
    });
    return [new Tensor(dx, x.shape)];
  });
}

/**
 * Average over windows of x [batch, height, width, channels], padding excluded from the count.
 *
 * @example
 * ```ts
 * avgPool2d(tensor([1, 5, 3, 3], [1, 2, 2, 1]), { poolSize: [2, 2] }).toArray(); // [[[[3]]]]
 * ```
 */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const g = poolGeometry('avgPool2d', x, options);
  const out = pooled(x, g, avgPool2dKernel);
  return record(out, 'avgPool2d', [x], (grad) => {
    const dx = allocate(x.dtype, x.size);
    callKernel(avgPool2dBackwardKernel, [grad.data, dx], 1, [geometryArgs(g)], { work: x.size * 2 });
    return [new Tensor(dx, x.shape)];
  });
}
