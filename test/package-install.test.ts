// The packages as a user gets them: both are packed (`npm pack`), installed from the tarballs and the
// local npm cache (the registry only for what it lacks) into empty projects in a temporary directory, and used from there —
// the core's install weight, ESM and CommonJS, a Deno import without any permission and a Bun
// import; `npx ditto demo`, `ditto run` of a JavaScript experiment (recorded on Node 24's built-in
// node:sqlite) and the playground page served by the installed `ditto playground` in headless
// Chromium. Every hash is compared with the repository's sources computing the same thing here.
//
// Install time: the optional better-sqlite3 is left out (--omit=optional). Where npm cannot fetch
// its prebuilt binary (no network, as here) it compiles SQLite from source, which took 4 min 47 s
// of the earlier draft's install on this 2-core machine; without it both installs take ~10 s. Node 20
// then has no SQLite at all, so `ditto run` must say so in one line, and records run on Node 24.
//
// Packs the built dist/ of both packages as it is (`npm ci` builds them, so does `npm run build`):
// rebuild after changing src/.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { repeatSeed } from '../packages/ditto/src/tutorial/repeat-seed.js';
import { fitTutorial } from '../packages/ditto/src/tutorial/tutorial.js';
import { type Browser, launchChromium } from './cross-runtime/chromium.js';
import { sandboxEnv } from './cross-runtime/runtimes.js';
import { nodeBinary } from './helpers/node-binaries.js';
import { repoRoot } from './helpers/run-tsx.js';

const BIN = join(repoRoot, 'node_modules/.bin');
const work = mkdtempSync(join(tmpdir(), 'ditto-install-'));
const tarballs: Record<string, string> = {};

/** The environment a user has: without Vitest's NODE_OPTIONS (which selects the ditto-source condition). */
const USER_ENV: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined &&
        entry[0] !== 'NODE_OPTIONS' &&
        !entry[0].startsWith('VITEST') &&
        !entry[0].startsWith('DITTO_'),
    ),
  ),
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_update_notifier: 'false',
  NO_COLOR: '1',
  DENO_NO_UPDATE_CHECK: '1',
  DENO_DIR: join(work, 'deno-dir'),
};

function run(command: string, args: string[], cwd: string, timeout = 60_000): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout,
    env: USER_ENV,
  });
}

/** An empty project with the given tarballs installed from the npm cache where it has them (the registry otherwise: `npm ci` caches tarballs, not the metadata an install resolves) (optional dependencies left out). */
function project(name: string, packages: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  run(
    'npm',
    ['install', '--prefer-offline', '--omit=optional', ...packages.map((p) => tarballs[p])],
    dir,
    120_000,
  );
  return dir;
}

/** Installed packages: the lockfile's entries under node_modules that npm wrote to disk. */
function installed(dir: string): Record<string, { hasInstallScript?: boolean }> {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { hasInstallScript?: boolean; link?: boolean }>;
  };
  return Object.fromEntries(
    Object.entries(lock.packages)
      // The lockfile also lists the optional dependencies npm left out: count what is on disk.
      .filter(([path]) => path.startsWith('node_modules/') && existsSync(join(dir, path)))
      .map(([path, entry]) => [
        path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
        entry,
      ]),
  );
}

function bytesUnder(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesUnder(join(path, entry)), 0);
}

