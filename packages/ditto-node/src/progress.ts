/**
 * Node adapter: `fit`'s verbose=1 progress bar on a terminal. Off a terminal (pipes, CI logs) the
 * core's plain lines are kept.
 *
 * The bar fits the terminal's width without ever cutting a value: metric names are abbreviated
 * (`val_` → `v_`, no colons), the bar shrinks, and what still does not fit wraps onto further lines.
 * It draws only when told to (no timer), so it never keeps a process alive.
 */
import { consoleDisplay, type ProgressDisplay, setProgressDisplay } from 'ditto/internal';

/** Where a bar is drawn: a writable with an optional width (a TTY's `columns`). */
export interface BarStream {
  write(text: string): unknown;
  readonly columns?: number;
}

/** What one state of a bar shows. */
export interface BarState {
  /** e.g. "Epoch 3/10". */
  title: string;
  done: number;
  /** Steps of the epoch; undefined while unknown (a batch source's first epoch): shown as "Unknown". */
  total: number | undefined;
  /** Segments separated by " - ", e.g. "ETA 1.2s - loss: 0.0123 - val_loss: 0.0456". */
  text: string;
}

const WIDEST_BAR = 24;
const NARROWEST_BAR = 8;

/** "val_loss: 0.0456" → "v_loss 0.0456": shorter, every digit kept. */
export function abbreviate(segment: string): string {
  return segment.replace(/^val_/, 'v_').replace(/^([\w.-]+): /, '$1 ');
}

/**
 * The lines a bar takes at `columns` characters: one when it fits (abbreviated, with a narrower bar
 * if needed), else the bar and the first segments on the first line and the rest wrapped below,
 * indented. No segment is ever cut; a single segment longer than a line gets a line of its own.
 *
 * @example
 * ```ts
 * barLines({ title: 'Epoch 1/5', done: 3, total: 8, text: 'loss: 0.5' }, 80);
 * // ['Epoch 1/5 [█████████---------------] 3/8 loss: 0.5']
 * ```
 */
export function barLines(state: BarState, columns: number): string[] {
  const segments = state.text.split(' - ').filter((s) => s !== '');
  const count = `${state.done}/${state.total ?? 'Unknown'}`;
  const line = (barWidth: number, parts: string[]) =>
    [state.title, bar(state.done, state.total, barWidth), count, ...parts].filter(Boolean).join(' ');
  const full = line(WIDEST_BAR, segments.length ? [segments.join(' - ')] : []);
  if (full.length <= columns) return [full];
  const short = segments.map(abbreviate);
  for (let width = WIDEST_BAR; width >= NARROWEST_BAR; width -= 4) {
    const candidate = line(width, short.length ? [short.join(' · ')] : []);
    if (candidate.length <= columns) return [candidate];
  }
  // Wrap: as many segments as fit after the narrowest bar, then the rest, indented.
  const lines: string[] = [];
  let current = line(NARROWEST_BAR, []);
  let separator = ' ';
  for (const segment of short) {
    const joined = `${current}${separator}${segment}`;
    if (joined.length <= columns || separator === '') current = joined;
    else {
      lines.push(current);
      current = `  ${segment}`;
    }
    separator = ' · ';
  }
  lines.push(current);
  return lines;
}

function bar(done: number, total: number | undefined, width: number): string {
  const filled = total !== undefined && total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${'█'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * Draws successive states of a bar in place: each redraw returns to the first line of the last
 * drawing, clears it and writes the new lines.
 */
export class InPlaceBar {
  #drawn = 0;
  constructor(readonly stream: BarStream) {}

  draw(lines: string[]): void {
    const up = this.#drawn > 1 ? `\x1b[${this.#drawn - 1}A` : '';
    this.stream.write(`\r${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}`);
    this.#drawn = lines.length;
  }

  /** Leaves the last drawing on screen and moves below it. */
  end(): void {
    if (this.#drawn > 0) this.stream.write('\n');
    this.#drawn = 0;
  }

  /** Removes the last drawing (to print something else there). */
  clear(): void {
    if (this.#drawn === 0) return;
    const up = this.#drawn > 1 ? `\x1b[${this.#drawn - 1}A` : '';
    this.stream.write(`\r${up}\x1b[J`);
    this.#drawn = 0;
  }
}

/** The width to lay a bar out in: the terminal's, else 80. */
export function columnsOf(stream: BarStream): number {
  return stream.columns && stream.columns > 0 ? stream.columns : 80;
}

/** `fit`'s bar on `stream` (default stdout). */
export function terminalDisplay(stream: BarStream = process.stdout): ProgressDisplay {
  return {
    startEpoch(title, steps) {
      const drawing = new InPlaceBar(stream);
      const draw = (done: number, text: string, total = steps) =>
        drawing.draw(barLines({ title, done, total, text }, columnsOf(stream)));
      draw(0, '');
      return {
        update: draw,
        finish(text) {
          // The final text starts "n/n - ": the epoch's step count, known now even for a batch source.
          const total = steps ?? Number(/^(\d+)\//.exec(text)?.[1] ?? 0);
          draw(total, text.replace(/^\d+\/\d+ - /, ''), total);
          drawing.end();
        },
      };
    },
    line(text) {
      stream.write(`${text}\n`);
    },
  };
}

/** Installs the terminal bar when stdout is a terminal. */
export function installTerminalProgress(): void {
  setProgressDisplay(process.stdout.isTTY ? terminalDisplay(process.stdout) : consoleDisplay);
}
