/**
 * Progress of a run's repeats: a bar with an ETA from the repeats' measured times on a terminal
 * (drawn on each result, no timer), one plain line per repeat otherwise (logs, CI, pipes). Written to stderr, so `--json` output on stdout stays clean.
 * A failing repeat is reported as soon as it fails, with its index, seed and stack.
 *
 * @module
 */

import type { RepeatResult } from 'ditto/internal';
import { barLines, columnsOf, InPlaceBar } from '../progress.js';

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

/**
 * The time left, from the repeats' own measured times: their mean × the repeats left ÷ how many
 * ran at once (the measured repeat time per elapsed time: about 1 in this process, up to the
 * worker count on a pool). Null before the first result.
 */
export function estimateRemaining(
  measuredMs: readonly number[],
  elapsedMs: number,
  remaining: number,
): number | null {
  if (measuredMs.length === 0 || elapsedMs <= 0) return null;
  const sum = measuredMs.reduce((a, b) => a + b, 0);
  const concurrency = Math.max(1, sum / elapsedMs);
  return ((sum / measuredMs.length) * remaining) / concurrency;
}

/** "850ms", "12s", "3m05s". */
export function formatEta(ms: number | null): string {
  if (ms === null) return '…';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

class BarProgress implements RepeatProgress {
  readonly #stream: NodeJS.WriteStream;
  readonly #drawing: InPlaceBar;
  #label = '';
  #total = 0;
  #measured: number[] = [];
  #started = 0;
  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#drawing = new InPlaceBar(stream);
  }
  start(name: string, total: number, already: number): void {
    this.#label = name.length > 24 ? `${name.slice(0, 23)}…` : name;
    this.#total = total;
    this.#measured = [];
    this.#started = performance.now(); // determinism-ok: timing, reported only
    this.#draw(0, already > 0 ? `${already} already recorded` : '');
  }
  update(result: RepeatResult, done: number): void {
    if (result.status === 'failed') {
      // Print the failure above the bar, then redraw it.
      this.#drawing.clear();
      this.#stream.write(`${failureLines(result).join('\n')}\n`);
    }
    this.#measured.push(result.milliseconds);
    this.#draw(done, `#${result.index} ${metricsText(result)}`);
  }
  stop(): void {
    this.#drawing.end();
  }
  #draw(done: number, last: string): void {
    const eta = estimateRemaining(this.#measured, performance.now() - this.#started, this.#total - done); // determinism-ok: timing, reported only
    const text = [`ETA ${formatEta(done === this.#total ? 0 : eta)}`, last].filter(Boolean).join(' - ');
    this.#drawing.draw(
      barLines({ title: this.#label, done, total: this.#total, text }, columnsOf(this.#stream)),
    );
  }
}
