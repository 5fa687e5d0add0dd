import type { Command } from 'commander';
import { commandAction } from '../../experiments/commands.js';

/** Options of `ditto worker`, as commander parses them. */
interface WorkerCommandOptions {
  queue: string;
  queueName?: string;
  concurrency?: string;
  root?: string;
  lockDuration?: string;
}

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`--${name} must be a whole number ≥ 1 (got '${text}')`);
  return value;
}

/**
 * `ditto worker --queue redis://host:port`: takes repeats from the queue until stopped (SIGINT or
 * SIGTERM: the running repeats finish first).
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take repeats from a Redis job queue (`ditto run --queue`) and run them, until stopped')
    .requiredOption('--queue <redis-url>', 'the queue, e.g. redis://127.0.0.1:6379')
    .option('--queue-name <name>', "the queue's name in that Redis (default ditto-repeats)")
    .option('-c, --concurrency <n>', 'repeats run at once, each on its own thread (default 1)')
    .option('--root <dir>', "folder the experiments' paths are relative to (default: the working directory)")
    .option(
      '--lock-duration <ms>',
      'how soon a job of a worker that died goes to another worker (default 30000)',
    )
    .action(
      commandAction('worker', async (options: WorkerCommandOptions) => {
        const { startQueueWorker } = await import('../../queue/worker.js');
        const worker = await startQueueWorker({
          queue: options.queue,
          name: options.queueName,
          concurrency: positiveInteger('concurrency', options.concurrency),
          root: options.root,
          lockDuration: positiveInteger('lock-duration', options.lockDuration),
        });
        process.stderr.write(`ditto worker ${worker.fingerprint.id}: waiting for jobs on ${options.queue}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await worker.close();
        return 0;
      }),
    );
}
