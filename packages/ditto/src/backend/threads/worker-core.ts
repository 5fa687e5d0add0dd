/**
 * What every thread runs — the calling thread and each worker alike: claim a chunk of the current
 * job, run it with the WebAssembly kernels on the thread's own module instance, repeat.
 *
 * A job is a list of up to {@link MAX_TASKS} tasks; a task is one kernel call whose *outputs* are
 * split into chunks (rows of a matrix product, rows or ranges of an elementwise op). A chunk computes
 * every one of its outputs completely — each output's whole reduction, in the canonical order — so
 * the bits cannot depend on which thread runs which chunk, or on how many threads there are.
 *
 * Every thread's instance runs over one shared memory (the kernel module with its imported memory
 * declared shared, each instance's kernel scratch in a slot of its own), so a chunk is the kernel called on
 * its block of the call's own buffers, in place: no data is copied between threads.
 *
 * This file is also the workers' source: `build-worker-source.ts` transpiles it to JavaScript and
 * embeds it in `worker-source.ts`. It therefore imports nothing at run time (types only) and uses
 * only what every JavaScript runtime has.
 */
import type { KernelExports, SharedKernelExports } from '../wasm/wasm-module.js';

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
export const OP_PACK = 7;
export const OP_ADAM = 8;
export const OP_IMAGES = 9;

/**
 * The window kernels split by images (OP_IMAGES): each image's output depends on that image alone,
 * so a chunk of images is the same kernel on fewer images, bit for bit. Their first arguments are
 * 2 or 3 pointers, then the batch size, then the rest of the geometry.
 */
export const IMAGE_KERNELS = ['unfold2d', 'fold2d', 'max_pool2d', 'max_pool2d_backward'] as const;

/**
 * Task record layout (float64 words; every value is an integer except `alpha`). Addresses are byte
 * addresses in the shared memory; the fields after the common ones are the kernel's own arguments.
 * - common: op, element bytes (4 or 8), first chunk, chunk count, units to split, unit alignment;
 * - matmul: a, aRow, aCol, panels, out, outRowStride, m, k, n, split (0: rows of out, 1: columns;
 *   op(b) is already packed into `panels`), then bias, y, epilogue (matmul_epilogue's; epilogue -1:
 *   the plain product);
 * - pack: src, rowStride, colStride, dst, k, n (split by columns, whole panels);
 * - binary: code, a, aOuter, aInner, b, bOuter, bInner, out, outer, inner (split outer rows when
 *   outer > 1, else the inner range);
 * - unary: code, x, out, alpha; unary backward: code, x, dy, dx, alpha (split element ranges);
 * - reduce: x, out, outer, axis, inner (split groups of outer);
 * - adam (float32): w, g, m, v, vHat, then adam_f32's scalars after n (split element ranges in
 *   whole vectors, so only the last chunk has a tail);
 * - images: the IMAGE_KERNELS index, the pointer count p, p pairs (pointer, elements per image),
 *   the count r of geometry arguments after the batch size, those r (split ranges of images).
 */
export const F_OP = 0;
export const F_BYTES = 1;
export const F_FIRST = 2;
export const F_CHUNKS = 3;
export const F_UNITS = 4;
export const F_ALIGN = 5;
/** First op-specific field. */
export const F_ARGS = 6;
export const TASK_WORDS = 32;
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
  /** The compiled shared-memory kernel module (each thread instantiates it over `memory`). */
  module: WebAssembly.Module;
  /** The one shared memory every thread's instance uses. */
  memory: WebAssembly.Memory;
  /** Where this thread's instance keeps its kernel scratch (its own slot of the memory). */
  scratchBase: number;
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

/** Bytes of one packed panel row (matmul.ts PANEL_ROW): 8 float32 or 4 float64 columns. */
const PANEL_ROW = 32;

