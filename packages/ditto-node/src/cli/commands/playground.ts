/**
 * `ditto playground`: serves the browser playground (web/, a Vite project) on this machine, builds
 * it as static files, and replays any of its runs in Node (`ditto playground fit`, the command the
 * page shows next to each run's weights hash).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { fitTutorial, OPTIMIZER_NAMES, repeatSeed } from 'ditto/internal';
import { integerArgument } from '../arguments.js';
import { startPlaygroundServer } from '../playground-server.js';

export {
  CONTENT_SECURITY_POLICY,
  type PlaygroundServer,
  startPlaygroundServer,
} from '../playground-server.js';

/** The playground's sources (a Vite project); the same path from src/cli/commands and dist/cli/commands. */
export const WEB_DIR = fileURLToPath(new URL('../../../../../web/', import.meta.url));
/** Where `ditto playground build` writes the static files by default. */
export const DEFAULT_OUT_DIR = join(WEB_DIR, 'dist');
/** The built page shipped in the package (dist/playground, copied from web/dist by `npm run build`). */
export const PACKAGED_PAGE_DIR = fileURLToPath(new URL('../../playground/', import.meta.url));

/** In the repository (web/ is there): web/dist; in an installed package: the page it ships. */
function defaultPageDir(): string {
  const inRepository = existsSync(join(WEB_DIR, 'vite.config.ts'));
  return inRepository || !existsSync(join(PACKAGED_PAGE_DIR, 'index.html'))
    ? DEFAULT_OUT_DIR
    : PACKAGED_PAGE_DIR;
}

async function loadVite(): Promise<typeof import('vite')> {
  try {
    return await import('vite');
  } catch {
    throw new Error(
      'the playground is built with Vite (a dev dependency): run from a clone after `npm ci`, or serve built files with --dir',
    );
  }
}

/**
 * Builds the playground into static files with Vite (a development dependency: available in a
 * clone of the repository, not in an installed package, which ships the built files instead).
 *
 * @example
 * ```ts
 * await buildPlayground({ outDir: '/tmp/playground' });
 * ```
 */
export async function buildPlayground(options: { outDir?: string; quiet?: boolean } = {}): Promise<string> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const vite = await loadVite();
  await vite.build({
    configFile: join(WEB_DIR, 'vite.config.ts'),
    root: WEB_DIR,
    logLevel: options.quiet ? 'warn' : 'info',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** A decimal seed in [−2^63, 2^64), as a bigint (the tutorial's seeds are 64-bit). */
function parseSeed(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new Error(`--seed must be an integer, got '${text}'`);
  return BigInt(text);
}

function parseRate(text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new Error(`--learning-rate must be a number > 0, got '${text}'`);
  return value;
}

interface FitOptions {
  hiddenUnits: number;
  epochs: number;
  optimizer: string;
  learningRate?: number;
  seed: bigint;
  repeat?: number;
  json?: boolean;
}

/**
 * One playground run, in Node: the fit the page's "reproduce" command names. With `repeat`, the fit
 * trains with `repeatSeed(seed, repeat)` (repeat i of an experiment seeded with `seed`, as `ditto run`
 * derives it); without, with `seed` itself.
 *
 * @example
 * ```ts
 * const { weightsHash } = await replayPlaygroundRun({ hiddenUnits: 10, epochs: 100, optimizer: 'adam', seed: 1n, repeat: 0 });
 * ```
 */
export async function replayPlaygroundRun(options: Omit<FitOptions, 'json'>) {
  const trainSeed = options.repeat === undefined ? options.seed : repeatSeed(options.seed, options.repeat);
  const result = await fitTutorial({
    hiddenUnits: options.hiddenUnits,
    epochs: options.epochs,
    optimizer: options.optimizer,
    learningRate: options.learningRate,
    seed: trainSeed,
  });
  return { seed: String(trainSeed), mse: result.mse, weightsHash: result.weightsHash };
}

async function serveDev(options: { port: number; host: string }): Promise<void> {
  const vite = await loadVite();
  const server = await vite.createServer({
    configFile: join(WEB_DIR, 'vite.config.ts'),
    root: WEB_DIR,
    server: { port: options.port, host: options.host, strictPort: options.port !== 0 },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? `http://${options.host}:${options.port}/`;
  process.stdout.write(`ditto playground (Vite dev server, live reload): ${url}\n(Ctrl+C to stop)\n`);
}

async function serve(options: {
  port: number;
  host: string;
  dir?: string;
  rebuild?: boolean;
  dev?: boolean;
}): Promise<void> {
  if (options.dev) return serveDev(options);
  let dir = options.dir ? resolve(options.dir) : defaultPageDir();
  if (!options.dir && (options.rebuild || !existsSync(join(dir, 'index.html')))) {
    process.stderr.write('building the playground with Vite…\n');
    dir = await buildPlayground({ quiet: true });
  }
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(`no built playground in ${dir} (index.html missing)`);
  const server = await startPlaygroundServer({ dir, port: options.port, host: options.host });
  process.stdout.write(`ditto playground: ${server.url}\n(serving ${dir}; Ctrl+C to stop)\n`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * `ditto playground`: the browser playground — serve it (default), build it, or replay one of its
 * runs (`ditto playground fit`, the command the page shows). See docs/playground.md.
 *
 * @example
 * ```ts
 * registerPlayground(program); // in src/cli/main.ts
 * ```
 */
export function registerPlayground(program: Command): void {
  const playground = program
    .command('playground')
    .description('the browser playground: serve it (default), build it as static files, or replay a run');

  playground
    .command('serve', { isDefault: true })
    .description('serve the playground on this machine (builds it first with Vite when needed)')
    .option('--port <port>', 'port (0: any free port)', integerArgument('--port', 0), 5199)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--dir <dir>', 'serve these built files instead of web/dist')
    .option('--rebuild', 'rebuild web/dist before serving')
    .option('--dev', "run Vite's development server instead (live reload while editing web/)")
    .action(serve);

  playground
    .command('build')
    .description('build the playground into static files (needs Vite, a dev dependency)')
    .option('--out-dir <dir>', 'output directory', DEFAULT_OUT_DIR)
    .action(async (options: { outDir: string }) => {
      const outDir = await buildPlayground({ outDir: options.outDir });
      process.stdout.write(`playground built in ${outDir}\n`);
    });

  playground
    .command('fit')
    .description("replay one playground run in Node and print its MSE and weights hash (the page's command)")
    .option('--hidden-units <n>', 'hidden units', integerArgument('--hidden-units', 1), 10)
    .option('--epochs <n>', 'epochs', integerArgument('--epochs', 1), 100)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices([...OPTIMIZER_NAMES]).default('adam'))
    .option('--learning-rate <rate>', "learning rate (default: the optimizer's)", parseRate)
    .requiredOption(
      '--seed <seed>',
      'the experiment seed (given, or drawn by the page for "no seed")',
      parseSeed,
    )
    .option(
      '--repeat <i>',
      'repeat index: train with repeatSeed(seed, i) (without it: with seed itself)',
      integerArgument('--repeat', 0),
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: FitOptions) => {
      const result = await replayPlaygroundRun(options);
      process.stdout.write(
        options.json
          ? `${JSON.stringify(result)}\n`
          : `seed    ${result.seed}\nMSE     ${result.mse}\nweights ${result.weightsHash}\n`,
      );
    });
}
