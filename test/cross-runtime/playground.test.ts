/**
 * End to end: `ditto playground build` and `ditto playground serve`, opened in Debian's headless
 * Chromium through playwright-core. A seeded configuration (on the WebAssembly backend) and an
 * unseeded one are run in the page's Web Workers; every weights hash read from the page must equal
 * Node's for the same configuration and seed, the command the page shows must print that hash, and
 * the page's comparison must be the one `ditto compare` computes from Node's own fits.
 *
 * The screenshot goes to a temporary directory; with DITTO_UPDATE_SCREENSHOT=1 it replaces
 * docs/playground-screenshot.png.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../../packages/ditto/src/experiments/index.js';
import { repeatSeed } from '../../packages/ditto/src/tutorial/repeat-seed.js';
import { fitTutorial } from '../../packages/ditto/src/tutorial/tutorial.js';
import { formatComparison } from '../../packages/ditto-node/src/report/terminal.js';
import { toExperimentRun } from '../../web/src/experiment-run.js';
import type { FitResult } from '../../web/src/protocol.js';
import { underCI } from '../helpers/requirements.js';
import { repoRoot, runTsx } from '../helpers/run-tsx.js';
import { type Browser, chromiumUnavailable, launchChromium, type Page } from './chromium.js';
import { sandboxEnv } from './runtimes.js';

/** A's configuration: seeded, and different from every default. */
const A = { hiddenUnits: 12, epochs: 150, optimizer: 'rmsprop', learningRate: 0.005, seed: 7n, repeats: 20 };
/** B: the tutorial network, without a seed (the page draws one). */
const B = { hiddenUnits: 10, epochs: 100, repeats: 20 };

interface Row {
  repeat: number;
  hash: string;
  seed: string;
}

const unavailable = await chromiumUnavailable();
// Skipped only on request (DITTO_SKIP_RUNTIMES=chromium), and never under CI.
if (unavailable && (underCI || !process.env.DITTO_SKIP_RUNTIMES?.includes('chromium'))) {
  throw new Error(`the playground's end-to-end test needs Chromium: ${unavailable}`);
}

let dir = '';
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let origin = '';
const requests: string[] = [];
let invalid: { message: string; ariaInvalid: string | null; focused: string; runs: number };
const pageErrors: string[] = [];

