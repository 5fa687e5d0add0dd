import { type Command, Option } from 'commander';
import { commandAction, exportCommand } from '../../experiments/commands.js';

/** `ditto export <id> --format csv|json`: a recorded run as CSV or JSON. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write a recorded run as JSON (the full record, schema ditto.run/1) or CSV (one row per repeat)',
    )
    .argument('<run-id>', 'a run id, a unique prefix of one, or "latest"')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('json'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .action(
      commandAction('export', (id: string, options: Parameters<typeof exportCommand>[1]) =>
        exportCommand(id, options),
      ),
    );
}
