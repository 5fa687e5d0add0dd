/**
 * The content hash of an experiment module and every local module it imports: the identity of the
 * code a repeat runs. Two copies of an experiment with the same hash run the same code (ditto's own
 * version is recorded separately), so a queue worker or a resumed run can refuse different code
 * instead of producing silently different results.
 *
 * @module
 */

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The hash and the files it covers. */
export interface ModuleHash {
  /** SHA-256 (hex) over every file's path (relative to the entry's folder) and bytes, in path order. */
  hash: string;
  /** The files hashed, relative to the entry module's folder, sorted. */
  files: string[];
}

/**
 * ditto's own package folders (the core's and this package's, as real paths). Imports into them are
 * not followed: ditto's code is identified by its version, recorded separately, and an experiment
 * inside ditto's own repository would otherwise hash all of ditto's sources.
 */
function dittoPackageRoots(): string[] {
  const roots = [resolve(dirname(fileURLToPath(import.meta.url)), '../..')];
  try {
    roots.push(dirname(createRequire(import.meta.url).resolve('ditto/package.json')));
  } catch {
    // the core is not resolvable as a package here (bundled): only this package's folder is skipped
  }
  return roots.map((root) => `${realpathSync(root)}${sep}`);
}

/**
 * Relative import specifiers in a module's text: static and dynamic imports and re-exports. A
 * scan of the text rather than a parse, so it reads TypeScript and JavaScript alike without a
 * compiler; it may also pick up an import inside a comment, which only makes the hash stricter.
 */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]+)\1/g;

function resolveLocal(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  // TypeScript sources import './x.js' for './x.ts'; extensionless specifiers name a file or folder.
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    base.replace(/\.cjs$/, '.cts'),
    `${base}.ts`,
    `${base}.js`,
    `${base}/index.ts`,
    `${base}/index.js`,
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/**
 * Hashes `file` and, transitively, the local files it imports (relative specifiers; packages in
 * node_modules and ditto's own sources are not followed: their versions belong to the environment,
 * not to the experiment).
 *
 * @throws Error naming the file when the entry module does not exist.
 * @example
 * ```ts
 * const { hash, files } = moduleContentHash('examples/experiment.ts');
 * console.log(hash.slice(0, 12), files); // e.g. 3f2a… ['experiment.ts']
 * ```
 */
export function moduleContentHash(file: string): ModuleHash {
  const entry = resolve(file);
  if (!existsSync(entry) || !statSync(entry).isFile()) {
    throw new Error(`cannot find the experiment module ${file} (looked for ${entry})`);
  }
  const root = dirname(entry);
  const skipped = dittoPackageRoots();
  const seen = new Map<string, Buffer>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (seen.has(path)) continue;
    const bytes = readFileSync(path);
    seen.set(path, bytes);
    for (const match of bytes.toString('utf8').matchAll(RELATIVE_IMPORT)) {
      const target = resolveLocal(path, match[2]);
      if (target === undefined || target.includes(`${sep}node_modules${sep}`)) continue;
      const real = realpathSync(target);
      if (!skipped.some((prefix) => real.startsWith(prefix))) pending.push(target);
    }
  }
  const names = [...seen.keys()].map((path) => ({ path, name: relative(root, path).split(sep).join('/') }));
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const { path, name } of names) {
    const bytes = seen.get(path) as Buffer;
    // Length-prefixed fields, so no two different file sets can hash alike.
    hash.update(`${Buffer.byteLength(name)}:${name}:${bytes.length}:`);
    hash.update(bytes);
  }
  return { hash: hash.digest('hex'), files: names.map((n) => n.name) };
}

let dittoCode: string | undefined;

/**
 * A SHA-256 of the ditto core this process runs: every source or compiled file of the folder its
 * entry module resolves to (honouring the process's export conditions). Two processes that report
 * the same ditto version can still run different code — a local build, a patched copy — and a
 * repeat's bits depend on it.
 *
 * @example
 * ```ts
 * dittoCodeHash(); // '9c1f…', the same in every process that loads the same ditto files
 * ```
 */
export function dittoCodeHash(): string {
  if (dittoCode !== undefined) return dittoCode;
  const entry = fileURLToPath(import.meta.resolve('ditto'));
  const folder = dirname(entry);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else if (/\.(m?[jt]s|wasm)$/.test(item.name) && !item.name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(folder);
  files.sort();
  const hash = createHash('sha256');
  for (const path of files) {
    const name = relative(folder, path).split(sep).join('/');
    const bytes = readFileSync(path);
    hash.update(`${Buffer.byteLength(name)}:${name}:${bytes.length}:`);
    hash.update(bytes);
  }
  dittoCode = hash.digest('hex');
  return dittoCode;
}
