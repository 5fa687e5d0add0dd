import type { Command } from 'commander';
import { commandAction, powerCommand } from '../../experiments/commands.js';

/** `ditto power <run-id> --effect 10%`: repeats per arm a comparison needs, from a pilot run. */
export function registerPower(program: Command): void {
  program
    .command('power')
    .description(
      "from a pilot run's metric, how many repeats per experiment a comparison needs to detect a difference",
    )
    .argument('<run-id>', 'the pilot run: a run id, a unique prefix of one, or "latest"')
    .requiredOption(
      '--effect <size>',
      'the difference to detect: 10% (of the pilot mean) or absolute, e.g. 0.002',
    )
    .option('--metric <name>', "the metric (default: the run's first)")
    .option('--power <p>', 'probability of detecting the difference (default 0.8)')
    .option('--alpha <a>', 'two-sided significance level (default 0.05)')
    .option('--json', 'print the analysis as JSON')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .action(
      commandAction('power', (id: string, options: Parameters<typeof powerCommand>[1]) =>
        powerCommand(id, options),
      ),
    );
}
