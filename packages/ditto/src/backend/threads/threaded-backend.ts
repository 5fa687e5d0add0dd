/**
 * The threaded WebAssembly backend ('wasm-threads'): the wasm backend's kernels, with large calls
 * split across threads by their outputs — rows (or columns) of a matrix product, rows or ranges of
 * an elementwise op, groups of a reduction's outputs. Each output is computed whole by one thread,
 * in the canonical order, with the same kernels the single-threaded backend runs, so the result is
 * bit-identical at every thread count (and to the reference backend).
 *
 * Small calls run on the calling thread through the wasm backend itself: below the thresholds the
 * cost of waking workers and staging data exceeds the gain (see docs/threads.md for the measurements).
 * The same happens wherever threads cannot run: no SharedArrayBuffer (a browser page that is not
 * cross-origin isolated), a thread that may not block (a browser's main thread), no way to start
 * workers (Node without the adapter in src/node/threads), or a thread count of 1.
 */

import { BINARY_CODES, UNARY_CODES } from '../../kernels/op-codes.js';
import { backendKernel } from '../../kernels/registry.js';
import type { BinaryOp, UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Backend } from '../backend.js';
import { planBinary } from '../wasm/binary-plan.js';
import { createWasmBackend } from '../wasm/wasm-backend.js';
import { kernelBytes } from '../wasm/wasm-module.js';
import { canBlock, type TaskSpec, ThreadPool, type WorkerSpawner } from './pool.js';
import { defaultSpawner, defaultThreadCount } from './web-spawner.js';
import {
  MAX_CHUNKS,
  MAX_THREADS,
  OP_BINARY,
  OP_DENSE_FORWARD,
  OP_MATMUL,
  OP_REDUCE_MAX,
  OP_REDUCE_SUM,
  OP_UNARY,
  OP_UNARY_BACKWARD,
} from './worker-core.js';

/** When a call is worth splitting, and into how many chunks. */
export interface ThreadThresholds {
  /** A matrix product or fused Dense runs on threads from this many multiply-adds (m·k·n). */
  matmul: number;
  /**
   * A cheap elementwise op (binary ops, and unary ops of a few `+ − × ÷ √` or a selection) or a
   * reduction runs on threads from this many elements.
   */
  elementwise: number;
  /** A unary op (or gradient) built on exp or log — tens of operations per element — from this many. */
  transcendental: number;
  /** Each chunk of a matrix product holds at least this many multiply-adds… */
  matmulChunk: number;
  /** …and each chunk of an elementwise op or reduction at least this many elements. */
  elementwiseChunk: number;
}

/**
 * Measured on a 2-core x86-64 machine under Node 20 (docs/threads.md): a product pays from about
 * 2^21 multiply-adds, an exp/log-based op from about 2^16 elements. Cheap elementwise ops and
 * reductions are bound by memory bandwidth, and the copies through staging made them slower at
 * every size measured (up to 2^22 elements), so by default they never leave the calling thread.
 */
export const DEFAULT_THRESHOLDS: Readonly<ThreadThresholds> = {
  matmul: 1 << 21,
  elementwise: Number.POSITIVE_INFINITY,
  transcendental: 1 << 16,
  matmulChunk: 1 << 18,
  elementwiseChunk: 1 << 14,
};

/** Unary ops evaluated with exp or log: 6–40 ns per element on one core, against about 1 for the rest. */
const TRANSCENDENTAL = new Set<UnaryOp>([
  'exp',
  'log',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softplus',
  'swish',
  'gelu',
]);

/** At most this many chunks per thread: enough to even out threads that run at different speeds. */
const CHUNKS_PER_THREAD = 8;

export interface ThreadedBackendOptions {
  /**
   * Threads in all, the calling thread included (default: the runtime's logical cores,
   * `navigator.hardwareConcurrency`, or 1 where unknown; the Node adapter uses
   * `os.availableParallelism()`).
   */
  threads?: number;
  /** How to start workers (default: Web Workers where the runtime has them). */
  spawn?: WorkerSpawner;
  /** Tuning: when to split (results never depend on these). */
  thresholds?: Partial<ThreadThresholds>;
}

