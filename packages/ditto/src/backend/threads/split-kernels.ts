/**
 * The split rules of the threaded backend, at the level of the kernel module's exports: an object
 * with the calling thread's kernels whose large calls (matrix products with or without their
 * epilogue, their packing, elementwise ops, reductions) are cut into chunks of outputs and run by
 * every thread on its own instance over the same shared memory — each chunk is the same kernel on
 * its block of the same buffers, in place. The wasm backend, created over this object, places buffers, keeps the
 * programs' arena and falls back to the reference exactly as it does on one thread.
 *
 * Every output is computed whole by one kernel call, in the canonical order, so the bits are the
 * same at every thread count. A call is split only when its outputs cannot feed another chunk's
 * inputs: each output buffer is either disjoint from an input or (elementwise ops) the very same
 * elements at the same place.
 */
import { UNARY_CODES } from '../../kernels/op-codes.js';
import type { UnaryOp } from '../../numeric/elementwise.js';
import type { KernelExports } from '../wasm/wasm-module.js';
import type { TaskSpec, ThreadPool } from './pool.js';
import {
  IMAGE_KERNELS,
  MAX_CHUNKS,
  OP_ADAM,
  OP_BINARY,
  OP_IMAGES,
  OP_MATMUL,
  OP_PACK,
  OP_REDUCE_MAX,
  OP_REDUCE_SUM,
  OP_UNARY,
  OP_UNARY_BACKWARD,
} from './worker-core.js';

/** When a call is worth splitting, and into how many chunks. */
export interface ThreadThresholds {
  /** A matrix product runs on threads from this many multiply-adds (m·k·n). */
  matmul: number;
  /** Packing op(b) for a product (a copy) runs on threads from this many elements (k·n). */
  pack: number;
  /**
   * A cheap elementwise op (binary ops, and unary ops of a few `+ − × ÷ √` or a selection) or a
   * reduction runs on threads from this many elements.
   */
  elementwise: number;
  /** A unary op (or gradient) built on exp or log — tens of operations per element — from this many. */
  transcendental: number;
  /**
   * A window kernel (unfold, fold, max pooling and its gradient: copies and comparisons, bound by
   * memory) runs on threads, split by images, from this many elements of its largest array.
   */
  window: number;
  /** Each chunk of a matrix product holds at least this many multiply-adds… */
  matmulChunk: number;
  /** …and each chunk of an elementwise op, packing or reduction at least this many elements. */
  elementwiseChunk: number;
}

/**
 * Measured on a 2-core x86-64 machine under Node 20 (docs/threads.md, "Measurements").
 */
export const DEFAULT_THRESHOLDS: Readonly<ThreadThresholds> = {
  matmul: 1 << 21,
  pack: Number.POSITIVE_INFINITY,
  elementwise: Number.POSITIVE_INFINITY,
  transcendental: 1 << 16,
  window: 1 << 16,
  matmulChunk: 1 << 18,
  elementwiseChunk: 1 << 14,
};

/** Unary ops evaluated with exp or log: 6–40 ns per element on one core, against about 1 for the rest. */
const TRANSCENDENTAL = new Set(
  (['exp', 'log', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'swish', 'gelu'] satisfies UnaryOp[]).map(
    (op) => UNARY_CODES[op],
  ),
);
/** log's gradient is dy / x: cheap. */
const CHEAP_GRADIENT = UNARY_CODES.log;

/** At most this many chunks per thread: enough to even out threads that run at different speeds. */
const CHUNKS_PER_THREAD = 8;
/** Bytes of one packed panel row (matmul.ts): 8 float32 or 4 float64 columns. */
const PANEL_ROW = 32;
/** Column chunks are whole panels of either element type: multiples of 8 columns. */
const PANEL_ALIGN = 8;

/** What the split kernels ask of the backend around them. */
export interface SplitContext {
  /** The pool and the threads to use when a call of `work` units is worth splitting at `threshold`. */
  poolFor(work: number, threshold: number): { pool: ThreadPool; threads: number } | undefined;
  /** The thresholds in force (they change speed only). */
  thresholds(): ThreadThresholds;
}