/** The chunk's range of units: chunks split the units evenly in whole multiples of `align`. */
export function chunkRange(task: Float64Array, t: number, chunk: number): [number, number] {
  const units = task[t + F_UNITS];
  const align = task[t + F_ALIGN];
  const blocks = Math.ceil(units / align);
  const chunks = task[t + F_CHUNKS];
  const c = chunk - task[t + F_FIRST];
  const start = Math.floor((c * blocks) / chunks) * align;
  const end = Math.min(units, Math.floor(((c + 1) * blocks) / chunks) * align);
  return [start, end];
}

/**
 * An executor on `kernels` (an instance over the shared memory): each chunk is one kernel call on
 * the chunk's block of the task's buffers, with the task's own strides.
 */
export function createExecutor(kernels: KernelExports): Executor {
  function matmul(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [a, aRow, aCol, panels, out, ld, m, k, n, split, bias, y, epilogue] = job.subarray(
      t + F_ARGS,
      t + F_ARGS + 13,
    );
    const [start, end] = chunkRange(job, t, chunk);
    if (end <= start) return;
    // Rows [i0, i0 + rows) × columns [j0, j0 + cols) of out (and y); column blocks are whole panels.
    const [i0, rows, j0, cols] = split === 0 ? [start, end - start, 0, n] : [0, m, start, end - start];
    const pa = a + i0 * aRow * bytes;
    const panel = panels + (j0 / (PANEL_ROW / bytes)) * k * PANEL_ROW;
    const at = (i0 * ld + j0) * bytes;
    if (epilogue < 0) variant(kernels, 'matmul', bytes)(pa, aRow, aCol, panel, out + at, ld, rows, k, cols);
    else
      variant(kernels, 'matmul_epilogue', bytes)(
        pa,
        aRow,
        aCol,
        panel,
        out + at,
        ld,
        rows,
        k,
        cols,
        bias + j0 * bytes,
        y + at,
        epilogue,
      );
  }

  function pack(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [src, rowStride, colStride, dst, k] = job.subarray(t + F_ARGS, t + F_ARGS + 5);
    const [start, end] = chunkRange(job, t, chunk);
    if (end <= start) return;
    const panel = dst + (start / (PANEL_ROW / bytes)) * k * PANEL_ROW;
    variant(kernels, 'pack_b', bytes)(
      src + start * colStride * bytes,
      rowStride,
      colStride,
      panel,
      k,
      end - start,
    );
  }

  function binary(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [code, a, aOuter, aInner, b, bOuter, bInner, out, outer, inner] = job.subarray(
      t + F_ARGS,
      t + F_ARGS + 10,
    );
    const [start, end] = chunkRange(job, t, chunk);
    if (end <= start) return;
    const [o0, rows, i0, cols] = outer > 1 ? [start, end - start, 0, inner] : [0, 1, start, end - start];
    variant(kernels, 'binary', bytes)(
      code,
      a + (o0 * aOuter + i0 * aInner) * bytes,
      aOuter,
      aInner,
      b + (o0 * bOuter + i0 * bInner) * bytes,
      bOuter,
      bInner,
      out + (o0 * inner + i0) * bytes,
      rows,
      cols,
    );
  }

  function unary(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [code, x, out, alpha] = job.subarray(t + F_ARGS, t + F_ARGS + 4);
    const [s, e] = chunkRange(job, t, chunk);
    if (e > s) variant(kernels, 'unary', bytes)(code, x + s * bytes, out + s * bytes, e - s, alpha);
  }

  function unaryBackward(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const [code, x, dy, dx, alpha] = job.subarray(t + F_ARGS, t + F_ARGS + 5);
    const [s, e] = chunkRange(job, t, chunk);
    if (e <= s) return;
    const at = s * bytes;
    variant(kernels, 'unary_backward', bytes)(code, x + at, dy + at, dx + at, e - s, alpha);
  }

  function reduce(job: Float64Array, t: number, chunk: number, max: boolean): void {
    const bytes = job[t + F_BYTES];
    const [x, out, , axis, inner] = job.subarray(t + F_ARGS, t + F_ARGS + 5);
    const [start, end] = chunkRange(job, t, chunk);
    if (end <= start) return;
    variant(kernels, max ? 'reduce_max' : 'reduce_sum', bytes)(
      x + start * axis * inner * bytes,
      out + start * inner * bytes,
      end - start,
      axis,
      inner,
    );
  }

  function adam(job: Float64Array, t: number, chunk: number): void {
    const [w, g, m, v, vHat, ...scalars] = job.subarray(t + F_ARGS, t + F_ARGS + 13);
    const [s, e] = chunkRange(job, t, chunk);
    if (e <= s) return;
    const at = s * 4;
    const [lr, wd, decay, alpha, c1, c2, eps, amsgrad] = scalars;
    kernels.adam_f32(
      w + at,
      g + at,
      m + at,
      v + at,
      amsgrad ? vHat + at : vHat,
      e - s,
      lr,
      wd,
      decay,
      alpha,
      c1,
      c2,
      eps,
      amsgrad,
    );
  }

  function images(job: Float64Array, t: number, chunk: number): void {
    const bytes = job[t + F_BYTES];
    const args = job.subarray(t + F_ARGS, t + TASK_WORDS);
    const [start, end] = chunkRange(job, t, chunk);
    if (end <= start) return;
    const pointers = args[1];
    const call: number[] = [];
    for (let i = 0; i < pointers; i++) call.push(args[2 + 2 * i] + start * args[3 + 2 * i] * bytes);
    const rest = 2 + 2 * pointers;
    call.push(end - start, ...args.subarray(rest + 1, rest + 1 + args[rest]));
    const kernel = variant(kernels, IMAGE_KERNELS[args[0]], bytes) as (...a: number[]) => void;
    kernel(...call);
  }

  return {
    run(job: Float64Array, chunk: number): void {
      const tasks = job[0];
      for (let i = 0; i < tasks; i++) {
        const t = JOB_HEADER + i * TASK_WORDS;
        const first = job[t + F_FIRST];
        if (chunk < first || chunk >= first + job[t + F_CHUNKS]) continue;
        const op = job[t + F_OP];
        if (op === OP_MATMUL) matmul(job, t, chunk);
        else if (op === OP_PACK) pack(job, t, chunk);
        else if (op === OP_BINARY) binary(job, t, chunk);
        else if (op === OP_UNARY) unary(job, t, chunk);
        else if (op === OP_UNARY_BACKWARD) unaryBackward(job, t, chunk);
        else if (op === OP_REDUCE_SUM || op === OP_REDUCE_MAX) reduce(job, t, chunk, op === OP_REDUCE_MAX);
        else if (op === OP_ADAM) adam(job, t, chunk);
        else if (op === OP_IMAGES) images(job, t, chunk);
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

/** Loads before a thread sleeps: about 0.1 ms once optimised (20,000 loads of a shared word). */
const SPIN_LOADS = 20_000;

/**
 * Waits while `unchanged()` holds, for at most SPIN_LOADS checks, before the caller sleeps in
 * Atomics.wait: a futex wake-up costs tens of microseconds on a virtual machine, about as long as
 * the gaps between one training step's jobs, so a thread that sleeps at once is late for every job
 * (docs/threads.md, "A short spin").
 */
export function spinWhile(unchanged: () => boolean): void {
  for (let i = 0; i < SPIN_LOADS && unchanged(); i++);
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
    const imports = { env: { memory: init.memory } };
    const kernels = new WebAssembly.Instance(init.module, imports).exports as unknown as SharedKernelExports;
    kernels.set_scratch_base(init.scratchBase);
    const executor = createExecutor(kernels);
    Atomics.store(views.control, CTL_READY + init.index, 1);
    for (;;) {
      const word = drain(views, executor, init.index);
      if (Atomics.load(views.control, CTL_QUIT) !== 0) return;
      spinWhile(() => Atomics.load(views.claim, 0) === word);
      Atomics.wait(views.claim, 0, word);
      if (Atomics.load(views.control, CTL_QUIT) !== 0) return;
    }
  } catch (error) {
    // Start-up failed (no chunk is claimed before ready): say so; the pool runs without this worker.
    recordError(views, init.index, error, CTL_FAILED);
  }
}
