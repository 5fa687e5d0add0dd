// Every printer of a run or a comparison shows the IQR in one form and Cliff's δ with one sign
// convention: δ(a, b) > 0 when a's values tend to be larger, always labelled with the pair's order.
import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  type ExperimentRun,
  experiment,
  runExperiment,
  summarize,
} from '../packages/ditto/src/experiments/index.js';
import { formatIqr } from '../packages/ditto/src/stats/verdict.js';
import { formatComparison, formatRun, renderReport } from '../packages/ditto-node/src/report/index.js';

async function runOf(name: string, values: number[]): Promise<ExperimentRun> {
  return runExperiment(
    experiment({ name, repeats: values.length, seed: 3, run: (ctx) => ({ mse: values[ctx.index] }) }),
  );
}

// np.quantile(a, [0.25, 0.75]) -> 0.1125, 0.2; of b -> 0.0225, 0.0475 (NumPy 1.24.2)
const valuesA = [0.12, 0.3, 0.05, 0.2, 0.11, 0.16, 0.4, 0.09, 0.13, 0.2];
const valuesB = [0.02, 0.04, 0.01, 0.06, 0.03, 0.05, 0.02, 0.09, 0.04, 0.03];
const stats = { nResamples: 200 };

describe('the IQR, printed one way', () => {
  it('formats as "IQR x (Q1–Q3 q1–q3)"', () => {
    expect(formatIqr(0.31, 0.43)).toBe('IQR 0.12 (Q1–Q3 0.31–0.43)');
  });

  it('in the run text, the comparison table and the HTML report alike', async () => {
    const a = await runOf('A', valuesA);
    const b = await runOf('B', valuesB);
    const iqrA = 'IQR 0.0875 (Q1–Q3 0.1125–0.2)';
    const iqrB = 'IQR 0.025 (Q1–Q3 0.0225–0.0475)';
    // Wrapped lines joined again: the form may break at a space.
    expect(formatRun(a, summarize(a, stats)).join('\n').replace(/\n\s+/g, ' ')).toContain(iqrA);
    const comparison = compareRuns([a, b], stats);
    const text = formatComparison(comparison).join('\n');
    expect(text).toContain(iqrA);
    expect(text).toContain(iqrB);
    expect(text.split('\n').every((line) => line.length <= 80)).toBe(true);
    const html = await renderReport({
      runs: [
        { label: 'A', run: a, summary: summarize(a, stats) },
        { label: 'B', run: b, summary: summarize(b, stats) },
      ],
      comparison,
    });
    expect(html).toContain(iqrA);
    expect(html).not.toMatch(/IQR \(q1/);
  });

  it('keeps the comparison table within 80 columns when the numbers need exponents', async () => {
    // np.quantile(x, [0.25, 0.75]) for x = 2.844e-10 · (1 … 10)^6: exponent forms on both ends.
    const tiny = Array.from({ length: 10 }, (_, i) => 2.844e-10 * (i + 1) ** 6);
    const a = await runOf('sixteen chars ab', tiny);
    const b = await runOf('B', valuesB);
    const text = formatComparison(compareRuns([a, b], stats)).join('\n');
    expect(text.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect(text.replace(/\n\s+/g, ' ')).toMatch(
      /sixteen chars ab +10 +.* IQR \S+e-\d+ \(Q1–Q3 \S+e-\d+–\S+e-\d+\)/,
    );
  });
});

describe("Cliff's δ, one sign convention", () => {
  it('is δ(a, b) in the verdict, the terminal pair line and the HTML table', async () => {
    // A's values are larger: δ(A, B) = np.mean(np.sign(a[:, None] − b[None, :])) = 0.94 > 0, and
    // B wins (lower is better). Before, the verdict printed δ(B, A) = −0.94 next to "δ = 0.94".
    const a = await runOf('A', valuesA);
    const b = await runOf('B', valuesB);
    const comparison = compareRuns([a, b], stats);
    const pair = comparison.metrics[0].pairs[0];
    expect(pair.cliffsDelta.delta).toBeCloseTo(0.94, 12);
    expect(pair.verdict.winner).toBe('B');
    expect(pair.verdict.text).toContain("Cliff's δ(A, B) = 0.94");
    const text = formatComparison(comparison).join('\n');
    expect(text).toContain("Cliff's δ(A, B) = 0.94 (large)");
    expect(text).not.toMatch(/δ\(B, A\)/);
    const html = await renderReport({
      runs: [
        { label: 'A', run: a, summary: summarize(a, stats) },
        { label: 'B', run: b, summary: summarize(b, stats) },
      ],
      comparison,
    });
    expect(html).toContain('δ(A, B) = 0.94 (large)');
    expect(html).not.toContain('δ(B, A)');
  });
});
