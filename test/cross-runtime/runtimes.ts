/**
 * Running the bundled workloads in each runtime: Node (this one, and 22, 24 and 26 from
 * scripts/install-node-versions.sh), Bun, Deno and QuickJS (hosted by quickjs-host.ts) as child
 * processes printing one JSON line; headless Chromium (playwright-core) and headless Firefox ESR (a plain child process
 * with a fresh profile) loading a page that posts its report to the result server.
 *
 * Every runtime gets a throwaway HOME and cache directories, so nothing is written outside the
 * temporary directory the test removes.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromiumUnavailable, launchChromium } from './chromium.js';
import type { ResultServer } from './result-server.js';
import type { RuntimeReport } from './workloads.js';

const execFileAsync = promisify(execFile);

/** One runtime's outcome: its report, or why it could not run. */
export interface RuntimeRun {
  /** 'node', 'bun', 'deno', 'chromium', 'firefox' (a label, not the version). */
  name: string;
  report?: RuntimeReport;
  /** Set when the runtime ran but failed (crash, timeout, an exception in the page). */
  error?: string;
  /** Set when the runtime is not installed. */
  missing?: string;
  seconds: number;
}

/** Files the runtimes load, in one directory (see test/cross-runtime.test.ts). */
export interface BundleDir {
  dir: string;
  /** The command-line entry (prints the report as one JSON line). */
  cliEntry: string;
  /** The page's name inside `dir`. */
  page: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, name);
    if (dir && isExecutable(path)) return path;
  }
  return undefined;
}

/**
 * The first candidate that runs `--version` successfully. Tries, in order: an explicit override,
 * the project's own npm-installed copy, the platform package's binary (in case the wrapper package's
 * postinstall did not run), then PATH.
 */
export async function findRuntime(candidates: Array<string | undefined>): Promise<string | undefined> {
  for (const path of candidates) {
    if (!path || !existsSync(path) || !isExecutable(path)) continue;
    try {
      await execFileAsync(path, ['--version'], { timeout: 20_000 });
      return path;
    } catch {
      // Not usable (e.g. an npm placeholder); try the next.
    }
  }
  return undefined;
}

export function bunCandidates(root: string): Array<string | undefined> {
  return [
    process.env.DITTO_BUN,
    join(root, 'node_modules/.bin/bun'),
    join(root, `node_modules/@oven/bun-${process.platform}-${process.arch}/bin/bun`),
    onPath('bun'),
  ];
}

export function denoCandidates(root: string): Array<string | undefined> {
  return [
    process.env.DITTO_DENO,
    join(root, 'node_modules/.bin/deno'),
    join(root, `node_modules/@deno/${process.platform}-${process.arch}-glibc/deno`),
    onPath('deno'),
  ];
}

export function firefoxCandidates(): Array<string | undefined> {
  return [process.env.DITTO_FIREFOX, '/usr/bin/firefox-esr', onPath('firefox-esr'), onPath('firefox')];
}

/**
 * Runs the command-line entry in QuickJS: quickjs-host.ts, in this Node through tsx (given by its
 * absolute location, since the child runs in the bundle's directory), evaluates it in the
 * interpreter and prints its report.
 */
export function runQuickJS(
  bundle: BundleDir,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<RuntimeRun> {
  const require = createRequire(import.meta.url);
  const host = fileURLToPath(new URL('./quickjs-host.ts', import.meta.url));
  let tsx: string;
  try {
    require.resolve('quickjs-emscripten');
    tsx = pathToFileURL(require.resolve('tsx')).href;
  } catch (error) {
    return Promise.resolve({ name: 'quickjs', missing: `${String(error)} (npm ci installs it)`, seconds: 0 });
  }
  return runCommandLine('quickjs', process.execPath, ['--import', tsx, host], bundle, env, timeoutMs);
}

/** A throwaway home for the runtimes' caches and settings. */
export function sandboxEnv(home: string): Record<string, string> {
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local/share'),
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    DENO_DIR: join(home, '.deno'),
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
  };
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}

