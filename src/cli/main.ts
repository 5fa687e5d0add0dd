#!/usr/bin/env node
/** The `ditto` command line: each command lives in ./commands/ and registers itself here. */
import { Command } from 'commander';
import { installTerminalProgress } from '../node/progress.js';
import { VERSION } from '../version.js';
import { registerDemo } from './commands/demo.js';

installTerminalProgress();

const program = new Command();
program.name('ditto').description('Deterministic deep learning: the same result every time.').version(VERSION);

registerDemo(program);

await program.parseAsync(process.argv);
