/**
 * What every thread runs — the calling thread and each worker alike: claim a chunk of the current
 * job, run it with the WebAssembly kernels on the thread's own module instance, repeat.
 *
 * A job is a list of up to {@link MAX_TASKS} tasks; a task is one kernel call whose *outputs* are
 * split into chunks (rows of a matrix product, rows or ranges of an elementwise op). A chunk computes
 * every one of its outputs completely — each output's whole reduction, in the canonical order — so
 * the bits cannot depend on which thread runs which chunk, or on how many threads there are.
 *
 * Data crosses threads through the shared staging memory: the calling thread copies a job's inputs
 * there; a thread copies a chunk's share into its own module's memory (the kernels keep scratch at
 * fixed addresses, so instances cannot share one memory), runs the kernel, and copies the chunk's
 * outputs back into staging.
 *
 * This file is also the workers' source: `build-worker-source.ts` transpiles it to JavaScript and
 * embeds it in `worker-source.ts`. It therefore imports nothing at run time (types only) and uses
 * only what every JavaScript runtime has.
 */
import type { KernelExports } from '../wasm/wasm-module.js';

/** Kernels the module exports in both element types, as `<name>_f32` and `<name>_f64`. */
type TwinKernel = {
  [K in keyof KernelExports]: K extends `${infer Base}_f32`
    ? `${Base}_f64` extends keyof KernelExports
      ? Base
      : never
    : never;
}[keyof KernelExports];

/** The variant of kernel `name` for elements of `bytes` bytes (4: float32, 8: float64). */
function variant<K extends TwinKernel>(
  kernels: KernelExports,
  name: K,
  bytes: number,
): KernelExports[`${K}_f32`] {
  return kernels[`${name}_${bytes === 8 ? 'f64' : 'f32'}` as `${K}_f32`];
}

/** Kernel of a task. */
export const OP_MATMUL = 1;
export const OP_BINARY = 2;
export const OP_UNARY = 3;
export const OP_UNARY_BACKWARD = 4;
export const OP_REDUCE_SUM = 5;
export const OP_REDUCE_MAX = 6;
export const OP_DENSE_FORWARD = 7;

/**
 * Task record layout (float64 words; every value is an integer except `alpha`). Staging addresses
 * are byte offsets into the staging memory; -1 marks an absent array.
 * - common: op, element bytes (4 or 8), first chunk, chunk count, units to split, unit alignment;
 * - matmul: a, aRow, aCol, b, bRow, bCol, out, m, k, n, split (0: rows of out, 1: columns);
 * - binary: code, a, aOuter, aInner, b, bOuter, bInner, out, outer, inner (split outer rows when
 *   outer > 1, else the inner range);
 * - unary: code, alpha, x, out; unary backward: code, alpha, x, dy, dx (split element ranges);
 * - reduce: x, out, outer, axis, inner, split (0: outer, 1: inner);
 * - dense forward: x, w, bias, z, y, m, k, n, code, alpha, add (split rows; y = -1 when it is z;
 *   `add` is the binary op code of addition, from the one op-code table: this file imports no values).
 */
export const F_OP = 0;
export const F_BYTES = 1;
export const F_FIRST = 2;
export const F_CHUNKS = 3;
export const F_UNITS = 4;
export const F_ALIGN = 5;
/** First op-specific field. */
export const F_ARGS = 6;
export const TASK_WORDS = 24;
export const MAX_TASKS = 4;
/** Job header: [task count, job serial]; tasks follow. */
export const JOB_HEADER = 2;
export const JOB_WORDS = JOB_HEADER + MAX_TASKS * TASK_WORDS;

/** Chunks of one job at most (the claim word holds counts in 12 bits). */
export const MAX_CHUNKS = 4095;

/** Int32 control words: chunks done in the current job, its error flag, quit, failed start-ups. */
export const CTL_DONE = 0;
export const CTL_ERROR = 1;
export const CTL_QUIT = 2;
export const CTL_FAILED = 3;
export const MAX_THREADS = 64;
/** Per-thread words (index 0: the calling thread, i: worker i): 1 once worker i is ready… */
export const CTL_READY = 8;
/** …and how many chunks each thread has run (for tests and measurements). */
export const CTL_CHUNKS_RUN = CTL_READY + MAX_THREADS;
export const CONTROL_WORDS = CTL_CHUNKS_RUN + MAX_THREADS;
export const ERROR_BYTES = 1024;

