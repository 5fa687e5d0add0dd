/**
 * The browser bundle, and the proof that the core is runtime-neutral.
 *
 * Usage: `tsx scripts/build-browser.ts` writes dist/browser/ditto.js (ESM, with a source map),
 * ditto.cjs (CommonJS, for `require('ditto')`) and ditto.global.js (a minified classic script
 * defining the global `ditto`), and the package's own ESM entry
 * points dist/esm/index.js and dist/esm/internal.js, after checking the core;
 * `tsx scripts/build-browser.ts --check` only checks.
 *
 * The check bundles every core module (everything under src/ except src/node/ and src/cli/) with
 * esbuild for `platform: 'browser'`, and fails on any Node-only import — `node:` or a Node built-in
 * such as `fs` — naming the importing file, and on any use of Node globals (`process`, `Buffer`,
 * `require`, `__dirname`, `__filename`) in core sources. Dependencies are resolved as a browser
 * bundler resolves them (their `browser` fields apply).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildResult, build, type Plugin, transform } from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BROWSER_ENTRY = join(ROOT, 'src/index.ts');
export const BROWSER_BUNDLE = join(ROOT, 'dist/browser/ditto.js');
export const COMMONJS_BUNDLE = join(ROOT, 'dist/browser/ditto.cjs');
export const CLASSIC_SCRIPT_BUNDLE = join(ROOT, 'dist/browser/ditto.global.js');
/** The package's ESM entry points ('ditto' and 'ditto/internal') and the chunks they share. */
export const PACKAGE_ESM_DIR = join(ROOT, 'dist/esm');

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function isNodeBuiltin(path: string): boolean {
  return path.startsWith('node:') || BUILTINS.has(path) || BUILTINS.has(path.split('/')[0]);
}

/** Fails the build on a Node-only import made by one of our own sources (or a `node:` one anywhere). */
function forbidNodeImports(): Plugin {
  return {
    name: 'forbid-node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined;
        const fromOurSources = !args.importer.includes(`${sep}node_modules${sep}`);
        // A dependency's plain `fs` may be mapped away by its `browser` field: esbuild decides that.
        if (!fromOurSources && !args.path.startsWith('node:')) return undefined;
        return {
          errors: [{ text: `Node-only import '${args.path}' in ${relative(process.cwd(), args.importer)}` }],
        };
      });
    },
  };
}

/**
 * The core's source files: src/**\/*.ts except the Node adapters and the command line.
 *
 * @example
 * ```ts
 * coreSources().length; // every module that must run in browsers, Bun and Deno too
 * ```
 */
export function coreSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(join(ROOT, 'src'), path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (rel !== 'node' && rel !== 'cli') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        out.push(path);
      }
    }
  };
  walk(join(ROOT, 'src'));
  return out.sort();
}

const NODE_GLOBALS = ['process', 'Buffer', 'require', '__dirname', '__filename', 'global'];
const SENTINEL = '__ditto_node_global__';

/**
 * Node globals read by a source file. esbuild's `define` replaces only free identifier references
 * (not strings, comments or property names), so the sentinel marks exactly the real uses.
 *
 * @example
 * ```ts
 * await nodeGlobalsIn('src/index.ts'); // [] — and ['process'] for a file that reads process.env
 * ```
 */
export async function nodeGlobalsIn(file: string): Promise<string[]> {
  const define = Object.fromEntries(NODE_GLOBALS.map((name) => [name, `${SENTINEL}${name}`]));
  const { code } = await transform(readFileSync(file, 'utf8'), { loader: 'ts', define });
  return NODE_GLOBALS.filter((name) => code.includes(`${SENTINEL}${name}`));
}

/** Thrown when the core needs something from Node. */
export class NotRuntimeNeutralError extends Error {
  constructor(readonly problems: string[]) {
    super(`the core is not runtime-neutral:\n  ${problems.join('\n  ')}`);
    this.name = 'NotRuntimeNeutralError';
  }
}

function buildErrors(error: unknown): string[] {
  const errors = (error as { errors?: Array<{ text: string; location?: { file: string } | null }> }).errors;
  if (!errors) throw error;
  return errors.map((e) => (e.location ? `${e.text} (imported from ${e.location.file})` : e.text));
}

/**
 * Checks that every core module bundles for the browser with no Node-only import and uses no Node
 * global. Resolves with the number of files checked; rejects with a NotRuntimeNeutralError listing
 * each problem.
 *
 * @example
 * ```ts
 * const { sources } = await checkCore(); // throws NotRuntimeNeutralError: "Node-only import 'node:fs' in src/…"
 * ```
 */
