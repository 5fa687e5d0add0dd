#!/usr/bin/env node
/** The `ditto` command line: each command lives in ./commands/ and registers itself here. */
import { Command } from 'commander';
import { installTerminalProgress } from '../node/progress.js';
import { VERSION } from '../version.js';
import { registerCheck } from './commands/check.js';
import { registerCompare } from './commands/compare.js';
import { registerDemo } from './commands/demo.js';
import { registerDiverge } from './commands/diverge.js';
import { registerExport } from './commands/export.js';
import { registerPlayground } from './commands/playground.js';
import { registerRerun } from './commands/rerun.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerShow } from './commands/show.js';
import { registerVerify } from './commands/verify.js';

installTerminalProgress();

const program = new Command();
program
  .name('ditto')
  .description('Deterministic deep learning: the same result every time.')
  .version(VERSION);

registerDemo(program);
registerCheck(program);
registerDiverge(program);
registerVerify(program);
registerPlayground(program);
registerRun(program);
registerRerun(program);
registerCompare(program);
registerRuns(program);
registerShow(program);
registerExport(program);

await program.parseAsync(process.argv);