async function startServer(builtDir: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'packages/ditto-node/src/cli/main.ts',
      'playground',
      'serve',
      '--port',
      '0',
      '--dir',
      builtDir,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server = child;
  return new Promise((resolve, reject) => {
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
}

function waitForRuns(panel: string, count: number): Promise<unknown> {
  return page.waitForFunction(
    ([id, n]) =>
      document.querySelectorAll(`#${id}-runs tbody tr`).length === n &&
      !document.getElementById(`${id}-panel`)?.hasAttribute('aria-busy'),
    [panel, count] as const,
    { timeout: 90_000 },
  );
}

function readRows(panel: string): Promise<Row[]> {
  return page.evaluate(
    (id) =>
      Array.from(document.querySelectorAll<HTMLElement>(`#${id}-runs tbody tr`)).map((tr) => ({
        repeat: Number(tr.dataset.repeat),
        hash: tr.dataset.hash ?? '',
        seed: tr.dataset.seed ?? '',
      })),
    panel,
  );
}

beforeAll(async () => {
  if (unavailable) return;
  dir = mkdtempSync(join(tmpdir(), 'ditto-playground-'));
  const built = join(dir, 'site');
  await runTsx('packages/ditto-node/src/cli/main.ts', ['playground', 'build', '--out-dir', built]);
  origin = new URL(await startServer(built)).origin;
  browser = await launchChromium(sandboxEnv(join(dir, 'home')));
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/`, { timeout: 30_000 });

  // An invalid value is refused, said in words next to its field, which gets the focus.
  await page.locator('#a-hiddenUnits').fill('0');
  await page.locator('#a-epochs').focus();
  await page.keyboard.press('Enter');
  invalid = await page.evaluate(() => ({
    message: document.getElementById('a-hiddenUnits-error')?.textContent ?? '',
    ariaInvalid: document.getElementById('a-hiddenUnits')?.getAttribute('aria-invalid') ?? null,
    focused: document.activeElement?.id ?? '',
    runs: document.querySelectorAll('#a-runs tbody tr').length,
  }));

  // A, typed in and started from the keyboard (Enter submits the form).
  await page.locator('#a-hiddenUnits').fill(String(A.hiddenUnits));
  await page.locator('#a-epochs').fill(String(A.epochs));
  await page.locator('#a-optimizer').selectOption(A.optimizer);
  await page.locator('#a-learningRate').fill(String(A.learningRate));
  await page.locator('#a-seed').fill(String(A.seed));
  await page.locator('#a-backend').selectOption('wasm');
  await page.locator('#a-repeats').fill(String(A.repeats));
  await page.keyboard.press('Enter');
  await waitForRuns('a', A.repeats);

  // B: no seed.
  await page.locator('#b-hiddenUnits').fill(String(B.hiddenUnits));
  await page.locator('#b-no-seed').check();
  await page.locator('#b-repeats').fill(String(B.repeats));
  await page.locator('#b-run').click();
  await waitForRuns('b', B.repeats);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(Boolean(unavailable))('the playground in headless Chromium', () => {
  it('a seeded run in the page has the weights hash Node computes for the same configuration', async () => {
    const rows = await readRows('a');
    expect(rows.map((r) => r.repeat)).toEqual([...Array(A.repeats).keys()]);
    for (const row of rows) {
      const seed = repeatSeed(A.seed, row.repeat);
      expect(row.seed).toBe(String(seed));
      const node = await fitTutorial({ ...A, seed });
      expect(row.hash, `run ${row.repeat + 1}`).toBe(node.weightsHash);
    }
    expect(new Set(rows.map((r) => r.hash)).size).toBe(A.repeats);
  });

  it("the page's Node command prints the page's hash, and each run has its command", async () => {
    const commandA = (await page.locator('#a-command').textContent()) ?? '';
    expect(commandA).toBe(
      `npx ditto playground fit --hidden-units ${A.hiddenUnits} --epochs ${A.epochs} --optimizer ${A.optimizer} ` +
        `--learning-rate ${A.learningRate} --seed ${A.seed} --repeat 0`,
    );
    const printed = JSON.parse(
      await runTsx('packages/ditto-node/src/cli/main.ts', [...commandA.split(' ').slice(2), '--json']),
    );
    expect(printed.weightsHash).toBe((await readRows('a'))[0].hash);
    // B: the command of repeat 5, chosen with its row's button (its hash is checked with B's runs).
    await page.getByRole('button', { name: 'Show the Node command for repeat 5 of B' }).click();
    const drawn = await page.locator('#b-panel').getAttribute('data-experiment-seed');
    expect(await page.locator('#b-command').textContent()).toBe(
      `npx ditto playground fit --hidden-units ${B.hiddenUnits} --epochs ${B.epochs} --optimizer adam --seed ${drawn} --repeat 5`,
    );
  });

  it('a run without a seed draws one, shows it, and Node replays every repeat from it', async () => {
    const drawn = BigInt((await page.locator('#b-panel').getAttribute('data-experiment-seed')) ?? 'NaN');
    expect(await page.locator('#b-status').textContent()).toContain(`drew seed ${drawn}`);
    const rows = await readRows('b');
    for (const row of rows) {
      const seed = repeatSeed(drawn, row.repeat);
      expect(row.seed).toBe(String(seed));
      const node = await fitTutorial({ hiddenUnits: B.hiddenUnits, epochs: B.epochs, seed });
      expect(row.hash, `repeat ${row.repeat} of seed ${drawn}`).toBe(node.weightsHash);
    }
  });

  it("the comparison is `ditto compare`'s, computed in Node from Node's own fits", async () => {
    const nodeRun = async (name: string, options: object, experimentSeed: bigint, repeats: number) => {
      const results: FitResult[] = [];
      for (let repeat = 0; repeat < repeats; repeat++) {
        const seed = repeatSeed(experimentSeed, repeat);
        const fit = await fitTutorial({ ...options, seed });
        results.push({ type: 'result', runId: 0, repeat, seed: String(seed), backend: 'js', ...fit });
      }
      return toExperimentRun(name, { value: experimentSeed, drawn: false }, repeats, results);
    };
    const drawn = BigInt((await page.locator('#b-panel').getAttribute('data-experiment-seed')) ?? 'NaN');
    const comparison = compareRuns(
      [
        await nodeRun('A', { ...A, seed: undefined }, A.seed, A.repeats),
        await nodeRun('B', { hiddenUnits: B.hiddenUnits, epochs: B.epochs }, drawn, B.repeats),
      ],
      { metrics: ['mse'] },
    );
    expect(await page.locator('#verdict').textContent()).toBe(comparison.metrics[0].pairs[0].verdict.text);
    expect(await page.locator('#compare-text').textContent()).toBe(formatComparison(comparison).join('\n'));
  });

  it('contacts nothing but its own origin, and raises no error', () => {
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('refuses an invalid field with a message tied to it, and focuses it', () => {
    expect(invalid).toEqual({
      message: 'Hidden units must be a whole number from 1 to 256.',
      ariaInvalid: 'true',
      focused: 'a-hiddenUnits',
      runs: 0,
    });
  });

  it('is accessible: labelled fields, keyboard reachable, described charts, no overflow on a phone', async () => {
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement>('input, select, textarea, button'))
        .filter(
          (e) =>
            !(
              (e.labels?.length ?? 0) > 0 ||
              e.getAttribute('aria-label') ||
              e.getAttribute('aria-labelledby') ||
              (e.tagName === 'BUTTON' && e.textContent?.trim())
            ),
        )
        .map((e) => e.id || e.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    const charts = await page.evaluate(
      () =>
        Array.from(document.querySelectorAll('svg.chart')).filter(
          (svg) =>
            svg.getAttribute('role') === 'img' &&
            svg.querySelector('title')?.textContent &&
            svg.querySelector('desc')?.textContent,
        ).length,
    );
    expect(charts).toBe(await page.locator('svg.chart').count());
    await page.locator('#a-hiddenUnits').focus();
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'a-run');
    }
    expect(reached).toBe(true);

    const screenshot = process.env.DITTO_UPDATE_SCREENSHOT
      ? join(repoRoot, 'docs/playground-screenshot.png')
      : join(dir, 'playground.png');
    await page.screenshot({ path: screenshot, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