/** Everything a worker needs; the spawner hands it over (workerData, or the first message). */
export interface WorkerInit {
  /** The compiled kernel module (each thread instantiates its own copy). */
  module: WebAssembly.Module;
  /** Shared memory the calling thread stages job data in. */
  staging: WebAssembly.Memory;
  /** One BigInt64 word: the claim state of the current job (see {@link packClaim}). */
  claim: SharedArrayBuffer;
  /** Int32 control words (CTL_*). */
  control: SharedArrayBuffer;
  /** The job: a float64 header and task records. */
  job: SharedArrayBuffer;
  /** UTF-8 text of the first error a thread hit. */
  errors: SharedArrayBuffer;
  /** This worker's thread number (1, 2, …; 0 is the calling thread). */
  index: number;
}

/**
 * The claim word: job generation (40 bits) · chunk count (12 bits) · next unclaimed chunk (12 bits).
 * A thread claims chunk `next` by compare-and-swap of the whole word, so a thread that wakes late
 * can never claim a chunk of a newer job against an older job's record: the generation would differ.
 */
export function packClaim(generation: number, count: number, next: number): bigint {
  return (BigInt(generation) << 24n) | (BigInt(count) << 12n) | BigInt(next);
}

/** Generations wrap at 2^40 (packClaim keeps 40 bits). */
export const GENERATION_MASK = 2 ** 40 - 1;

/** The typed views every thread keeps on the shared buffers. */
export interface SharedViews {
  claim: BigInt64Array;
  control: Int32Array;
  job: Float64Array;
  errors: Uint8Array;
}

export function sharedViews(init: Pick<WorkerInit, 'claim' | 'control' | 'job' | 'errors'>): SharedViews {
  return {
    claim: new BigInt64Array(init.claim),
    control: new Int32Array(init.control),
    job: new Float64Array(init.job),
    errors: new Uint8Array(init.errors),
  };
}

/** Runs chunks of jobs on one module instance. */
export interface Executor {
  /** Runs chunk `chunk` of the job in `job` (whose header and tasks are already written). */
  run(job: Float64Array, chunk: number): void;
}

/** Kernels may read one vector past a buffer, so each private buffer is followed by this much room. */
const SLACK = 32;
const PAGE = 65536;

/**
 * An executor on `kernels` (an instance with its own memory) reading and writing `staging`.
 */