/** A Backend whose large kernels run on several threads. */
export interface ThreadedBackend extends Backend {
  /** Changes the options given at creation (unspecified ones stay). */
  configure(options: ThreadedBackendOptions): void;
  /** Sets the number of threads, the calling thread included (1: no workers). */
  setThreads(threads: number): void;
  /** The threads kernels run on: the number set, or 1 where threads are unavailable here. */
  getThreads(): number;
  /** Starts the workers if needed and resolves with how many are ready once all are (or one failed). */
  ready(): Promise<number>;
  /** Stops every worker; later calls start them again when needed. */
  shutdown(): void;
  /** Chunks each thread has run so far (index 0: the calling thread), for tests and measurements. */
  chunksRun(): number[];
}

type Kind = 'f32' | 'f64';

function kindOf(...arrays: FloatArray[]): Kind | undefined {
  if (arrays.every((x) => x instanceof Float32Array)) return 'f32';
  if (arrays.every((x) => x instanceof Float64Array)) return 'f64';
  return undefined;
}

const prefix = (array: FloatArray, length: number): FloatArray =>
  array.length === length ? array : array.subarray(0, length);

/** Chunks for `units` units in blocks of `align`, at least `minWork` of `work` each. */
function chunkCount(units: number, align: number, work: number, minWork: number, threads: number): number {
  const blocks = Math.ceil(units / align);
  const byWork = minWork > 0 ? Math.floor(work / minWork) : blocks;
  return Math.max(1, Math.min(blocks, CHUNKS_PER_THREAD * threads, byWork, MAX_CHUNKS));
}

/**
 * Creates the threaded backend. Workers start on the first call that needs them (or on `ready()`).
 *
 * @example
 * ```ts
 * // In Node ('ditto' resolves to the Node entry there); elsewhere Web Workers are the default spawner.
 * import { createThreadedBackend, nodeWorkerSpawner, registerBackend, setBackend } from 'ditto';
 * const threaded = createThreadedBackend({ threads: 4, spawn: nodeWorkerSpawner });
 * registerBackend(threaded);
 * setBackend('wasm-threads');
 * ```
 */
