import type { Command } from 'commander';
import { commandAction, runsCommand } from '../../experiments/commands.js';

/** `ditto runs`: the recorded runs. */
export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('list the recorded runs, most recent first')
    .option('--json', 'print the list as JSON')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .action(commandAction('runs', (options: { db?: string; json?: boolean }) => runsCommand(options)));
}
