// `ditto run --until` (repeats added a batch at a time until the mean's 95% CI is narrow enough),
// `ditto compare --until decided` and `ditto power`, through the command functions. The metrics
// are closed-form functions of the repeat index (no training), so the stopping points can be
// computed independently: the Python lines in the comments (NumPy 1.24.2, SciPy 1.10.1).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CommandIO,
  compareCommand,
  powerCommand,
  runCommand,
  showCommand,
} from '../packages/ditto-node/src/experiments/commands.js';
import { openRecords } from '../packages/ditto-node/src/experiments/index.js';
import { type OptionsWithUntil, untilOf } from '../packages/ditto-node/src/experiments/until.js';
import { repoRoot } from './helpers/run-tsx.js';

let dir: string;
let fileA: string;
let fileB: string;

const experimentsModule = pathToFileURL(join(repoRoot, 'packages/ditto/src/experiments/index.ts')).href;

/** An experiment whose metric m of repeat i is base + 0.05·sin(1.7·i + phase). */
function writeExperiment(path: string, name: string, base: number, phase: number): void {
  writeFileSync(
    path,
    `import { experiment } from ${JSON.stringify(experimentsModule)};
export default experiment({
  name: ${JSON.stringify(name)},
  repeats: 30,
  seed: 5,
  run: (ctx) => ({ m: ${base} + 0.05 * Math.sin(1.7 * ctx.index + ${phase}), other: ctx.index }),
});
`,
  );
}

function capture(): { io: CommandIO; out: () => string } {
  let text = '';
  return {
    io: {
      out: (t) => {
        text += t;
      },
      err: () => {},
      style: { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t },
      progress: false,
    },
    out: () => text,
  };
}

