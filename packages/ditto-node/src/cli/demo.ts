/**
 * `ditto demo`: the reproducibility tutorial, told in under a second.
 *  1. Ten unseeded fits of the 1→10→1 network: ten different errors, each with the seed it drew —
 *     and the luckiest replayed from its seed, bit for bit.
 *  2. setSeed(1), ten fits: ten different errors that are the same on every run — checked against a
 *     child process by weight hash.
 *  3. Thirty repeats summarised: the tutorial's "repeat your experiment" answer.
 *  4. Which source of randomness drives that spread (demo-attribution.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  describe as describeSample,
  fitTutorial,
  getSeed,
  restoreSeedState,
  runExperiment,
  seededFits,
  successes,
  tutorialData,
  tutorialExperiment,
} from 'ditto/internal';
import pc from 'picocolors';
import { type AttributionDemoResult, formatAttributionDemo, runAttributionDemo } from './demo-attribution.js';
import { textBoxPlot } from './text-plot.js';

export interface DemoResult {
  unseeded: { seeds: string[]; seed: string; mses: number[]; replayIdentical: boolean };
  seeded: { seed: number; mses: number[]; weightsHashes: string[]; childProcessIdentical: boolean };
  repeats: {
    seed: number;
    n: number;
    mses: number[];
    summary: { n: number; mean: number; std: number; median: number; min: number; max: number };
  };
  /** Part 4: which source drives the spread. */
  attribution: AttributionDemoResult;
  milliseconds: number;
}

const SEEDED_SEED = 1;
const REPEATS_SEED = 7;

async function childSeededHashes(): Promise<string[]> {
  // A small entry that loads only the training code: the child starts in a fraction of the CLI's time.
  const child = fileURLToPath(new URL('./demo-child.js', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...process.execArgv,
    child,
    String(SEEDED_SEED),
  ]);
  return JSON.parse(stdout).weightsHashes;
}

/** Runs the whole demo and returns its results. */
export async function runDemo(options: { checkChild?: boolean } = {}): Promise<DemoResult> {
  const started = performance.now(); // determinism-ok: elapsed time is reported, not used in results
  // The child process trains on the other core while this one runs parts 1 and 2.
  const childHashes = options.checkChild === false ? null : childSeededHashes();
  const data = tutorialData();

  // 1. Unseeded: each fit starts from a fresh, unseeded state, as separate runs of a script would.
  const seeds: string[] = [];
  const unseededMses: number[] = [];
  const hashes: string[] = [];
  for (let i = 0; i < 10; i++) {
    restoreSeedState({ seed: undefined, drawn: false, counters: {} });
    const r = await fitTutorial({}, data);
    seeds.push(String(getSeed()));
    unseededMses.push(r.mse);
    hashes.push(r.weightsHash);
  }
  const lucky = unseededMses.indexOf(Math.min(...unseededMses));
  const replay = await fitTutorial({ seed: BigInt(seeds[lucky]) }, data);

  // 2. Seeded, here and in a child process.
  const seededRun = await seededFits(SEEDED_SEED);
  const child = childHashes ? await childHashes : seededRun.weightsHashes;

  // 3. Thirty repeats through the experiment runner: repeat i's seed is derived from
  //    (experiment seed, i), so any one of them can be re-run alone.
  const run = await runExperiment(tutorialExperiment({ seed: REPEATS_SEED, repeats: 30 }));
  const done = successes(run);
  if (done.length !== 30) throw new Error(`demo: ${30 - done.length} of the 30 repeats failed`);
  const repeatMses = done.map((r) => r.metrics.mse);
  const d = describeSample(repeatMses);

  // 4. Which source of randomness drives that spread.
  const attribution = await runAttributionDemo();

  return {
    unseeded: {
      seeds,
      seed: seeds[lucky],
      mses: unseededMses,
      replayIdentical: replay.weightsHash === hashes[lucky],
    },
    seeded: {
      seed: SEEDED_SEED,
      mses: seededRun.mses,
      weightsHashes: seededRun.weightsHashes,
      childProcessIdentical: child.length === 10 && child.every((h, i) => h === seededRun.weightsHashes[i]),
    },
    repeats: {
      seed: REPEATS_SEED,
      n: repeatMses.length,
      mses: repeatMses,
      summary: { n: d.n, mean: d.mean, std: d.std, median: d.median, min: d.min, max: d.max },
    },
    attribution,
    milliseconds: performance.now() - started, // determinism-ok: reporting only
  };
}

/** Six significant digits, fixed-point where that stays readable. */
const fmt = (v: number) => (v >= 1e-4 || v === 0 ? v.toFixed(6) : v.toExponential(2).padStart(8));

/** The demo as a person reads it. */
export function formatDemo(r: DemoResult): string {
  const lines: string[] = [];
  const heading = (t: string) => lines.push('', pc.bold(t));
  lines.push(pc.bold('ditto demo — the reproducibility tutorial, reproduced'));
  lines.push('A 1→10→1 MLP fitted to 0.0, 0.1, … 0.9 (9 pairs), Adam, MSE, 100 epochs, full batch.');

  heading('1. Ten unseeded fits: the same code, ten different results');
  const seedWidth = Math.max(...r.unseeded.seeds.map((s) => s.length));
  r.unseeded.mses.forEach((m, i) => {
    lines.push(
      `   run ${String(i + 1).padStart(2)}   seed ${r.unseeded.seeds[i].padStart(seedWidth)}   MSE ${fmt(m)}`,
    );
  });
  const spread = Math.max(...r.unseeded.mses) / Math.min(...r.unseeded.mses);
  lines.push(
    `   spread: ${fmt(Math.min(...r.unseeded.mses))} … ${fmt(Math.max(...r.unseeded.mses))} (×${spread.toFixed(1)})`,
  );
  lines.push(
    `   replaying the luckiest run from its recorded seed ${r.unseeded.seed}: ${
      r.unseeded.replayIdentical
        ? pc.green('identical weights')
        : pc.red('DIFFERENT weights — a reproducibility bug')
    }`,
  );

  heading(`2. setSeed(${r.seeded.seed}), then ten fits: different from each other, the same on every run`);
  r.seeded.mses.forEach((m, i) => {
    lines.push(
      `   fit ${String(i + 1).padStart(2)}   MSE ${fmt(m)}   weights ${r.seeded.weightsHashes[i].slice(0, 16)}…`,
    );
  });
  lines.push(
    r.seeded.childProcessIdentical
      ? `   the same ten fits in a child process: ${pc.green('identical')} (all 10 weight hashes match)`
      : pc.red('   the same ten fits in a child process: MISMATCH — the determinism contract is broken'),
  );

  heading(
    `3. Repeat and summarise: ${r.repeats.n} repeats (seeds derived from ${r.repeats.seed} and the repeat index)`,
  );
  const s = r.repeats.summary;
  lines.push(
    `   mean ${fmt(s.mean)}   std ${fmt(s.std)}   median ${fmt(s.median)}   min ${fmt(s.min)}   max ${fmt(s.max)}`,
  );
  lines.push(...textBoxPlot([{ label: 'MSE', values: r.repeats.mses }], { width: 60 }).map((l) => `   ${l}`));

  heading('4. Which source of randomness drives the spread: each varied while the others stay bit-fixed');
  lines.push(...formatAttributionDemo(r.attribution));
  lines.push('', pc.dim(`done in ${r.milliseconds.toFixed(0)} ms`));
  return lines.join('\n');
}
