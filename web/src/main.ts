/**
 * The ditto playground: two configurations of the tutorial network, each run 1–100 times in Web
 * Workers, and their comparison. Everything runs in this page; it contacts no other origin.
 */
import { compareRuns, type ExperimentRun } from '../../packages/ditto/src/experiments/index.js';
import { boxStripChart } from './charts.js';
import { describeConfig } from './config.js';
import { h, replaceChildren } from './dom.js';
import { METRIC } from './experiment-run.js';
import { Panel } from './panel.js';
import { comparisonView } from './stats-view.js';

const common = {
  epochs: 100,
  optimizer: 'adam',
  learningRate: '',
  seed: '1',
  seeded: true,
  repeats: 30,
} as const;
const a = new Panel('a', 'A', { ...common, hiddenUnits: 10, backend: 'js' });
const b = new Panel('b', 'B', { ...common, hiddenUnits: 20, backend: 'js' });

const panels = document.getElementById('panels') as HTMLElement;
panels.append(a.element, b.element);

const comparison = document.getElementById('comparison-body') as HTMLElement;
const runBoth = document.getElementById('run-both') as HTMLButtonElement;

function renderComparison(): void {
  const runA = a.experimentRun();
  const runB = b.experimentRun();
  if (!runA || !runB || !a.config || !b.config || a.running || b.running) {
    replaceChildren(comparison, h('p', { class: 'hint' }, 'Run both configurations to compare them.'));
    return;
  }
  const values = (p: Panel) => p.results.map((r) => r.mse);
  replaceChildren(
    comparison,
    h(
      'ul',
      { class: 'configs' },
      h('li', { class: 'series-a' }, h('strong', {}, 'A: '), configText(a)),
      h('li', { class: 'series-b' }, h('strong', {}, 'B: '), configText(b)),
    ),
    h(
      'figure',
      {},
      h('figcaption', {}, 'Final MSE, A and B'),
      boxStripChart([
        { label: 'A', values: values(a), series: 'a' },
        { label: 'B', values: values(b), series: 'b' },
      ]),
    ),
    statistics(runA, runB),
  );
}

function configText(panel: Panel): string {
  const text = panel.config ? describeConfig(panel.config) : '';
  return panel.experimentSeed?.drawn ? `${text} (drew seed ${panel.experimentSeed.value})` : text;
}

/** `ditto compare`'s statistics of the two runs, or why they cannot be computed. */
function statistics(runA: ExperimentRun, runB: ExperimentRun): HTMLElement {
  try {
    return comparisonView(compareRuns([runA, runB], { metrics: [METRIC] }));
  } catch (error) {
    return h(
      'p',
      { class: 'error' },
      `Cannot compare: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

a.onFinished = renderComparison;
b.onFinished = renderComparison;
runBoth.addEventListener('click', async () => {
  runBoth.disabled = true;
  try {
    await a.run();
    await b.run();
  } finally {
    runBoth.disabled = false;
  }
});
renderComparison();
