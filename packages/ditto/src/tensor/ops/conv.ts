/**
 * Convolution as unfold (im2col) + the matmul kernel, channels-last, with Keras's kernel layout
 * [kernelHeight, kernelWidth, inChannels, outChannels].
 *
 * The reduction order (docs/determinism.md, "Convolution"): patch rows are (n, oy, ox) in row-major
 * order and patch columns (ky, kx, c) in row-major order — the kernel's own layout flattened — so
 * each output sums its kh·kw·C products in ascending (ky, kx, c) order through matmul; the kernel's
 * gradient sums over (n, oy, ox) ascending (matmul of the patches' transpose); the input's gradient
 * is folded back by adding patch values in ascending (n, oy, ox, ky, kx, c) order onto zero.
 * The same on every backend and thread count, since matmul splits work by outputs only.
 */
import type { Backend } from '../../backend/backend.js';
import { jsBackend } from '../../backend/js/js-backend.js';
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { record } from '../autograd.js';
import { allocate, type FloatArray } from '../dtype.js';
import { formatShape, ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { reshape } from './shape-ops.js';
import { geometryArgs, type Padding, type WindowGeometry, windowGeometry } from './window.js';

/**
 * patches[(n, oy, ox), (ky, kx, c)] = x[n, oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw, c],
 * or 0 where that position lies in the padding. Every output element is written.
 */
export const unfold2dKernel = defineKernel(
  'unfold2d',
  (x: FloatArray, patches: FloatArray, geometry: readonly number[]) => {
    const [batch, height, width, channels, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW] = geometry;
    const run = kw * channels;
    let p = 0;
    for (let n = 0; n < batch; n++) {
      const image = n * height * width * channels;
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const left = ox * sw - padLeft;
          // With no dilation and the whole row inside, a kernel row is one contiguous run of x.
          const contiguous = dw === 1 && left >= 0 && left + kw <= width;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padTop + ky * dh;
            if (iy < 0 || iy >= height) {
              for (let j = 0; j < run; j++) patches[p++] = 0;
            } else if (contiguous) {
              const from = image + (iy * width + left) * channels;
              for (let j = 0; j < run; j++) patches[p++] = x[from + j];
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = left + kx * dw;
                if (ix >= 0 && ix < width) {
                  const from = image + (iy * width + ix) * channels;
                  for (let c = 0; c < channels; c++) patches[p++] = x[from + c];
                } else {
                  for (let c = 0; c < channels; c++) patches[p++] = 0;
                }
              }
            }
          }
        }
      }
    }
  },
);

/** dx = 0, then each patch value is added back at its input position, patches in row-major order. */
export const fold2dKernel = defineKernel(
  'fold2d',
  (patches: FloatArray, dx: FloatArray, geometry: readonly number[]) => {
    const [batch, height, width, channels, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW] = geometry;
    const run = kw * channels;
    dx.fill(0);
    let p = 0;
    for (let n = 0; n < batch; n++) {
      const image = n * height * width * channels;
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const left = ox * sw - padLeft;
          const contiguous = dw === 1 && left >= 0 && left + kw <= width;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padTop + ky * dh;
            if (iy < 0 || iy >= height) {
              p += run;
            } else if (contiguous) {
              const to = image + (iy * width + left) * channels;
              for (let j = 0; j < run; j++) dx[to + j] += patches[p++];
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = left + kx * dw;
                if (ix >= 0 && ix < width) {
                  const to = image + (iy * width + ix) * channels;
                  for (let c = 0; c < channels; c++) dx[to + c] += patches[p++];
                } else {
                  p += channels;
                }
              }
            }
          }
        }
      }
    }
  },
);

/** One scratch array per element type and length, for the reference of a fused kernel below. */
const scratchArrays = new Map<string, FloatArray>();
function scratchLike(like: FloatArray, length: number): FloatArray {
  const key = `${like instanceof Float32Array ? 'f32' : 'f64'}:${length}`;
  let array = scratchArrays.get(key);
  if (!array) {
    if (scratchArrays.size >= 8) scratchArrays.clear();
    array = allocate(like instanceof Float32Array ? 'float32' : 'float64', length);
    scratchArrays.set(key, array);
  }
  return array;
}

/**
 * A convolution's input gradient from its output gradient, fused (engine/fuse.ts): dPatches =
 * dz·wᵀ ([m×k], m patches of k = kh·kw·C, from dz [m×n] and w [k×n]) folded back into dx —
 * exactly fold2d(matmul(dz, wᵀ)), which is the reference; a backend may compute dPatches a block
 * of rows at a time and fold each block before the next (the same additions in the same order),
 * so the patches' gradient is never written out whole.
 */
export const matmulFold2dKernel = defineKernel(
  'matmulFold2d',
  (
    dz: FloatArray,
    w: FloatArray,
    dx: FloatArray,
    m: number,
    k: number,
    n: number,
    geometry: readonly number[],
  ) => {
    const patches = scratchLike(dz, m * k);
    jsBackend.matmul(dz, w, patches, m, n, k, false, true);
    fold2dKernel.reference(patches, dx, geometry);
  },
);

