import type { Command } from 'commander';
import { commandAction, showCommand } from '../../experiments/commands.js';

/** `ditto show <id>`: one recorded run's statistics. */
export function registerShow(program: Command): void {
  program
    .command('show')
    .description("print a recorded run's statistics, box plots and environment")
    .argument('<run-id>', 'a run id, a unique prefix of one, or "latest"')
    .option('--json', 'print the record and its statistics as JSON')
    .option('--report <file.html>', 'also write a self-contained HTML report')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .option('--tolerance <t>', '"enough repeats" tolerance: 10% of the mean (default) or absolute')
    .option('--resamples <n>', 'bootstrap resamples (default 9999)')
    .action(
      commandAction('show', (id: string, options: Parameters<typeof showCommand>[1]) =>
        showCommand(id, options),
      ),
    );
}