function parseReport(stdout: string): RuntimeReport {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as RuntimeReport;
}

/** Runs the command-line entry with `command args… entry` and parses the JSON line it prints. */
export async function runCommandLine(
  name: string,
  command: string | undefined,
  args: string[],
  bundle: BundleDir,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<RuntimeRun> {
  const start = performance.now();
  if (!command) return { name, missing: `${name} is not installed`, seconds: 0 };
  try {
    const { stdout } = await execFileAsync(command, [...args, join(bundle.dir, bundle.cliEntry)], {
      cwd: bundle.dir,
      env,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { name, report: parseReport(stdout), seconds: elapsed(start) };
  } catch (error) {
    const e = error as { message: string; stderr?: string };
    return { name, error: `${e.message}\n${e.stderr ?? ''}`.trim(), seconds: elapsed(start) };
  }
}

function fromPosted(
  name: string,
  posted: { report: unknown } | { error: string },
  start: number,
): RuntimeRun {
  if ('error' in posted) return { name, error: posted.error, seconds: elapsed(start) };
  return { name, report: posted.report as RuntimeReport, seconds: elapsed(start) };
}

/** Loads the page in headless Chromium through playwright-core; the page posts its report. */
export async function runChromium(
  server: ResultServer,
  bundle: BundleDir,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<RuntimeRun> {
  const name = 'chromium';
  const start = performance.now();
  const missing = await chromiumUnavailable();
  if (missing) return { name, missing, seconds: 0 };
  const result = server.waitFor(name, timeoutMs);
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    browser = await launchChromium(env);
    const page = await browser.newPage();
    page.on('pageerror', (error) => server.fail(name, error));
    await page.goto(`${server.url}/${bundle.page}?runtime=${name}`, { timeout: timeoutMs });
    return fromPosted(name, await result, start);
  } catch (error) {
    result.catch(() => {});
    return { name, error: String(error), seconds: elapsed(start) };
  } finally {
    await browser?.close();
  }
}

/** Preferences of the throwaway Firefox profile: no first-run pages, updates or background traffic. */
const FIREFOX_PREFS: Record<string, boolean | number | string> = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'media.gmp-manager.updateEnabled': false,
  'browser.region.network.url': '',
  'browser.search.update': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
};

/**
 * Loads the page in headless Firefox ESR with a fresh profile; the page posts its report. The
 * browser runs in its own process group, killed as a whole once the report arrives or time is up.
 */
export async function runFirefox(
  server: ResultServer,
  bundle: BundleDir,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<RuntimeRun> {
  const name = 'firefox';
  const start = performance.now();
  const firefox = await findRuntime(firefoxCandidates());
  if (!firefox) return { name, missing: 'no Firefox ESR (apt-get install firefox-esr)', seconds: 0 };
  const profile = join(env.HOME, 'firefox-profile');
  mkdirSync(profile, { recursive: true });
  writeFileSync(
    join(profile, 'user.js'),
    Object.entries(FIREFOX_PREFS)
      .map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
      .join('\n'),
  );
  const result = server.waitFor(name, timeoutMs);
  const child = spawn(
    firefox,
    ['--headless', '--no-remote', '--profile', profile, `${server.url}/${bundle.page}?runtime=${name}`],
    { env: { ...env, MOZ_HEADLESS: '1' }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) =>
    server.fail(name, new Error(`firefox exited (${signal ?? code}) before posting a result\n${stderr}`)),
  );
  child.on('error', (error) => server.fail(name, error));
  try {
    return fromPosted(name, await result, start);
  } catch (error) {
    return { name, error: String(error), seconds: elapsed(start) };
  } finally {
    await killGroup(child.pid);
  }
}

/** Ends a process group we started: SIGTERM, then SIGKILL if it lingers. */
async function killGroup(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 30 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(-pid, 'SIGKILL');
}