/** Chunks for `units` units in blocks of `align`, at least `minWork` of `work` each. */
function chunkCount(units: number, align: number, work: number, minWork: number, threads: number): number {
  const blocks = Math.ceil(units / align);
  const byWork = minWork > 0 ? Math.floor(work / minWork) : blocks;
  return Math.max(1, Math.min(blocks, CHUNKS_PER_THREAD * threads, byWork, MAX_CHUNKS));
}

/** Whether byte ranges [a, a + aBytes) and [b, b + bBytes) share no byte. */
const disjoint = (a: number, aBytes: number, b: number, bBytes: number): boolean =>
  a + aBytes <= b || b + bBytes <= a;

/** Bytes spanned by a [rows × cols] block with the given element strides (0 for an empty block). */
const extent = (bytes: number, rows: number, rowStride: number, cols: number, colStride: number): number =>
  rows === 0 || cols === 0 ? 0 : ((rows - 1) * rowStride + (cols - 1) * colStride + 1) * bytes;

/**
 * The kernels of `local` (the calling thread's instance over the shared memory), with the large
 * calls of the kernels above split across the pool that `context` gives.
 */
export function splitKernels(local: KernelExports, context: SplitContext): KernelExports {
  const kernels: KernelExports = { ...local };

  /** Runs one task on the pool. */
  const run = (split: { pool: ThreadPool; threads: number }, task: TaskSpec): void =>
    split.pool.run([task], split.threads);

  for (const bytes of [4, 8] as const) {
    const suffix = bytes === 4 ? 'f32' : 'f64';
    const matmul = local[`matmul_${suffix}`];
    const matmulEpilogue = local[`matmul_epilogue_${suffix}`];
    /**
     * Runs a product (with matmul_epilogue's bias and relu when `epilogue` ≥ 0) split by rows or
     * columns of out; false, running nothing, when it stays on this thread.
     */
    const splitProduct = (
      args: [a: number, aRow: number, aCol: number, panels: number, out: number, ld: number],
      m: number,
      k: number,
      n: number,
      epilogue: [bias: number, y: number, epilogue: number],
    ): boolean => {
      const [a, aRow, aCol, panels, out, ld] = args;
      const t = context.thresholds();
      const split = m > 0 && n > 0 ? context.poolFor(m * k * n, t.matmul) : undefined;
      if (!split) return false;
      const outBytes = extent(bytes, m, ld, n, 1);
      const inputs: [number, number][] = [
        [a, extent(bytes, m, aRow, k, aCol)],
        [panels, Math.ceil((n * bytes) / PANEL_ROW) * PANEL_ROW * k],
      ];
      const [bias, y, code] = epilogue;
      const outputs: [number, number][] = [[out, outBytes]];
      if (code >= 0) {
        inputs.push([bias, n * bytes]);
        if (y !== out) outputs.push([y, outBytes]);
      }
      const separate = outputs.every(([o, ob]) => inputs.every(([i, ib]) => disjoint(o, ob, i, ib)));
      if (!separate) return false;
      // Rows of out in blocks of 4 (the kernel's register tile), or columns in whole panels when
      // there are too few rows to go round.
      const byRows = m >= n || Math.ceil(m / 4) >= 2 * split.threads;
      const [units, align] = byRows ? [m, 4] : [n, PANEL_ALIGN];
      run(split, {
        op: OP_MATMUL,
        bytes,
        units,
        align,
        chunks: chunkCount(units, align, m * k * n, t.matmulChunk, split.threads),
        args: [...args, m, k, n, byRows ? 0 : 1, ...epilogue],
      });
      return true;
    };
    kernels[`matmul_${suffix}`] = (a, aRow, aCol, panels, out, ld, m, k, n) => {
      if (!splitProduct([a, aRow, aCol, panels, out, ld], m, k, n, [0, 0, -1]))
        matmul(a, aRow, aCol, panels, out, ld, m, k, n);
    };
    kernels[`matmul_epilogue_${suffix}`] = (a, aRow, aCol, panels, out, ld, m, k, n, bias, y, epilogue) => {
      if (!splitProduct([a, aRow, aCol, panels, out, ld], m, k, n, [bias, y, epilogue]))
        matmulEpilogue(a, aRow, aCol, panels, out, ld, m, k, n, bias, y, epilogue);
    };

    const pack = local[`pack_b_${suffix}`];
    kernels[`pack_b_${suffix}`] = (src, rowStride, colStride, dst, k, n) => {
      const t = context.thresholds();
      const split = k > 0 && n > 0 ? context.poolFor(k * n, t.pack) : undefined;
      const panelsBytes = Math.ceil((n * bytes) / PANEL_ROW) * PANEL_ROW * k;
      if (!split || !disjoint(dst, panelsBytes, src, extent(bytes, k, rowStride, n, colStride))) {
        pack(src, rowStride, colStride, dst, k, n);
        return;
      }
      run(split, {
        op: OP_PACK,
        bytes,
        units: n,
        align: PANEL_ALIGN,
        chunks: chunkCount(n, PANEL_ALIGN, k * n, t.elementwiseChunk, split.threads),
        args: [src, rowStride, colStride, dst, k],
      });
    };

    const binary = local[`binary_${suffix}`];
    kernels[`binary_${suffix}`] = (code, a, aOuter, aInner, b, bOuter, bInner, out, outer, inner) => {
      const size = outer * inner;
      const split = size > 0 ? context.poolFor(size, context.thresholds().elementwise) : undefined;
      const outBytes = size * bytes;
      // An operand overlapping out must be out itself, element for element.
      const apart = (p: number, so: number, si: number) =>
        (p === out && so === inner && si === 1) ||
        disjoint(out, outBytes, p, extent(bytes, outer, so, inner, si));
      if (!split || !apart(a, aOuter, aInner) || !apart(b, bOuter, bInner)) {
        binary(code, a, aOuter, aInner, b, bOuter, bInner, out, outer, inner);
        return;
      }
      // Whole rows when there are several, else ranges of the one row.
      const [units, align] = outer > 1 ? [outer, 1] : [inner, 16];
      run(split, {
        op: OP_BINARY,
        bytes,
        units,
        align,
        chunks: chunkCount(units, align, size, context.thresholds().elementwiseChunk, split.threads),
        args: [code, a, aOuter, aInner, b, bOuter, bInner, out, outer, inner],
      });
    };

    /** An elementwise task over n elements, or undefined when it stays on this thread. */
    const elementwise = (
      n: number,
      transcendental: boolean,
      out: number,
      inputs: number[],
    ): { split: { pool: ThreadPool; threads: number }; chunks: number } | undefined => {
      const t = context.thresholds();
      const split = n > 0 ? context.poolFor(n, transcendental ? t.transcendental : t.elementwise) : undefined;
      if (!split || !inputs.every((x) => x === out || disjoint(out, n * bytes, x, n * bytes)))
        return undefined;
      return { split, chunks: chunkCount(n, 16, n, t.elementwiseChunk, split.threads) };
    };

    const unary = local[`unary_${suffix}`];
    kernels[`unary_${suffix}`] = (code, x, out, n, alpha) => {
      const plan = elementwise(n, TRANSCENDENTAL.has(code), out, [x]);
      if (!plan) unary(code, x, out, n, alpha);
      else
        run(plan.split, {
          op: OP_UNARY,
          bytes,
          units: n,
          align: 16,
          chunks: plan.chunks,
          args: [code, x, out, alpha],
        });
    };

    const unaryBackward = local[`unary_backward_${suffix}`];
    kernels[`unary_backward_${suffix}`] = (code, x, dy, dx, n, alpha) => {
      const plan = elementwise(n, TRANSCENDENTAL.has(code) && code !== CHEAP_GRADIENT, dx, [x, dy]);
      if (!plan) unaryBackward(code, x, dy, dx, n, alpha);
      else
        run(plan.split, {
          op: OP_UNARY_BACKWARD,
          bytes,
          units: n,
          align: 16,
          chunks: plan.chunks,
          args: [code, x, dy, dx, alpha],
        });
    };

    for (const max of [false, true]) {
      const name = max ? (`reduce_max_${suffix}` as const) : (`reduce_sum_${suffix}` as const);
      const reduce = local[name];
      kernels[name] = (x, out, outer, axis, inner) => {
        const t = context.thresholds();
        const size = outer * axis * inner;
        // Groups of whole [axis × inner] slabs; a single slab stays whole (the kernel has no stride
        // to run on a range of inner).
        const split = outer > 1 && size > 0 ? context.poolFor(size, t.elementwise) : undefined;
        if (!split || !disjoint(out, outer * inner * bytes, x, size * bytes)) {
          reduce(x, out, outer, axis, inner);
          return;
        }
        run(split, {
          op: max ? OP_REDUCE_MAX : OP_REDUCE_SUM,
          bytes,
          units: outer,
          align: 1,
          chunks: chunkCount(outer, 1, size, t.elementwiseChunk, split.threads),
          args: [x, out, outer, axis, inner],
        });
      };
    }
    /**
     * A window kernel split by images: `arrays` are its pointer arguments with their elements per
     * image in the kernel's order (`output` the index of the one it writes), then the batch size and
     * `geometry`.
     */
    const splitImages = (
      kernel: (typeof IMAGE_KERNELS)[number],
      arrays: [pointer: number, perImage: number][],
      output: number,
      batch: number,
      geometry: number[],
    ): boolean => {
      const largest = Math.max(...arrays.map(([, per]) => per)) * batch;
      const split = batch > 1 ? context.poolFor(largest, context.thresholds().window) : undefined;
      if (!split) return false;
      const span = ([p, per]: [number, number]): [number, number] => [p, per * batch * bytes];
      const [o, ob] = span(arrays[output]);
      const apart = arrays.every((array, i) => i === output || disjoint(o, ob, ...span(array)));
      if (!apart) return false;
      run(split, {
        op: OP_IMAGES,
        bytes,
        units: batch,
        align: 1,
        chunks: chunkCount(batch, 1, largest, context.thresholds().elementwiseChunk, split.threads),
        args: [IMAGE_KERNELS.indexOf(kernel), arrays.length, ...arrays.flat(), geometry.length, ...geometry],
      });
      return true;
    };
    for (const kernel of ['unfold2d', 'fold2d'] as const) {
      const name = `${kernel}_${suffix}` as const;
      const own = local[name];
      kernels[name] = (input, output, batch, h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow) => {
        const image = h * w * c;
        const patches = oh * ow * kh * kw * c;
        const [inPer, outPer] = kernel === 'unfold2d' ? [image, patches] : [patches, image];
        const geometry = [h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow];
        if (
          !splitImages(
            kernel,
            [
              [input, inPer],
              [output, outPer],
            ],
            1,
            batch,
            geometry,
          )
        ) {
          own(input, output, batch, h, w, c, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow);
        }
      };
    }
    const pool = local[`max_pool2d_${suffix}`];
    kernels[`max_pool2d_${suffix}`] = (x, out, batch, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow) => {
      const geometry = [h, w, c, kh, kw, sh, sw, pt, pl, oh, ow];
      if (
        !splitImages(
          'max_pool2d',
          [
            [x, h * w * c],
            [out, oh * ow * c],
          ],
          1,
          batch,
          geometry,
        )
      )
        pool(x, out, batch, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow);
    };
    const poolBackward = local[`max_pool2d_backward_${suffix}`];
    kernels[`max_pool2d_backward_${suffix}`] = (x, g, dx, batch, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow) => {
      const geometry = [h, w, c, kh, kw, sh, sw, pt, pl, oh, ow];
      if (
        !splitImages(
          'max_pool2d_backward',
          [
            [x, h * w * c],
            [g, oh * ow * c],
            [dx, h * w * c],
          ],
          2,
          batch,
          geometry,
        )
      )
        poolBackward(x, g, dx, batch, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow);
    };
  }

  const adam = local.adam_f32;
  kernels.adam_f32 = (w, g, m, v, vHat, n, ...scalars) => {
    const amsgrad = scalars[scalars.length - 1] !== 0;
    // Adam's square root and division make it cost about as much per element as exp.
    const split = n > 0 ? context.poolFor(n, context.thresholds().transcendental) : undefined;
    const written = amsgrad ? [w, m, v, vHat] : [w, m, v];
    const read = [...written, g];
    const apart = written.every((o) => read.every((x) => x === o || disjoint(o, n * 4, x, n * 4)));
    if (!split || !apart) {
      adam(w, g, m, v, vHat, n, ...scalars);
      return;
    }
    run(split, {
      op: OP_ADAM,
      bytes: 4,
      units: n,
      align: 4,
      chunks: chunkCount(n, 4, n, context.thresholds().elementwiseChunk, split.threads),
      args: [w, g, m, v, vHat, ...scalars],
    });
  };
  return kernels;
}