export async function checkCore(): Promise<{ sources: number; bundledInputs: number }> {
  const sources = coreSources();
  const problems: string[] = [];
  let bundledInputs = 0;
  try {
    // One entry importing every core module: one resolution pass over the whole core.
    const result = await build({
      stdin: {
        contents: sources.map((file) => `import ${JSON.stringify(file)};`).join('\n'),
        resolveDir: ROOT,
        sourcefile: 'core-modules.ts',
        loader: 'ts',
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      outfile: join(ROOT, 'dist/browser-check.js'),
      metafile: true,
      logLevel: 'silent',
      plugins: [forbidNodeImports()],
    });
    bundledInputs = Object.keys(result.metafile.inputs).length;
  } catch (error) {
    problems.push(...buildErrors(error));
  }
  for (const file of sources) {
    for (const name of await nodeGlobalsIn(file)) {
      problems.push(`Node global '${name}' used in ${relative(process.cwd(), file)}`);
    }
  }
  if (problems.length > 0) throw new NotRuntimeNeutralError(problems);
  return { sources: sources.length, bundledInputs };
}

/** Options of {@link bundleForBrowser}. */
export interface BundleOptions {
  /** Entry module (default src/index.ts). */
  entry?: string;
  /** Output file (default dist/browser/ditto.js). */
  outfile?: string;
  /** Write a source map next to the output (default true). */
  sourcemap?: boolean;
  /** Minify (default false). */
  minify?: boolean;
  /** ESM (default), CommonJS, or a classic script (an IIFE assigning the global `ditto`). */
  format?: 'esm' | 'cjs' | 'iife';
}

/**
 * Bundles a module and everything it imports into one ESM file that runs in browsers, Deno (without
 * any permission), Bun and Node alike; any Node-only import fails the build.
 *
 * @example
 * ```ts
 * await bundleForBrowser({ entry: 'test/cross-runtime/workloads.ts', outfile: '/tmp/w.mjs' });
 * ```
 */
export async function bundleForBrowser(options: BundleOptions = {}): Promise<BuildResult> {
  const entry = options.entry ?? BROWSER_ENTRY;
  const outfile = options.outfile ?? BROWSER_BUNDLE;
  try {
    return await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: options.format ?? 'esm',
      ...(options.format === 'iife' ? { globalName: 'ditto' } : {}),
      platform: 'browser',
      target: 'es2022',
      sourcemap: options.sourcemap ?? true,
      minify: options.minify ?? false,
      metafile: true,
      logLevel: 'silent',
      plugins: [forbidNodeImports()],
    });
  } catch (error) {
    throw new NotRuntimeNeutralError(buildErrors(error));
  }
}

/**
 * The package's ESM entry points, bundled with the modules they share split into common chunks:
 * one copy of ditto's state (the global seed, the audit hooks) whichever entry a program imports,
 * and a few files to load instead of some 260 — loading the unbundled modules took ~170 ms of a
 * cold `ditto run`, the bundle ~25 ms (docs/performance.md).
 *
 * @example
 * ```ts
 * await bundlePackageEntries(); // dist/esm/index.js, dist/esm/internal.js, dist/esm/chunk-*.js
 * ```
 */
export async function bundlePackageEntries(outdir = PACKAGE_ESM_DIR): Promise<BuildResult> {
  try {
    return await build({
      entryPoints: { index: join(ROOT, 'src/index.ts'), internal: join(ROOT, 'src/internal.ts') },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: true,
      metafile: true,
      logLevel: 'silent',
      plugins: [forbidNodeImports()],
    });
  } catch (error) {
    throw new NotRuntimeNeutralError(buildErrors(error));
  }
}

async function main(): Promise<void> {
  const checked = await checkCore();
  console.log(
    `core is runtime-neutral: ${checked.sources} source files, ${checked.bundledInputs} bundled inputs, no Node-only import or global`,
  );
  if (process.argv.includes('--check')) return;
  for (const [outfile, minify, format] of [
    // No minified twin of the ESM bundle: no export reaches it, CDNs minify on request, and the
    // package keeps under its 5 MB (package-install.test.ts).
    [BROWSER_BUNDLE, false, 'esm'],
    [COMMONJS_BUNDLE, false, 'cjs'],
    [CLASSIC_SCRIPT_BUNDLE, true, 'iife'],
  ] as const) {
    const result = await bundleForBrowser({ outfile, minify, format });
    const output = result.metafile?.outputs[relative(process.cwd(), outfile).split(sep).join('/')];
    const size = output ? ` (${(output.bytes / 1024).toFixed(0)} KiB, and a source map)` : '';
    console.log(`wrote ${relative(ROOT, outfile)}${size}`);
  }
  const entries = await bundlePackageEntries();
  const files = Object.keys(entries.metafile?.outputs ?? {}).filter((file) => file.endsWith('.js'));
  console.log(
    `wrote ${relative(ROOT, PACKAGE_ESM_DIR)}: ${files.length} files (2 entry points and their shared chunks)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
