/**
 * One configuration's panel: the form, the run (repeats in Web Workers), live progress and loss
 * curves, the distribution of the final MSE, the summary statistics, each run's weights hash and the
 * Node command that reproduces a run.
 */

import type { ExperimentRun, MetricSummary } from '../../packages/ditto/src/experiments/index.js';
import { resolveExperimentSeed, summarize } from '../../packages/ditto/src/experiments/index.js';
import { boxStripChart, lossChart } from './charts.js';
import {
  type ConfigErrors,
  type ConfigFields,
  defaultLearningRate,
  describeConfig,
  LIMITS,
  OPTIMIZERS,
  type PlaygroundConfig,
  parseConfig,
  replayCommand,
} from './config.js';
import { h, replaceChildren } from './dom.js';
import { METRIC, toExperimentRun } from './experiment-run.js';
import { runJobs, workerCount } from './pool.js';
import type { FitJob, FitResult } from './protocol.js';
import { summaryView } from './stats-view.js';

export interface PanelDefaults {
  hiddenUnits: number;
  epochs: number;
  optimizer: string;
  learningRate: string;
  seed: string;
  seeded: boolean;
  repeats: number;
  backend: 'js' | 'wasm';
}

let runCounter = 0;

function formatMse(value: number): string {
  return value >= 1e-4 ? value.toFixed(6) : value.toExponential(3);
}

export class Panel {
  readonly id: string;
  readonly name: string;
  /** The finished runs of the latest run, by repeat index. */
  results: FitResult[] = [];
  errors: string[] = [];
  /** Loss curves of runs still training, by repeat (filled where workers stream epochs). */
  private partial = new Map<number, number[]>();
  /** The configuration of the latest run. */
  config: PlaygroundConfig | undefined;
  /** The latest run's experiment seed: the one given, or the one drawn for "no seed". */
  experimentSeed: { value: bigint; drawn: boolean } | undefined;
  /** The latest complete run's statistics (as `ditto run` computes them). */
  private summary: MetricSummary | undefined;
  running = false;
  /** Called when a run finishes (for the comparison). */
  onFinished: () => void = () => {};
  readonly element: HTMLElement;

  private readonly form: HTMLFormElement;
  private readonly fields: Record<keyof ConfigFields, HTMLInputElement | HTMLSelectElement>;
  private readonly seededRadio: HTMLInputElement;
  private readonly noSeedRadio: HTMLInputElement;
  private readonly runButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressLabel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly lossFigure: HTMLElement;
  private readonly distFigure: HTMLElement;
  private readonly summaryBox: HTMLElement;
  private readonly runsBody: HTMLTableSectionElement;
  private readonly command: HTMLElement;
  private readonly commandNote: HTMLElement;
  private readonly copyButton: HTMLButtonElement;
  private abort: AbortController | undefined;
  private renderScheduled = false;
  /** Whether the person picked the run whose command is shown (else it follows run 1). */
  private commandChosen = false;
  /** Hashes of earlier runs by configuration, to show that a seeded re-run is identical. */
  private readonly previous = new Map<string, string[]>();

