/**
 * Runs the cross-runtime command-line bundle (cli.mjs) in QuickJS — Fabrice Bellard's interpreter,
 * with its own math library, compiled to WebAssembly by `quickjs-emscripten` — and passes on the
 * JSON line it prints, with the report's `runtime` set to QuickJS (nothing inside the guest can
 * tell which engine it is).
 *
 * Usage: `node --import tsx quickjs-host.ts <cli.mjs>`. The guest gets only `console.log` (to
 * stdout), `console.error` (to stderr) and `performance.now` (for the report's wall time, never
 * compared). It has no WebAssembly, no crypto and no timers: ditto's js backend needs none of
 * them. Promises run as QuickJS jobs, driven here until the module settles.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getQuickJS, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten';

function fail(message: string): never {
  process.stderr.write(`quickjs-host: ${message}\n`);
  process.exit(1);
}

function defineFunction(
  context: QuickJSContext,
  target: QuickJSHandle,
  name: string,
  body: (...args: QuickJSHandle[]) => QuickJSHandle | undefined,
): void {
  const fn = context.newFunction(name, body);
  context.setProp(target, name, fn);
  fn.dispose();
}

const file = process.argv[2];
if (!file) fail('usage: quickjs-host.ts <cli.mjs>');
const code = readFileSync(file, 'utf8');

const QuickJS = await getQuickJS();
const runtime = QuickJS.newRuntime();
// The workloads recurse little but allocate much; no limits beyond the process's own.
runtime.setMemoryLimit(-1);
runtime.setMaxStackSize(0);
const context = runtime.newContext();

const lines: string[] = [];
const started = performance.now();
const consoleHandle = context.newObject();
const text = (args: QuickJSHandle[]) => args.map((a) => String(context.dump(a))).join(' ');
defineFunction(context, consoleHandle, 'log', (...args) => {
  lines.push(text(args));
  return undefined;
});
defineFunction(context, consoleHandle, 'error', (...args) => {
  process.stderr.write(`${text(args)}\n`);
  return undefined;
});
context.setProp(context.global, 'console', consoleHandle);
consoleHandle.dispose();
const performanceHandle = context.newObject();
defineFunction(context, performanceHandle, 'now', () => context.newNumber(performance.now() - started));
context.setProp(context.global, 'performance', performanceHandle);
performanceHandle.dispose();

const evaluated = context.evalCode(code, file, { type: 'module' });
if (evaluated.error) fail(`the module did not load: ${JSON.stringify(context.dump(evaluated.error))}`);
const module = evaluated.value;
// A module with top-level await evaluates to a promise: run jobs until it settles.
for (;;) {
  const state = context.getPromiseState(module);
  if (state.type === 'rejected') fail(`the module failed: ${JSON.stringify(context.dump(state.error))}`);
  if (state.type === 'fulfilled') {
    if (state.notAPromise !== true) state.value.dispose();
    break;
  }
  const jobs = runtime.executePendingJobs();
  if (jobs.error) fail(`a job failed: ${JSON.stringify(context.dump(jobs.error))}`);
  if (jobs.value === 0 && context.getPromiseState(module).type === 'pending') {
    fail('the module is waiting for something QuickJS will never deliver (a timer or I/O?)');
  }
}
module.dispose();
const last = lines.at(-1);
if (last === undefined) fail('the module finished without printing its report');
const { version } = createRequire(import.meta.url)('quickjs-emscripten/package.json') as { version: string };
const report = JSON.parse(last) as { runtime: string };
report.runtime = `quickjs (quickjs-emscripten ${version})`;
process.stdout.write(`${JSON.stringify(report)}\n`);
