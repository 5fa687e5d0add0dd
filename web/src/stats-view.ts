/**
 * Statistics as tables: the summary of one configuration's final MSE (ditto's `describe`), and the
 * comparison of two configurations — the same tests the command line's `compare` reports: the
 * plain-words verdict (Mann–Whitney U and Cliff's δ), Welch's t-test, Hedges' g and the probability
 * of improvement with a bootstrap interval keyed by a fixed seed (so the interval is reproducible).
 */
import { KeyStream, key, nextBelow } from '../../src/random/index.js';
import {
  cliffsDelta,
  describe,
  hedgesG,
  mannWhitneyU,
  probabilityOfImprovement,
  type RandomSource,
  verdict,
  welchTTest,
} from '../../src/stats/index.js';
import { formatNumber, formatP } from '../../src/stats/verdict.js';

function table(caption: string, rows: Array<[string, string]>, className = 'stats'): HTMLTableElement {
  const t = document.createElement('table');
  t.className = className;
  const c = document.createElement('caption');
  c.textContent = caption;
  t.append(c);
  const body = document.createElement('tbody');
  for (const [name, value] of rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = name;
    const td = document.createElement('td');
    td.textContent = value;
    tr.append(th, td);
    body.append(tr);
  }
  t.append(body);
  return t;
}

const fmt = formatNumber;

/** A statistic's text, or why it cannot be computed for these samples (e.g. zero variance). */
function safe(compute: () => string): string {
  try {
    return compute();
  } catch (error) {
    return `— (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** n, mean, sd, sem, median, IQR, IQM, min, max and the 95% t-interval of the final MSE. */
export function summaryTable(values: readonly number[], caption: string): HTMLTableElement {
  const d = describe(values);
  const ci = values.length >= 2 ? `${fmt(d.ci.low)} … ${fmt(d.ci.high)}` : 'needs 2 runs';
  return table(caption, [
    ['runs (n)', String(d.n)],
    ['mean', fmt(d.mean)],
    ['standard deviation', values.length >= 2 ? fmt(d.std) : '—'],
    ['standard error', values.length >= 2 ? fmt(d.sem) : '—'],
    ['95% interval of the mean', ci],
    ['median', fmt(d.median)],
    ['interquartile range', `${fmt(d.q1)} … ${fmt(d.q3)} (${fmt(d.iqr)})`],
    ['interquartile mean', fmt(d.iqm)],
    ['min … max', `${fmt(d.min)} … ${fmt(d.max)}`],
  ]);
}

/** The bootstrap's randomness: ditto's keyed stream, so the interval is the same on every visit. */
function bootstrapSource(): RandomSource {
  const stream = new KeyStream(key(0));
  return { nextInt: (bound) => nextBelow(stream, bound) };
}

/** The comparison of A and B on final MSE (lower is better): a sentence and the numbers behind it. */
export function comparisonView(
  a: { name: string; values: readonly number[] },
  b: { name: string; values: readonly number[] },
): HTMLElement {
  const section = document.createElement('div');
  section.className = 'comparison-stats';
  const sentence = document.createElement('p');
  sentence.className = 'verdict';
  sentence.id = 'verdict';
  sentence.textContent = safe(() => verdict(a, b, { better: 'lower', metric: 'MSE' }).text);
  section.append(sentence);
  const rows: Array<[string, string]> = [];
  rows.push([
    'Mann–Whitney U',
    safe(() => {
      const mw = mannWhitneyU(a.values, b.values);
      return `U = ${fmt(mw.statistic)}, p = ${formatP(mw.pValue)} (${mw.method})`;
    }),
  ]);
  rows.push([
    `Cliff's δ(${a.name}, ${b.name})`,
    safe(() => {
      const cliff = cliffsDelta(a.values, b.values);
      return `${fmt(cliff.delta)} (${cliff.magnitude})`;
    }),
  ]);
  const enough = a.values.length >= 2 && b.values.length >= 2;
  rows.push([
    "Welch's t-test",
    enough
      ? safe(() => {
          const t = welchTTest(a.values, b.values);
          return `t = ${fmt(t.statistic)}, df = ${fmt(t.df)}, p = ${formatP(t.pValue)}`;
        })
      : 'needs at least 2 runs each',
  ]);
  rows.push([
    `Hedges' g(${a.name}, ${b.name})`,
    enough ? safe(() => fmt(hedgesG(a.values, b.values))) : 'needs at least 2 runs each',
  ]);
  rows.push([
    `P(a run of ${a.name} beats one of ${b.name})`,
    safe(() => {
      const poi = probabilityOfImprovement(a.values, b.values, {
        random: bootstrapSource(),
        nResamples: 2000,
      });
      return `${fmt(poi.estimate)} (95% bootstrap interval ${fmt(poi.low)} … ${fmt(poi.high)})`;
    }),
  ]);
  section.append(table(`Final MSE: ${a.name} vs ${b.name} (lower is better)`, rows));
  return section;
}