function runsIn(db: string): number {
  const records = openRecords(db);
  try {
    return records.listRuns().length;
  } finally {
    records.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ditto-until-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  fileA = join(dir, 'a.ts');
  fileB = join(dir, 'b.ts');
  writeExperiment(fileA, 'A', 1, 0);
  writeExperiment(fileB, 'B', 1.03, 0.5);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ditto run --until', () => {
  it('adds batches until the 95% CI of the mean is within the target, and records why it stopped', async () => {
    const db = join(dir, 'precise.db');
    const { io, out } = capture();
    // First batch 5 (at least 5 distinct values), then batches of 2 (the pool's size). Python: the
    // first n in 5, 7, 9, … with t.ppf(0.975, n−1)·sem(m[:n]) ≤ 0.02·|mean(m[:n])| is 17
    // (half-width 0.018504, 1.84% of the mean 1.0032).
    expect(await runCommand(fileA, { until: 'ci:2%', workers: '2', db, resamples: '100' }, io)).toBe(0);
    const records = openRecords(db);
    const record = records.findRun('latest');
    records.close();
    expect(record.repeats).toBe(17);
    expect(record.status).toBe('complete');
    const until = untilOf(record);
    expect(until).toMatchObject({ rule: 'ci:2%', metric: 'm', maxRepeats: 200 });
    expect(until?.stopped).toMatchObject({ reason: 'target', repeats: 17 });
    expect(until?.stopped?.text).toBe(
      "stopped at 17 repeats: the 95% CI of m's mean is ±0.0185 (1.845% of the mean) at n = 17, within ci:2%",
    );
    // The printed "enough repeats" is the same rule on the same interval; it looks at every n, and
    // the interval is within 2% from n = 16 on (Python: every n ≥ 16 has half-width ≤ 2%, n = 15
    // does not), while the run could only stop at a batch's end.
    const printed = out().replace(/\n\s+/g, ' ');
    expect(printed).toContain(until?.stopped?.text as string);
    expect(printed).toContain('enough repeats: the 95% CI stays within ±2% of the mean from n = 16 on');
    // ditto show says it too.
    const shown = capture();
    const report = join(dir, 'precise.html');
    await showCommand(record.id, { db, resamples: '100', report }, shown.io);
    expect(shown.out().replace(/\n\s+/g, ' ')).toContain(until?.stopped?.text as string);
    // And the HTML report.
    expect(readFileSync(report, 'utf8')).toContain("stopped at 17 repeats: the 95% CI of m's mean");
  });

  it('stops at --max-repeats when the target is out of reach, and says so', async () => {
    const db = join(dir, 'max.db');
    const { io } = capture();
    await runCommand(fileA, { until: 'ci:0.01%', maxRepeats: '9', workers: '2', db, resamples: '100' }, io);
    const records = openRecords(db);
    const record = records.findRun('latest');
    records.close();
    expect(record.repeats).toBe(9);
    expect(untilOf(record)?.stopped).toMatchObject({ reason: 'max-repeats', repeats: 9 });
    expect(untilOf(record)?.stopped?.text).toMatch(/^stopped at --max-repeats 9: .* not within ci:0\.01%$/);
  });

  it('resumes an interrupted growing run to the result of an uninterrupted one', async () => {
    const { io } = capture();
    const wholeDb = join(dir, 'whole.db');
    await runCommand(fileA, { until: 'ci:2%', workers: '2', db: wholeDb, resamples: '100' }, io);
    const first = openRecords(wholeDb);
    const whole = first.findRun('latest');
    first.close();
    // The interrupted state: 9 repeats done, the extension to 11 recorded, its batch never run
    // (as after a kill between recording the extension and finishing the batch).
    const db = join(dir, 'interrupted.db');
    await runCommand(fileA, { until: 'ci:2%', maxRepeats: '9', workers: '2', db, resamples: '100' }, io);
    const records = openRecords(db);
    const partial = records.findRun('latest');
    records.updateConfiguration(partial.id, 11, {
      ...(partial.options as OptionsWithUntil),
      until: { rule: 'ci:2%', metric: 'm', maxRepeats: 200 },
    });
    records.close();
    await runCommand(fileA, { until: 'ci:2%', resume: true, workers: '2', db, resamples: '100' }, io);
    const after = openRecords(db);
    const resumed = after.getRun(partial.id);
    after.close();
    expect(resumed.repeats).toBe(17);
    expect(untilOf(resumed)?.stopped).toEqual(untilOf(whole)?.stopped);
    expect(resumed.results.map((r) => (r.status === 'ok' ? r.metrics.m : null))).toEqual(
      whole.results.map((r) => (r.status === 'ok' ? r.metrics.m : null)),
    );
    // Resuming with another rule, or a run that has stopped, is refused before anything runs.
    await expect(
      runCommand(fileA, { until: 'ci:3%', resume: partial.id, workers: '2', db, resamples: '100' }, io),
    ).rejects.toThrow(/grows until ci:2%, not ci:3%/);
    await expect(
      runCommand(fileA, { until: 'ci:2%', resume: partial.id, workers: '2', db, resamples: '100' }, io),
    ).rejects.toThrow(/has already stopped \(stopped at 17 repeats: /);
  });

  it('refuses an impossible rule before any repeat runs', async () => {
    const db = join(dir, 'refused.db');
    const { io } = capture();
    const cases: [Record<string, string>, RegExp][] = [
      [
        { until: 'ci:0%' },
        /--until ci:0%: the target half-width must be a positive finite number of percent/,
      ],
      [{ until: 'ci:-1' }, /--until ci:-1: the target half-width must be a positive finite number/],
      [{ until: 'garbage' }, /--until must be ci:<percent>% .* \(got 'garbage'\)/],
      [{ until: 'ci:' }, /--until must be ci:/],
      [{ until: 'decided' }, /--until decided is for ditto compare/],
      [{ until: 'ci:5%', maxRepeats: '1' }, /--max-repeats must be a whole number ≥ 2 \(got '1'\)/],
      [
        { until: 'ci:5%', repeats: '20', maxRepeats: '10' },
        /--max-repeats 10 is below the first batch of 20/,
      ],
      [{ untilMetric: 'm' }, /--until-metric needs --until/],
    ];
    for (const [options, message] of cases) {
      await expect(runCommand(fileA, { ...options, db }, io)).rejects.toThrow(message);
    }
    await expect(runCommand(fileA, { until: 'ci:5%', record: false, db }, io)).rejects.toThrow(
      /drop --no-record/,
    );
    // Nothing ran: the database has no run (opening it creates it empty).
    expect(runsIn(db)).toBe(0);
  });

  it('names an unknown metric, after the first batch (the first moment metric names exist)', async () => {
    const db = join(dir, 'metric.db');
    const { io } = capture();
    await expect(
      runCommand(fileA, { until: 'ci:5%', untilMetric: 'accuracy', workers: '2', db }, io),
    ).rejects.toThrow(/--until-metric accuracy: the repeats report no such metric \(they report m, other\)/);
  });
});

describe('ditto compare --until decided', () => {
  it('grows both experiments until the anytime-valid test decides', async () => {
    const db = join(dir, 'decided.db');
    const { io, out } = capture();
    // Python: with D = m_A − m_B over the first n pairs, the Bayes factor (τ = 0.5) first reaches
    // 1/α = 20 at n = 11 (39.76, after 17.6… below 20 at n = 9); mean(D) = −0.029825.
    await compareCommand([fileA, fileB], { until: 'decided', workers: '2', db, resamples: '100' }, io);
    const records = openRecords(db);
    const runs = records.listRuns().map((line) => records.getRun(line.id));
    records.close();
    expect(runs.map((r) => r.repeats)).toEqual([11, 11]);
    for (const r of runs) expect(untilOf(r)).toMatchObject({ rule: 'decided', metric: 'm' });
    const stopped = untilOf(runs[0])?.stopped;
    expect(stopped?.reason).toBe('target');
    expect(stopped?.text).toMatch(
      /^decided at 11 repeats each: B's mean m is larger than A's; 95% confidence sequence/,
    );
    expect(out().replace(/\n\s+/g, ' ')).toContain(stopped?.text as string);
  });

  it('does not decide between identical experiments, and stops at the maximum', async () => {
    const db = join(dir, 'same.db');
    const { io } = capture();
    await compareCommand(
      [fileA, fileA],
      { until: 'decided', maxRepeats: '9', workers: '2', db, resamples: '100' },
      io,
    );
    const records = openRecords(db);
    const [run] = records.listRuns().map((line) => records.getRun(line.id));
    records.close();
    expect(untilOf(run)?.stopped).toMatchObject({ reason: 'max-repeats', repeats: 9 });
    expect(untilOf(run)?.stopped?.text).toMatch(/^not decided at --max-repeats 9 \(9 pairs\)/);
  });

  it('refuses a precision rule, a recorded run, or more than two experiments', async () => {
    const { io } = capture();
    const db = join(dir, 'refused-compare.db');
    await expect(compareCommand([fileA, fileB], { until: 'ci:5%', db }, io)).rejects.toThrow(
      /ditto compare --until takes 'decided'/,
    );
    await expect(compareCommand([fileA, 'latest'], { until: 'decided', db }, io)).rejects.toThrow(
      /'latest' is not a file \(a recorded run cannot grow\)/,
    );
    await expect(compareCommand([fileA, fileB, fileA], { until: 'decided', db }, io)).rejects.toThrow(
      /compares exactly two experiments \(got 3/,
    );
  });
});

describe('ditto power', () => {
  it("sizes a comparison from a pilot run's SD and mean", async () => {
    const db = join(dir, 'pilot.db');
    const quiet = capture();
    await runCommand(fileA, { repeats: '10', workers: '1', db, resamples: '100' }, quiet.io);
    const { io, out } = capture();
    expect(powerCommand('latest', { effect: '2%', db, json: true }, io)).toBe(0);
    const analysis = JSON.parse(out());
    // Python: x = 1 + 0.05·sin(1.7·arange(10)); sd = x.std(ddof=1) = 0.035145, Δ = 0.02·|x.mean()|
    // = 0.020104; n = ceil(2(z.975 + z.8)²(sd/Δ)² + z.975²/4) = ceil(47.974 + 0.960) = 49.
    expect(analysis.metric).toBe('m');
    expect(analysis.pilot.n).toBe(10);
    expect(analysis.repeatsPerArm).toBe(49);
    expect(analysis.pilot.sd).toBeCloseTo(0.0351453985609233, 12);
    await expect(async () => powerCommand('latest', { effect: '0%', db }, io)).rejects.toThrow(
      /--effect must be a positive number or percentage/,
    );
    await expect(async () =>
      powerCommand('latest', { effect: '5%', metric: 'nope', db }, io),
    ).rejects.toThrow(/has no metric 'nope' \(its metrics: m, other\)/);
  });
});
