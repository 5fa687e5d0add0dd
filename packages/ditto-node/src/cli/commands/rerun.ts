import type { Command } from 'commander';
import { commandAction, type RerunCommandOptions, rerunCommand } from '../../experiments/commands.js';

/** `ditto rerun <run-id> --repeat <i>`: replays one recorded repeat and checks it bit for bit. */
export function registerRerun(program: Command): void {
  program
    .command('rerun')
    .description(
      'replay one repeat of a recorded run in this process and check its weight hash and metrics against the record',
    )
    .argument('<run-id>', 'a run id, a unique prefix of one, or "latest"')
    .requiredOption('--repeat <index>', 'the repeat to replay (0-based)')
    .option('--json', 'print the check as JSON')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .action(commandAction('rerun', (id: string, options: RerunCommandOptions) => rerunCommand(id, options)));
}
