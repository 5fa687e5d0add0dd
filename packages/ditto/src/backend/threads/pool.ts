/**
 * The calling thread's side of the threads: the shared buffers, the workers, and running a job —
 * publish the job, run chunks alongside the workers, wait for the last chunk. The job's buffers are
 * already in the shared memory every thread's kernel instance uses.
 *
 * Runtime-neutral: workers are started through a {@link WorkerSpawner} (src/node/threads for Node's
 * worker_threads, `webWorkerSpawner` for Web Workers in browsers, Deno and Bun).
 */
import {
  CONTROL_WORDS,
  CTL_CHUNKS_RUN,
  CTL_DONE,
  CTL_ERROR,
  CTL_FAILED,
  CTL_QUIT,
  CTL_READY,
  createExecutor,
  drain,
  ERROR_BYTES,
  type Executor,
  errorText,
  F_ALIGN,
  F_ARGS,
  F_BYTES,
  F_CHUNKS,
  F_FIRST,
  F_OP,
  F_UNITS,
  GENERATION_MASK,
  JOB_HEADER,
  JOB_WORDS,
  MAX_CHUNKS,
  MAX_TASKS,
  MAX_THREADS,
  packClaim,
  type SharedViews,
  sharedViews,
  spinWhile,
  TASK_WORDS,
  type WorkerInit,
} from './worker-core.js';
import { WORKER_SOURCE } from './worker-source.js';

/** A started worker, as the pool needs it. */
export interface ThreadWorker {
  /** Stops the worker (it may be asleep in Atomics.wait). */
  terminate(): void;
  /** Why the worker stopped, if the runtime reported it (an error outside the worker's own code). */
  failure?(): string | undefined;
}

/**
 * Starts a worker running `source` — a JavaScript *expression* whose value has a
 * `workerMain(init)` function — and hands it `init` (which holds the shared memory, shared buffers
 * and a compiled WebAssembly.Module; all three can be posted to workers).
 */
export type WorkerSpawner = (source: string, init: WorkerInit) => ThreadWorker;

/** One kernel call of a job: which outputs to split and how, and the op's own fields. */
export interface TaskSpec {
  op: number;
  /** Element bytes: 4 or 8. */
  bytes: number;
  /** How many units (rows, elements) the outputs are split along. */
  units: number;
  /** Chunks start at multiples of this many units. */
  align: number;
  /** Number of chunks. */
  chunks: number;
  /** The op's fields (worker-core.ts lists them). */
  args: readonly number[];
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  private readonly shared: Omit<WorkerInit, 'index'>;
  private readonly views: SharedViews;
  private readonly executor: Executor;
  private readonly workers: (ThreadWorker | undefined)[] = [];
  private generation = 0;
  private serial = 0;

  /**
   * @param spawn starts workers
   * @param module the compiled shared-memory kernel module (each thread instantiates it)
   * @param memory the shared memory of every thread's instance
   * @param local the calling thread's instance (scratch slot 0), which runs its chunks
   * @param slotBytes bytes of one thread's kernel scratch: worker i's slot starts at i · slotBytes
   */
  constructor(
    private readonly spawn: WorkerSpawner,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    local: Parameters<typeof createExecutor>[0],
    private readonly slotBytes: number,
  ) {
    this.shared = {
      module,
      memory,
      scratchBase: 0,
      claim: new SharedArrayBuffer(8),
      control: new SharedArrayBuffer(CONTROL_WORDS * 4),
      job: new SharedArrayBuffer(JOB_WORDS * 8),
      errors: new SharedArrayBuffer(ERROR_BYTES),
    };
    this.views = sharedViews(this.shared);
    this.executor = createExecutor(local);
  }

  /** Workers started (ready or not). */
  get size(): number {
    return this.workers.filter(Boolean).length;
  }

