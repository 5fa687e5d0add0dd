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

// The window loops are written out in each kernel (not shared through a callback): a call per
// window through one shared visitor costs more than the comparisons it makes.

/** The geometry's numbers by name. */
function unpack(geometry: readonly number[]) {
  const [batch, height, width, channels, kh, kw, sh, sw, , , padTop, padLeft, outH, outW] = geometry;
  return { batch, height, width, channels, kh, kw, sh, sw, padTop, padLeft, outH, outW };
}

/** Whether v replaces best as a window's maximum: larger, or the first NaN. */
function beats(v: number, best: number): boolean {
  return v > best || (!(v <= best) && !Number.isNaN(best));
}

/** out[n, oy, ox, c] = the maximum of the window's valid positions (the first NaN, if any). */
export const maxPool2dKernel = defineKernel(
  'maxPool2d',
  (x: FloatArray, out: FloatArray, geometry: readonly number[]) => {
    const { batch, height, width, channels, kh, kw, sh, sw, padTop, padLeft, outH, outW } = unpack(geometry);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      const image = n * height * width * channels;
      for (let oy = 0; oy < outH; oy++) {
        const top = oy * sh - padTop;
        const y0 = Math.max(top, 0);
        const y1 = Math.min(top + kh, height);
        for (let ox = 0; ox < outW; ox++, o += channels) {
          const left = ox * sw - padLeft;
          const x0 = Math.max(left, 0);
          const x1 = Math.min(left + kw, width);
          const first = image + (y0 * width + x0) * channels;
          for (let c = 0; c < channels; c++) out[o + c] = x[first + c];
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
              const at = image + (iy * width + ix) * channels;
              for (let c = 0; c < channels; c++) {
                const v = x[at + c];
                if (beats(v, out[o + c])) out[o + c] = v;
              }
            }
          }
        }
      }
    }
  },
);

/** dx = 0, then each window's gradient is added at the first position holding its maximum. */
export const maxPool2dBackwardKernel = defineKernel(
  'maxPool2dBackward',
  (x: FloatArray, g: FloatArray, dx: FloatArray, geometry: readonly number[]) => {
    const { batch, height, width, channels, kh, kw, sh, sw, padTop, padLeft, outH, outW } = unpack(geometry);
    const where = new Int32Array(channels);
    dx.fill(0);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      const image = n * height * width * channels;
      for (let oy = 0; oy < outH; oy++) {
        const top = oy * sh - padTop;
        const y0 = Math.max(top, 0);
        const y1 = Math.min(top + kh, height);
        for (let ox = 0; ox < outW; ox++, o += channels) {
          const left = ox * sw - padLeft;
          const x0 = Math.max(left, 0);
          const x1 = Math.min(left + kw, width);
          const first = image + (y0 * width + x0) * channels;
          for (let c = 0; c < channels; c++) where[c] = first + c;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
              const at = image + (iy * width + ix) * channels;
              for (let c = 0; c < channels; c++) {
                if (beats(x[at + c], x[where[c]])) where[c] = at + c;
              }
            }
          }
          for (let c = 0; c < channels; c++) dx[where[c]] += g[o + c];
        }
      }
    }
  },
);

/** out[n, oy, ox, c] = (ascending sum of the window's valid positions) / their count. */
const avgPool2dKernel = defineKernel(
  'avgPool2d',
  (x: FloatArray, out: FloatArray, geometry: readonly number[]) => {
    const { batch, height, width, channels, kh, kw, sh, sw, padTop, padLeft, outH, outW } = unpack(geometry);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      const image = n * height * width * channels;
      for (let oy = 0; oy < outH; oy++) {
        const top = oy * sh - padTop;
        const y0 = Math.max(top, 0);
        const y1 = Math.min(top + kh, height);
        for (let ox = 0; ox < outW; ox++, o += channels) {
          const left = ox * sw - padLeft;
          const x0 = Math.max(left, 0);
          const x1 = Math.min(left + kw, width);
          // Partial sums live in `out`, so each is rounded to the storage type as it is stored.
          for (let c = 0; c < channels; c++) out[o + c] = 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const at = image + (iy * width + ix) * channels;
              for (let c = 0; c < channels; c++) out[o + c] += x[at + c];
            }
          }
          const count = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < channels; c++) out[o + c] /= count;
        }
      }
    }
  },
);

/** dx = 0, then g / count (rounded once) is added to each valid position of each window. */
const avgPool2dBackwardKernel = defineKernel(
  'avgPool2dBackward',
  (g: FloatArray, dx: FloatArray, geometry: readonly number[]) => {
    const { batch, height, width, channels, kh, kw, sh, sw, padTop, padLeft, outH, outW } = unpack(geometry);
    const share = dx instanceof Float32Array ? new Float32Array(channels) : new Float64Array(channels);
    dx.fill(0);
    let o = 0;
    for (let n = 0; n < batch; n++) {
      const image = n * height * width * channels;
      for (let oy = 0; oy < outH; oy++) {
        const top = oy * sh - padTop;
        const y0 = Math.max(top, 0);
        const y1 = Math.min(top + kh, height);
        for (let ox = 0; ox < outW; ox++, o += channels) {
          const left = ox * sw - padLeft;
          const x0 = Math.max(left, 0);
          const x1 = Math.min(left + kw, width);
          const count = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < channels; c++) share[c] = g[o + c] / count;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const at = image + (iy * width + ix) * channels;
              for (let c = 0; c < channels; c++) dx[at + c] += share[c];
            }
          }
        }
      }
    }
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