export function createExecutor(kernels: KernelExports, staging: WebAssembly.Memory): Executor {
  const memory = kernels.memory;
  const heapBase = kernels.heap_base.value as number;
  /** Preparations (packed right-hand sides) of the current job live from heapBase to prepEnd. */
  let prepEnd = heapBase;
  /** Per-chunk buffers live from prepEnd to top. */
  let top = heapBase;
  let preparedJob = -1;
  const prepared: number[] = [];

  /** A 16-byte-aligned private buffer of `bytes` bytes, growing the memory when needed. */
  function alloc(bytes: number): number {
    const at = top;
    top += Math.ceil((bytes + SLACK) / 16) * 16;
    const have = memory.buffer.byteLength;
    if (top > have) memory.grow(Math.ceil((top - have) / PAGE));
    return at;
  }

  /** Copies `bytes` bytes between (shared or private) buffers, bit for bit. */
  function copy(
    from: ArrayBufferLike,
    fromByte: number,
    to: ArrayBufferLike,
    toByte: number,
    bytes: number,
  ): void {
    if (bytes > 0) new Uint8Array(to, toByte, bytes).set(new Uint8Array(from, fromByte, bytes));
  }

  /**
   * Copies the block of `rows × cols` elements at staging address `src` (element (i, j) at
   * i·rowStride + j·colStride) into a new private buffer, keeping whichever axis has stride 1
   * contiguous. Returns the private address and the block's strides there.
   */
  function gather(
    src: number,
    bytes: number,
    rows: number,
    rowStride: number,
    cols: number,
    colStride: number,
  ): [address: number, rowStride: number, colStride: number] {
    const at = alloc(rows * cols * bytes);
    const from = staging.buffer;
    const to = memory.buffer;
    if (rows === 0 || cols === 0) return [at, cols, 1];
    if (cols === 1 || colStride === 1) {
      // Row i: `cols` contiguous elements at src + i·rowStride.
      if (rows === 1 || rowStride === cols) copy(from, src, to, at, rows * cols * bytes);
      else
        for (let i = 0; i < rows; i++)
          copy(from, src + i * rowStride * bytes, to, at + i * cols * bytes, cols * bytes);
      return [at, cols, 1];
    }
    if (rows === 1 || rowStride === 1) {
      // Column j: `rows` contiguous elements at src + j·colStride.
      if (colStride === rows) copy(from, src, to, at, rows * cols * bytes);
      else
        for (let j = 0; j < cols; j++)
          copy(from, src + j * colStride * bytes, to, at + j * rows * bytes, rows * bytes);
      return [at, 1, rows];
    }
    throw new Error(`gather: neither stride is 1 (${rowStride}, ${colStride})`);
  }

  /** Copies a private buffer to staging. */
  function put(from: number, to: number, bytes: number): void {
    copy(memory.buffer, from, staging.buffer, to, bytes);
  }

  /** The chunk's range of units: chunks split the units evenly in whole multiples of `align`. */
  function range(task: Float64Array, t: number, chunk: number): [number, number] {
    const units = task[t + F_UNITS];
    const align = task[t + F_ALIGN];
    const blocks = Math.ceil(units / align);
    const chunks = task[t + F_CHUNKS];
    const c = chunk - task[t + F_FIRST];
    const start = Math.floor((c * blocks) / chunks) * align;
    const end = Math.min(units, Math.floor(((c + 1) * blocks) / chunks) * align);
    return [start, end];
  }

  /** op(b) packed into panels (the kernels' layout) from a private copy of the block. */
  function pack(bytes: number, b: number, bRow: number, bCol: number, k: number, n: number): number {
    const panels = alloc(Math.ceil((n * bytes) / 32) * 32 * k);
    variant(kernels, 'pack_b', bytes)(b, bRow, bCol, panels, k, n);
    return panels;
  }

  /**
   * Work shared by all chunks of a task (the packed right-hand side of a row-split product), done
   * once per job on each thread that runs one of its chunks.
   */
  function preparation(job: Float64Array, key: number, make: () => number): number {
    const serial = job[1];
    if (preparedJob !== serial) {
      preparedJob = serial;
      prepared.length = 0;
      prepEnd = heapBase;
    }
    let at = prepared[key];
    if (at === undefined) {
      top = prepEnd;
      at = make();
      prepEnd = top;
      prepared[key] = at;
    }
    return at;
  }

  function matmul(job: Float64Array, t: number, taskIndex: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [a, aRow, aCol, b, bRow, bCol, out, m, k, n, split] = job.subarray(t + F_ARGS, t + F_ARGS + 11);
    const [start, end] = range(job, t, chunk);
    if (end <= start) return;
    // Rows [i0, i1) × columns [j0, j1) of out.
    const [i0, i1, j0, j1] = split === 0 ? [start, end, 0, n] : [0, m, start, end];
    const rows = i1 - i0;
    const cols = j1 - j0;
    let panels: number;
    if (split === 0) {
      // Every row chunk multiplies by all of op(b): pack it once per job on this thread.
      panels = preparation(job, taskIndex, () => {
        const [pb, r, c] = gather(b, bytes, k, bRow, n, bCol);
        return pack(bytes, pb, r, c, k, n);
      });
      top = prepEnd;
    } else {
      top = prepEnd;
      const [pb, r, c] = gather(b + j0 * bCol * bytes, bytes, k, bRow, cols, bCol);
      panels = pack(bytes, pb, r, c, k, cols);
    }
    const [pa, ar, ac] = gather(a + i0 * aRow * bytes, bytes, rows, aRow, k, aCol);
    const po = alloc(rows * cols * bytes);
    variant(kernels, 'matmul', bytes)(pa, ar, ac, panels, po, rows, k, cols);
    if (cols === n) put(po, out + i0 * n * bytes, rows * n * bytes);
    else
      for (let i = 0; i < rows; i++)
        put(po + i * cols * bytes, out + ((i0 + i) * n + j0) * bytes, cols * bytes);
  }

  function denseForward(job: Float64Array, t: number, taskIndex: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [x, w, bias, z, y, , k, n, code, alpha, add] = job.subarray(t + F_ARGS, t + F_ARGS + 11);
    const [i0, i1] = range(job, t, chunk);
    if (i1 <= i0) return;
    const panels = preparation(job, taskIndex, () => {
      const [pw, r, c] = gather(w, bytes, k, n, n, 1);
      return pack(bytes, pw, r, c, k, n);
    });
    const biasAt =
      bias < 0 ? -1 : preparation(job, taskIndex + MAX_TASKS, () => gather(bias, bytes, 1, n, n, 1)[0]);
    top = prepEnd;
    const rows = i1 - i0;
    const [px, xr, xc] = gather(x + i0 * k * bytes, bytes, rows, k, k, 1);
    const pz = alloc(rows * n * bytes);
    variant(kernels, 'matmul', bytes)(px, xr, xc, panels, pz, rows, k, n);
    if (biasAt >= 0) {
      // z + bias as the broadcast add computes it (a separate output: no kernel writes its input).
      const sum = alloc(rows * n * bytes);
      variant(kernels, 'binary', bytes)(add, pz, n, 1, biasAt, 0, 1, sum, rows, n);
      put(sum, z + i0 * n * bytes, rows * n * bytes);
      if (y >= 0) unaryInto(bytes, code, alpha, sum, y + i0 * n * bytes, rows * n);
    } else {
      put(pz, z + i0 * n * bytes, rows * n * bytes);
      if (y >= 0) unaryInto(bytes, code, alpha, pz, y + i0 * n * bytes, rows * n);
    }
  }

  /** f(x) for `count` elements at private `px`, written to staging `out`. */
  function unaryInto(
    bytes: number,
    code: number,
    alpha: number,
    px: number,
    out: number,
    count: number,
  ): void {
    const po = alloc(count * bytes);
    variant(kernels, 'unary', bytes)(code, px, po, count, alpha);
    put(po, out, count * bytes);
  }

  function binary(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [code, a, aOuter, aInner, b, bOuter, bInner, out, outer, inner] = job.subarray(
      t + F_ARGS,
      t + F_ARGS + 10,
    );
    const [start, end] = range(job, t, chunk);
    if (end <= start) return;
    const [o0, o1, i0, i1] = outer > 1 ? [start, end, 0, inner] : [0, 1, start, end];
    const rows = o1 - o0;
    const cols = i1 - i0;
    top = prepEnd;
    const operand = (at: number, so: number, si: number): [number, number] => {
      const base = at + (o0 * so + i0 * si) * bytes;
      // A broadcast axis (stride 0) is copied once and keeps stride 0.
      const [p, r] = gather(base, bytes, so === 0 ? 1 : rows, so, si === 0 ? 1 : cols, si);
      return [p, so === 0 ? 0 : r];
    };
    const [pa, ao] = operand(a, aOuter, aInner);
    const [pb, bo] = operand(b, bOuter, bInner);
    const po = alloc(rows * cols * bytes);
    variant(kernels, 'binary', bytes)(code, pa, ao, aInner, pb, bo, bInner, po, rows, cols);
    put(po, out + (o0 * inner + i0) * bytes, rows * cols * bytes);
  }

  function unary(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [code, alpha, x, out] = job.subarray(t + F_ARGS, t + F_ARGS + 4);
    const [s, e] = range(job, t, chunk);
    if (e <= s) return;
    top = prepEnd;
    const [px] = gather(x + s * bytes, bytes, 1, e - s, e - s, 1);
    unaryInto(bytes, code, alpha, px, out + s * bytes, e - s);
  }

  function unaryBackward(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [code, alpha, x, dy, dx] = job.subarray(t + F_ARGS, t + F_ARGS + 5);
    const [s, e] = range(job, t, chunk);
    if (e <= s) return;
    top = prepEnd;
    const count = e - s;
    const [px] = gather(x + s * bytes, bytes, 1, count, count, 1);
    const [pdy] = gather(dy + s * bytes, bytes, 1, count, count, 1);
    const pdx = alloc(count * bytes);
    variant(kernels, 'unary_backward', bytes)(code, px, pdy, pdx, count, alpha);
    put(pdx, dx + s * bytes, count * bytes);
  }

  function reduce(job: Float64Array, t: number, chunk: number, max: boolean): void {
    const bytes = job[t + F_BYTES];
    const [x, out, outer, axis, inner, split] = job.subarray(t + F_ARGS, t + F_ARGS + 6);
    const [start, end] = range(job, t, chunk);
    if (end <= start) return;
    const [o0, o1, j0, j1] = split === 0 ? [start, end, 0, inner] : [0, outer, start, end];
    const rows = o1 - o0;
    const cols = j1 - j0;
    top = prepEnd;
    // The block [o0, o1) × all of axis × [j0, j1), as rows·axis contiguous runs of `cols` elements.
    const [px] = gather(x + (o0 * axis * inner + j0) * bytes, bytes, rows * axis, inner, cols, 1);
    const po = alloc(rows * cols * bytes);
    variant(kernels, max ? 'reduce_max' : 'reduce_sum', bytes)(px, po, rows, axis, cols);
    if (cols === inner) put(po, out + o0 * inner * bytes, rows * cols * bytes);
    else
      for (let o = 0; o < rows; o++)
        put(po + o * cols * bytes, out + ((o0 + o) * inner + j0) * bytes, cols * bytes);
  }

  return {
    run(job: Float64Array, chunk: number): void {
      const tasks = job[0];
      for (let i = 0; i < tasks; i++) {
        const t = JOB_HEADER + i * TASK_WORDS;
        const first = job[t + F_FIRST];
        if (chunk < first || chunk >= first + job[t + F_CHUNKS]) continue;
        const op = job[t + F_OP];
        if (op === OP_MATMUL) matmul(job, t, i, chunk);
        else if (op === OP_DENSE_FORWARD) denseForward(job, t, i, chunk);
        else if (op === OP_BINARY) binary(job, t, chunk);
        else if (op === OP_UNARY) unary(job, t, chunk);
        else if (op === OP_UNARY_BACKWARD) unaryBackward(job, t, chunk);
        else if (op === OP_REDUCE_SUM || op === OP_REDUCE_MAX) reduce(job, t, chunk, op === OP_REDUCE_MAX);
        else throw new Error(`unknown task op ${op}`);
        return;
      }
      throw new Error(`chunk ${chunk} belongs to no task`);
    },
  };
}

