#!/usr/bin/env node
/** The `ditto` command line: each command lives in ./commands/ and registers itself here. */
import { Command } from 'commander';
import { installTerminalProgress } from '../node/progress.js';
import { VERSION } from '../version.js';
import { registerCheck } from './commands/check.js';
import { registerDemo } from './commands/demo.js';
import { registerDiverge } from './commands/diverge.js';
import { registerPlayground } from './commands/playground.js';

installTerminalProgress();

const program = new Command();
program
  .name('ditto')
  .description('Deterministic deep learning: the same result every time.')
  .version(VERSION);

registerDemo(program);
registerCheck(program);
registerDiverge(program);
registerPlayground(program);

await program.parseAsync(process.argv);