beforeAll(() => {
  // The core's entry is its bundle (scripts/build-browser.ts), the Node package's tsc's output.
  for (const [pkg, entry] of [
    ['ditto', 'dist/esm/index.js'],
    ['ditto-node', 'dist/index.js'],
  ]) {
    const dir = join(repoRoot, 'packages', pkg);
    const dist = join(dir, entry);
    if (!existsSync(dist))
      throw new Error(`${relative(repoRoot, dist)} is missing: run \`npm run build\` first`);
  }
  const packed = JSON.parse(
    run('npm', ['pack', '-w', 'ditto', '-w', 'ditto-node', '--json', '--pack-destination', work], repoRoot),
  ) as Array<{ name: string; filename: string }>;
  for (const p of packed) tarballs[p.name] = join(work, p.filename);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm install ditto (the core) into an empty project', () => {
  let dir: string;
  let expected: string;
  beforeAll(async () => {
    dir = project('core-only', ['ditto']);
    writeFileSync(
      join(dir, 'esm.mjs'),
      "import { fitTutorial } from 'ditto';\nconsole.log((await fitTutorial({ seed: 1, epochs: 5 })).weightsHash);\n",
    );
    writeFileSync(
      join(dir, 'cjs.cjs'),
      "const { fitTutorial } = require('ditto');\nfitTutorial({ seed: 1, epochs: 5 }).then((r) => console.log(r.weightsHash));\n",
    );
    expected = (await fitTutorial({ seed: 1, epochs: 5 })).weightsHash;
  }, 120_000);

  it('installs at most 10 packages and 5 MB, none with an install script', () => {
    const packages = installed(dir);
    expect(Object.keys(packages)).toContain('ditto');
    expect(Object.keys(packages).length).toBeLessThanOrEqual(10);
    expect(
      Object.entries(packages)
        .filter(([, p]) => p.hasInstallScript)
        .map(([name]) => name),
    ).toEqual([]);
    expect(bytesUnder(join(dir, 'node_modules'))).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(existsSync(join(dir, 'node_modules/ditto/dist/browser/ditto.js'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/ditto/dist/browser/ditto.js.map'))).toBe(false);
  });

  it('trains in Node from the installed package, as ESM and as CommonJS, with the sources’ bits', () => {
    expect(run('node', ['esm.mjs'], dir).trim()).toBe(expected);
    expect(run('node', ['cjs.cjs'], dir).trim()).toBe(expected);
  });

  it('imports in Deno with no permission at all, and in Bun, with the same bits', () => {
    expect(run(join(BIN, 'deno'), ['run', '--no-prompt', '--quiet', 'esm.mjs'], dir).trim()).toBe(expected);
    expect(run(join(BIN, 'bun'), ['esm.mjs'], dir).trim()).toBe(expected);
  });
});

describe('npm install ditto ditto-node into an empty project', () => {
  let dir: string;
  let ditto: string;
  beforeAll(() => {
    dir = project('with-cli', ['ditto', 'ditto-node']);
    ditto = join(dir, 'node_modules/ditto-node/dist/cli/main.js');
    writeFileSync(
      join(dir, 'experiment.mjs'),
      [
        "import { experiment, fitTutorial } from 'ditto';",
        "export default experiment({ name: 'installed', repeats: 4, seed: 7, async run() {",
        '  const { mse, weightsHash } = await fitTutorial({ epochs: 40 });',
        '  return { mse, weightsHash };',
        '} });',
        '',
      ].join('\n'),
    );
  }, 120_000);

  it('installs no TypeScript loader, bundler, chart runtime nor native add-on for JavaScript users', () => {
    const names = Object.keys(installed(dir));
    expect(names).toEqual(expect.arrayContaining(['ditto', 'ditto-node', 'd3-scale']));
    for (const heavy of ['tsx', 'esbuild', 'vite', 'vega', 'vega-lite', 'better-sqlite3'])
      expect(names).not.toContain(heavy);
    expect(names.length).toBeLessThanOrEqual(25);
  });

  it('runs `npx ditto demo`: its seeded fits are the sources’ and replay identically in a child process', async () => {
    const out = run('npx', ['--no-install', 'ditto', 'demo'], dir, 90_000);
    setSeed(1);
    const first = (await fitTutorial()).weightsHash;
    expect(out).toMatch(new RegExp(`fit +1 +MSE [0-9.]+ +weights ${first.slice(0, 16)}`));
    expect(out).toContain('identical (all 10 weight hashes match)');
  });

  it('`ditto run` on Node 20 without SQLite says so in one line; on Node 24 it records the sources’ bits', async () => {
    const refused = spawnSync('node', [ditto, 'run', 'experiment.mjs'], {
      cwd: dir,
      env: USER_ENV,
      encoding: 'utf8',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^ditto run: run records need SQLite: .*node:sqlite/);

    run(nodeBinary(24), [ditto, 'run', 'experiment.mjs', '--workers', '2'], dir, 90_000);
    const record = JSON.parse(run(nodeBinary(24), [ditto, 'export', 'latest'], dir)) as {
      status: string;
      results: Array<{ index: number; seed: string; status: string; weightsHash: string }>;
    };
    expect(record.status).toBe('complete');
    expect(record.results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    for (const r of record.results) {
      expect(r.seed).toBe(String(repeatSeed(7n, r.index)));
      expect(r.weightsHash).toBe((await fitTutorial({ epochs: 40, seed: BigInt(r.seed) })).weightsHash);
    }
  });

  describe('the playground served by the installed `ditto playground`', () => {
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    let rows: Array<{ hash: string; seed: string }> = [];
    let command = '';
    const requests: string[] = [];
    let origin = '';

    beforeAll(async () => {
      server = spawn('node', [ditto, 'playground', 'serve', '--port', '0'], {
        cwd: dir,
        env: USER_ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const child = server;
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk;
          const match = /https?:\/\/\S+/.exec(out);
          if (match) resolve(match[0]);
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          err += chunk;
        });
        child.on('exit', (code) => reject(new Error(`ditto playground serve exited (${code}): ${err}`)));
      });
      origin = new URL(url).origin;
      browser = await launchChromium(sandboxEnv(join(work, 'chromium-home')));
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(url, { timeout: 30_000 });
      await page.locator('#a-epochs').fill('40');
      await page.locator('#a-seed').fill('7');
      await page.locator('#a-repeats').fill('2');
      await page.locator('#a-run').click();
      await page.waitForFunction(
        () =>
          document.querySelectorAll('#a-runs tbody tr').length === 2 &&
          !document.getElementById('a-panel')?.hasAttribute('aria-busy'),
        undefined,
        { timeout: 60_000 },
      );
      rows = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('#a-runs tbody tr')).map((tr) => ({
          hash: tr.dataset.hash ?? '',
          seed: tr.dataset.seed ?? '',
        })),
      );
      command = (await page.locator('#a-command').textContent()) ?? '';
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      server?.kill();
    });

    it('loads the shipped page, fetches nothing from elsewhere, and a seeded run has the sources’ bits', async () => {
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((r) => !r.startsWith(`${origin}/`) && !r.startsWith('data:'))).toEqual([]);
      expect(rows).toHaveLength(2);
      for (const [index, row] of rows.entries()) {
        expect(row.seed).toBe(String(repeatSeed(7n, index)));
        expect(row.hash).toBe((await fitTutorial({ epochs: 40, seed: repeatSeed(7n, index) })).weightsHash);
      }
    });

    it("the page's Node command, run with the installed CLI, prints the page's hash", () => {
      expect(command).toMatch(/^npx ditto playground fit .*--seed 7 --repeat 0$/);
      const printed = JSON.parse(
        run('npx', ['--no-install', ...command.split(' ').slice(1), '--json'], dir),
      ) as {
        weightsHash: string;
      };
      expect(printed.weightsHash).toBe(rows[0].hash);
    });
  });
});