  constructor(id: string, name: string, defaults: PanelDefaults) {
    this.id = id;
    this.name = name;
    const fid = (field: string) => `${id}-${field}`;
    const errorOf = (field: string) => h('p', { class: 'error', id: fid(`${field}-error`) });
    const numberField = (
      field: keyof ConfigFields,
      label: string,
      value: number,
      min: number,
      max: number,
      hint: string,
    ) => {
      const input = h('input', {
        id: fid(field),
        name: field,
        type: 'number',
        inputmode: 'numeric',
        min,
        max,
        step: 1,
        value,
        required: true,
        'aria-describedby': `${fid(`${field}-hint`)} ${fid(`${field}-error`)}`,
      });
      const wrap = h(
        'div',
        { class: 'field' },
        h('label', { for: fid(field) }, label),
        input,
        h('p', { class: 'hint', id: fid(`${field}-hint`) }, hint),
        errorOf(field),
      );
      return { input, wrap };
    };

    const hidden = numberField(
      'hiddenUnits',
      'Hidden units',
      defaults.hiddenUnits,
      LIMITS.hiddenUnits.min,
      LIMITS.hiddenUnits.max,
      `1→n→1 network, n from 1 to ${LIMITS.hiddenUnits.max}`,
    );
    const epochs = numberField(
      'epochs',
      'Epochs',
      defaults.epochs,
      LIMITS.epochs.min,
      LIMITS.epochs.max,
      `full-batch, 1 to ${LIMITS.epochs.max}`,
    );
    const repeats = numberField(
      'repeats',
      'Repeats',
      defaults.repeats,
      LIMITS.repeats.min,
      LIMITS.repeats.max,
      `1 to ${LIMITS.repeats.max}, in Web Workers`,
    );

    const optimizer = h('select', {
      id: fid('optimizer'),
      name: 'optimizer',
      'aria-describedby': fid('optimizer-error'),
    });
    for (const name of OPTIMIZERS)
      optimizer.append(h('option', { value: name, selected: name === defaults.optimizer }, name));
    const learningRate = h('input', {
      id: fid('learningRate'),
      name: 'learningRate',
      type: 'text',
      inputmode: 'decimal',
      autocomplete: 'off',
      value: defaults.learningRate,
      placeholder: `default ${defaultLearningRate(defaults.optimizer)}`,
      'aria-describedby': `${fid('learningRate-hint')} ${fid('learningRate-error')}`,
    });
    optimizer.addEventListener('change', () => {
      learningRate.placeholder = `default ${defaultLearningRate(optimizer.value)}`;
    });

    this.seededRadio = h('input', {
      type: 'radio',
      name: fid('seeding'),
      id: fid('seeded'),
      value: 'seeded',
      checked: defaults.seeded,
    });
    this.noSeedRadio = h('input', {
      type: 'radio',
      name: fid('seeding'),
      id: fid('no-seed'),
      value: 'none',
      checked: !defaults.seeded,
    });
    const seed = h('input', {
      id: fid('seed'),
      name: 'seed',
      type: 'text',
      inputmode: 'numeric',
      autocomplete: 'off',
      value: defaults.seed,
      'aria-describedby': fid('seed-error'),
    });
    const syncSeed = () => {
      seed.disabled = !this.seededRadio.checked;
    };
    this.seededRadio.addEventListener('change', syncSeed);
    this.noSeedRadio.addEventListener('change', syncSeed);

    const backend = h(
      'select',
      { id: fid('backend'), name: 'backend' },
      h('option', { value: 'js', selected: defaults.backend === 'js' }, 'TypeScript'),
      h('option', { value: 'wasm', selected: defaults.backend === 'wasm' }, 'WebAssembly'),
    );

    this.fields = {
      hiddenUnits: hidden.input,
      epochs: epochs.input,
      optimizer,
      learningRate,
      seeded: this.seededRadio,
      seed,
      repeats: repeats.input,
      backend,
    };

    this.runButton = h('button', { type: 'submit', id: fid('run'), class: 'primary' }, `Run ${name}`);
    this.stopButton = h('button', { type: 'button', id: fid('stop'), disabled: true }, 'Stop');
    this.stopButton.addEventListener('click', () => this.stop());

    this.form = h(
      'form',
      { id: fid('form'), novalidate: true, 'aria-label': `Configuration ${name}` },
      h(
        'div',
        { class: 'fields' },
        hidden.wrap,
        epochs.wrap,
        h(
          'div',
          { class: 'field' },
          h('label', { for: fid('optimizer') }, 'Optimizer'),
          optimizer,
          errorOf('optimizer'),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: fid('learningRate') }, 'Learning rate'),
          learningRate,
          h('p', { class: 'hint', id: fid('learningRate-hint') }, 'empty: the optimizer’s default'),
          errorOf('learningRate'),
        ),
        h(
          'fieldset',
          { class: 'field seed' },
          h('legend', {}, 'Seed'),
          h('div', { class: 'radio' }, this.seededRadio, h('label', { for: fid('seeded') }, 'Seed')),
          h('label', { for: fid('seed'), class: 'visually-hidden' }, `Seed of ${name}`),
          seed,
          h(
            'div',
            { class: 'radio' },
            this.noSeedRadio,
            h('label', { for: fid('no-seed') }, 'No seed (each run draws one)'),
          ),
          errorOf('seed'),
        ),
        repeats.wrap,
        h('div', { class: 'field' }, h('label', { for: fid('backend') }, 'Backend'), backend),
      ),
      h('div', { class: 'actions' }, this.runButton, this.stopButton),
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run();
    });
    syncSeed();

    this.progress = h('progress', {
      id: fid('progress'),
      max: 1,
      value: 0,
      'aria-labelledby': fid('progress-label'),
    });
    this.progressLabel = h(
      'span',
      { id: fid('progress-label'), class: 'progress-label' },
      `${name}: not run yet`,
    );
    this.status = h(
      'p',
      { id: fid('status'), class: 'status', role: 'status' },
      'Set up the network and press Run.',
    );
    this.lossFigure = h('div', { class: 'figure-body' });
    this.distFigure = h('div', { class: 'figure-body' });
    this.summaryBox = h('div', { id: fid('summary') });
    this.command = h('code', { id: fid('command') });
    this.commandNote = h(
      'p',
      { id: fid('command-note'), class: 'hint' },
      'Run a configuration to get the command that reproduces a run in Node.',
    );
    this.copyButton = h('button', { type: 'button', id: fid('copy'), disabled: true }, 'Copy command');
    this.copyButton.addEventListener('click', () => void this.copyCommand());
    this.runsBody = h('tbody');

    this.element = h(
      'section',
      { class: `panel series-${id}`, id: fid('panel'), 'aria-labelledby': fid('title') },
      h(
        'h2',
        { id: fid('title') },
        h('span', { class: 'swatch', 'aria-hidden': 'true' }),
        `Configuration ${name}`,
      ),
      this.form,
      h('div', { class: 'progress-row' }, this.progress, this.progressLabel),
      this.status,
      h(
        'figure',
        {},
        h('figcaption', {}, 'Training loss, live: one line per run, the median in bold'),
        this.lossFigure,
      ),
      h('figure', {}, h('figcaption', {}, 'Final MSE of each run: box plot and strip'), this.distFigure),
      this.summaryBox,
      h(
        'section',
        { class: 'replay', 'aria-labelledby': fid('replay-title') },
        h('h3', { id: fid('replay-title') }, 'Reproduce a run in Node'),
        this.commandNote,
        h('pre', {}, this.command),
        this.copyButton,
      ),
      h(
        'section',
        { class: 'runs', 'aria-labelledby': fid('runs-title') },
        h('h3', { id: fid('runs-title') }, 'Runs'),
        h(
          'div',
          { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-labelledby': fid('runs-title') },
          h(
            'table',
            { id: fid('runs') },
            h(
              'caption',
              { class: 'visually-hidden' },
              `Runs of configuration ${name}: repeat index, its seed, final MSE and weights hash`,
            ),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Repeat'),
                h('th', { scope: 'col' }, 'Its seed'),
                h('th', { scope: 'col' }, 'Final MSE'),
                h('th', { scope: 'col' }, 'Weights hash (SHA-256)'),
                h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Command')),
              ),
            ),
            this.runsBody,
          ),
        ),
      ),
    );
    this.render();
  }

  private readFields(): ConfigFields {
    const value = (k: keyof ConfigFields) => this.fields[k].value;
    return {
      hiddenUnits: value('hiddenUnits'),
      epochs: value('epochs'),
      optimizer: value('optimizer'),
      learningRate: value('learningRate'),
      seeded: this.seededRadio.checked,
      seed: value('seed'),
      repeats: value('repeats'),
      backend: value('backend'),
    };
  }

  private showErrors(errors: ConfigErrors): void {
    for (const key of Object.keys(this.fields) as Array<keyof ConfigFields>) {
      const message = errors[key];
      const box = this.element.querySelector(`#${this.id}-${key}-error`);
      if (box) box.textContent = message ?? '';
      const field = this.fields[key];
      if (message) field.setAttribute('aria-invalid', 'true');
      else field.removeAttribute('aria-invalid');
    }
    const first = (Object.keys(errors) as Array<keyof ConfigFields>)[0];
    if (first) this.fields[first].focus();
  }

  /** Runs the configuration's repeats; resolves when they have all finished (or were stopped). */
  async run(): Promise<void> {
    if (this.running) return;
    const parsed = parseConfig(this.readFields());
    if ('errors' in parsed) {
      this.showErrors(parsed.errors);
      this.status.textContent = `${this.name}: please correct the highlighted fields.`;
      return;
    }
    this.showErrors({});
    const config = parsed.config;
    // No seed: draw one from the system's entropy, as `ditto run` does, and show it — every run of
    // this click can still be replayed from (drawn seed, repeat index).
    const seed = resolveExperimentSeed('playground', config.seed);
    this.config = config;
    this.experimentSeed = seed;
    this.summary = undefined;
    this.element.dataset.experimentSeed = String(seed.value);
    this.results = [];
    this.errors = [];
    this.partial.clear();
    this.commandChosen = false;
    this.command.textContent = '';
    this.running = true;
    this.abort = new AbortController();
    this.runButton.disabled = true;
    this.stopButton.disabled = false;
    this.element.setAttribute('aria-busy', 'true');
    const runId = ++runCounter;
    const jobs: FitJob[] = Array.from({ length: config.repeats }, (_, repeat) => ({
      runId,
      repeat,
      hiddenUnits: config.hiddenUnits,
      epochs: config.epochs,
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      backend: config.backend,
      experimentSeed: String(seed.value),
    }));
    const drawn = seed.drawn ? ` (drew seed ${seed.value})` : '';
    this.status.textContent = `${this.name}: running ${describeConfig(config)}${drawn} on ${workerCount(config.repeats)} workers…`;
    this.render();
    const started = performance.now();
    await runJobs(
      jobs,
      {
        onProgress: (progress) => {
          if (progress.runId !== runId) return;
          const curve = this.partial.get(progress.repeat) ?? [];
          curve.length = progress.from;
          curve.push(...progress.losses);
          this.partial.set(progress.repeat, curve);
          this.scheduleRender();
        },
        onResult: (result) => {
          if (result.runId !== runId) return;
          this.partial.delete(result.repeat);
          this.results.push(result);
          this.results.sort((a, b) => a.repeat - b.repeat);
          this.scheduleRender();
        },
        onError: (repeat, message) => {
          this.errors.push(repeat >= 0 ? `repeat ${repeat}: ${message}` : message);
          this.scheduleRender();
        },
      },
      this.abort.signal,
    );
    const stopped = this.abort.signal.aborted;
    this.running = false;
    this.runButton.disabled = false;
    this.stopButton.disabled = true;
    this.element.removeAttribute('aria-busy');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const parts = [
      stopped
        ? `${this.name}: stopped after ${this.results.length} of ${config.repeats} runs.`
        : `${this.name}: ${this.results.length} runs in ${seconds} s.`,
      seed.drawn ? `No seed given: drew seed ${seed.value}, so every run can still be replayed.` : '',
    ];
    const run = this.experimentRun();
    if (run && this.results.length > 0) {
      try {
        this.summary = summarize(run).metrics.find((m) => m.metric === METRIC);
      } catch {
        this.summary = undefined; // e.g. too few runs for a bootstrap: the description still shows
      }
    }
    if (this.errors.length > 0) parts.push(`${this.errors.length} failed: ${this.errors.join('; ')}`);
    parts.push(this.repeatCheck(config));
    this.status.textContent = parts.filter(Boolean).join(' ');
    this.render();
    this.onFinished();
  }

  /** For a seeded configuration run before: whether every hash came out the same again. */
  private repeatCheck(config: PlaygroundConfig): string {
    if (config.seed === undefined || this.results.length !== config.repeats) return '';
    const key = describeConfig(config);
    const hashes = this.results.map((r) => r.weightsHash);
    const before = this.previous.get(key);
    this.previous.set(key, hashes);
    if (!before) return 'Run it again: the same seed gives the same hashes.';
    const same = before.every((hash, i) => hash === hashes[i]);
    return same
      ? `All ${hashes.length} weights hashes are identical to the previous run of this configuration.`
      : 'The hashes differ from the previous run of this configuration — please report this as a bug.';
  }

  stop(): void {
    this.abort?.abort();
  }

  /** The latest run's results as an experiment run (what `ditto run` records). */
  experimentRun(): ExperimentRun | undefined {
    if (!this.config || !this.experimentSeed || this.results.length === 0) return undefined;
    return toExperimentRun(this.name, this.experimentSeed, this.config.repeats, this.results);
  }

  private scheduleRender(): void {
    if (this.renderScheduled) return;
    this.renderScheduled = true;
    requestAnimationFrame(() => {
      this.renderScheduled = false;
      this.render();
    });
  }

  private render(): void {
    const total = this.config?.repeats ?? 0;
    const done = this.results.length + this.errors.length;
    const epochs = this.config?.epochs ?? 1;
    let inFlight = 0;
    for (const curve of this.partial.values()) inFlight += curve.length / epochs;
    this.progress.max = Math.max(1, total);
    this.progress.value = Math.min(total, done + inFlight);
    this.progressLabel.textContent =
      total === 0 ? `${this.name}: not run yet` : `${this.name}: ${done} of ${total} runs`;
    if (this.running && done > 0) {
      this.status.textContent = `${this.name}: ${done} of ${total} runs done…`;
    }
    const curves = [...this.results.map((r) => r.losses), ...this.partial.values()];
    replaceChildren(this.lossFigure, lossChart(curves, this.id === 'a' ? 'a' : 'b'));
    replaceChildren(
      this.distFigure,
      boxStripChart([
        { label: this.name, values: this.results.map((r) => r.mse), series: this.id === 'a' ? 'a' : 'b' },
      ]),
    );
    replaceChildren(
      this.summaryBox,
      this.results.length > 0
        ? summaryView(
            this.results.map((r) => r.mse),
            this.running ? undefined : this.summary,
            `Final MSE of ${this.name}: summary`,
          )
        : null,
    );
    this.renderRuns();
  }

  private renderRuns(): void {
    const rows = this.results.map((r) => {
      const show = h(
        'button',
        {
          type: 'button',
          class: 'small',
          'aria-label': `Show the Node command for repeat ${r.repeat} of ${this.name}`,
        },
        'Command',
      );
      show.addEventListener('click', () => {
        this.commandChosen = true;
        this.showCommand(r);
      });
      return h(
        'tr',
        { 'data-repeat': r.repeat, 'data-hash': r.weightsHash, 'data-seed': r.seed },
        h('td', {}, String(r.repeat)),
        h('td', { class: 'mono' }, r.seed),
        h('td', { class: 'num' }, formatMse(r.mse)),
        h('td', { class: 'mono hash', title: r.weightsHash }, h('code', {}, r.weightsHash)),
        h('td', {}, show),
      );
    });
    replaceChildren(this.runsBody, ...rows);
    if (this.results.length > 0 && !this.commandChosen) this.showCommand(this.results[0]);
    if (this.results.length === 0) {
      this.command.textContent = '';
      this.copyButton.disabled = true;
    }
  }

  private showCommand(result: FitResult): void {
    if (!this.config || !this.experimentSeed) return;
    this.command.textContent = replayCommand(this.config, this.experimentSeed.value, result.repeat);
    this.command.dataset.hash = result.weightsHash;
    this.command.dataset.repeat = String(result.repeat);
    this.commandNote.textContent =
      `Prints the weights hash of repeat ${result.repeat} (trained with seed ${result.seed}): ` +
      `${result.weightsHash.slice(0, 16)}…`;
    this.copyButton.disabled = false;
  }

  private async copyCommand(): Promise<void> {
    const text = this.command.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      this.copyButton.textContent = 'Copied';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(this.command);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      this.copyButton.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => {
      this.copyButton.textContent = 'Copy command';
    }, 2000);
  }
}
