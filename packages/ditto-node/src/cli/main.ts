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

type Register = (program: Command) => void;

const COMMANDS: Record<string, () => Promise<Register>> = {
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  check: async () => (await import('./commands/check.js')).registerCheck,
  diverge: async () => (await import('./commands/diverge.js')).registerDiverge,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  playground: async () => (await import('./commands/playground.js')).registerPlayground,
  run: async () => (await import('./commands/run.js')).registerRun,
  rerun: async () => (await import('./commands/rerun.js')).registerRerun,
  compare: async () => (await import('./commands/compare.js')).registerCompare,
  runs: async () => (await import('./commands/runs.js')).registerRuns,
  show: async () => (await import('./commands/show.js')).registerShow,
  export: async () => (await import('./commands/export.js')).registerExport,
};

installTerminalProgress();
selectDefaultBackend();

const program = new Command();
program
  .name('ditto')
  .description('Deterministic deep learning: the same result every time.')
  .version(VERSION);

const requested = process.argv[2];
const names = requested !== undefined && requested in COMMANDS ? [requested] : Object.keys(COMMANDS);
for (const name of names) (await COMMANDS[name]())(program);

await program.parseAsync(process.argv);
