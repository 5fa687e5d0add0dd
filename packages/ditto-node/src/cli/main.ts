#!/usr/bin/env node
/**
 * The `ditto` command line: each command lives in ./commands/ and registers itself here. Only the
 * command being run is loaded (all of them for help or an unknown command): the commands pull in
 * SQLite, worker pools and chart rendering, and loading all of them would cost more start-up time
 * than `ditto demo` takes to train sixty networks.
 */
import { Command } from 'commander';
import { selectDefaultBackend, VERSION } from 'ditto/internal';
import { installTerminalProgress } from '../progress.js';
import { formatCliError } from './errors.js';

type Register = (program: Command) => void;

/** Commands that run experiment repeats (see the backend note below). */
const REPEAT_COMMANDS = new Set(['run', 'compare', 'verify', 'attribute']);

const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  check: async () => (await import('./commands/check.js')).registerCheck,
  diverge: async () => (await import('./commands/diverge.js')).registerDiverge,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  playground: async () => (await import('./commands/playground.js')).registerPlayground,
  run: async () => (await import('./commands/run.js')).registerRun,
  rerun: async () => (await import('./commands/rerun.js')).registerRerun,
  compare: async () => (await import('./commands/compare.js')).registerCompare,
  attribute: async () => (await import('./commands/attribute.js')).registerAttribute,
  runs: async () => (await import('./commands/runs.js')).registerRuns,
  show: async () => (await import('./commands/show.js')).registerShow,
  power: async () => (await import('./commands/power.js')).registerPower,
  export: async () => (await import('./commands/export.js')).registerExport,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
};

// --debug (anywhere on the line) shows the stack of an error; without it an error is one line.
const debug = process.argv.includes('--debug') || Boolean(process.env.DITTO_DEBUG);
const argv = process.argv.filter((arg) => arg !== '--debug');
if (debug) process.env.DITTO_DEBUG = '1';
const requested = argv[2];
// An error nothing caught ends the command, in one line too — unless a repeat running in this
// process is being watched (its guard listens as well and records the error as the repeat's).
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error) => {
    if (process.listenerCount(event) > 1) return;
    fail(error);
    process.exit();
  });
}

installTerminalProgress();
// Repeats of experiments run on the default backend of the experiment's own copy of ditto, in
// worker threads and in this process alike; the other commands train here, on the fastest one.
if (!REPEAT_COMMANDS.has(requested ?? '')) selectDefaultBackend();

const program = new Command();
program
  .name('ditto')
  .description('Deterministic deep learning: the same result every time.')
  .version(VERSION)
  .option('--debug', 'show the stack trace of an error (also: DITTO_DEBUG=1)');

const names = requested !== undefined && requested in COMMANDS ? [requested] : Object.keys(COMMANDS);
for (const name of names) (await COMMANDS[name]())(program);

try {
  await program.parseAsync(argv);
} catch (error) {
  fail(error);
}

/**
 * Reports an error that reached the top as one line, `ditto <command>: <message>`, with the stack
 * only under --debug, and sets exit status 1.
 */
function fail(error: unknown): void {
  process.stderr.write(
    `${formatCliError(error, requested !== undefined && requested in COMMANDS ? requested : undefined, debug)}\n`,
  );
  process.exitCode = 1;
}
