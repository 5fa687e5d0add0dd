// `ditto attribute`: a tiny experiment attributed end to end — probe, crossed design through the
// repeat runner with records, the printed table, chart and verdict, the HTML report — and the
// command's errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeCommand } from '../packages/ditto-node/src/cli/commands/attribute.js';
import { type CommandIO, rerunCommand } from '../packages/ditto-node/src/experiments/commands.js';
import { openRecords } from '../packages/ditto-node/src/experiments/records.js';
import { runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/run-tsx.js';

let dir: string;
let file: string;

/** A command's output, captured; no colours, no progress bar. */
function capture(): CommandIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const same = (t: string) => t;
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    style: { bold: same, dim: same, red: same, green: same },
    progress: false,
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-attribute-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const src = (path: string) =>
    JSON.stringify(pathToFileURL(join(repoRoot, 'packages/ditto/src', path)).href);
  file = join(dir, 'tiny.ts');
  // The metric is 3·(init draw) + 1·(order draw): init should carry about 90 % of the variance.
  writeFileSync(
    file,
    `import { experiment } from ${src('experiments/index.ts')};
import { nextKey, normal } from ${src('random/index.ts')};
export default experiment({
  name: 'tiny', seed: 4,
  run: () => {
    const a = normal(nextKey('init'), 1)[0];
    const b = normal(nextKey('order'), 1)[0];
    return { score: 3 * a + b, a };
  },
});
export const constant = experiment({ name: 'constant', seed: 1, run: () => ({ m: 1 }) });
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ditto attribute', () => {
  it('finds init and order, runs the crossed design, prints components, chart and verdict', async () => {
    const io = capture();
    const db = join(dir, 'runs.db');
    const report = join(dir, 'attribution.html');
    let runId = '';
    const code = await attributeCommand(
      file,
      { export: 'default', levels: '4', db, report, resamples: '400', workers: '1' },
      io,
    );
    expect(code).toBe(0);
    const text = io.stdout.join('');
    expect(io.stderr.join('')).toMatch(
      /tiny: draws from init, order; crossed design, 4 seeds per source: 16 repeats/,
    );
    expect(text).toMatch(
      /sources drawn from: init, order · crossed design: 4 seeds per source, all 16\s+combinations/,
    );
    // The metric 'a' is the init draw alone: order and the interaction get nothing.
    const aBlock = text.slice(text.indexOf('\na: ')).replace(/\s+/g, ' ');
    expect(aBlock).toMatch(/100 % of the spread of a comes from weight initialisation/);
    expect(aBlock).toMatch(
      /data order and the interaction of weight initialisation with data order are negligible/,
    );
    expect(text.replace(/\s+/g, ' ')).toMatch(/of the spread of score comes from weight initialisation/);
    expect(text).toMatch(/└─+┴─+┘/); // the dot plot's axis
    expect(text).toMatch(/●/);
    // One recorded run, its design stored with it.
    const records = openRecords(db, { readonly: true });
    try {
      const [line] = records.listRuns();
      const record = records.getRun(line.id);
      expect(record.options.design).toEqual({ crossed: ['init', 'order'], levels: 4 });
      expect(record.repeats).toBe(16);
      expect(record.status).toBe('complete');
      runId = record.id;
    } finally {
      records.close();
    }
    // A replay of one cell sets the recorded design's seeds: the same bits.
    const replay = capture();
    expect(await rerunCommand(runId, { repeat: '13', db }, replay)).toBe(0);
    expect(replay.stdout.join('')).toMatch(/identical: every metric matches bit for bit/);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/<svg[^>]*class="chart attribution"/);
    expect(html).toContain('Where the spread of score comes from');
    expect(html).toMatch(/negligible/);
  });

  it('--json gives the same numbers on a second run (intervals keyed by the seed)', async () => {
    const run = async () => {
      const io = capture();
      await attributeCommand(
        file,
        { export: 'default', levels: '3', record: false, json: true, resamples: '200', workers: '1' },
        io,
      );
      return JSON.parse(io.stdout.join(''));
    };
    const [first, second] = [await run(), await run()];
    expect(first.metrics).toEqual(second.metrics);
    expect(first.sources).toEqual(['init', 'order']);
  });

  it('bad input: --levels 1, an experiment without randomness, an unknown metric', async () => {
    await expect(
      attributeCommand(file, { export: 'default', levels: '1', record: false }, capture()),
    ).rejects.toThrow(/--levels: `levels` must be an integer ≥ 2 \(got 1\)/);
    await expect(attributeCommand(file, { export: 'constant', record: false }, capture())).rejects.toThrow(
      /draws from no source of randomness/,
    );
    await expect(
      attributeCommand(
        file,
        { export: 'default', levels: '2', metric: ['lost'], record: false, workers: '1' },
        capture(),
      ),
    ).rejects.toThrow(/no metric 'lost' in the runs \(metrics: score, a\)/);
  });

  it('is a command of the ditto CLI', async () => {
    const result = await runCli(['attribute', file, '--export', 'default', '--levels', '1', '--no-record']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ditto attribute: --levels: `levels` must be an integer ≥ 2 \(got 1\)/);
  });
});
