import type { Command } from 'commander';
import { formatDemo, runDemo } from '../demo.js';

/** `ditto demo`: the reproducibility tutorial, reproduced. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the reproducibility tutorial: unseeded fits, seeded fits checked in a child process, 30 repeats, which source of randomness drives the spread',
    )
    .option('--json', 'print the results as one JSON object')
    .action(async (options: { json?: boolean }) => {
      const result = await runDemo();
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatDemo(result)}\n`);
      if (!result.seeded.childProcessIdentical || !result.unseeded.replayIdentical) process.exitCode = 1;
    });
}
