// Reports: the offline HTML file (self-contained: no scripts, no requests of any kind) and the
// terminal text (80 columns, box plots on a log scale when values span orders of magnitude).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Comparison,
  compareRuns,
  type ExperimentRun,
  experiment,
  runExperiment,
  summarize,
} from '../packages/ditto/src/experiments/index.js';
import { textBoxPlot } from '../packages/ditto-node/src/cli/text-plot.js';
import {
  convergenceTrail,
  formatComparison,
  formatRun,
  renderReport,
  wantsLogScale,
} from '../packages/ditto-node/src/report/index.js';

async function runOf(name: string, values: number[], fail?: number): Promise<ExperimentRun> {
  return runExperiment(
    experiment({
      name,
      repeats: values.length,
      seed: 3,
      run: (ctx) => {
        if (ctx.index === fail) throw new Error(`failed <on purpose> at ${ctx.index}`);
        return { mse: values[ctx.index], acc: 1 - values[ctx.index] };
      },
    }),
  );
}

const stats = { nResamples: 200 };
let a: ExperimentRun;
let b: ExperimentRun;
let comparison: Comparison;
let html: string;

beforeAll(async () => {
  a = await runOf('baseline <1→10→1>', [0.12, 0.3, 0.05, 0.2, 0.11, 0.16, 0.4, 0.09, 0.13, 0.2], 4);
  b = await runOf('wider & deeper', [0.02, 0.04, 0.01, 0.06, 0.03, 0.05, 0.02, 0.09, 0.04, 0.03]);
  comparison = compareRuns([a, b], stats);
  html = await renderReport({
    runs: [
      { label: a.name, run: a, summary: summarize(a, stats) },
      { label: b.name, run: b, summary: summarize(b, stats) },
    ],
    comparison,
  });
});

describe('HTML report', () => {
  it('is one self-contained document: no scripts, no links, nothing to fetch', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href|xlink:href)=/i);
    // The only URLs are the SVG namespace names, which are identifiers, not requests.
    const urls = new Set(html.match(/https?:\/\/[^\s"'<>)]+/g));
    expect([...urls].sort()).toEqual(['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('has a box plot, histograms and a convergence plot per metric, the statistics and the verdicts', () => {
    expect(html.match(/<svg /g)?.length).toBe(6); // 2 metrics × 3 charts
    expect(html).toContain('<h2>mse <span class="muted">(lower is better)</span></h2>');
    expect(html).toContain('How many repeats are enough');
    const verdict = comparison.metrics[0].pairs[0].verdict.text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    expect(html).toContain(verdict.replace(/>/g, '&gt;'));
    expect(html).toContain('Welch');
    expect(html).not.toContain('Kruskal'); // two runs: no test across groups
    // The failed repeat is listed with its seed and stack.
    expect(html).toMatch(/repeat 4 \(seed <code>\d+<\/code>\) — failed &lt;on purpose&gt; at 4/);
  });

  it('escapes names', () => {
    expect(html).toContain('baseline &lt;1→10→1&gt;');
    expect(html).toContain('wider &amp; deeper');
    expect(html).not.toContain('<1→10→1>');
  });

  it('is the same for the same input', async () => {
    const again = await renderReport({
      runs: [
        { label: a.name, run: a, summary: summarize(a, stats) },
        { label: b.name, run: b, summary: summarize(b, stats) },
      ],
      comparison,
    });
    expect(again).toBe(html);
  });
});

describe('terminal text', () => {
  const width = (lines: string[]) => Math.max(...lines.map((l) => [...l].length));

  it('fits a run and a comparison into 80 columns', () => {
    const run = formatRun(a, summarize(a, stats), { id: '20250101-000000-abcd', workers: 2, backend: 'js' });
    expect(width(run)).toBeLessThanOrEqual(80);
    expect(run.join('\n')).toMatch(/repeat 4 \(seed \d+\): failed <on purpose> at 4/);
    const text = formatComparison(comparison);
    expect(width(text)).toBeLessThanOrEqual(80);
    expect(text.join('\n')).toContain('wider & deeper');
  });

  it('shows the running mean ± half-width at n = 5, 10, 20, … and the last n', async () => {
    const run = await runOf(
      'long',
      Array.from({ length: 57 }, (_, i) => 1 + (i % 7)),
    );
    const m = summarize(run, stats).metrics[0];
    const at = (n: number) => m.convergence.points.find((p) => p.n === n);
    const trail = convergenceTrail(m) ?? '';
    expect([...trail.matchAll(/(\d+): /g)].map((x) => Number(x[1]))).toEqual([5, 10, 20, 50, 57]);
    // n = 7: the first week of values 1…7, mean 4 exactly.
    expect(at(7)?.mean).toBe(4);
    expect(trail).toContain(`50: ${String(Number(at(50)?.mean.toPrecision(4)))} ± `);
  });

  it('uses a log scale only for positive values spanning two orders of magnitude', () => {
    expect(wantsLogScale([{ values: [0.001, 0.1] }])).toBe(true);
    expect(wantsLogScale([{ values: [0.002, 0.1] }])).toBe(false);
    expect(wantsLogScale([{ values: [0, 0.1, 1] }])).toBe(false);
  });

  it('textBoxPlot on a log scale puts a value halfway between decades in the middle', () => {
    // log(10) is halfway between log(1) and log(100): with 21 columns, column 10.
    const [row] = textBoxPlot([{ label: 'x', values: [1, 10, 10, 10, 100] }], { width: 21, log: true });
    expect(row.indexOf('┃') - 2).toBe(10);
    const [linear] = textBoxPlot([{ label: 'x', values: [1, 10, 10, 10, 100] }], { width: 21 });
    expect(linear.indexOf('┃') - 2).toBe(2); // (10 − 1)/99 · 20 = 1.8 → column 2
  });
});
