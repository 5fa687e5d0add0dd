/**
 * Keras's CSVLogger: one row per epoch with the epoch and every log value. The core writes through
 * a {@link CSVSink}; a file name works where a file opener is registered (ditto-node registers one).
 */
import { checkBoolean, checkNonEmptyString, checkOptions, optionNames } from '../validate/index.js';
import type { Callback, Logs } from './callback.js';
import { csvRow, pythonFloat } from './csv-format.js';

/** Where a {@link CSVLogger} writes. */
export interface CSVSink {
  /** Called at the start of each fit; resolves to true when the file is new or empty (a header is due). */
  open(append: boolean): boolean | Promise<boolean>;
  /** Appends text (one row at a time, after each epoch, flushed). */
  write(text: string): void | Promise<void>;
  /** Called when the fit ends. */
  close?(): void | Promise<void>;
}

/** Opens a file by name as a sink (installed by ditto-node). */
export type CSVFileOpener = (filename: string) => CSVSink;

let fileOpener: CSVFileOpener | undefined;

/** Installs how `new CSVLogger(filename)` opens files (ditto-node calls it on import). */
export function setCsvFileOpener(opener: CSVFileOpener): void {
  fileOpener = opener;
}

/** Options of {@link CSVLogger} (Keras's `separator` and `append`). */
export interface CSVLoggerOptions {
  /** Between fields (default ','). */
  separator?: string;
  /** Append to an existing file, writing the header only when it is empty (default false: overwrite). */
  append?: boolean;
}

const OPTIONS = optionNames<CSVLoggerOptions>({ separator: true, append: true });

/**
 * Writes each epoch's logs as a CSV row, as Keras 3's CSVLogger: the columns are 'epoch' and the
 * first epoch's log names sorted (plus a 'val_' twin of each when there is no validation, written
 * 'NA'), values as Python writes floats, rows ended by '\r\n'.
 *
 * @example
 * ```ts
 * // In Node (import from 'ditto-node'): a file.
 * await model.fit(x, y, { epochs: 10, callbacks: [new CSVLogger('training.csv')] });
 * // Anywhere: a sink.
 * let text = '';
 * new CSVLogger({ open: () => true, write: (t) => { text += t; } });
 * ```
 */
export class CSVLogger implements Callback {
  readonly separator: string;
  readonly append: boolean;
  private readonly sink: CSVSink;
  private keys: string[] | null = null;
  private header = true;

  constructor(target: string | CSVSink, options: CSVLoggerOptions = {}) {
    checkOptions('CSVLogger', options, OPTIONS);
    if (options.separator !== undefined) checkNonEmptyString('CSVLogger', 'separator', options.separator);
    if (options.append !== undefined) checkBoolean('CSVLogger', 'append', options.append);
    this.separator = options.separator ?? ',';
    this.append = options.append ?? false;
    if (typeof target === 'string') {
      checkNonEmptyString('CSVLogger', 'filename', target);
      if (fileOpener === undefined) {
        throw new Error(
          "CSVLogger: writing to a file needs ditto-node (import from 'ditto-node'); elsewhere pass a sink { open, write, close }",
        );
      }
      this.sink = fileOpener(target);
    } else {
      const sink = target as Partial<CSVSink> | null;
      if (
        typeof sink !== 'object' ||
        sink === null ||
        typeof sink.open !== 'function' ||
        typeof sink.write !== 'function'
      ) {
        throw new TypeError('CSVLogger: expected a file name or a sink { open, write, close }');
      }
      this.sink = target;
    }
  }

  async onTrainBegin(): Promise<void> {
    const empty = await this.sink.open(this.append);
    this.header = !this.append || empty;
    this.keys = null;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.keys === null) {
      const keys = Object.keys(logs).sort();
      // Keras 3 adds 'val_' columns when the first epoch has none (validation every n epochs).
      if (keys.length > 0 && !keys.some((k) => k.startsWith('val_')))
        keys.push(...keys.map((k) => `val_${k}`));
      this.keys = keys;
      if (this.header) await this.sink.write(csvRow(['epoch', ...keys], this.separator));
    }
    const values = this.keys.map((k) => (logs[k] === undefined ? 'NA' : pythonFloat(logs[k])));
    await this.sink.write(csvRow([String(epoch), ...values], this.separator));
  }

  async onTrainEnd(): Promise<void> {
    await this.sink.close?.();
  }
}