  /** Starts or stops workers so that exactly `count` run (threads = count + the calling thread). */
  resize(count: number): void {
    count = Math.max(0, Math.min(MAX_THREADS - 1, Math.floor(count)));
    Atomics.store(this.views.control, CTL_QUIT, 0);
    for (let i = 1; i <= count; i++) {
      if (this.workers[i]) continue;
      Atomics.store(this.views.control, CTL_READY + i, 0);
      this.workers[i] = this.spawn(WORKER_SOURCE, {
        ...this.shared,
        scratchBase: i * this.slotBytes,
        index: i,
      });
    }
    // Between jobs no chunk is claimed, so a worker can be stopped at any moment.
    for (let i = count + 1; i < this.workers.length; i++) {
      this.workers[i]?.terminate();
      this.workers[i] = undefined;
    }
    this.workers.length = Math.min(this.workers.length, count + 1);
  }

  /** Workers that have started and are waiting for work. */
  readyCount(): number {
    let ready = 0;
    for (let i = 1; i < this.workers.length; i++) {
      if (this.workers[i] && Atomics.load(this.views.control, CTL_READY + i) === 1) ready++;
    }
    return ready;
  }

  /** The start-up error of a worker that failed, if any. */
  startupError(): string | undefined {
    if (Atomics.load(this.views.control, CTL_FAILED) > 0) return errorText(this.views);
    for (const worker of this.workers) {
      const failure = worker?.failure?.();
      if (failure) return failure;
    }
    return undefined;
  }

  /** Chunks each thread has run so far (index 0: the calling thread). */
  chunksRun(): number[] {
    return Array.from({ length: MAX_THREADS }, (_, i) =>
      Atomics.load(this.views.control, CTL_CHUNKS_RUN + i),
    );
  }

  /** Stops every worker (the pool can be resized again afterwards). */
  shutdown(): void {
    Atomics.store(this.views.control, CTL_QUIT, 1);
    Atomics.notify(this.views.claim, 0);
    for (const worker of this.workers) worker?.terminate();
    this.workers.length = 0;
  }

  /**
   * Runs a job: its chunks are claimed by the calling thread and by the ready workers, at most
   * `threads` threads in all. Returns when every chunk is done; throws when one failed.
   */
  run(tasks: readonly TaskSpec[], threads: number): void {
    if (tasks.length === 0 || tasks.length > MAX_TASKS) throw new Error(`a job has 1 to ${MAX_TASKS} tasks`);
    const { job, control, claim } = this.views;
    let total = 0;
    job[0] = tasks.length;
    job[1] = ++this.serial;
    tasks.forEach((task, i) => {
      const t = JOB_HEADER + i * TASK_WORDS;
      if (task.args.length > TASK_WORDS - F_ARGS) throw new Error('task record too long');
      job[t + F_OP] = task.op;
      job[t + F_BYTES] = task.bytes;
      job[t + F_FIRST] = total;
      job[t + F_CHUNKS] = task.chunks;
      job[t + F_UNITS] = task.units;
      job[t + F_ALIGN] = task.align;
      job.set(task.args, t + F_ARGS);
      total += task.chunks;
    });
    if (total < 1 || total > MAX_CHUNKS) throw new Error(`a job has 1 to ${MAX_CHUNKS} chunks, not ${total}`);
    Atomics.store(control, CTL_DONE, 0);
    Atomics.store(control, CTL_ERROR, 0);
    this.generation = this.generation === GENERATION_MASK ? 0 : this.generation + 1;
    Atomics.store(claim, 0, packClaim(this.generation, total, 0));
    const helpers = Math.min(threads - 1, this.workers.length - 1, total - 1);
    if (helpers > 0) Atomics.notify(claim, 0, helpers);
    drain(this.views, this.executor, 0);
    for (;;) {
      const done = Atomics.load(control, CTL_DONE);
      if (done === total) break;
      spinWhile(() => Atomics.load(control, CTL_DONE) === done);
      Atomics.wait(control, CTL_DONE, done);
    }
    if (Atomics.load(control, CTL_ERROR) !== 0) throw new Error(`ditto threads: ${errorText(this.views)}`);
  }
}
