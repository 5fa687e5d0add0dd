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
  boxPlotSvg,
  convergenceSvg,
  convergenceTrail,
  formatComparison,
  formatRun,
  histogramSvg,
  lossCurvesSvg,
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
    // The only URL is the SVG namespace name, an identifier, not a request.
    const urls = new Set(html.match(/https?:\/\/[^\s"'<>)]+/g));
    expect([...urls]).toEqual(['http://www.w3.org/2000/svg']);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('has a box plot, histograms and a convergence plot per metric, the statistics and the verdicts', () => {
    expect(html.match(/<svg /g)?.length).toBe(6); // 2 metrics × 3 charts
    for (const metric of ['mse', 'acc']) {
      expect(html).toContain(`<title>Distribution of ${metric}</title>`);
      expect(html).toContain(`<title>Histograms of ${metric}</title>`);
      expect(html).toContain(`<title>Running mean of ${metric} with its 95% confidence interval</title>`);
    }
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

/** One chart of the report by its title. */
function chartOf(page: string, title: string): string {
  const svg = page.split('<svg ').find((part) => part.includes(`<title>${title}</title>`));
  if (!svg) throw new Error(`no chart titled ${title}`);
  return svg.slice(0, svg.indexOf('</svg>'));
}

const numberOf = (label: string) => Number(label.replace('−', '-'));

/** An axis' tick labels with their pixel positions, from the chart's own markup. */
function ticks(svg: string, axis: 'x-axis' | 'y-axis'): Array<{ value: number; at: number }> {
  const start = svg.indexOf(`class="axes ${axis}"`);
  const group = svg.slice(start, svg.indexOf('</g>', start));
  const attr = axis === 'x-axis' ? 'x' : 'y';
  return [...group.matchAll(/<text x="([\d.-]+)" y="([\d.-]+)"[^>]*class="tick"[^>]*>([^<]+)<\/text>/g)].map(
    (m) => ({
      value: numberOf(m[3]),
      // y labels sit 4 px below their tick (baseline centring).
      at: attr === 'x' ? Number(m[1]) : Number(m[2]) - 4,
    }),
  );
}

/** Where `value` belongs on an axis, interpolated between its first and last tick (linear or log). */
function expectedAt(axisTicks: Array<{ value: number; at: number }>, value: number, log = false): number {
  const f = log ? Math.log10 : (v: number) => v;
  const [a, b] = [axisTicks[0], axisTicks[axisTicks.length - 1]];
  return a.at + ((f(value) - f(a.value)) / (f(b.value) - f(a.value))) * (b.at - a.at);
}

const attrs = (markup: string, name: string, cls: string) =>
  [...markup.matchAll(new RegExp(`<${name} ([^>]*)class="${cls}"`, 'g'))].map((m) =>
    Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );

describe('charts (SVG shared with the playground)', () => {
  // Quartiles and medians by NumPy (np.percentile, linear): a without its failed repeat 4, and b.
  const quartiles = { a: [0.12, 0.16, 0.2], b: [0.0225, 0.035, 0.0475] };

  it("box plots put each experiment's quartiles, median and every repeat where the x axis says", () => {
    const svg = chartOf(html, 'Distribution of mse');
    const x = ticks(svg, 'x-axis');
    expect(x.length).toBeGreaterThanOrEqual(3);
    expect(svg).toContain('>mse</text>'); // the axis title; linear: 0.01 … 0.4 spans less than 100×
    const [groupA, groupB] = svg.split('<g class="group"').slice(1);
    expect(groupA).toContain('>baseline &lt;1→10→1&gt;</text>');
    expect(groupB).toContain('>wider &amp; deeper</text>');
    for (const [group, [q1, median, q3]] of [
      [groupA, quartiles.a],
      [groupB, quartiles.b],
    ] as const) {
      const [box] = attrs(group, 'rect', 'box');
      expect(Number(box.x)).toBeCloseTo(expectedAt(x, q1), 1);
      expect(Number(box.x) + Number(box.width)).toBeCloseTo(expectedAt(x, q3), 1);
      const [mark] = attrs(group, 'line', 'median-mark');
      expect(Number(mark.x1)).toBeCloseTo(expectedAt(x, median), 1);
    }
    const pointsB = attrs(groupB, 'circle', 'point').map((c) => Number(c.cx));
    const valuesB = [0.02, 0.04, 0.01, 0.06, 0.03, 0.05, 0.02, 0.09, 0.04, 0.03];
    expect(pointsB).toHaveLength(10);
    for (const [i, cx] of pointsB.entries()) expect(cx).toBeCloseTo(expectedAt(x, valuesB[i]), 1);
    expect(attrs(groupA, 'circle', 'point')).toHaveLength(9); // the failed repeat has no value
  });

  it('box plots switch to a log scale for values spanning decades: 10 sits halfway between 1 and 100', () => {
    const svg = boxPlotSvg('loss', [{ label: 'x', values: [1, 10, 10, 10, 100] }]);
    expect(svg).toContain('>loss (log scale)</text>');
    const x = ticks(svg, 'x-axis');
    expect(x.map((t) => t.value)).toEqual([1, 10, 100]);
    const [mark] = attrs(svg, 'line', 'median-mark');
    expect(Number(mark.x1)).toBeCloseTo((x[0].at + x[2].at) / 2, 1);
    // Whiskers at 1.5 IQR: the IQR is 0, so 1 and 100 are outliers and the whiskers end at 10.
    const whiskers = attrs(svg, 'line', 'whisker').flatMap((w) => [Number(w.x1), Number(w.x2)]);
    for (const end of whiskers) expect(end).toBeCloseTo(x[1].at, 1);
  });

  it('histograms count each value in its bin, bars as tall as the counts on their own axis', () => {
    const svg = histogramSvg('m', [{ label: 'one', values: [1, 1, 2, 3, 3, 3] }]);
    const x = ticks(svg, 'x-axis');
    const y = ticks(svg, 'y-axis');
    const bars = attrs(svg, 'rect', 'bar').map((b) => ({
      from: Number(b.x),
      to: Number(b.x) + Number(b.width),
      top: Number(b.y),
      bottom: Number(b.y) + Number(b.height),
    }));
    const binOf = (v: number) =>
      bars.find((b) => expectedAt(x, v) >= b.from - 1 && expectedAt(x, v) <= b.to + 1);
    const heightOf = (count: number) => expectedAt(y, 0) - expectedAt(y, count);
    expect(bars).toHaveLength(3);
    for (const [value, count] of [
      [1, 2],
      [2, 1],
      [3, 3],
    ]) {
      const bar = binOf(value);
      expect(bar, `bar of ${value}`).toBeDefined();
      expect((bar?.bottom ?? 0) - (bar?.top ?? 0)).toBeCloseTo(heightOf(count), 1);
      expect(bar?.bottom).toBeCloseTo(expectedAt(y, 0), 1);
    }
  });

  it('the convergence plot ends each running mean at the mean of all repeats, at n = the last repeat', () => {
    const svg = chartOf(html, 'Running mean of mse with its 95% confidence interval');
    const x = ticks(svg, 'x-axis');
    const y = ticks(svg, 'y-axis');
    const means = { a: 0.18333333333333332, b: 0.039 }; // NumPy
    const lines = attrs(svg, 'polyline', 'mean').map((l) =>
      l.points.split(' ').map((p) => p.split(',').map(Number)),
    );
    expect(lines).toHaveLength(2);
    for (const [line, mean, n] of [
      [lines[0], means.a, 9],
      [lines[1], means.b, 10],
    ] as const) {
      const [lastX, lastY] = line[line.length - 1];
      expect(lastX).toBeCloseTo(expectedAt(x, n), 1);
      expect(lastY).toBeCloseTo(expectedAt(y, mean), 1);
    }
    expect(svg).toContain('>repeats (n)</text>');
    expect(svg).toContain('>running mean of mse (95% CI)</text>');
  });

  it('loss curves draw the per-epoch median in bold on a log scale', () => {
    const svg = lossCurvesSvg(
      [
        [1, 0.1, 0.01],
        [2, 0.2, 0.02],
        [4, 0.4, 0.04],
      ],
      { className: 'series-a' },
    );
    expect(svg).toContain('>loss (log scale)</text>');
    const x = ticks(svg, 'x-axis');
    const y = ticks(svg, 'y-axis');
    const [median] = attrs(svg, 'polyline', 'median series-a');
    const at = median.points.split(' ').map((p) => p.split(',').map(Number));
    [2, 0.2, 0.02].forEach((loss, i) => {
      expect(at[i][0]).toBeCloseTo(expectedAt(x, i + 1), 1);
      expect(at[i][1]).toBeCloseTo(expectedAt(y, loss, true), 1);
    });
    expect(attrs(svg, 'polyline', 'run')).toHaveLength(3);
  });

  it('says "no runs yet" without data, and escapes labels', () => {
    expect(lossCurvesSvg([])).toContain('no runs yet');
    expect(boxPlotSvg('m', [{ label: 'A', values: [] }])).toContain('no runs yet');
    expect(convergenceSvg('m', [], 0.95)).toContain('no runs yet');
    expect(boxPlotSvg('a<b', [{ label: '"x" & <y>', values: [1, 2] }])).toContain(
      '&quot;x&quot; &amp; &lt;y&gt;',
    );
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
