import type { Command } from 'commander';
import { integerArgument } from '../arguments.js';

/** Options of `ditto worker`, as commander parses them. */
interface WorkerCommandOptions {
  queue: string;
  queueName?: string;
  concurrency?: number;
  root?: string;
  lockDuration?: number;
}

/**
 * `ditto worker --queue redis://host:port`: takes repeats from the queue until stopped (SIGINT or
 * SIGTERM: the running repeats finish first). Loads only the queue and the worker pool, not the
 * reports and records the other commands need.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take repeats from a Redis job queue (`ditto run --queue`) and run them, until stopped')
    .requiredOption('--queue <redis-url>', 'the queue, e.g. redis://127.0.0.1:6379')
    .option('--queue-name <name>', "the queue's name in that Redis (default ditto-repeats)")
    .option(
      '-c, --concurrency <n>',
      'repeats run at once, each on its own thread (default 1)',
      integerArgument('--concurrency', 1),
    )
    .option('--root <dir>', "folder the experiments' paths are relative to (default: the working directory)")
    .option(
      '--lock-duration <ms>',
      'how soon a job of a worker that died goes to another worker (default 30000)',
      integerArgument('--lock-duration', 100),
    )
    .action(async (options: WorkerCommandOptions) => {
      const { startQueueWorker } = await import('../../queue/worker.js');
      const worker = await startQueueWorker({
        queue: options.queue,
        name: options.queueName,
        concurrency: options.concurrency,
        root: options.root,
        lockDuration: options.lockDuration,
      });
      process.stderr.write(`ditto worker ${worker.fingerprint.id}: waiting for jobs on ${options.queue}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await worker.close();
    });
}
