// Every `ditto` command, given bad arguments, answers with one line on stderr and a non-zero exit —
// never a stack trace — and names what was wrong; --debug shows the stack.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/run-tsx.js';

let dir: string;

// Inside the repository (a git-ignored folder), so fixtures can import 'ditto'.
beforeAll(async () => {
  mkdirSync(join(repoRoot, '.ditto'), { recursive: true });
  dir = mkdtempSync(join(repoRoot, '.ditto', 'cli-errors-'));
  const files: Record<string, string> = {
    'package.json': '{ "type": "module" }\n',
    'tiny.mjs':
      "import { experiment } from 'ditto';\n" +
      "export default experiment({ name: 'tiny', repeats: 2, seed: 1, run: (ctx) => ({ m: ctx.index }) });\n",
    'syntax.mjs':
      "import { experiment } from 'ditto';\nexport default experiment({ name: 'x', run() { return (1 + ; } });\n",
    'throws.ts':
      "const ready: boolean = false;\n\nif (!ready) throw new Error('not ready at load');\nexport {};\n",
    'nothing.mjs': 'export const answer = 42;\n',
    'fails.mjs': "export default function train() {\n  throw new Error('the script broke');\n}\n",
    'notes.txt': 'not an experiment\n',
    'broken.db': 'this is not a SQLite database, only text that looks like nothing at all\n'.repeat(20),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const made = await runCli(['run', 'tiny.mjs', '--json'], { cwd: dir });
  expect(made.code, made.stderr).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Each case: the arguments, and a pattern the one line must match (what was wrong, and where). */
const CASES: Array<[string, string[], RegExp]> = [
  ['unknown command', ['bogus'], /unknown command 'bogus'/],
  ['unknown option', ['runs', '--bogus'], /unknown option '--bogus'/],
  ['run: missing file', ['run', 'missing.ts'], /cannot find the experiment module missing\.ts/],
  ['run: a syntax error in an .mjs module', ['run', 'syntax.mjs'], /syntax\.mjs:2:\d+: SyntaxError/],
  [
    'run: a module that throws while loading',
    ['run', 'throws.ts'],
    /throws\.ts:3:\d+: Error: not ready at load/,
  ],
  ['run: a module without experiments', ['run', 'nothing.mjs'], /exports no experiment/],
  ['run: a file that is not a module', ['run', 'notes.txt'], /notes\.txt/],
  ['run: bad --repeats', ['run', 'tiny.mjs', '--repeats', 'many'], /--repeats/],
  ['run: bad --workers', ['run', 'tiny.mjs', '--workers', '0'], /workers/],
  ['run: unknown --export', ['run', 'tiny.mjs', '--export', 'nope'], /no experiment exported as 'nope'/],
  ['run: bad --tolerance', ['run', 'tiny.mjs', '--tolerance', 'x'], /--tolerance/],
  ['run: bad --timeout', ['run', 'tiny.mjs', '--timeout', '-1'], /--timeout must be a number of seconds > 0/],
  ['run: a damaged database', ['run', 'tiny.mjs', '--db', 'broken.db'], /broken\.db/],
  ['rerun: unknown run id', ['rerun', 'zzzz', '--repeat', '0'], /zzzz/],
  ['rerun: bad --repeat', ['rerun', 'latest', '--repeat', 'x'], /--repeat/],
  ['rerun: missing --repeat', ['rerun', 'latest'], /--repeat/],
  ['compare: one experiment', ['compare', 'latest'], /at least two/],
  ['compare: unknown run id', ['compare', 'latest', 'zzzz'], /zzzz/],
  ['runs: a damaged database', ['runs', '--db', 'broken.db'], /broken\.db/],
  ['show: unknown run id', ['show', 'zzzz'], /zzzz/],
  ['show: no database', ['show', 'latest', '--db', 'none.db'], /none\.db/],
  ['export: unknown run id', ['export', 'zzzz'], /zzzz/],
  ['export: bad --format', ['export', 'latest', '--format', 'xml'], /xml/],
  ['check: missing script', ['check', 'missing.ts'], /cannot find the script missing\.ts/],
  ['check: a failing script', ['check', 'fails.mjs'], /the script failed.*the script broke/],
  ['check: bad --mode', ['check', 'fails.mjs', '--mode', 'loud'], /loud/],
  ['check: bad --workers', ['check', 'fails.mjs', '--workers', 'two'], /--workers/],
  ['diverge: missing script', ['diverge', 'missing.ts'], /cannot find the script missing\.ts/],
  ['diverge: unknown backend', ['diverge', 'fails.mjs', '--backend', 'gpu'], /unknown backend 'gpu'/],
  ['diverge: bad --workers', ['diverge', 'fails.mjs', '--workers', '0'], /--workers/],
  ['diverge: a failing script', ['diverge', 'fails.mjs'], /twin [ab] failed: the script broke/],
  ['verify: unknown run id', ['verify', 'zzzz'], /zzzz/],
  ['verify: missing record file', ['verify', 'gone.json'], /gone\.json/],
  ['verify: bad --workers', ['verify', 'latest', '--workers', 'x'], /--workers/],
  ['playground fit: bad --seed', ['playground', 'fit', '--seed', 'x'], /--seed/],
  ['playground fit: bad --epochs', ['playground', 'fit', '--seed', '1', '--epochs', '0'], /--epochs/],
  ['playground: bad --port', ['playground', '--port', 'http'], /--port/],
  ['playground: missing --dir', ['playground', '--dir', 'no-such-dir'], /no-such-dir/],
  ['demo: unknown option', ['demo', '--fast'], /unknown option '--fast'/],
];

/** The lines a Node stack trace is made of. */
const STACK_FRAME = /^\s+at .+/m;

function expectOneLineError(result: CliResult, pattern: RegExp): void {
  const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, context).not.toBe(0);
  expect(result.code, context).not.toBeNull();
  const lines = result.stderr.trim().split('\n');
  expect(lines, context).toHaveLength(1);
  expect(lines[0], context).toMatch(/^(ditto|error:)/);
  expect(lines[0], context).toMatch(pattern);
  expect(result.stderr + result.stdout, context).not.toMatch(STACK_FRAME);
}

describe.concurrent('bad arguments to every command', () => {
  it.each(CASES)('%s', async (_name, args, pattern) => {
    expectOneLineError(await runCli(args, { cwd: dir }), pattern);
  });
});

describe('--debug', () => {
  it('shows the stack of the same error', async () => {
    const plain = await runCli(['show', 'zzzz'], { cwd: dir });
    const debug = await runCli(['show', 'zzzz', '--debug'], { cwd: dir });
    expect(plain.stderr).not.toMatch(STACK_FRAME);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(STACK_FRAME);
    expect(debug.stderr).toContain(plain.stderr.trim().replace(/^ditto show: /, ''));
  });
});