/**
 * matmulFold2d on a backend: its own implementation when it registered one, otherwise the same two
 * kernels on that backend (its matmul, its fold2d), so a backend without the fused kernel runs what
 * the unfused calls ran.
 */
export function matmulFold2dOn(backend: Backend): typeof matmulFold2dKernel.reference {
  if (matmulFold2dKernel.backends.includes(backend.name)) return matmulFold2dKernel.resolve(backend);
  const fold = fold2dKernel.resolve(backend);
  return (dz, w, dx, m, k, n, geometry) => {
    const patches = scratchLike(dz, m * k);
    backend.matmul(dz, w, patches, m, n, k, false, true);
    fold(patches, dx, geometry);
  };
}

function patchCount(g: WindowGeometry): number {
  return g.batch * g.outHeight * g.outWidth;
}

function patchWidth(g: WindowGeometry): number {
  return g.kernelHeight * g.kernelWidth * g.channels;
}

function unfoldRaw(data: FloatArray, g: WindowGeometry): FloatArray {
  const patches = allocate(
    data instanceof Float32Array ? 'float32' : 'float64',
    patchCount(g) * patchWidth(g),
  );
  callKernel(unfold2dKernel, [data, patches], 1, [geometryArgs(g)], { work: patches.length });
  return patches;
}

function foldRaw(patches: FloatArray, g: WindowGeometry): FloatArray {
  const dx = allocate(
    patches instanceof Float32Array ? 'float32' : 'float64',
    g.batch * g.height * g.width * g.channels,
  );
  callKernel(fold2dKernel, [patches, dx], 1, [geometryArgs(g)], { work: patches.length });
  return dx;
}

/**
 * The patches of a window over x [batch, height, width, channels]: a [batch·outH·outW, kh·kw·C]
 * matrix whose rows are the windows (row-major over n, oy, ox) and whose columns are (ky, kx, c).
 * Its gradient folds the patches' gradient back (overlaps added in row order).
 *
 * @example
 * ```ts
 * const g = windowGeometry('conv', [1, 3, 3, 1], { kernel: [2, 2], strides: [1, 1], dilation: [1, 1], padding: 'valid' });
 * unfold2d(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), g).shape; // [4, 4]
 * ```
 */
export function unfold2d(x: Tensor, g: WindowGeometry): Tensor {
  const expected = [g.batch, g.height, g.width, g.channels];
  if (x.rank !== 4 || x.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `unfold2d: the geometry is for ${formatShape(expected)}, got ${formatShape(x.shape)}`,
    );
  }
  const out = new Tensor(unfoldRaw(x.data, g), [patchCount(g), patchWidth(g)]);
  return record(out, 'unfold2d', [x], (grad) => [fold2d(grad, g)]);
}

/** The adjoint of {@link unfold2d}: patches [batch·outH·outW, kh·kw·C] added back into an image. */
export function fold2d(patches: Tensor, g: WindowGeometry): Tensor {
  if (patches.rank !== 2 || patches.shape[0] !== patchCount(g) || patches.shape[1] !== patchWidth(g)) {
    throw new ShapeError(
      `fold2d: expected patches ${formatShape([patchCount(g), patchWidth(g)])}, got ${formatShape(patches.shape)}`,
    );
  }
  const out = new Tensor(foldRaw(patches.data, g), [g.batch, g.height, g.width, g.channels]);
  return record(out, 'fold2d', [patches], (grad) => [unfold2d(grad, g)]);
}

/** Options of {@link conv2d}, per spatial axis [height, width]. */
export interface Conv2dOptions {
  /** Default [1, 1]. */
  strides?: readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  /** Default [1, 1]. */
  dilation?: readonly [number, number];
}

/**
 * 2-D convolution (cross-correlation, as Keras): x [batch, height, width, inC] with a kernel
 * [kh, kw, inC, outC] gives [batch, outH, outW, outC]. Computed as unfold2d(x) · kernel.
 *
 * @example
 * ```ts
 * conv2d(ones([1, 5, 5, 1]), ones([3, 3, 1, 2]), { padding: 'same' }).shape; // [1, 5, 5, 2]
 * ```
 */
export function conv2d(x: Tensor, kernel: Tensor, options: Conv2dOptions = {}): Tensor {
  if (kernel.rank !== 4) {
    throw new ShapeError(`conv2d: the kernel must be [kh, kw, inC, outC], got ${formatShape(kernel.shape)}`);
  }
  const [kh, kw, inC, outC] = kernel.shape;
  if (x.rank !== 4 || x.shape[3] !== inC) {
    throw new ShapeError(
      `conv2d: inputs ${formatShape(x.shape)} do not fit the kernel ${formatShape(kernel.shape)} (expected [batch, height, width, ${inC}])`,
    );
  }
  const g = windowGeometry('conv2d', x.shape, {
    kernel: [kh, kw],
    strides: options.strides ?? [1, 1],
    dilation: options.dilation ?? [1, 1],
    padding: options.padding ?? 'valid',
  });
  const y = matmul(unfold2d(x, g), reshape(kernel, [kh * kw * inC, outC]));
  return reshape(y, [g.batch, g.outHeight, g.outWidth, outC]);
}
