/**
 * ditto's contract across JavaScript runtimes: the same workloads (test/cross-runtime/workloads.ts,
 * bundled once for the browser) trained with seed 1 in Node 20 (this one), 22, 24 and 26 (each a
 * different V8), Bun, Deno, QuickJS (an interpreter with its own math library), headless Chromium
 * and headless Firefox ESR, on every backend, give identical weights, predictions and per-epoch
 * histories — the hashes pinned in test/cross-runtime/pins.ts. The runtimes start in parallel; the
 * hash table is printed. QuickJS has no WebAssembly: it runs both js variants (fast path and
 * autograd) of all three workloads, about 3 s of interpretation, not the wasm ones.
 *
 * Needs: the npm dev dependencies `bun`, `deno`, `playwright-core` and `quickjs-emscripten`,
 * Node 22/24/26 from scripts/install-node-versions.sh (`npm test` runs it first), and Debian's
 * `chromium` and `firefox-esr` (see .ci/run). A runtime that is missing fails the test, unless it is
 * listed in DITTO_SKIP_RUNTIMES (e.g. `DITTO_SKIP_RUNTIMES=firefox,bun`), which skips it with a
 * message — except under CI=true, where nothing may be skipped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleForBrowser,
  checkCore,
  NotRuntimeNeutralError,
  nodeGlobalsIn,
} from '../packages/ditto/scripts/build-browser.js';
import { fitTutorial } from '../packages/ditto/src/tutorial/tutorial.js';
import {
  describeDifference,
  findMismatches,
  formatHashTable,
  type LabelledReport,
  pinMismatches,
} from './cross-runtime/compare.js';
import { PINNED_WORKLOAD_HASHES } from './cross-runtime/pins.js';
import { startResultServer } from './cross-runtime/result-server.js';
import {
  bunCandidates,
  denoCandidates,
  findRuntime,
  type RuntimeRun,
  runChromium,
  runCommandLine,
  runFirefox,
  runQuickJS,
  sandboxEnv,
} from './cross-runtime/runtimes.js';
import { type RuntimeReport, runWorkloads, WORKLOAD_NAMES } from './cross-runtime/workloads.js';
import { type NodeMajor, nodeBinary } from './helpers/node-binaries.js';
import { underCI } from './helpers/requirements.js';
import { repoRoot } from './helpers/run-tsx.js';

const RUNTIMES = [
  'node',
  'node22',
  'node24',
  'node26',
  'bun',
  'deno',
  'quickjs',
  'chromium',
  'firefox',
] as const;
/** The variants a runtime without WebAssembly runs (the others run every variant the reference has). */
const JS_ONLY: Partial<Record<(typeof RUNTIMES)[number], readonly string[]>> = {
  quickjs: ['js', 'js/autograd'],
};
const TIMEOUT_MS = 90_000;
const skipped = new Set(
  (process.env.DITTO_SKIP_RUNTIMES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ditto cross-runtime workloads</title>
<link rel="icon" href="data:,"></head>
<body><p id="status">running</p><script type="module" src="browser.mjs"></script></body></html>
`;

let dir = '';
let runs: RuntimeRun[] = [];
let inProcess: RuntimeReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-cross-runtime-'));
  const bundleDir = join(dir, 'www');
  await Promise.all([
    bundleForBrowser({
      entry: join(repoRoot, 'test/cross-runtime/cli-entry.ts'),
      outfile: join(bundleDir, 'cli.mjs'),
      sourcemap: false,
    }),
    bundleForBrowser({
      entry: join(repoRoot, 'test/cross-runtime/browser-entry.ts'),
      outfile: join(bundleDir, 'browser.mjs'),
      sourcemap: false,
    }),
  ]);
  writeFileSync(join(bundleDir, 'index.html'), PAGE);
  const bundle = { dir: bundleDir, cliEntry: 'cli.mjs', page: 'index.html' };
  const server = await startResultServer(bundleDir);
  const env = (name: string) => sandboxEnv(join(dir, `home-${name}`));
  const otherNode = (major: NodeMajor) => {
    const name = `node${major}`;
    try {
      return runCommandLine(name, nodeBinary(major), [], bundle, env(name), TIMEOUT_MS);
    } catch (error) {
      return Promise.resolve<RuntimeRun>({ name, missing: (error as Error).message, seconds: 0 });
    }
  };
  const [bun, deno] = await Promise.all([
    findRuntime(bunCandidates(repoRoot)),
    findRuntime(denoCandidates(repoRoot)),
  ]);
  const start: Record<(typeof RUNTIMES)[number], () => Promise<RuntimeRun>> = {
    node: () => runCommandLine('node', process.execPath, [], bundle, env('node'), TIMEOUT_MS),
    node22: () => otherNode(22),
    node24: () => otherNode(24),
    node26: () => otherNode(26),
    bun: () => runCommandLine('bun', bun, ['run', '--no-install'], bundle, env('bun'), TIMEOUT_MS),
    deno: () =>
      runCommandLine(
        'deno',
        deno,
        ['run', '--no-prompt', '--no-config', '--no-remote'],
        bundle,
        env('deno'),
        TIMEOUT_MS,
      ),
    quickjs: () => runQuickJS(bundle, env('quickjs'), TIMEOUT_MS),
    chromium: () => runChromium(server, bundle, env('chromium'), TIMEOUT_MS),
    firefox: () => runFirefox(server, bundle, env('firefox'), TIMEOUT_MS),
  };
  try {
    const pending = RUNTIMES.map((name) =>
      skipped.has(name)
        ? Promise.resolve<RuntimeRun>({ name, missing: 'skipped by DITTO_SKIP_RUNTIMES', seconds: 0 })
        : start[name](),
    );
    // Meanwhile, the unbundled sources in this very process.
    inProcess = await runWorkloads();
    runs = await Promise.all(pending);
  } finally {
    await server.close();
  }
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function reports(): LabelledReport[] {
  return [
    { label: 'node (source)', report: inProcess },
    ...runs
      .filter((r) => r.report)
      .map((r) => ({
        label: r.name,
        report: r.report as RuntimeReport,
        variants: JS_ONLY[r.name as (typeof RUNTIMES)[number]],
      })),
  ];
}

describe('the core is runtime-neutral', () => {
  it('every core module bundles for the browser with no Node-only import or global', async () => {
    const checked = await checkCore();
    expect(checked.sources).toBeGreaterThan(50);
  });

  it('a Node-only import is caught, naming the file', async () => {
    const fixture = join(repoRoot, 'test/cross-runtime/fixtures/node-only.ts');
    const error = await bundleForBrowser({ entry: fixture, outfile: join(dir, 'x.mjs') }).catch((e) => e);
    expect(error).toBeInstanceOf(NotRuntimeNeutralError);
    expect(String(error.message)).toContain(
      "Node-only import 'node:fs' in test/cross-runtime/fixtures/node-only.ts",
    );
  });

  it('Node globals are found where they are really used, not in strings or property names', async () => {
    const fixture = join(repoRoot, 'test/cross-runtime/fixtures/node-globals.ts');
    expect(await nodeGlobalsIn(fixture)).toEqual(['process', 'Buffer']);
  });
});

describe('the same bits in Node 20, 22, 24 and 26, Bun, Deno, QuickJS, Chromium and Firefox ESR', () => {
  it('every runtime ran (or is explicitly skipped, never under CI)', () => {
    for (const run of runs) {
      const where = `${run.name}: ${run.missing ?? run.error ?? 'ok'} (${run.seconds} s)`;
      const timing = run.report
        ? `${(run.report.milliseconds / 1000).toFixed(1)} s training, ${run.seconds} s in all`
        : '';
      console.log(run.report ? `${run.name.padEnd(9)} ${run.report.runtime} — ${timing}` : where);
    }
    if (underCI) expect([...skipped], 'DITTO_SKIP_RUNTIMES is not honoured under CI').toEqual([]);
    const failed = runs.filter((r) => r.error || (r.missing && !skipped.has(r.name)));
    expect(
      failed.map(
        (r) => `${r.name}: ${r.error ?? `${r.missing} — install it, or set DITTO_SKIP_RUNTIMES=${r.name}`}`,
      ),
    ).toEqual([]);
  });

  it('weights, predictions and per-epoch histories are identical in every runtime and backend', () => {
    const all = reports();
    const mismatches = findMismatches(all);
    console.log(`\n${formatHashTable(all, mismatches)}\n`);
    if (mismatches.length > 0) console.log(`MISMATCHES:\n  ${mismatches.join('\n  ')}`);
    expect(mismatches).toEqual([]);
    expect(all.length).toBe(1 + runs.filter((r) => r.report).length);
  });

  it('every hash of every runtime equals the pins', () => {
    expect(pinMismatches(reports(), PINNED_WORKLOAD_HASHES)).toEqual([]);
  });

  it('QuickJS ran without WebAssembly, on its own engine Math', () => {
    const quickjs = runs.find((r) => r.name === 'quickjs')?.report;
    if (skipped.has('quickjs')) return;
    expect(quickjs?.runtime).toMatch(/^quickjs /);
    expect(Object.keys(quickjs?.backends ?? {}).sort()).toEqual(['js', 'js/autograd']);
    expect(quickjs?.unavailableBackends).toEqual(['wasm (no WebAssembly SIMD)']);
    // Its libm is not V8's: the engine hash differs from this Node's, the workloads' hashes do not.
    expect(quickjs?.engineMath).not.toBe(inProcess.engineMath);
  });

  it('a hash that differs from the pins is named with runtime, variant, workload and field', () => {
    const altered: RuntimeReport = structuredClone(inProcess);
    altered.backends['js/autograd'].dropout.history = 'f'.repeat(64);
    expect(pinMismatches([{ label: 'node24', report: altered }], PINNED_WORKLOAD_HASHES)).toEqual([
      `node24 / js/autograd / dropout: history ffffffffffff…, pinned ${PINNED_WORKLOAD_HASHES.dropout.history.slice(0, 12)}…`,
    ]);
  });

  it('the workloads really train, on both paths, and the wasm backend takes part', async () => {
    const steps = {
      tutorial: 100,
      softmax: 20 * Math.ceil(120 / 16),
      dropout: 15 * Math.ceil(120 / 10),
      functional: 10 * Math.ceil(120 / 16),
      convolutional: 3 * Math.ceil(16 / 8),
    };
    for (const workload of WORKLOAD_NAMES) {
      const result = inProcess.backends.js[workload];
      expect(result.weights).toMatch(/^[0-9a-f]{64}$/);
      expect(result.loss.last).toBeLessThan(result.loss.first);
      expect(result.trace.steps).toHaveLength(steps[workload]);
      expect(JSON.stringify(result.trace.steps[0].hashes)).not.toBe(
        JSON.stringify(result.trace.steps.at(-1)?.hashes),
      );
    }
    // A different seed gives different weights: the hashes depend on the seed, not on constants.
    expect((await fitTutorial({ seed: 2 })).weightsHash).not.toBe(inProcess.fitTutorialHash);
    expect(Object.keys(inProcess.backends).sort()).toEqual(['js', 'js/autograd', 'wasm', 'wasm/autograd']);
  });

  it('a mismatch names the runtime, variant, workload, and the first differing step and tensor', () => {
    const reference = inProcess;
    const altered: RuntimeReport = structuredClone(reference);
    const softmax = altered.backends.wasm.softmax;
    softmax.weights = '0'.repeat(64);
    // Step 40 replays step 41's fingerprints: the weights it starts from (tensor 0 first) differ.
    const step = softmax.trace.steps[40];
    softmax.trace.steps[40] = { ...step, hashes: softmax.trace.steps[41].hashes };
    const tensor = softmax.trace.fits[step.fit].tensors[0];
    const mismatches = findMismatches([
      { label: 'node (source)', report: reference },
      { label: 'firefox', report: altered },
    ]);
    expect(mismatches).toHaveLength(1);
    const [message] = mismatches;
    expect(message).toMatch(/^firefox \/ wasm differs from node \(source\) \/ js in softmax: weights\n/);
    expect(message).toContain(`step 40 (epoch ${step.epoch}, batch ${step.batch})`);
    expect(message).toContain(tensor.name);
    expect(describeDifference(reference.backends.js.tutorial, reference.backends.js.tutorial)).toBe('');
  });
});
