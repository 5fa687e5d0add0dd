/**
 * Progress of a run's repeats: a cli-progress bar with ETA on a terminal, one plain line per
 * repeat otherwise (logs, CI, pipes). Written to stderr, so `--json` output on stdout stays clean.
 * A failing repeat is reported as soon as it fails, with its index, seed and stack.
 *
 * @module
 */

import { SingleBar } from 'cli-progress';
import type { RepeatResult } from 'ditto/internal';

/** Receives a run's progress. */
export interface RepeatProgress {
  /** A run starts: `total` repeats to run now, `already` done in an earlier session. */
  start(name: string, total: number, already: number): void;
  /** One repeat finished (`done` of `total` this session). */
  update(result: RepeatResult, done: number, total: number): void;
  stop(): void;
}

/** Reports nothing. */
export const silentProgress: RepeatProgress = { start() {}, update() {}, stop() {} };

/** Formats a number for a progress line: 4 significant digits. */
function short(value: number): string {
  return Math.abs(value) >= 1e-3 || value === 0
    ? String(Number(value.toPrecision(4)))
    : value.toExponential(2);
}

/** The metrics of a result in a few characters, e.g. "mse 0.01234". */
function metricsText(result: RepeatResult): string {
  if (result.status === 'failed') return `FAILED: ${result.error.message}`;
  return Object.entries(result.metrics)
    .slice(0, 3)
    .map(([name, value]) => `${name} ${short(value)}`)
    .join('  ');
}

/** The lines that report a failed repeat: index, seed, stack. */
export function failureLines(result: RepeatResult & { status: 'failed' }): string[] {
  return [
    `repeat ${result.index} (seed ${result.seed}) failed:`,
    ...result.error.stack.split('\n').map((l) => `  ${l}`),
  ];
}

/**
 * The progress display for `stream` (default stderr): a bar with ETA when it is a terminal,
 * plain lines otherwise.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): RepeatProgress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

class LineProgress implements RepeatProgress {
  readonly #stream: NodeJS.WritableStream;
  #name = '';
  #width = 1;
  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }
  start(name: string, total: number, already: number): void {
    this.#name = name;
    this.#width = String(total).length;
    const resumed = already > 0 ? ` (${already} already recorded)` : '';
    this.#stream.write(`${name}: running ${total} repeat${total === 1 ? '' : 's'}${resumed}\n`);
  }
  update(result: RepeatResult, done: number, total: number): void {
    const count = `${String(done).padStart(this.#width)}/${total}`;
    this.#stream.write(`${this.#name} [${count}] repeat ${result.index}: ${metricsText(result)}\n`);
    if (result.status === 'failed') this.#stream.write(`${failureLines(result).join('\n')}\n`);
  }
  stop(): void {}
}

class BarProgress implements RepeatProgress {
  readonly #stream: NodeJS.WriteStream;
  #bar: SingleBar | undefined;
  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }
  start(name: string, total: number, already: number): void {
    const label = name.length > 24 ? `${name.slice(0, 23)}…` : name;
    this.#bar = new SingleBar({
      stream: this.#stream,
      format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted} | {last}`,
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 8,
    });
    this.#bar.start(total, 0, { last: already > 0 ? `${already} already recorded` : '' });
  }
  update(result: RepeatResult, done: number): void {
    if (result.status === 'failed') {
      // Print the failure above the bar, then redraw it.
      this.#stream.write('\r\x1b[K');
      this.#stream.write(`${failureLines(result).join('\n')}\n`);
    }
    this.#bar?.update(done, { last: `#${result.index} ${metricsText(result)}`.slice(0, 30) });
  }
  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
