// `ditto run --resume <id>` of a run with no repeat missing: nothing to run, so no pool is started;
// the command prints the run's summary and exits 0, and the recorded repeats stay as they were.
// (It used to crash: "Cannot read properties of null (reading 'inProcess')".)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords } from '../packages/ditto-node/src/experiments/records.js';
import { runCli } from './helpers/cli.js';
import { repoRoot } from './helpers/run-tsx.js';

let dir: string;
let file: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-resume-complete-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const src = (path: string) =>
    JSON.stringify(pathToFileURL(join(repoRoot, 'packages/ditto/src', path)).href);
  file = join(dir, 'draws.ts');
  db = join(dir, 'runs.db');
  writeFileSync(
    file,
    `import { experiment } from ${src('experiments/index.ts')};
import { nextKey, normal } from ${src('random/index.ts')};
export default experiment({
  name: 'draws', seed: 3, repeats: 4,
  run: () => ({ draw: normal(nextKey('init'), 1)[0] }),
});
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a resume must not touch: the run's identity and every recorded repeat. */
function recorded(id: string) {
  const records = openRecords(db, { readonly: true });
  try {
    const { status, seed, repeats, module, options, results } = records.getRun(id);
    return { status, seed, repeats, module, options, results };
  } finally {
    records.close();
  }
}

describe('resuming a complete run', () => {
  it('prints the summary, exits 0 and leaves the recorded repeats unchanged', async () => {
    const first = await runCli(['run', file, '--db', db, '--workers', '1', '--json'], { cwd: dir });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    const records = openRecords(db, { readonly: true });
    const [line] = records.listRuns();
    records.close();
    const before = recorded(line.id);
    expect(before.status).toBe('complete');
    expect(before.results.map((r) => r.index)).toEqual([0, 1, 2, 3]);

    const resumed = await runCli(['run', file, '--db', db, '--resume', line.id], { cwd: dir });
    expect(resumed.stderr).not.toMatch(/Cannot read properties/);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resumed run ${line.id}: ran the 0 missing repeat(s)`);
    // The summary of the four recorded repeats.
    expect(resumed.stdout).toContain(`4 ok · 0 failed`);
    expect(resumed.stdout).toContain(`(resumed) · run ${line.id}`);
    expect(resumed.stdout).toMatch(/draw \(lower is better\)\n {2}n 4 · mean /);
    expect(recorded(line.id)).toEqual(before);
  }, 60_000);
});