export function createThreadedBackend(options: ThreadedBackendOptions = {}): ThreadedBackend {
  const base = createWasmBackend();
  let requested = options.threads ?? defaultThreadCount();
  let spawn = options.spawn ?? defaultSpawner();
  let thresholds: ThreadThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  let pool: ThreadPool | undefined;
  let poolWorkers = -1;
  let blockable: boolean | undefined;
  let unavailable = false;

  /** Whether this thread can run a pool at all (checked once). */
  function available(): boolean {
    if (unavailable || !spawn) return false;
    blockable ??= canBlock();
    return blockable;
  }

  function threads(): number {
    return requested > 1 && available() ? requested : 1;
  }

  /** The pool with `threads() − 1` workers started, or undefined where there is none. */
  function ensurePool(): ThreadPool | undefined {
    const count = threads();
    if (count < 2 || !spawn) return undefined;
    if (!pool) {
      try {
        pool = new ThreadPool(spawn, new WebAssembly.Module(kernelBytes()));
      } catch {
        // No shared WebAssembly memory here: run on one thread.
        unavailable = true;
        return undefined;
      }
    }
    if (poolWorkers !== count - 1) {
      pool.resize(count - 1);
      poolWorkers = count - 1;
    }
    return pool;
  }

  /** The pool when a call of `work` is worth splitting at threshold `threshold`, else undefined. */
  function poolFor(work: number, threshold: number): ThreadPool | undefined {
    if (work === 0 || work < threshold || threads() < 2) return undefined;
    return ensurePool();
  }

  /** Reserves staging for each size; undefined when they do not fit. */
  function stage(p: ThreadPool, ...sizes: number[]): number[] | undefined {
    p.beginStaging();
    const at: number[] = [];
    for (const size of sizes) {
      const address = p.reserve(size);
      if (address === undefined) return undefined;
      at.push(address);
    }
    return at;
  }

  /** A matmul task for out[m×n] = op(a)·op(b) on staged arrays. */
  function matmulTask(
    bytes: number,
    pa: number,
    pb: number,
    po: number,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
    transposeB: boolean,
  ): TaskSpec {
    const count = threads();
    const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
    const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
    // Rows of out in blocks of 4 (the kernel's register tile), or columns in panels of 8 when there
    // are too few rows to go round.
    const byRows = m >= n || Math.ceil(m / 4) >= 2 * count;
    const [units, align] = byRows ? [m, 4] : [n, 8];
    return {
      op: OP_MATMUL,
      bytes,
      units,
      align,
      chunks: chunkCount(units, align, m * k * n, thresholds.matmulChunk, count),
      args: [pa, aRow, aCol, pb, bRow, bCol, po, m, k, n, byRows ? 0 : 1],
    };
  }

  function matmul(
    a: FloatArray,
    b: FloatArray,
    out: FloatArray,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void {
    const kind = kindOf(a, b, out);
    const exact = a.length === m * k && b.length === k * n && out.length === m * n;
    const p = kind && exact ? poolFor(m * k * n, thresholds.matmul) : undefined;
    const at = p && stage(p, a.byteLength, b.byteLength, out.byteLength);
    if (!p || !at) {
      base.matmul(a, b, out, m, k, n, transposeA, transposeB);
      return;
    }
    const [pa, pb, po] = at;
    p.write(pa, a);
    p.write(pb, b);
    p.run([matmulTask(a.BYTES_PER_ELEMENT, pa, pb, po, m, k, n, transposeA, transposeB)], threads());
    p.read(po, out);
  }

  function binary(
    op: BinaryOp,
    a: FloatArray,
    aStrides: readonly number[],
    b: FloatArray,
    bStrides: readonly number[],
    out: FloatArray,
    outShape: readonly number[],
  ): void {
    const kind = kindOf(a, b, out);
    const plan = kind ? planBinary(outShape, aStrides, bStrides) : undefined;
    const size = out.length;
    const exact = plan !== undefined && plan.outer * plan.inner === size;
    const p = exact ? poolFor(size, thresholds.elementwise) : undefined;
    const at = p && stage(p, a.byteLength, b.byteLength, out.byteLength);
    if (!plan || !p || !at) {
      base.binary(op, a, aStrides, b, bStrides, out, outShape);
      return;
    }
    const [pa, pb, po] = at;
    p.write(pa, a);
    p.write(pb, b);
    // Whole rows when there are several, else ranges of the one row.
    const [units, align] = plan.outer > 1 ? [plan.outer, 1] : [plan.inner, 16];
    const count = threads();
    const chunks = chunkCount(units, align, size, thresholds.elementwiseChunk, count);
    const args = [BINARY_CODES[op], pa, plan.aOuter, plan.aInner, pb, plan.bOuter, plan.bInner, po];
    p.run(
      [
        {
          op: OP_BINARY,
          bytes: out.BYTES_PER_ELEMENT,
          units,
          align,
          chunks,
          args: [...args, plan.outer, plan.inner],
        },
      ],
      count,
    );
    p.read(po, out);
  }

  /** An elementwise task over n elements. */
  function elementwiseTask(op: number, bytes: number, n: number, args: number[]): TaskSpec {
    const chunks = chunkCount(n, 16, n, thresholds.elementwiseChunk, threads());
    return { op, bytes, units: n, align: 16, chunks, args };
  }

  function unary(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number): void {
    const n = x.length;
    const kind = kindOf(x, out);
    const threshold = TRANSCENDENTAL.has(op) ? thresholds.transcendental : thresholds.elementwise;
    const p = kind && out.length >= n ? poolFor(n, threshold) : undefined;
    const at = p && stage(p, x.byteLength, x.byteLength);
    if (!p || !at) {
      base.unary(op, x, out, alpha);
      return;
    }
    const [px, po] = at;
    p.write(px, x);
    p.run([elementwiseTask(OP_UNARY, x.BYTES_PER_ELEMENT, n, [UNARY_CODES[op], alpha, px, po])], threads());
    p.read(po, prefix(out, n));
  }

  function unaryBackward(op: UnaryOp, x: FloatArray, dy: FloatArray, dx: FloatArray, alpha: number): void {
    const n = x.length;
    const kind = kindOf(x, dy, dx);
    // log's gradient is dy / x: cheap.
    const threshold =
      TRANSCENDENTAL.has(op) && op !== 'log' ? thresholds.transcendental : thresholds.elementwise;
    const p = kind && dy.length >= n && dx.length >= n ? poolFor(n, threshold) : undefined;
    const at = p && stage(p, x.byteLength, x.byteLength, x.byteLength);
    if (!p || !at) {
      base.unaryBackward(op, x, dy, dx, alpha);
      return;
    }
    const [px, pdy, pdx] = at;
    p.write(px, x);
    p.write(pdy, prefix(dy, n));
    const args = [UNARY_CODES[op], alpha, px, pdy, pdx];
    p.run([elementwiseTask(OP_UNARY_BACKWARD, x.BYTES_PER_ELEMENT, n, args)], threads());
    p.read(pdx, prefix(dx, n));
  }

  function reduce(
    op: 'sum' | 'max',
    x: FloatArray,
    out: FloatArray,
    outer: number,
    axis: number,
    inner: number,
  ): void {
    const size = outer * axis * inner;
    const outputs = outer * inner;
    const kind = kindOf(x, out);
    const fits = kind && x.length >= size && out.length >= outputs && outputs > 1;
    const p = fits ? poolFor(size, thresholds.elementwise) : undefined;
    const bytes = x.BYTES_PER_ELEMENT;
    const at = p && stage(p, size * bytes, outputs * bytes);
    if (!p || !at) {
      base.reduce(op, x, out, outer, axis, inner);
      return;
    }
    const [px, po] = at;
    p.write(px, prefix(x, size));
    const count = threads();
    // Groups of whole [axis × inner] slabs, or ranges of inner when there are too few slabs.
    const byOuter = outer >= inner || outer >= 2 * count;
    const [units, align] = byOuter ? [outer, 1] : [inner, 16];
    const chunks = chunkCount(units, align, size, thresholds.elementwiseChunk, count);
    const task: TaskSpec = {
      op: op === 'sum' ? OP_REDUCE_SUM : OP_REDUCE_MAX,
      bytes,
      units,
      align,
      chunks,
      args: [px, po, outer, axis, inner, byOuter ? 0 : 1],
    };
    p.run([task], count);
    p.read(po, out.subarray(0, outputs));
  }

  function denseForward(
    x: FloatArray,
    w: FloatArray,
    bias: FloatArray | null,
    z: FloatArray,
    y: FloatArray,
    m: number,
    k: number,
    n: number,
    activation: UnaryOp,
    alpha: number,
  ): void {
    if (y === z && activation !== 'linear') {
      throw new Error(
        `denseForward: y may share z's array only for a linear activation, not '${activation}'`,
      );
    }
    const kind = bias ? kindOf(x, w, bias, z, y) : kindOf(x, w, z, y);
    const exact =
      x.length === m * k &&
      w.length === k * n &&
      (!bias || bias.length === n) &&
      z.length === m * n &&
      y.length === m * n;
    const p = kind && exact ? poolFor(m * k * n, thresholds.matmul) : undefined;
    const bytes = x.BYTES_PER_ELEMENT;
    const at =
      p &&
      stage(
        p,
        x.byteLength,
        w.byteLength,
        bias ? bias.byteLength : 0,
        z.byteLength,
        y === z ? 0 : y.byteLength,
      );
    if (!p || !at) {
      baseDenseForward(x, w, bias, z, y, m, k, n, activation, alpha);
      return;
    }
    const [px, pw, pbias, pz, py] = at;
    p.write(px, x);
    p.write(pw, w);
    if (bias) p.write(pbias, bias);
    const count = threads();
    const task: TaskSpec = {
      op: OP_DENSE_FORWARD,
      bytes,
      units: m,
      align: 4,
      chunks: chunkCount(m, 4, m * k * n, thresholds.matmulChunk, count),
      args: [
        px,
        pw,
        bias ? pbias : -1,
        pz,
        y === z ? -1 : py,
        m,
        k,
        n,
        UNARY_CODES[activation],
        alpha,
        BINARY_CODES.add,
      ],
    };
    p.run([task], count);
    p.read(pz, z);
    if (y !== z) p.read(py, y);
  }

  /** denseForward on the calling thread: the base backend's fused kernel, else the reference's. */
  function baseDenseForward(...args: Parameters<NonNullable<Backend['denseForward']>>): void {
    backendKernel('denseForward', base)(...args);
  }

  function denseBackward(
    x: FloatArray,
    w: FloatArray,
    z: FloatArray,
    dy: FloatArray,
    dz: FloatArray,
    dx: FloatArray | null,
    dw: FloatArray,
    db: FloatArray | null,
    m: number,
    k: number,
    n: number,
    activation: UnaryOp,
    alpha: number,
  ): void {
    if (dz === dy && activation !== 'linear') {
      throw new Error(
        `denseBackward: dz may share dy's array only for a linear activation, not '${activation}'`,
      );
    }
    const arrays = [x, w, z, dy, dz, dw];
    if (dx) arrays.push(dx);
    if (db) arrays.push(db);
    const kind = kindOf(...arrays);
    const mn = m * n;
    const exact =
      x.length === m * k &&
      w.length === k * n &&
      z.length === mn &&
      dy.length === mn &&
      dz.length === mn &&
      dw.length === k * n &&
      (!dx || dx.length === m * k) &&
      (!db || db.length === n);
    const p = kind && exact ? poolFor(m * k * n, thresholds.matmul) : undefined;
    if (!p) {
      baseDenseBackward(x, w, z, dy, dz, dx, dw, db, m, k, n, activation, alpha);
      return;
    }
    // Backend.denseBackward's steps. dz and db are cheap (m·n elements) and run as their own calls
    // (on threads when large); the two products, the bulk of the work, share one job.
    if (dz !== dy) unaryBackward(activation, z, dy, dz, alpha);
    if (db) reduce('sum', dz, db, 1, m, n);
    const at = stage(p, x.byteLength, w.byteLength, dz.byteLength, dw.byteLength, dx ? dx.byteLength : 0);
    if (!at) {
      base.matmul(x, dz, dw, k, m, n, true, false);
      if (dx) base.matmul(dz, w, dx, m, n, k, false, true);
      return;
    }
    const bytes = x.BYTES_PER_ELEMENT;
    const [px, pw, pdz, pdw, pdx] = at;
    p.write(px, x);
    p.write(pdz, dz);
    // dw[k×n] = xᵀ·dz; dx[m×k] = dz·wᵀ.
    const tasks = [matmulTask(bytes, px, pdz, pdw, k, m, n, true, false)];
    if (dx) {
      p.write(pw, w);
      tasks.push(matmulTask(bytes, pdz, pw, pdx, m, n, k, false, true));
    }
    p.run(tasks, threads());
    p.read(pdw, dw);
    if (dx) p.read(pdx, dx);
  }

  /** denseBackward on the calling thread: the base backend's fused kernel, else the reference's. */
  function baseDenseBackward(...args: Parameters<NonNullable<Backend['denseBackward']>>): void {
    backendKernel('denseBackward', base)(...args);
  }

  return {
    // Every kernel the wasm backend has and this file does not split runs there, on the calling
    // thread: softmax and its gradient (rows × classes, small in training), the Adam update (about a
    // nanosecond per element: staging copies would cost more than a second thread saves), and any
    // kernel the interface gains later.
    ...base,
    name: 'wasm-threads',
    matmul,
    binary,
    unary,
    unaryBackward,
    reduce,
    denseForward,
    denseBackward,
    configure(next: ThreadedBackendOptions): void {
      if (next.spawn && next.spawn !== spawn) {
        pool?.shutdown();
        pool = undefined;
        poolWorkers = -1;
        spawn = next.spawn;
        unavailable = false;
      }
      if (next.threads !== undefined) this.setThreads(next.threads);
      if (next.thresholds) thresholds = { ...thresholds, ...next.thresholds };
    },
    setThreads(count: number): void {
      if (!Number.isInteger(count) || count < 1)
        throw new Error(`setThreads: a whole number ≥ 1, not ${count}`);
      requested = Math.min(count, MAX_THREADS);
      if (pool && poolWorkers !== -1 && requested - 1 !== poolWorkers) {
        pool.resize(requested - 1);
        poolWorkers = requested - 1;
      }
    },
    getThreads: threads,
    async ready(): Promise<number> {
      const p = ensurePool();
      if (!p) return 0;
      const want = threads() - 1;
      // Workers start in the background; poll their ready flags (timing never reaches results).
      for (let waited = 0; p.readyCount() < want; waited += 5) {
        const failure = p.startupError();
        if (failure) throw new Error(`ditto threads: a worker failed to start: ${failure}`);
        if (waited > 60_000) throw new Error(`ditto threads: workers not ready after a minute`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return p.readyCount();
    },
    shutdown(): void {
      pool?.shutdown();
      poolWorkers = -1;
    },
    chunksRun(): number[] {
      return pool ? pool.chunksRun() : [];
    },
  };
}