/**
 * Records an error's text for the calling thread: the first error of a job (flag CTL_ERROR, which
 * makes the job throw) or a failed start-up (CTL_FAILED; the job runs on without that worker).
 */
function recordError(views: SharedViews, thread: number, error: unknown, flag: number): void {
  if (Atomics.add(views.control, flag, 1) !== 0) return;
  const text = `thread ${thread}: ${error instanceof Error ? error.message : String(error)}`;
  const encoded = new TextEncoder().encode(text).subarray(0, ERROR_BYTES - 4);
  new DataView(views.errors.buffer).setUint32(0, encoded.length, true);
  views.errors.set(encoded, 4);
}

/** The text recordError stored. */
export function errorText(views: SharedViews): string {
  const length = new DataView(views.errors.buffer).getUint32(0, true);
  // TextDecoder refuses views of shared memory: decode a copy.
  return new TextDecoder().decode(views.errors.slice(4, 4 + length));
}

/**
 * Claims and runs chunks of the current job until none is left. Returns the claim word that showed
 * nothing left (a waiting thread sleeps until the word changes).
 */
export function drain(views: SharedViews, executor: Executor, thread: number): bigint {
  const { claim, control, job } = views;
  for (;;) {
    const word = Atomics.load(claim, 0);
    const next = Number(word & 0xfffn);
    const count = Number((word >> 12n) & 0xfffn);
    if (next >= count) return word;
    if (Atomics.compareExchange(claim, 0, word, word + 1n) !== word) continue;
    // The chunk is ours; the calling thread waits for it, so the job record stays as it is.
    try {
      executor.run(job, next);
    } catch (error) {
      recordError(views, thread, error, CTL_ERROR);
    }
    Atomics.add(control, CTL_CHUNKS_RUN + thread, 1);
    if (Atomics.add(control, CTL_DONE, 1) === count - 1) Atomics.notify(control, CTL_DONE);
  }
}

/**
 * A worker's whole life: instantiate the kernels, report ready, then run chunks whenever the calling
 * thread publishes a job, sleeping in between, until told to quit.
 */
export function workerMain(init: WorkerInit): void {
  const views = sharedViews(init);
  try {
    const kernels = new WebAssembly.Instance(init.module, {}).exports as unknown as KernelExports;
    const executor = createExecutor(kernels, init.staging);
    Atomics.store(views.control, CTL_READY + init.index, 1);
    for (;;) {
      const word = drain(views, executor, init.index);
      if (Atomics.load(views.control, CTL_QUIT) !== 0) return;
      Atomics.wait(views.claim, 0, word);
      if (Atomics.load(views.control, CTL_QUIT) !== 0) return;
    }
  } catch (error) {
    // Start-up failed (no chunk is claimed before ready): say so; the pool runs without this worker.
    recordError(views, init.index, error, CTL_FAILED);
  }
}
